/**
 * One poll per connection for every waiter on it. A waiter (a blocking read
 * such as `waitEventAfter`) has to notice commits made elsewhere; instead of
 * each waiter re-running its own query every poll interval, the connection's
 * watch reads one cheap marker per interval and wakes every waiter only when
 * it moved:
 *
 * - `data_version` changes when another connection (or process) commits to
 *   the database;
 * - `total_changes()` changes when this connection wrote, whichever
 *   component (or caller) did it.
 *
 * Components also call `notify()` after their own commits, so their waiters
 * re-check at once rather than at the next tick. An engine that cannot read
 * the marker (a platform that refuses the pragma, a closed connection) wakes
 * every waiter on every tick: what each waiter's own poll did before.
 */
import type { SqliteConnection } from './types.ts';

const MARKER_SQL = 'SELECT total_changes() AS changes, data_version AS version FROM pragma_data_version';

interface Subscription {
  readonly wake: () => void;
  readonly intervalMs: number;
}

const watches = new WeakMap<SqliteConnection, ConnectionChangeWatch>();

export class ConnectionChangeWatch {
  readonly #conn: SqliteConnection;
  readonly #subscriptions = new Set<Subscription>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerMs = Infinity;
  /** The marker at the last look; `undefined` when it could not be read. */
  #marker: string | undefined;

  private constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  /** The watch shared by every component on `conn`. */
  static of(conn: SqliteConnection): ConnectionChangeWatch {
    let watch = watches.get(conn);
    if (watch === undefined) {
      watch = new ConnectionChangeWatch(conn);
      watches.set(conn, watch);
    }
    return watch;
  }

  /**
   * Calls `wake` on the next change after this call: subscribe *before*
   * reading what you wait for, so a commit in between is not missed. The
   * watch polls at the shortest interval of its subscribers. Returns the
   * unsubscribe function; `wake` may be called more than once.
   */
  subscribe(wake: () => void, intervalMs: number): () => void {
    if (this.#subscriptions.size === 0) this.#marker = this.#readMarker();
    const subscription: Subscription = { wake, intervalMs };
    this.#subscriptions.add(subscription);
    if (intervalMs < this.#timerMs) this.#schedule(intervalMs);
    return () => {
      this.#subscriptions.delete(subscription);
      if (this.#subscriptions.size === 0) this.#stop();
    };
  }

  /** Wakes every subscriber now (a component committed on this connection). */
  notify(): void {
    for (const subscription of [...this.#subscriptions]) subscription.wake();
  }

  /** Number of subscribers (for tests: proves nothing is left behind). */
  get subscribers(): number {
    return this.#subscriptions.size;
  }

  #tick(): void {
    this.#timer = undefined;
    this.#timerMs = Infinity;
    const marker = this.#readMarker();
    const moved = marker === undefined || marker !== this.#marker;
    this.#marker = marker;
    if (moved) this.notify();
    if (this.#subscriptions.size > 0) this.#schedule(this.#shortestInterval());
  }

  #schedule(intervalMs: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerMs = intervalMs;
    this.#timer = setTimeout(() => this.#tick(), intervalMs);
  }

  #stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerMs = Infinity;
  }

  #shortestInterval(): number {
    let shortest = Infinity;
    for (const { intervalMs } of this.#subscriptions) shortest = Math.min(shortest, intervalMs);
    return shortest;
  }

  #readMarker(): string | undefined {
    if (this.#conn.closed) return undefined;
    try {
      const row = this.#conn.get<{ changes: number; version: number }>(MARKER_SQL);
      return row === undefined ? undefined : `${row.changes}:${row.version}`;
    } catch {
      return undefined;
    }
  }
}
