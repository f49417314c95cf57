/**
 * Waiting without holding anything: effects never wait inside a
 * transaction, and every wait can be cut short by an `AbortSignal` (the
 * host's `close()`, or a caller's cancellation).
 */

/** Resolves after `ms`, or rejects with `onAbort()` as soon as `signal` aborts. The timer is cleared either way. */
export function delay(ms: number, signal: AbortSignal | undefined, onAbort: () => Error): Promise<void> {
  if (signal?.aborted) return Promise.reject(onAbort());
  return new Promise<void>((resolve, reject) => {
    const abort = (): void => {
      clearTimeout(timer);
      reject(onAbort());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', abort, { once: true });
  });
}

/**
 * Waits until `clock()` reaches `dueAtMs`, re-reading the clock at least
 * every `sliceMs`: a clock that jumps (a test's manual clock, a corrected
 * system clock) is noticed within one slice.
 */
export async function sleepUntil(
  dueAtMs: number,
  clock: () => number,
  sliceMs: number,
  signal: AbortSignal | undefined,
  onAbort: () => Error,
): Promise<void> {
  for (let now = clock(); now < dueAtMs; now = clock()) {
    await delay(Math.min(dueAtMs - now, sliceMs), signal, onAbort);
  }
}
