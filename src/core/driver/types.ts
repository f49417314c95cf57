/**
 * The driver interface: the only thing a storage engine has to provide.
 *
 * It is deliberately small and synchronous. Both supported engines
 * (node:sqlite's `DatabaseSync` and sql.js) are synchronous, and every store
 * transaction runs as one synchronous body between `BEGIN IMMEDIATE` and
 * `COMMIT` (see `transaction.ts`), so nothing async ever sits inside a
 * transaction.
 */
import type { Codecs } from '../codec/codecs.ts';

/** A value as it goes into or comes out of SQLite. */
export type SqlValue = null | number | string | Uint8Array;

/** A positional parameter. `undefined`, booleans, bigints and unsafe integers are refused. */
export type SqlParam = SqlValue;

/** A result row: column name to value. */
export type SqlRow = Record<string, SqlValue>;

/** What a write statement did. */
export interface RunResult {
  /** Rows inserted, updated or deleted by the statement. Use `RETURNING` to read generated keys. */
  changes: number;
}

import type { DurabilityTier } from '../contract/durability.ts';

export type { DurabilityTier };

/** What a connection is, so components can pick defaults and refuse writes honestly. */
export interface ConnectionInfo {
  /** Engine name: `'node-sqlite'`, `'sqljs'`, or whatever a third-party driver calls itself. */
  readonly engine: string;
  /** File path, sql.js database name, or `null` for a private in-memory database. */
  readonly location: string | null;
  /** True when the data lives only in this process's memory. */
  readonly memory: boolean;
  /** True when the connection was opened read-only: components skip setup and refuse writes. */
  readonly readOnly: boolean;
  /** `'durable'` when every committed transaction is on stable storage. */
  readonly durability: DurabilityTier;
  /**
   * The largest BLOB the engine stores in one row, when it is smaller than
   * SQLite's own limit (a Durable Object refuses rows over about 2 MB). The
   * blob table splits larger blobs into chunks of this size. Absent: no limit.
   */
  readonly maxValueBytes?: number;
}

/**
 * A synchronous SQLite connection.
 *
 * Drivers normalise every value to {@link SqlValue}: BLOBs come back as
 * `Uint8Array`, INTEGERs as safe-integer `number`s (anything outside the safe
 * range is an error, never a rounded number). Engine errors are thrown as
 * {@link SqliteError} (see `errors.ts`); lock contention as `SqliteBusyError`.
 */
export interface SqliteConnection {
  /** What the connection is: its engine, file and durability tier. */
  readonly info: ConnectionInfo;
  /**
   * Codecs tuned for this runtime (the Node driver supplies `node:crypto` and
   * `node:zlib`). Components fall back to the portable defaults when absent.
   */
  readonly codecs?: Codecs;
  /** Runs one or more statements without parameters (DDL, pragmas, BEGIN/COMMIT). */
  exec(sql: string): void;
  /** Runs one statement and reports the rows it changed. */
  run(sql: string, params?: readonly SqlParam[]): RunResult;
  /** First row of a query, or `undefined`. */
  get<T extends object = SqlRow>(sql: string, params?: readonly SqlParam[]): T | undefined;
  /** All rows of a query. */
  all<T extends object = SqlRow>(sql: string, params?: readonly SqlParam[]): T[];
  /**
   * All rows of a query as arrays of their values, in the query's column
   * order. Optional: an engine that builds arrays more cheaply than keyed
   * rows provides it (node:sqlite's `setReturnArrays`: about a seventh of a
   * 200-row active-path read); callers fall back to {@link all}.
   */
  allValues?(sql: string, params?: readonly SqlParam[]): SqlValue[][];
  /**
   * Called by the transaction helper after each successful `COMMIT` of a write
   * transaction. A driver that persists snapshots (sql.js with a persistence
   * target) writes them here; others leave it out. This is why components make
   * every write inside `writeTransaction`, even a single statement.
   */
  afterCommit?(): void;
  /**
   * Resolves once every write transaction committed so far on this
   * connection is on the connection's persistence target; rejects when
   * writing it failed (the data stays committed in memory, and a later call
   * tries again). Components await it before a write method resolves, so an
   * acknowledged write is a durable one. Drivers whose `COMMIT` is itself
   * durable (node:sqlite on a file) or that have no target leave it out.
   */
  whenDurable?(): Promise<void>;
  /**
   * Runs `body` as one transaction through the engine's own transaction API,
   * for engines that refuse `BEGIN`/`COMMIT` SQL (a Cloudflare Durable
   * Object's `transactionSync`). Commits when `body` returns; rolls back and
   * re-throws when it throws. A `'write'` transaction must take the write
   * lock up front, as `BEGIN IMMEDIATE` does. When present, the core's
   * `writeTransaction` / `readTransaction` use it instead of SQL
   * (see `transaction.ts`); drivers that accept `BEGIN` leave it out.
   */
  transaction?<T>(kind: 'read' | 'write', body: () => T): T;
  /**
   * How long, in all, a component waits for another connection's lock
   * before it gives up with a retryable `Busy` error (spec decision 21).
   * Components wait asynchronously, retrying short attempts (see
   * `runner.ts`); a driver whose engine can wait on a lock keeps the
   * engine's own wait short (`BUSY_ATTEMPT_MS`) and reports the total here.
   * Default 15 000 ms.
   */
  readonly busyTimeoutMs?: number;
  /** True once `close()` has run. */
  readonly closed: boolean;
  /** Closes the connection. Idempotent. */
  close(): void;
}
