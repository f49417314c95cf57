/**
 * The sql.js driver: SQLite compiled to WebAssembly, in memory, in Node and in
 * browsers.
 *
 * - `openSqlJs()` opens a private in-memory database; `{ data }` starts it
 *   from the bytes of a database file (written by either driver).
 * - `{ name }` opens a database shared by every handle of that name in this
 *   process, the way two connections share a file; it lives until
 *   `deleteSqlJsDatabase(name)`, so a handle can be closed and "reopened".
 * - `{ persistence }` opens the database a persistence target holds (OPFS,
 *   IndexedDB, a Node file: see `persistence.ts`), replaying its redo log and
 *   checking integrity, and from then on records every committed write
 *   transaction to it (see `journal.ts`). `whenDurable()` resolves once what
 *   was committed is on the target. The database lives until its last handle
 *   closes; `await conn.close()` writes what is pending and releases the target.
 *
 * sql.js has no file locking and no second process: multi-process use needs
 * the node:sqlite driver.
 */
import type { Codecs } from '../../core/codec/codecs.ts';
import { SqliteError, SqliteValueError, TransactionError, sqliteErrorFor } from '../../core/driver/errors.ts';
import type { ConnectionInfo, DurabilityTier, RunResult, SqliteConnection, SqlParam, SqlRow, SqlValue } from '../../core/driver/types.ts';
import { checkParams, checkReadNumber } from '../../core/driver/values.ts';
import { checkParameterCount } from '../../core/driver/parameters.ts';
import { Journal, type JournalHost } from './journal.ts';
import { importSqlJs, type SqlJsDatabase, type SqlJsModule, type SqlJsStatement } from './module.ts';
import type { SqlJsPersistence, SqlJsRecoveryReport, SqlJsStorageReport } from './persistence.ts';
import { classifyStatement, decodeTransactionRecord, type StatementKind } from './redo-record.ts';

export type { SqlJsPersistence } from './persistence.ts';
export type { SqlJsDatabase, SqlJsExecResult, SqlJsModule, SqlJsStatement } from './module.ts';

/** Options of `openSqlJs`. */
export interface SqlJsOptions {
  /** Share one database among all handles opened with this name in this process. */
  name?: string;
  /**
   * Initial database bytes (a SQLite file image). Not allowed for a name that
   * is already open, nor with a persistence target that already holds a
   * database; with an empty target, the target is filled from them.
   */
  data?: Uint8Array;
  /** An initialised sql.js module; by default `initSqlJs()` is called once and reused. */
  sqlJs?: SqlJsModule;
  /** Tells sql.js where its `.wasm` file is (browsers); Node finds it next to the package by default. */
  locateFile?: (file: string) => string;
  /** Codecs handed to components (default: the portable fflate + JS SHA-256 codecs). */
  codecs?: Codecs;
  /** Keep the database on this target (see {@link SqlJsPersistence}). */
  persistence?: SqlJsPersistence;
  /** Run `PRAGMA integrity_check` after opening from a target (default true). */
  integrityCheck?: boolean;
  /** Fold the redo log into a new image once it holds this many bytes (and half the image). Default 4 MiB. */
  checkpointLogBytes?: number;
}

/** A sql.js connection; `export()` returns the database as SQLite file bytes. */
export interface SqlJsConnection extends SqliteConnection {
  /** The underlying sql.js `Database`. */
  readonly raw: SqlJsDatabase;
  /** The database file's bytes (opens in either driver). */
  export(): Uint8Array;
  /** Resolves once every transaction committed so far is on the persistence target (at once without one). */
  whenDurable(): Promise<void>;
  /** Makes everything durable and folds the redo log into a new image (nothing to do without a target). */
  flush(): Promise<void>;
  /** Sizes of the database and of its target; `null` without a target. */
  storageReport(): Promise<SqlJsStorageReport | null>;
  /** What opening from the target found and did; `null` without a target. */
  readonly recovery: SqlJsRecoveryReport | null;
  /**
   * Closes the handle. Closing the last handle of a persisted database writes
   * what is pending and releases the target; the promise says when (and
   * rejects if a committed transaction could not be written).
   */
  close(): Promise<void>;
}

interface PreparedStatement {
  readonly statement: SqlJsStatement;
  readonly columns: readonly string[];
  kind?: StatementKind;
}

