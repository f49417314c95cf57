/**
 * Transactions, implemented once for every driver.
 *
 * A body is a synchronous function. Write transactions start with
 * `BEGIN IMMEDIATE`, which takes the write lock up front: a read-then-write
 * body (a CAS, a claim) can then never lose a lock upgrade. Bodies must not
 * await: another caller on the same connection would otherwise interleave its
 * statements into the open transaction.
 *
 * Lock waits. `writeAttempt` / `readAttempt` make one attempt: the engine
 * waits a short while for another connection's lock (`BUSY_ATTEMPT_MS`) and
 * then throws `SqliteBusyError`. The components run their attempts through
 * the operation runner (`runner.ts`), which retries them asynchronously.
 * The public `writeTransaction` / `readTransaction`, for code that runs its
 * own transactions, repeat the attempt synchronously until the connection's
 * `busyTimeoutMs` is spent — a synchronous wait, as the engine's busy
 * timeout always was; inside an async method prefer the runner.
 *
 * ```ts
 * const revision = writeTransaction(conn, () => {
 *   const row = conn.get<{ head_revision: number }>('SELECT head_revision FROM session_head');
 *   if (row && row.head_revision !== expected) return rollback(null); // undo, still return a value
 *   conn.run('UPDATE …');
 *   return expected + 1;
 * });
 * ```
 */
import { SqliteBusyError, SqliteReadOnlyError, TransactionError } from './errors.ts';
import type { SqliteConnection } from './types.ts';

/** Returned from a write body to roll back everything and still hand a value to the caller. */
export class Rollback<T> {
  /** The value the transaction returns after rolling back. */
  readonly value: T;
  constructor(value: T) {
    this.value = value;
  }
}

/** Rolls the surrounding write transaction back and makes it return `value`. */
export function rollback<T>(value: T): Rollback<T> {
  return new Rollback(value);
}

type TxKind = 'read' | 'write';
const open = new WeakMap<SqliteConnection, TxKind>();

/** The kind of transaction this helper has open on `conn`, if any. */
export function openTransactionKind(conn: SqliteConnection): TxKind | undefined {
  return open.get(conn);
}

/**
 * Runs `body` inside `BEGIN IMMEDIATE … COMMIT`. A thrown error rolls back and
 * is re-thrown; a returned {@link Rollback} rolls back and yields its value.
 * Waits for another connection's lock synchronously, in short attempts, up
 * to `conn.busyTimeoutMs`; then `SqliteBusyError`.
 */
export function writeTransaction<T>(conn: SqliteConnection, body: () => T | Rollback<T>): T {
  return retryWhileBusy(conn, () => writeAttempt(conn, body));
}

/**
 * Runs `body` inside one read transaction so that several statements see one
 * snapshot even while other connections commit. Inside an open transaction
 * of this helper it simply runs `body`: that transaction already gives one
 * snapshot. Waits for a lock like {@link writeTransaction}.
 */
export function readTransaction<T>(conn: SqliteConnection, body: () => T): T {
  if (open.has(conn)) return body();
  return retryWhileBusy(conn, () => readAttempt(conn, body));
}

/**
 * Repeats `attempt` while it fails with `SqliteBusyError`, until the
 * connection's `busyTimeoutMs` (default 15 s) is spent. Synchronous: each
 * attempt waits in the engine.
 */
export function retryWhileBusy<T>(conn: SqliteConnection, attempt: () => T, boundMs = conn.busyTimeoutMs ?? 15_000): T {
  const deadline = Date.now() + boundMs;
  for (;;) {
    try {
      return attempt();
    } catch (error) {
      if (!(error instanceof SqliteBusyError) || Date.now() >= deadline) throw error;
    }
  }
}

/** One attempt of {@link writeTransaction}: a lock held elsewhere fails it fast with `SqliteBusyError`. */
export function writeAttempt<T>(conn: SqliteConnection, body: () => T | Rollback<T>): T {
  if (conn.info.readOnly) {
    throw new SqliteReadOnlyError(`cannot write: ${describe(conn)} was opened read-only`);
  }
  const current = open.get(conn);
  if (current !== undefined) {
    throw new TransactionError(
      current === 'write'
        ? 'a write transaction is already open on this connection; transactions do not nest'
        : 'cannot start a write transaction inside a read transaction on the same connection',
    );
  }
  if (conn.closed) throw new TransactionError(`cannot write: ${describe(conn)} is closed`);
  if (conn.transaction !== undefined) return writeThroughEngine(conn, body);
  conn.exec('BEGIN IMMEDIATE');
  open.set(conn, 'write');
  let outcome: T | Rollback<T>;
  try {
    outcome = synchronous(body());
  } catch (error) {
    open.delete(conn);
    rollbackQuietly(conn);
    throw error;
  }
  open.delete(conn);
  if (outcome instanceof Rollback) {
    rollbackQuietly(conn);
    return outcome.value;
  }
  try {
    conn.exec('COMMIT');
  } catch (error) {
    rollbackQuietly(conn);
    throw error;
  }
  conn.afterCommit?.();
  return outcome;
}

/** One attempt of {@link readTransaction}. */
export function readAttempt<T>(conn: SqliteConnection, body: () => T): T {
  if (open.has(conn)) return body();
  if (conn.closed) throw new TransactionError(`cannot read: ${describe(conn)} is closed`);
  if (conn.transaction !== undefined) return readThroughEngine(conn, body);
  conn.exec('BEGIN');
  open.set(conn, 'read');
  try {
    return synchronous(body());
  } finally {
    open.delete(conn);
    // A read transaction changes nothing: ending it by ROLLBACK is cheapest and
    // cannot fail with SQLITE_BUSY.
    rollbackQuietly(conn);
  }
}

/**
 * Carries a {@link Rollback} out of an engine transaction: the engine only
 * rolls back on a throw, so the body throws this private signal and the
 * helper turns it back into the rollback's value.
 */
class RollbackSignal {
  readonly rollback: Rollback<unknown>;
  constructor(rollback: Rollback<unknown>) {
    this.rollback = rollback;
  }
}

function writeThroughEngine<T>(conn: SqliteConnection, body: () => T | Rollback<T>): T {
  open.set(conn, 'write');
  let outcome: T;
  try {
    outcome = conn.transaction!('write', () => {
      const result = synchronous(body());
      if (result instanceof Rollback) throw new RollbackSignal(result);
      return result;
    });
  } catch (error) {
    if (error instanceof RollbackSignal) return error.rollback.value as T;
    throw error;
  } finally {
    open.delete(conn);
  }
  conn.afterCommit?.();
  return outcome;
}

function readThroughEngine<T>(conn: SqliteConnection, body: () => T): T {
  open.set(conn, 'read');
  try {
    return conn.transaction!('read', () => synchronous(body()));
  } finally {
    open.delete(conn);
  }
}

function synchronous<T>(result: T): T {
  if (isThenable(result)) {
    throw new TransactionError('a transaction body returned a Promise; bodies must be synchronous');
  }
  return result;
}

function rollbackQuietly(conn: SqliteConnection): void {
  try {
    conn.exec('ROLLBACK');
  } catch {
    // SQLite may already have rolled back on its own (some I/O and busy errors
    // end the transaction); the original error is the one worth reporting.
  }
}

function isThenable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function describe(conn: SqliteConnection): string {
  return conn.info.location ? `the database ${conn.info.location}` : 'the in-memory database';
}
