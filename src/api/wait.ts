/**
 * Waiting for the streams: a poll interval that ends early when this process
 * wrote something worth looking at (a `Wakeup`) or when the caller's
 * `AbortSignal` fires. Waits never reject: an aborted stream just ends.
 */

/** In-process wake-ups: `notify()` ends every pending `wait`. */
export class Wakeup {
  #waiters = new Set<() => void>();

  notify(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }

  /** Resolves after `ms`, on `notify()`, or on abort of any of `signals`, whichever comes first. */
  wait(ms: number, signals: ReadonlyArray<AbortSignal | undefined>): Promise<void> {
    if (signals.some((signal) => signal?.aborted)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        for (const signal of signals) signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
      for (const signal of signals) signal?.addEventListener('abort', done, { once: true });
    });
  }
}

export function aborted(signals: ReadonlyArray<AbortSignal | undefined>): boolean {
  return signals.some((signal) => signal?.aborted === true);
}

export function checkPollInterval(ms: number | undefined, fallback: number): number {
  const value = ms ?? fallback;
  if (!Number.isFinite(value) || value < 1) throw new RangeError(`pollIntervalMs must be at least 1 (got ${String(ms)})`);
  return value;
}