/** One database, shared by the handles opened on its name. */
class SharedDatabase implements JournalHost {
  readonly db: SqlJsDatabase;
  readonly statements = new Map<string, PreparedStatement>();
  readonly persistence: SqlJsPersistence | undefined;
  /** False when the sql.js module drops a leading U+FEFF from TEXT (see `readRow`). */
  readonly exactText: boolean;
  journal: Journal | undefined;
  recovery: SqlJsRecoveryReport | null = null;
  handles = 0;
  /** Set by `deleteSqlJsDatabase`: handles still open fail on their next call. */
  deleted = false;
  #shutdown: Promise<void> | undefined;

  constructor(db: SqlJsDatabase, persistence: SqlJsPersistence | undefined, exactText: boolean) {
    this.db = db;
    this.persistence = persistence;
    this.exactText = exactText;
    this.applyPragmas();
  }

  /** Statements are dropped and pragmas re-applied: older sql.js releases reopened the database in `export()`. */
  exportImage(): Uint8Array {
    this.freeStatements();
    try {
      return this.db.export();
    } catch (error) {
      throw translateError(error);
    } finally {
      this.applyPragmas();
    }
  }

  applyPragmas(): void {
    this.db.exec('PRAGMA foreign_keys = ON');
  }

  freeStatements(): void {
    for (const prepared of this.statements.values()) prepared.statement.free();
    this.statements.clear();
  }

  /** Writes what is pending, releases the target and frees the memory. */
  shutdown(): Promise<void> {
    this.#shutdown ??= (async () => {
      try {
        if (this.journal !== undefined) await this.journal.close();
        else await this.persistence?.close();
      } finally {
        this.freeStatements();
        this.db.close();
      }
    })();
    return this.#shutdown;
  }
}

const named = new Map<string, SharedDatabase>();
const exactTextModules = new WeakMap<SqlJsModule, boolean>();
let defaultModule: Promise<SqlJsModule> | undefined;

/**
 * Opens a sql.js database: private and in memory by default; handles opened
 * with the same `name` in one process share one database; `data` opens the
 * bytes of a database file; `persistence` keeps it on a target (OPFS,
 * IndexedDB, a file log).
 *
 * @example
 * ```ts
 * import { Store } from 'lash-sqlite-store';
 * import { indexedDbPersistence, openSqlJs } from 'lash-sqlite-store/sqljs';
 *
 * const conn = await openSqlJs({ name: 'chat', persistence: await indexedDbPersistence('chat') });
 * const store = await Store.open(conn);
 * ```
 */
export async function openSqlJs(options: SqlJsOptions = {}): Promise<SqlJsConnection> {
  const { name, data, persistence } = options;
  if (name !== undefined) {
    if (typeof name !== 'string' || name.length === 0) throw new SqliteValueError('name must be a non-empty string');
    const existing = named.get(name);
    if (existing !== undefined) {
      if (data !== undefined) {
        throw new SqliteValueError(`the sql.js database "${name}" is already open in this process; open it without data`);
      }
      if (persistence !== undefined && existing.persistence !== persistence) {
        throw new SqliteValueError(
          `the sql.js database "${name}" is already open with its persistence target; open it by name alone`,
        );
      }
      return new SqlJsDriver(existing, name, options.codecs);
    }
  }
  const SQL = options.sqlJs ?? (await loadModule(options.locateFile));
  // Another open of the same name may have finished while we awaited the module.
  const raced = name === undefined ? undefined : named.get(name);
  if (raced !== undefined) return openSqlJs(options);
  if (persistence !== undefined) return openPersisted(SQL, persistence, options);
  const db = translate(() => (data === undefined ? new SQL.Database() : new SQL.Database(data)));
  const shared = new SharedDatabase(db, undefined, exactText(SQL));
  if (name !== undefined) named.set(name, shared);
  return new SqlJsDriver(shared, name ?? null, options.codecs);
}

