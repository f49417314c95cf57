/**
 * The part of a Durable Object's `ctx.storage` this driver uses, typed
 * structurally so the package needs no Cloudflare type dependency: a
 * `DurableObjectStorage` from `@cloudflare/workers-types` (or from
 * `wrangler types`) is assignable to {@link DurableObjectStorageLike}.
 */

/** A value as the Durable Object SQL API returns it: BLOBs come back as `ArrayBuffer`. */
export type DurableObjectSqlValue = ArrayBuffer | string | number | null;

/** `SqlStorageCursor`: rows of one `exec`, read lazily. */
export interface DurableObjectSqlCursor {
  /** The next row. */
  next(): IteratorResult<unknown>;
  /** The rows as arrays of values, in the order of {@link columnNames}. */
  raw(): Iterator<DurableObjectSqlValue[]>;
  /** The result's column names. */
  readonly columnNames: string[];
  /** Rows the statement wrote, index entries included (so not `changes()`). */
  readonly rowsWritten: number;
}

/** `SqlStorage`: `ctx.storage.sql`. */
export interface DurableObjectSqlStorage {
  /** Runs a statement with its bindings. */
  exec(query: string, ...bindings: any[]): DurableObjectSqlCursor;
}

/** `DurableObjectStorage`: `ctx.storage` of a SQLite-backed Durable Object. */
export interface DurableObjectStorageLike {
  /** The SQL API. */
  readonly sql: DurableObjectSqlStorage;
  /** Runs `closure` in one synchronous transaction. */
  transactionSync<T>(closure: () => T): T;
}
