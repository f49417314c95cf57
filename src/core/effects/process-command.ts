/**
 * Process-control commands (§5.2), identical for every controller: they run
 * against the registry of a `process_control` executor. Interim: the
 * process registry is not on main yet, so every command is refused.
 */
import { RuntimeEffectControllerError } from '../errors.ts';
import type { ProcessRegistry } from './process-interim.ts';
import type { ProcessCommand, ProcessEffectOutcome } from './types.ts';

export async function executeProcessCommand(command: ProcessCommand, _registry: ProcessRegistry): Promise<ProcessEffectOutcome> {
  throw new RuntimeEffectControllerError(
    'runtime_effect_local_executor_unavailable',
    `process command \`${command.op}\` needs the process registry, which this build does not include yet`,
  );
}
