/**
 * Blocking reads without a busy loop: a waiter re-checks the database when a
 * component commits on its connection (in-process notification) or when the
 * connection's change watch sees a commit made elsewhere — one poll per
 * connection for all its waiters (`driver/change-watch.ts`), not one query
 * per waiter per interval.
 *
 * The listener is armed *before* each check, so a notification that lands
 * between the check and the wait is not lost. Every wait drops its
 * subscription and its abort listener when it ends, so nothing keeps the
 * event loop alive after a waiter resolves, rejects or is aborted.
 */
import { ConnectionChangeWatch } from '../driver/change-watch.ts';
import type { SqliteConnection } from '../driver/types.ts';

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
  readonly #watch: ConnectionChangeWatch;
  #closedWith: Error | undefined;

  constructor(conn: SqliteConnection) {
    this.#watch = ConnectionChangeWatch.of(conn);
  }

  /** Wakes every waiter on the connection (this component committed a change). */
  notify(): void {
    this.#watch.notify();
  }

  /** Fails every current and future wait of this notifier with `error`. */
  close(error: Error): void {
    this.#closedWith = error;
    for (const armed of this.#armed) wake(armed);
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
      const unsubscribe = this.#watch.subscribe(() => wake(armed), options.pollIntervalMs);
      try {
        const result = await check();
        if (result !== undefined) return result;
        await this.#sleep(armed, options.signal);
      } finally {
        unsubscribe();
        this.#armed.delete(armed);
      }
    }
  }

  #throwIfStopped(signal: AbortSignal | undefined): void {
    if (this.#closedWith) throw this.#closedWith;
    signal?.throwIfAborted();
  }

  #sleep(armed: Armed, signal: AbortSignal | undefined): Promise<void> {
    if (armed.notified) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const finish = (): void => {
        signal?.removeEventListener('abort', onAbort);
        armed.wake = undefined;
      };
      const onAbort = (): void => {
        finish();
        reject(signal!.reason);
      };
      armed.wake = () => {
        finish();
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function wake(armed: Armed): void {
  armed.notified = true;
  armed.wake?.();
}
