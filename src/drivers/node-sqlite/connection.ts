/**
 * The node:sqlite driver: a thin adapter from `DatabaseSync` to the driver
 * interface. Files are opened in WAL mode, so several connections and
 * processes can share one database; `:memory:` gives a private in-memory
 * database.
 *
 * Lock waits: the engine's own (synchronous) busy wait is kept to
 * `BUSY_ATTEMPT_MS`, so one statement never freezes the event loop for
 * long; the components' operation runner retries whole transactions
 * asynchronously up to `busyTimeoutMs` (spec decision 21).
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Codecs } from '../../core/codec/codecs.ts';
import { SqliteValueError, sqliteErrorFor } from '../../core/driver/errors.ts';
import { BUSY_ATTEMPT_MS, DEFAULT_BUSY_TIMEOUT_MS } from '../../core/driver/runner.ts';
import { checkParams } from '../../core/driver/values.ts';
import { checkParameterCount } from '../../core/driver/parameters.ts';
import type {
  ConnectionInfo,
  RunResult,
  SqliteConnection,
  SqlParam,
  SqlRow,
  SqlValue,
} from '../../core/driver/types.ts';
import { nodeCodecs } from './codecs.ts';

/** Options of `openNodeSqlite`. */
export interface NodeSqliteOptions {
  /** Open without write access: components skip schema setup and refuse writes. */
  readOnly?: boolean;
  /**
   * `NORMAL` (default) survives application crashes and, in WAL mode, keeps
   * the database consistent on power loss at the cost of the last commits;
   * `FULL` also makes every commit survive power loss.
   */
  synchronous?: 'NORMAL' | 'FULL';
  /**
   * How long, in all, an operation of a component waits for another
   * connection's lock before it fails with a retryable `Busy` error. The
   * wait is asynchronous (short engine attempts retried with backoff), so the
   * event loop keeps running. Default 15 000 ms.
   */
  busyTimeoutMs?: number;
  /** Override the codecs handed to components (default: `node:crypto` and `node:zlib`). */
  codecs?: Codecs;
}

export { DEFAULT_BUSY_TIMEOUT_MS };
const STATEMENT_CACHE_LIMIT = 256;
const EMPTY: readonly SqlParam[] = Object.freeze([]);
/** The statements `transaction.ts` runs around every body. */
const TRANSACTION_CONTROL: ReadonlySet<string> = new Set(['BEGIN IMMEDIATE', 'BEGIN', 'COMMIT', 'ROLLBACK']);

/** A node:sqlite connection; `raw` is the underlying `DatabaseSync` for advanced use. */
export interface NodeSqliteConnection extends SqliteConnection {
  /** The underlying `DatabaseSync`. */
  readonly raw: DatabaseSync;
}

/**
 * Opens a database file (created when missing, in WAL mode) or `':memory:'`.
 * Whoever opens a connection closes it.
 *
 * @throws `SqliteError` when the file cannot be opened.
 * @example
 * ```ts
 * import { Store } from 'lash-sqlite-store';
 * import { openNodeSqlite } from 'lash-sqlite-store/node';
 *
 * const conn = openNodeSqlite('./session.db', { synchronous: 'FULL' });
 * const store = await Store.open(conn);
 * // …
 * store.close();
 * conn.close();
 * ```
 */
export function openNodeSqlite(path: string, options: NodeSqliteOptions = {}): NodeSqliteConnection {
  const readOnly = options.readOnly ?? false;
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const synchronous = options.synchronous ?? 'NORMAL';
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new SqliteValueError(`busyTimeoutMs must be a non-negative safe integer (got ${busyTimeoutMs})`);
  }
  if (synchronous !== 'NORMAL' && synchronous !== 'FULL') {
    throw new SqliteValueError(`synchronous must be 'NORMAL' or 'FULL' (got ${String(synchronous)})`);
  }
  const memory = path === ':memory:' || path === '';
  // Loaded on the first open, not on import: on Node 22 loading node:sqlite prints an
  // ExperimentalWarning, which `silenceSqliteExperimentalWarning()` can filter until then.
  const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
  // The engine waits at most one short attempt; the runner does the rest.
  const attemptMs = Math.min(busyTimeoutMs, BUSY_ATTEMPT_MS);
  const db = translate(
    () =>
      new DatabaseSync(path, {
        readOnly,
        timeout: attemptMs,
        enableForeignKeyConstraints: true,
      }),
  );
  try {
    if (!memory && !readOnly) switchToWal(db, busyTimeoutMs);
    const pragmas = [`PRAGMA busy_timeout = ${attemptMs}`, 'PRAGMA foreign_keys = ON'];
    if (!readOnly) pragmas.push(`PRAGMA synchronous = ${synchronous}`, 'PRAGMA cache_size = -2000');
    else pragmas.push('PRAGMA cache_size = -500');
    translate(() => db.exec(pragmas.join('; ')));
  } catch (error) {
    db.close();
    throw error;
  }
  const info: ConnectionInfo = Object.freeze({
    engine: 'node-sqlite',
    location: memory ? null : path,
    memory,
    readOnly,
    durability: memory ? 'inline' : 'durable',
  });
  return new NodeSqliteDriver(db, info, options.codecs ?? nodeCodecs, busyTimeoutMs);
}

