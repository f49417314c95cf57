/**
 * The Durable Object driver: a SQLite-backed Durable Object's `ctx.storage`
 * (`storage.sql.exec`, `storage.transactionSync`) as a {@link SqliteConnection}.
 *
 * What the platform does differently, and what this adapter does about it:
 * - `BEGIN`/`COMMIT`/`SAVEPOINT` SQL is refused, so write transactions go
 *   through `transactionSync` (the driver's `transaction` hook).
 * - A cursor's `rowsWritten` counts index entries too, so `changes` is read
 *   with `SELECT changes()` — only when a caller reads it (see
 *   {@link StatementResult}).
 * - BLOBs come back as `ArrayBuffer` (made `Uint8Array` here); `undefined`
 *   would bind as NULL and `true` as the text 'true', integers beyond 2^53
 *   come back rounded: the core's value checks run both ways.
 * - Every number binds as REAL; SQLite's INTEGER affinity turns integral
 *   values back into INTEGERs, and every column the components write a
 *   number into is declared INTEGER.
 * - A row holds at most about 2 MB (`SQLITE_TOOBIG`): `info.maxValueBytes`
 *   tells the blob table to chunk larger blobs.
 * - A statement binds at most 100 parameters; the components never bind more.
 */
import type { Codecs } from '../../core/codec/codecs.ts';
import { SqliteError, SqliteValueError, TransactionError } from '../../core/driver/errors.ts';
import { checkParams, checkReadNumber } from '../../core/driver/values.ts';
import { checkParameterCount } from '../../core/driver/parameters.ts';
import type { ConnectionInfo, RunResult, SqliteConnection, SqlParam, SqlRow, SqlValue } from '../../core/driver/types.ts';
import { builtinCodecs } from './codecs.ts';
import { isSqlDisabled, translateError } from './errors.ts';
import type { DurableObjectSqlCursor, DurableObjectSqlStorage, DurableObjectSqlValue, DurableObjectStorageLike } from './storage.ts';

/** Options of `openDurableObjectSqlite`. */
export interface DurableObjectSqliteOptions {
  /** A name for messages and `info.location` (say, the object's id); default `null`. */
  location?: string | null;
  /**
   * Codecs handed to components. Default: the runtime's native SHA-256 and
   * zlib when the Worker has `nodejs_compat` (see `codecs.ts`), otherwise the
   * portable fflate + JS SHA-256 codecs.
   */
  codecs?: Codecs;
}

/** A Durable Object connection; `storage` is the `ctx.storage` it was opened on. */
export interface DurableObjectSqliteConnection extends SqliteConnection {
  /** The Durable Object's storage. */
  readonly storage: DurableObjectStorageLike;
}

/**
 * The largest value the blob table stores in one row. The platform refuses
 * rows over about 2 MB (2,199,993 bytes of BLOB measured on workerd); a
 * mebibyte leaves room for the row's other columns whatever "2 MB" means in
 * production.
 */
export const DURABLE_OBJECT_MAX_VALUE_BYTES = 1024 * 1024;

/** Bound parameters per statement on the platform. */
export const DURABLE_OBJECT_MAX_PARAMETERS = 100;

const EMPTY: readonly SqlParam[] = Object.freeze([]);
const SQLITE_CANTOPEN = 14;
const SQLITE_MISUSE = 21;

/**
 * Opens the SQLite database of a Durable Object. Call it with `ctx.storage`
 * (in the constructor, or inside `blockConcurrencyWhile`). Throws a
 * `SqliteError` (`SQLITE_CANTOPEN`) for a KV-backed object, whose
 * `storage.sql` exists but refuses every statement.
 *
 * @example
 * ```ts
 * import { DurableObject } from 'cloudflare:workers';
 * import { Store } from 'lash-sqlite-store';
 * import { openDurableObjectSqlite } from 'lash-sqlite-store/durable-object';
 *
 * export class SessionObject extends DurableObject {
 *   store = this.ctx.blockConcurrencyWhile(() => Store.open(openDurableObjectSqlite(this.ctx.storage)));
 * }
 * ```
 */
export function openDurableObjectSqlite(
  storage: DurableObjectStorageLike,
  options: DurableObjectSqliteOptions = {},
): DurableObjectSqliteConnection {
  const sql = (storage as Partial<DurableObjectStorageLike> | null | undefined)?.sql;
  if (typeof sql?.exec !== 'function' || typeof storage.transactionSync !== 'function') {
    throw new SqliteError(
      'openDurableObjectSqlite needs the `ctx.storage` of a SQLite-backed Durable Object (with `sql.exec` and `transactionSync`)',
      SQLITE_CANTOPEN,
    );
  }
  try {
    drain(sql.exec('SELECT 1'));
  } catch (error) {
    if (!isSqlDisabled(error)) throw translateError(error);
    throw new SqliteError(
      'this Durable Object class is KV-backed, so it has no SQLite database: declare it under `new_sqlite_classes` ' +
        '(not `new_classes`) in the migrations of wrangler.jsonc; a deployed class cannot switch',
      SQLITE_CANTOPEN,
      { cause: error },
    );
  }
  const location = options.location ?? null;
  if (location !== null && typeof location !== 'string') throw new SqliteValueError('location must be a string or null');
  const info: ConnectionInfo = Object.freeze({
    engine: 'durable-object',
    location,
    memory: false,
    readOnly: false,
    durability: 'durable',
    maxValueBytes: DURABLE_OBJECT_MAX_VALUE_BYTES,
  });
  return new DurableObjectSqliteDriver(storage, info, options.codecs ?? builtinCodecs());
}

