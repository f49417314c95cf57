/**
 * Blocking reads without a busy loop: a waiter re-checks the database when
 * this component commits a change (in-process notification) or when the poll
 * interval passes (changes made by other connections and other processes).
 *
 * The listener is armed *before* each check, so a notification that lands
 * between the check and the wait is not lost. Every wait clears its timer and
 * its abort listener when it ends, so nothing keeps the event loop alive after
 * a waiter resolves, rejects or is aborted.
 */

export interface WaitOptions {
  pollIntervalMs: number;
  signal?: AbortSignal;
}

interface Armed {
  notified: boolean;
  wake: (() => void) | undefined;
}

export class ChangeNotifier {
  readonly #armed = new Set<Armed>();
  #closedWith: Error | undefined;

  /** Wakes every waiter currently armed. */
  notify(): void {
    for (const armed of this.#armed) {
      armed.notified = true;
      armed.wake?.();
    }
  }

  /** Fails every current and future wait with `error`. */
  close(error: Error): void {
    this.#closedWith = error;
    this.notify();
  }

  /** Number of armed waiters (for tests: proves nothing is left behind). */
  get pending(): number {
    return this.#armed.size;
  }

  /**
   * Runs `check` until it returns a value. Between checks it sleeps until a
   * notification, the poll interval, or an abort (which rejects with the
   * signal's reason).
   */
  async waitUntil<T>(check: () => T | undefined | Promise<T | undefined>, options: WaitOptions): Promise<T> {
    for (;;) {
      this.#throwIfStopped(options.signal);
      const armed: Armed = { notified: false, wake: undefined };
      this.#armed.add(armed);
      try {
        const result = await check();
        if (result !== undefined) return result;
        await this.#sleep(armed, options);
      } finally {
        this.#armed.delete(armed);
      }
    }
  }

  #throwIfStopped(signal: AbortSignal | undefined): void {
    if (this.#closedWith) throw this.#closedWith;
    signal?.throwIfAborted();
  }

  #sleep(armed: Armed, { pollIntervalMs, signal }: WaitOptions): Promise<void> {
    if (armed.notified) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        armed.wake = undefined;
      };
      const onAbort = (): void => {
        finish();
        reject(signal!.reason);
      };
      const timer = setTimeout(() => {
        finish();
        resolve();
      }, pollIntervalMs);
      armed.wake = () => {
        finish();
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