/** Loads the target, replays its log, checks integrity, and attaches the journal. */
async function openPersisted(SQL: SqlJsModule, target: SqlJsPersistence, options: SqlJsOptions): Promise<SqlJsConnection> {
  const started = Date.now();
  let shared: SharedDatabase | undefined;
  try {
    const stored = await target.load();
    if (stored.image !== null && options.data !== undefined) {
      throw new SqliteValueError(`the ${target.kind} target already holds a database; open it without data`);
    }
    const initial = stored.image ?? options.data;
    const db = translate(() => (initial === undefined ? new SQL.Database() : new SQL.Database(initial)));
    shared = new SharedDatabase(db, target, exactText(SQL));
    const driver = new SqlJsDriver(shared, options.name ?? null, options.codecs);
    replay(driver, stored.records, target.kind);
    const check = options.integrityCheck !== false;
    if (check) checkIntegrity(driver, target.kind, stored.notes);
    const logBytes = stored.records.reduce((sum, record) => sum + record.bytes.length, 0);
    const seq = stored.imageSeq + stored.records.length;
    shared.journal = new Journal(
      target,
      shared,
      { seq, imageSeq: stored.imageSeq, imageBytes: stored.image?.length ?? 0, logBytes },
      { checkpointLogBytes: options.checkpointLogBytes },
    );
    // An empty target gets its first image (the data, or an empty database) before anything is logged.
    if (stored.image === null || stored.needsCheckpoint === true) await shared.journal.flush();
    shared.recovery = Object.freeze({
      target: target.kind,
      imageBytes: stored.image?.length ?? 0,
      imageSeq: stored.imageSeq,
      replayedTransactions: stored.records.length,
      startedFromData: stored.image === null && options.data !== undefined,
      integrity: check ? 'ok' : 'skipped',
      storagePersisted: target.storagePersisted,
      notes: Object.freeze([...stored.notes]),
      elapsedMs: Date.now() - started,
    });
    if (options.name !== undefined) named.set(options.name, shared);
    return driver;
  } catch (error) {
    if (shared !== undefined) await shared.shutdown().catch(() => undefined);
    else await target.close().catch(() => undefined);
    throw error;
  }
}

/** Re-runs each logged transaction, in order, on the image it followed. */
function replay(driver: SqlJsDriver, records: readonly { seq: number; bytes: Uint8Array }[], kind: string): void {
  for (const record of records) {
    let explicit = false;
    try {
      const transaction = decodeTransactionRecord(record.bytes);
      explicit = transaction.explicit;
      if (explicit) driver.exec('BEGIN IMMEDIATE');
      for (const [sql, params] of transaction.statements) {
        if (params === null) driver.exec(sql);
        else driver.run(sql, params);
      }
      if (explicit) driver.exec('COMMIT');
    } catch (error) {
      if (explicit) {
        try {
          driver.exec('ROLLBACK');
        } catch {
          // already rolled back by SQLite
        }
      }
      throw new SqliteError(
        `the ${kind} target's redo record ${record.seq} does not replay: ${(error as Error).message ?? error}`,
        11,
        { cause: error },
      );
    }
  }
}

function checkIntegrity(driver: SqlJsDriver, kind: string, notes: readonly string[]): void {
  const rows = driver.all<{ integrity_check: string }>('PRAGMA integrity_check');
  const problems = rows.map((row) => row.integrity_check).filter((text) => text !== 'ok');
  if (problems.length > 0 || rows.length === 0) {
    throw new SqliteError(
      `the database on the ${kind} target fails PRAGMA integrity_check: ${problems.slice(0, 5).join('; ')}` +
        (notes.length > 0 ? ` (while loading: ${notes.join('; ')})` : ''),
      11,
    );
  }
}

/**
 * Discards a named database and frees its memory. Handles still open on it
 * fail on their next call. A persisted database first writes what is pending
 * and releases its target, in the background (its data stays on the target).
 * Returns false when no such database exists.
 */
export function deleteSqlJsDatabase(name: string): boolean {
  const shared = named.get(name);
  if (shared === undefined) return false;
  named.delete(name);
  shared.deleted = true;
  if (shared.persistence === undefined) {
    shared.freeStatements();
    shared.db.close();
  } else {
    shared.shutdown().catch(() => undefined);
  }
  return true;
}

/** True when a named database exists in this process. */
export function hasSqlJsDatabase(name: string): boolean {
  return named.has(name);
}

async function loadModule(locateFile: ((file: string) => string) | undefined): Promise<SqlJsModule> {
  const initSqlJs = await importSqlJs();
  if (locateFile !== undefined) return withExactTextDecoding(() => initSqlJs({ locateFile }));
  defaultModule ??= withExactTextDecoding(() => initSqlJs());
  return defaultModule;
}

/**
 * sql.js decodes TEXT with a `TextDecoder` made when the module starts, and a
 * default `TextDecoder` drops a leading U+FEFF. Starting the module while the
 * global decoder keeps it makes text round-trip exactly; the module builds
 * its decoder synchronously inside `initSqlJs()`, so the swap lasts only for
 * that call. A module started elsewhere is detected by `exactText` and read
 * the slow way.
 */
function withExactTextDecoding<T>(start: () => T): T {
  const Original = globalThis.TextDecoder;
  class ExactTextDecoder extends Original {
    constructor(label?: string, options?: ConstructorParameters<typeof TextDecoder>[1]) {
      super(label, { ...options, ignoreBOM: true });
    }
  }
  globalThis.TextDecoder = ExactTextDecoder;
  try {
    return start();
  } finally {
    globalThis.TextDecoder = Original;
  }
}

