/**
 * The operation runner: how every public method of every component runs its
 * transaction (spec decisions 19 and 21).
 *
 * - **Short lock waits, retried asynchronously.** A driver keeps the engine's
 *   own busy wait short (`BUSY_ATTEMPT_MS`; the node driver sets it), so a
 *   transaction attempt that meets another connection's lock fails fast with
 *   `SqliteBusyError` instead of freezing the event loop for seconds. The
 *   runner then waits *asynchronously* — jittered exponential backoff, 1 ms
 *   doubling to 50 ms — and runs the whole attempt again, until the bound
 *   (`conn.busyTimeoutMs`, default 15 s) is spent; then `LockWaitTimeoutError`,
 *   which each component reports as its contract's retryable `Busy`.
 * - **Whole attempts.** A retry re-runs the entire synchronous body: a busy
 *   `BEGIN IMMEDIATE` wrote nothing, and a busy statement inside a body rolls
 *   the attempt back first. Bodies read the clock inside, so a retried attempt
 *   reads it again, after the lock is taken.
 * - **The first attempt runs synchronously**, in the caller's tick, exactly as
 *   a plain `writeTransaction` would; only a lock wait yields.
 * - **Acknowledged means persisted.** After a write transaction the runner
 *   awaits `conn.whenDurable?.()`; a rejection is `PersistenceError` (the data
 *   is committed in memory, the target failed), reported as `NotPersisted`.
 *
 * ```ts
 * const ops = new OperationRunner(conn);
 * const revision = await ops.write(() => { … conn.run(…) …; return next; });
 * const rows = await ops.read(() => conn.all(…));
 * ```
 */
import { LockWaitTimeoutError, PersistenceError } from '../contract/errors.ts';
import { SqliteBusyError } from './errors.ts';
import { readAttempt, writeAttempt, type Rollback } from './transaction.ts';
import type { SqliteConnection } from './types.ts';

/** The total wait for another connection's lock when the connection names none. */
export const DEFAULT_BUSY_TIMEOUT_MS = 15_000;

/**
 * The longest single synchronous wait a driver should let its engine do for
 * a lock (the node driver's `PRAGMA busy_timeout`). Everything longer is the
 * runner's asynchronous retry.
 */
export const BUSY_ATTEMPT_MS = 10;

const FIRST_BACKOFF_MS = 1;
const MAX_BACKOFF_MS = 50;

export interface OperationRunnerOptions {
  /** Total lock wait before `LockWaitTimeoutError`. Default: `conn.busyTimeoutMs`, else 15 000 ms. */
  busyTimeoutMs?: number;
  /** Where the backoff waits (tests inject a recorder). Default: `setTimeout`. */
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1) for the jitter. Default `Math.random`. */
  random?: () => number;
}

export class OperationRunner {
  readonly conn: SqliteConnection;
  readonly busyTimeoutMs: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;

  constructor(conn: SqliteConnection, options: OperationRunnerOptions = {}) {
    this.conn = conn;
    this.busyTimeoutMs = options.busyTimeoutMs ?? conn.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    this.#sleep = options.sleep ?? sleep;
    this.#random = options.random ?? Math.random;
  }

  /** One write transaction, retried on lock contention, acknowledged once durable. */
  async write<T>(body: () => T | Rollback<T>): Promise<T> {
    const conn = this.conn;
    const result = await this.attempt(() => writeAttempt(conn, body));
    if (conn.whenDurable !== undefined) await this.durable();
    return result;
  }

  /** One read transaction (one snapshot), retried on lock contention. */
  async read<T>(body: () => T): Promise<T> {
    const conn = this.conn;
    return this.attempt(() => readAttempt(conn, body));
  }

  /**
   * Runs `operation` — which must be one whole transaction, or several that
   * are each safe to repeat — and repeats it while it fails with
   * `SqliteBusyError`, waiting asynchronously in between, up to the bound.
   * The first attempt runs before this returns its promise.
   */
  attempt<T>(operation: () => T): Promise<T> {
    let first: T;
    try {
      first = operation();
    } catch (error) {
      if (!isBusy(error)) return Promise.reject(error);
      return this.#retry(operation, now(), error);
    }
    return Promise.resolve(first);
  }

  /**
   * The synchronous form, for contract methods that are synchronous (the
   * attachment manifest): the same attempts, but nothing can be awaited
   * between them, so each waits in the engine (`BUSY_ATTEMPT_MS`) until the
   * bound. Prefer the async methods.
   */
  attemptSync<T>(operation: () => T): T {
    const started = now();
    for (;;) {
      try {
        return operation();
      } catch (error) {
        if (!isBusy(error)) throw error;
        const waited = now() - started;
        if (waited >= this.busyTimeoutMs) throw this.#timeout(waited, error);
      }
    }
  }

  /** `writeAttempt` with {@link attemptSync}; no durability wait is possible here. */
  writeSync<T>(body: () => T | Rollback<T>): T {
    const conn = this.conn;
    return this.attemptSync(() => writeAttempt(conn, body));
  }

  /** Resolves when every committed write of the connection is persisted; `PersistenceError` otherwise. */
  async durable(): Promise<void> {
    const whenDurable = this.conn.whenDurable;
    if (whenDurable === undefined) return;
    try {
      await whenDurable.call(this.conn);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new PersistenceError(
        `the write committed, but the connection's persistence target failed to store it: ${reason}`,
        { cause: error },
      );
    }
  }

  async #retry<T>(operation: () => T, started: number, firstError: unknown): Promise<T> {
    let backoff = FIRST_BACKOFF_MS;
    let lastError = firstError;
    for (;;) {
      const waited = now() - started;
      const left = this.busyTimeoutMs - waited;
      if (left <= 0) throw this.#timeout(waited, lastError);
      // Full jitter between half the step and the step, so waiters that met
      // the lock together do not retry in lockstep.
      await this.#sleep(Math.min(left, backoff * (0.5 + this.#random() / 2)));
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      try {
        return operation();
      } catch (error) {
        if (!isBusy(error)) throw error;
        lastError = error;
      }
    }
  }

  #timeout(waited: number, cause: unknown): LockWaitTimeoutError {
    const waitedMs = Math.round(waited);
    return new LockWaitTimeoutError(
      `another connection held the database lock for more than ${this.busyTimeoutMs} ms (waited ${waitedMs} ms); nothing was written, the call can be retried`,
      waitedMs,
      { cause },
    );
  }
}

function isBusy(error: unknown): boolean {
  return error instanceof SqliteBusyError;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const clock: { now(): number } = globalThis.performance ?? Date;

function now(): number {
  return clock.now();
}
