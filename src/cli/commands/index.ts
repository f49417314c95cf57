/** The commands of `lash-store`, in the order the help lists them. */
import type { Command } from '../command.ts';
import { inspectCommand } from './inspect.ts';
import { gcCommand, vacuumCommand } from './maintenance.ts';
import { exportCommand, importCommand } from './transfer.ts';
import { verifyCommand } from './verify.ts';

export const COMMANDS: readonly Command[] = [inspectCommand, verifyCommand, gcCommand, vacuumCommand, exportCommand, importCommand];