/** True when the module returns a leading U+FEFF of a TEXT value. */
function exactText(SQL: SqlJsModule): boolean {
  let exact = exactTextModules.get(SQL);
  if (exact === undefined) {
    const db = new SQL.Database();
    try {
      exact = db.exec("SELECT char(65279) || 'x'")[0]?.values[0]?.[0] === '\uFEFFx';
    } finally {
      db.close();
    }
    exactTextModules.set(SQL, exact);
  }
  return exact;
}

const DONE = Promise.resolve();

class SqlJsDriver implements SqlJsConnection {
  readonly info: ConnectionInfo;
  readonly codecs: Codecs | undefined;
  readonly #shared: SharedDatabase;
  #closed = false;
  #closing: Promise<void> = DONE;

  constructor(shared: SharedDatabase, name: string | null, codecs: Codecs | undefined) {
    this.#shared = shared;
    shared.handles += 1;
    this.codecs = codecs;
    const durability: DurabilityTier = shared.persistence?.durable ? 'durable' : 'inline';
    this.info = Object.freeze({ engine: 'sqljs', location: name, memory: true, readOnly: false, durability });
  }

  get raw(): SqlJsDatabase {
    return this.#shared.db;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get recovery(): SqlJsRecoveryReport | null {
    return this.#shared.recovery;
  }

