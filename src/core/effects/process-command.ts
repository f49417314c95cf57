/**
 * Process-control commands (§5.2), identical for every controller: they run
 * against the registry of a `process_control` executor. A command never runs
 * a process itself: `start` registers (and grants) it for the lease-protected
 * worker, and `cancel` appends a durable cancel *request* that the running
 * process observes before writing its own terminal event.
 */
import { PluginError, RuntimeEffectControllerError } from '../contract/errors.ts';
import { cancelRequested } from '../process/append.ts';
import type { ProcessCommand, ProcessEffectOutcome } from '../process/commands.ts';
import type { ProcessRegistry } from '../contract/process.ts';

/** The reason on the cancel requests of a deleted session's orphaned processes. */
export const SESSION_DELETED_REASON = 'session deleted';

/**
 * Runs one command. `signal` cuts an `await` short (a controller passes its
 * close signal); registry errors propagate as they are (controllers record a
 * `PluginError` as code `plugin`).
 */
export async function executeProcessCommand(
  command: ProcessCommand,
  registry: ProcessRegistry,
  signal?: AbortSignal,
): Promise<ProcessEffectOutcome> {
  switch (command.op) {
    case 'start': {
      // The record is the registration's, taken before the grant (as the reference).
      const record = await registry.registerProcess(command.registration);
      if (command.grant !== undefined) {
        await registry.grantHandle(command.grant.owner_scope, command.registration.id, command.grant.descriptor);
      }
      return { op: 'start', record };
    }
    case 'list': {
      // `mode` is serde-defaulted to `live`.
      const entries =
        (command.mode ?? 'live') === 'live'
          ? await registry.listLiveHandleGrants(command.owner_scope)
          : await registry.listHandleGrants(command.owner_scope);
      return { op: 'list', entries };
    }
    case 'transfer':
      await registry.transferHandleGrants(command.from_scope, command.to_scope, command.process_ids);
      return { op: 'transfer' };
    case 'delete_session': {
      const report = await registry.deleteSessionProcessState(command.session_id);
      for (const processId of report.cancel_process_ids) {
        await registry.appendEvent(processId, cancelRequested(processId, SESSION_DELETED_REASON));
      }
      return { op: 'delete_session', report };
    }
    case 'await':
      return { op: 'await', output: await registry.awaitProcess(command.process_id, signal) };
    case 'cancel': {
      await registry.appendEvent(command.process_id, cancelRequested(command.process_id, command.reason));
      const record = await registry.getProcess(command.process_id);
      if (record === undefined) throw PluginError.session(`unknown process \`${command.process_id}\``);
      return { op: 'cancel', record };
    }
    case 'signal': {
      const { event } = await registry.appendEvent(command.process_id, command.request);
      return { op: 'signal', event };
    }
    default:
      throw new RuntimeEffectControllerError(
        'runtime_effect_envelope_invalid',
        `unknown process command op \`${String((command as { op?: unknown }).op)}\``,
      );
  }
}
