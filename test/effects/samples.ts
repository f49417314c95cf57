/** Effect fixtures of the conformance catalogue (§2.7), with their exact values, and small async latches. */
import {
  LocalExecutor,
  RuntimeEffectControllerError,
  createRuntimeEffectEnvelope,
  effectInvocation,
  runtimeScopeForTurn,
  type RuntimeEffectEnvelope,
  type RuntimeEffectLocalExecutor,
  type RuntimeEffectOutcome,
} from '../../src/index.ts';

/** `replay_conformance_exec_envelope(effect_id)` (EC-1). */
export function replayConformanceEnvelope(effectId: string): RuntimeEffectEnvelope {
  return createRuntimeEffectEnvelope(
    effectInvocation(
      runtimeScopeForTurn('effect-conformance-session', 'effect-conformance-turn', 7, 0),
      effectId,
      'exec_code',
      `effect-conformance:effect-conformance-turn:${effectId}`,
    ),
    { type: 'exec_code', code: `emit ${effectId}` },
  );
}

/** The SQLite tests' `exec_envelope(replay_key, code)`. */
export function execEnvelope(replayKey: string, code: string): RuntimeEffectEnvelope {
  return createRuntimeEffectEnvelope(
    effectInvocation(runtimeScopeForTurn('effect-session', 'effect-turn', 1, 0), replayKey, 'exec_code', replayKey),
    { type: 'exec_code', code },
  );
}

/** `exec_outcome(marker)`: an Ok exec result whose `terminal_finish` is the JSON string `marker`. */
export function execOutcome(marker: string): RuntimeEffectOutcome {
  return {
    type: 'exec_code',
    result: {
      Ok: {
        observations: [],
        observation_truncation: [],
        tool_calls: [],
        images: [],
        printed_images: [],
        error: null,
        duration_ms: 0,
        terminal_finish: marker,
      },
    },
  };
}

/** `assert_replay_conformance_exec_marker`: the marker of an Ok exec outcome, or a description of what it is instead. */
export function marker(outcome: RuntimeEffectOutcome): unknown {
  if (outcome.type !== 'exec_code') return `not exec_code: ${outcome.type}`;
  const result = outcome.result as { Ok?: { terminal_finish?: unknown } };
  return result.Ok === undefined ? 'Err' : result.Ok.terminal_finish;
}

export function returningExecutor(value: string): RuntimeEffectLocalExecutor {
  return LocalExecutor.runner(async () => execOutcome(value));
}

/** An executor that must not run: it records the effect id it was called with and fails. */
export function failingExecutor(calls: string[] = [], code = 'test_local_executor_called'): RuntimeEffectLocalExecutor {
  return LocalExecutor.runner(async (envelope) => {
    const subject = envelope.invocation.subject;
    calls.push(subject.type === 'effect' ? subject.effect_id : subject.type);
    throw new RuntimeEffectControllerError(code, 'the local executor must not be called');
  });
}

/** A one-shot signal: `wait()` resolves once `open()` ran (before or after). Like tokio's `notify_one` permit. */
export class Latch {
  #open!: () => void;
  readonly #promise = new Promise<void>((resolve) => (this.#open = resolve));
  open(): void {
    this.#open();
  }
  wait(): Promise<void> {
    return this.#promise;
  }
}

/** An n-party barrier. */
export class Barrier {
  #waiting = 0;
  readonly #parties: number;
  readonly #latch = new Latch();
  constructor(parties: number) {
    this.#parties = parties;
  }
  async wait(): Promise<void> {
    if (++this.#waiting >= this.#parties) this.#latch.open();
    await this.#latch.wait();
  }
}

/** Rejects when `promise` takes longer than `ms` (tokio::time::timeout). */
export async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