class NodeSqliteDriver implements NodeSqliteConnection {
  readonly raw: DatabaseSync;
  readonly info: ConnectionInfo;
  readonly codecs: Codecs;
  readonly busyTimeoutMs: number;
  readonly #statements = new Map<string, StatementSync>();
  readonly #valueStatements = new Map<string, StatementSync>();
  #closed = false;

  constructor(db: DatabaseSync, info: ConnectionInfo, codecs: Codecs, busyTimeoutMs: number) {
    this.raw = db;
    this.info = info;
    this.codecs = codecs;
    this.busyTimeoutMs = busyTimeoutMs;
  }

  get closed(): boolean {
    return this.#closed;
  }

  exec(sql: string): void {
    if (TRANSACTION_CONTROL.has(sql)) {
      // Every store call opens and ends a transaction: a cached statement
      // skips re-parsing these on each (about 1 µs a transaction).
      const statement = this.#prepare(sql);
      try {
        statement.run();
      } catch (error) {
        throw translateError(error);
      }
      return;
    }
    translate(() => this.raw.exec(sql));
  }

  // The three hot paths use an inline try/catch rather than `translate()`:
  // no closure allocation per statement.
  run(sql: string, params: readonly SqlParam[] = EMPTY): RunResult {
    const statement = this.#prepare(sql);
    checkParams(params);
    checkParameterCount(sql, params);
    try {
      return { changes: Number(statement.run(...params).changes) };
    } catch (error) {
      throw translateError(error);
    }
  }

  get<T extends object = SqlRow>(sql: string, params: readonly SqlParam[] = EMPTY): T | undefined {
    const statement = this.#prepare(sql);
    checkParams(params);
    checkParameterCount(sql, params);
    try {
      return statement.get(...params) as T | undefined;
    } catch (error) {
      throw translateError(error);
    }
  }

  all<T extends object = SqlRow>(sql: string, params: readonly SqlParam[] = EMPTY): T[] {
    const statement = this.#prepare(sql);
    checkParams(params);
    checkParameterCount(sql, params);
    try {
      return statement.all(...params) as T[];
    } catch (error) {
      throw translateError(error);
    }
  }

  allValues(sql: string, params: readonly SqlParam[] = EMPTY): SqlValue[][] {
    const statement = this.#prepareValues(sql);
    // node:sqlite before 22.16 / 24.0 has no array mode.
    if (statement === null) return this.all<SqlRow>(sql, params).map((row) => Object.values(row));
    checkParams(params);
    try {
      return statement.all(...params) as unknown as SqlValue[][];
    } catch (error) {
      throw translateError(error);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#statements.clear();
    this.#valueStatements.clear();
    this.raw.close();
  }

  #prepare(sql: string): StatementSync {
    return this.#statements.get(sql) ?? this.#cache(this.#statements, sql, false);
  }

  /** A statement in array mode (a mode is per statement, so these are cached apart); `null` without one. */
  #prepareValues(sql: string): StatementSync | null {
    const cached = this.#valueStatements.get(sql);
    if (cached !== undefined) return cached;
    if (!hasArrayMode(this.#prepare(sql))) return null;
    return this.#cache(this.#valueStatements, sql, true);
  }

  #cache(statements: Map<string, StatementSync>, sql: string, arrays: boolean): StatementSync {
    const statement = translate(() => this.raw.prepare(sql));
    if (arrays) statement.setReturnArrays(true);
    if (statements.size >= STATEMENT_CACHE_LIMIT) {
      // Statements are mostly fixed strings; evicting the oldest keeps a
      // stream of generated SQL from growing the cache without bound.
      const oldest = statements.keys().next().value as string;
      statements.delete(oldest);
    }
    statements.set(sql, statement);
    return statement;
  }
}

function hasArrayMode(statement: StatementSync): boolean {
  return typeof (statement as { setReturnArrays?: unknown }).setReturnArrays === 'function';
}

/**
 * SQLite does not always call the busy handler for a journal-mode change (the
 * reference hit SQLITE_BUSY here on concurrent first opens despite its busy
 * timeout), so retry with backoff (1 ms doubling to 50 ms) until the deadline,
 * as the reference does.
 */
function switchToWal(db: DatabaseSync, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  let delay = 1;
  for (;;) {
    try {
      const row = translate(() => db.prepare('PRAGMA journal_mode = WAL').get()) as { journal_mode?: string };
      if (row?.journal_mode?.toLowerCase() !== 'wal') {
        throw sqliteErrorFor(`could not switch to WAL (journal_mode is ${row?.journal_mode})`, 1);
      }
      return;
    } catch (error) {
      const busy = (error as { code?: string }).code === 'SQLITE_BUSY' || (error as { code?: string }).code === 'SQLITE_LOCKED';
      if (!busy || Date.now() >= deadline) throw error;
      sleepSync(delay);
      delay = Math.min(delay * 2, 50);
    }
  }
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

/** Runs an engine call, turning node:sqlite's errors into the typed driver errors. */
function translate<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw translateError(error);
  }
}

function translateError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  if (code === 'ERR_SQLITE_ERROR') {
    const errcode = (error as { errcode?: unknown }).errcode;
    return sqliteErrorFor(error.message, typeof errcode === 'number' ? errcode : 1, error);
  }
  if (code === 'ERR_OUT_OF_RANGE') return new SqliteValueError(error.message, { cause: error });
  return error;
}
