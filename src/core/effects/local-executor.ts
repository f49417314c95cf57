/**
 * Local executors: how a controller runs an effect that has no recorded
 * outcome (§5.1). An executor is meant for one effect; reusing a stateless
 * one (`unavailable`, `processControl`) is harmless, but a runner's side
 * effects happen once per call.
 */
import { PluginError, RuntimeEffectControllerError, RuntimeError } from '../contract/errors.ts';
import { delay } from './delay.ts';
import type { ProcessRegistry } from '../contract/process.ts';
import type { RuntimeEffectEnvelope, RuntimeEffectOutcome } from '../contract/effects.ts';

/** What runs an effect locally when it is not replayed: nothing, sleeps, process commands, or a runner function. Tagged on `kind`. */
export type RuntimeEffectLocalExecutor =
  | { kind: 'unavailable' }
  /** Runs `sleep` commands only; aborting `signal` cancels the sleep. */
  | { kind: 'sleep'; signal?: AbortSignal }
  /** Runs `process` commands against the registry (§5.2). */
  | { kind: 'process_control'; registry: ProcessRegistry }
  /** Runs anything else: turn drivers, direct LLM calls, tests. */
  | { kind: 'runner'; run(envelope: RuntimeEffectEnvelope): Promise<RuntimeEffectOutcome> };

/** Builders of `RuntimeEffectLocalExecutor`s. */
export const LocalExecutor = Object.freeze({
  /** Runs nothing. */
  unavailable: (): RuntimeEffectLocalExecutor => ({ kind: 'unavailable' }),
  /** Runs sleeps; aborting `signal` cancels them. */
  sleep: (signal?: AbortSignal): RuntimeEffectLocalExecutor =>
    signal === undefined ? { kind: 'sleep' } : { kind: 'sleep', signal },
  /** Runs process commands against `registry`. */
  processControl: (registry: ProcessRegistry): RuntimeEffectLocalExecutor => ({ kind: 'process_control', registry }),
  /** Runs every effect through `run`. */
  runner: (run: (envelope: RuntimeEffectEnvelope) => Promise<RuntimeEffectOutcome>): RuntimeEffectLocalExecutor => ({
    kind: 'runner',
    run,
  }),
});

/** `RuntimeEffectLocalExecutor::execute`: runs a non-process command locally. */
export async function executeLocal(
  local: RuntimeEffectLocalExecutor,
  envelope: RuntimeEffectEnvelope,
): Promise<RuntimeEffectOutcome> {
  const kind = envelope.command.type;
  switch (local.kind) {
    case 'runner':
      return local.run(envelope);
    case 'sleep':
      if (envelope.command.type !== 'sleep') {
        throw new RuntimeEffectControllerError(
          'runtime_effect_local_executor_mismatch',
          `local sleep executor cannot execute ${kind} command`,
        );
      }
      await delay(envelope.command.duration_ms, local.signal, sleepCancelled);
      return { type: 'sleep' };
    case 'process_control':
      throw new RuntimeEffectControllerError(
        'runtime_effect_local_executor_mismatch',
        `process executor cannot execute ${kind} command directly`,
      );
    case 'unavailable':
      throw new RuntimeEffectControllerError(
        'runtime_effect_local_executor_unavailable',
        `no local executor is available for ${kind}`,
      );
    default:
      throw new RuntimeEffectControllerError(
        'runtime_effect_local_executor_unavailable',
        `unknown local executor kind \`${String((local as { kind?: unknown }).kind)}\``,
      );
  }
}

/** `into_process`: the registry of a process executor. */
export function intoProcess(local: RuntimeEffectLocalExecutor): ProcessRegistry {
  if (local.kind === 'process_control') return local.registry;
  throw new RuntimeEffectControllerError(
    'runtime_effect_local_executor_unavailable',
    'no process executor is available for process command',
  );
}

function sleepCancelled(): RuntimeEffectControllerError {
  return new RuntimeEffectControllerError('runtime_effect_sleep_cancelled', 'runtime effect sleep was cancelled');
}

/**
 * What a failed execution becomes: controller errors as they are, plugin
 * errors as code `plugin` with their Display text (§0), runtime errors with
 * their code, and anything else thrown by a local executor as
 * `runtime_effect_local_executor_error` (the original stays as `cause`).
 */
export function toControllerError(error: unknown): RuntimeEffectControllerError {
  if (error instanceof RuntimeEffectControllerError) return error;
  if (error instanceof PluginError) return RuntimeEffectControllerError.fromPluginError(error);
  if (error instanceof RuntimeError) return new RuntimeEffectControllerError(error.code, error.message, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new RuntimeEffectControllerError('runtime_effect_local_executor_error', message, { cause: error });
}
