/** Stands in for `test/support/child.ts` inside the Durable Object: there are no child processes. */
import { notApplicable } from './not-applicable.ts';

export const spawnChild = (): never => notApplicable('a child process');
export const childInbox = (): never => notApplicable('a child process');
export const reply = (): never => notApplicable('a child process');