  exec(sql: string): void {
    this.#assertOpen();
    const journal = this.#shared.journal;
    if (journal === undefined) {
      translate(() => this.#shared.db.exec(sql));
      return;
    }
    const kind = classifyStatement(sql);
    if (kind === 'savepoint' && !journal.inTransaction) {
      throw new TransactionError('with a persistence target, open the transaction with BEGIN before a SAVEPOINT');
    }
    try {
      translate(() => this.#shared.db.exec(sql));
    } catch (error) {
      // A failed ROLLBACK means SQLite had already ended the transaction.
      if (kind === 'rollback') journal.rollback();
      throw error;
    }
    record(journal, kind, sql, null);
  }

  run(sql: string, params: readonly SqlParam[] = []): RunResult {
    const prepared = this.#prepare(sql);
    checkParams(params);
    checkParameterCount(sql, params);
    const { statement } = prepared;
    translate(() => {
      try {
        statement.bind(params as SqlValue[]);
        statement.step();
      } finally {
        statement.reset();
      }
    });
    this.#record(prepared, sql, params);
    return { changes: this.#shared.db.getRowsModified() };
  }

  get<T extends object = SqlRow>(sql: string, params: readonly SqlParam[] = []): T | undefined {
    const prepared = this.#prepare(sql);
    checkParams(params);
    checkParameterCount(sql, params);
    const row = translate(() => {
      const { statement } = prepared;
      try {
        statement.bind(params as SqlValue[]);
        return statement.step() ? (readRow(prepared, this.#shared.exactText) as T) : undefined;
      } finally {
        statement.reset();
      }
    });
    this.#record(prepared, sql, params);
    return row;
  }

  all<T extends object = SqlRow>(sql: string, params: readonly SqlParam[] = []): T[] {
    const prepared = this.#prepare(sql);
    checkParams(params);
    checkParameterCount(sql, params);
    const rows = translate(() => {
      const { statement } = prepared;
      const rows: T[] = [];
      try {
        statement.bind(params as SqlValue[]);
        while (statement.step()) rows.push(readRow(prepared, this.#shared.exactText) as T);
      } finally {
        statement.reset();
      }
      return rows;
    });
    this.#record(prepared, sql, params);
    return rows;
  }

  whenDurable(): Promise<void> {
    return this.#shared.journal?.whenDurable() ?? DONE;
  }

  flush(): Promise<void> {
    this.#assertOpen();
    return this.#shared.journal?.flush() ?? DONE;
  }

  async storageReport(): Promise<SqlJsStorageReport | null> {
    this.#assertOpen();
    const journal = this.#shared.journal;
    if (journal === undefined) return null;
    const pages = this.get<{ n: number }>('SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()');
    const failure = journal.failure;
    return {
      target: journal.target.kind,
      databaseBytes: pages?.n ?? 0,
      ...(await journal.target.size()),
      committedSeq: journal.committedSeq,
      durableSeq: journal.durableSeq,
      storagePersisted: journal.target.storagePersisted,
      lastError: failure === null ? null : failure instanceof Error ? failure.message : String(failure),
    };
  }

  export(): Uint8Array {
    this.#assertOpen();
    try {
      return this.#shared.exportImage();
    } catch (error) {
      if (/transaction|busy or locked/i.test(String((error as Error).message))) {
        throw new TransactionError('cannot export a sql.js database while a transaction is open');
      }
      throw error;
    }
  }

  close(): Promise<void> {
    // A named database outlives its handles (like a file); a private one dies
    // with its only handle; a persisted one is written out with its last handle.
    if (this.#closed) return this.#closing;
    this.#closed = true;
    const shared = this.#shared;
    shared.handles -= 1;
    if (shared.persistence !== undefined) {
      if (shared.handles > 0) return DONE;
      if (this.info.location !== null && named.get(this.info.location) === shared) named.delete(this.info.location);
      this.#closing = shared.shutdown();
      // Callers that do not await close() must not see an unhandled rejection;
      // those that do still get it.
      this.#closing.catch(() => undefined);
    } else if (this.info.location === null) {
      shared.freeStatements();
      shared.db.close();
    }
    return this.#closing;
  }

  #record(prepared: PreparedStatement, sql: string, params: readonly SqlParam[]): void {
    const journal = this.#shared.journal;
    if (journal === undefined) return;
    prepared.kind ??= classifyStatement(sql);
    record(journal, prepared.kind, sql, params);
  }

  #assertOpen(): void {
    if (this.#closed) throw new TransactionError('the sql.js connection is closed');
    if (this.#shared.deleted) {
      throw new TransactionError(`the sql.js database "${this.info.location}" was deleted`);
    }
  }

  #prepare(sql: string): PreparedStatement {
    this.#assertOpen();
    const cache = this.#shared.statements;
    let prepared = cache.get(sql);
    if (prepared === undefined) {
      const statement = translate(() => this.#shared.db.prepare(sql));
      prepared = { statement, columns: statement.getColumnNames() };
      if (cache.size >= 256) {
        const [oldestSql, oldest] = cache.entries().next().value as [string, PreparedStatement];
        oldest.statement.free();
        cache.delete(oldestSql);
      }
      cache.set(sql, prepared);
    }
    return prepared;
  }
}

/** Tells the journal what a statement that succeeded did. */
function record(journal: Journal, kind: StatementKind, sql: string, params: readonly SqlParam[] | null): void {
  switch (kind) {
    case 'begin':
      return journal.begin();
    case 'commit':
      return journal.commit();
    case 'rollback':
      return journal.rollback();
    case 'vacuum':
      return journal.vacuumed();
    case 'write':
    case 'savepoint':
      return journal.statement(sql, params);
    case 'read':
      return;
  }
}

function readRow(prepared: PreparedStatement, exactText: boolean): SqlRow {
  const { statement, columns } = prepared;
  const values = statement.get();
  // Null-prototype rows, like node:sqlite's: a column named `constructor` or
  // `__proto__` is then just a column.
  const row: SqlRow = Object.create(null);
  for (let i = 0; i < columns.length; i++) {
    const value = values[i] as SqlValue;
    if (typeof value === 'number') row[columns[i]!] = checkReadNumber(value, columns[i]!);
    else if (typeof value === 'string' && !exactText && startsWithByteOrderMark(textBytes(statement, i))) {
      row[columns[i]!] = `\uFEFF${value}`;
    } else row[columns[i]!] = value;
  }
  return row;
}

/** The stored UTF-8 bytes of a TEXT column (`getBlob` is in sql.js, not in its type declarations). */
function textBytes(statement: SqlJsStatement, column: number): Uint8Array {
  return (statement as unknown as { getBlob(column: number): Uint8Array }).getBlob(column);
}

function startsWithByteOrderMark(bytes: Uint8Array): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

function translate<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw translateError(error);
  }
}

/** sql.js reports SQLite errors as plain `Error`s carrying `sqlite3_errmsg`; recover the result code. */
function translateError(error: unknown): unknown {
  // Engine failures arrive as plain `Error`s (or strings, for a freed statement);
  // anything more specific is already typed, or is a bug worth seeing as is.
  if (typeof error === 'string') return sqliteErrorFor(error, errcodeFor(error), error);
  if (!(error instanceof Error) || error.constructor !== Error) return error;
  return sqliteErrorFor(error.message, errcodeFor(error.message), error);
}

function errcodeFor(message: string): number {
  if (/constraint failed/i.test(message)) return 19;
  if (/database is locked/i.test(message)) return 5;
  if (/table is locked|database table is locked/i.test(message)) return 6;
  if (/readonly database/i.test(message)) return 8;
  if (/not a database|file is not a database/i.test(message)) return 26;
  if (/malformed/i.test(message)) return 11;
  return 1;
}