class DurableObjectSqliteDriver implements DurableObjectSqliteConnection {
  readonly storage: DurableObjectStorageLike;
  readonly info: ConnectionInfo;
  readonly codecs: Codecs | undefined;
  readonly #sql: DurableObjectSqlStorage;
  /** Counts statements, so a stale {@link StatementResult} can tell it is stale. */
  #statements = 0;
  #closed = false;

  constructor(storage: DurableObjectStorageLike, info: ConnectionInfo, codecs: Codecs | undefined) {
    this.storage = storage;
    this.#sql = storage.sql;
    this.info = info;
    this.codecs = codecs;
  }

  get closed(): boolean {
    return this.#closed;
  }

  exec(sql: string): void {
    drain(this.#execute(sql, EMPTY));
  }

  run(sql: string, params: readonly SqlParam[] = EMPTY): RunResult {
    checkParams(params);
    checkParameterCount(sql, params);
    const cursor = this.#execute(sql, params);
    // A statement with RETURNING stays active until its rows are read; an
    // active statement would lock its table against later DDL.
    drain(cursor);
    return new StatementResult(this, this.#statements, cursor);
  }

  get<T extends object = SqlRow>(sql: string, params: readonly SqlParam[] = EMPTY): T | undefined {
    checkParams(params);
    checkParameterCount(sql, params);
    const cursor = this.#execute(sql, params);
    const rows = cursor.raw();
    const first = rows.next();
    if (first.done) return undefined;
    // An unfinished cursor keeps its statement busy: the next `exec` of the
    // same SQL would prepare it again, and its table stays locked against DDL.
    drain(rows);
    return rowOf(cursor.columnNames, first.value) as T;
  }

  all<T extends object = SqlRow>(sql: string, params: readonly SqlParam[] = EMPTY): T[] {
    checkParams(params);
    checkParameterCount(sql, params);
    const cursor = this.#execute(sql, params);
    const rows = cursor.raw();
    const out: T[] = [];
    let next = rows.next();
    if (next.done) return out;
    const columns = cursor.columnNames;
    for (; !next.done; next = rows.next()) out.push(rowOf(columns, next.value) as T);
    return out;
  }

  /**
   * Writes run in `transactionSync`, which commits when the body returns and
   * rolls back when it throws (the body's own error comes back as it was
   * thrown). Reads run the body directly: a Durable Object is the only
   * connection to its database and a body is synchronous, so nothing can
   * commit between two of its statements — it already sees one snapshot.
   */
  transaction<T>(kind: 'read' | 'write', body: () => T): T {
    this.#assertOpen();
    if (kind === 'read') return body();
    let thrown: { error: unknown } | undefined;
    try {
      return this.storage.transactionSync(() => {
        try {
          return body();
        } catch (error) {
          thrown = { error };
          throw error;
        }
      });
    } catch (error) {
      if (thrown !== undefined && thrown.error === error) throw error;
      throw translateError(error);
    }
  }

  close(): void {
    // The storage belongs to the object; closing only stops this handle.
    this.#closed = true;
  }

  /** `changes()` of the last statement, for the result of statement number `serial`. */
  changesOf(serial: number): number {
    if (serial !== this.#statements) {
      throw new SqliteError(
        'RunResult.changes must be read before the next statement on a Durable Object connection',
        SQLITE_MISUSE,
      );
    }
    const rows = this.#sql.exec('SELECT changes()').raw();
    const first = rows.next();
    drain(rows);
    return first.done ? 0 : (first.value[0] as number);
  }

  #execute(sql: string, params: readonly SqlParam[]): DurableObjectSqlCursor {
    this.#assertOpen();
    this.#statements += 1;
    try {
      return params.length === 0 ? this.#sql.exec(sql) : this.#sql.exec(sql, ...params);
    } catch (error) {
      throw translateError(error);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new TransactionError('the Durable Object connection is closed');
  }
}

/**
 * The result of `run`. `changes` costs a `SELECT changes()` round trip into
 * the engine, and most callers never read it, so it is read on first access
 * — which must come before the connection's next statement (reading it
 * later throws rather than returning another statement's count). A
 * statement that wrote no row at all changed none, which needs no query.
 */
class StatementResult implements RunResult {
  readonly #driver: DurableObjectSqliteDriver;
  readonly #serial: number;
  readonly #cursor: DurableObjectSqlCursor;
  #changes: number | undefined;

  constructor(driver: DurableObjectSqliteDriver, serial: number, cursor: DurableObjectSqlCursor) {
    this.#driver = driver;
    this.#serial = serial;
    this.#cursor = cursor;
  }

  get changes(): number {
    if (this.#changes === undefined) {
      this.#changes = this.#cursor.rowsWritten === 0 ? 0 : this.#driver.changesOf(this.#serial);
    }
    return this.#changes;
  }
}

function drain(rows: { next(): IteratorResult<unknown> }): void {
  while (!rows.next().done);
}

/**
 * A null-prototype row, as the other drivers return, with BLOBs as
 * `Uint8Array` and numbers checked. Built from the raw values and the column
 * names: the platform's own row objects drop a column named `__proto__`.
 */
function rowOf(columns: readonly string[], values: readonly DurableObjectSqlValue[]): SqlRow {
  const row: SqlRow = Object.create(null);
  for (let i = 0; i < columns.length; i++) row[columns[i]!] = valueOf(values[i]!, columns[i]!);
  return row;
}

function valueOf(value: DurableObjectSqlValue, column: string): SqlValue {
  if (typeof value === 'number') return checkReadNumber(value, column);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return value;
}
