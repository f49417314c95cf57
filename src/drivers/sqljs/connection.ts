/**
 * The sql.js driver: SQLite compiled to WebAssembly, in memory, in Node and in
 * browsers.
 *
 * - `openSqlJs()` opens a private in-memory database; `{ data }` starts it
 *   from the bytes of a database file (written by either driver).
 * - `{ name }` opens a database shared by every handle of that name in this
 *   process, the way two connections share a file; it lives until
 *   `deleteSqlJsDatabase(name)`, so a handle can be closed and "reopened".
 * - `{ persistence }` writes `export()` after every committed write
 *   transaction; with a target that writes atomically the tier is `durable`.
 *
 * sql.js has no file locking and no second process: multi-process use needs
 * the node:sqlite driver.
 */
import initSqlJs from 'sql.js';
import type { Database, SqlJsStatic, Statement } from 'sql.js';
import type { Codecs } from '../../core/codec/codecs.ts';
import { SqliteValueError, TransactionError, sqliteErrorFor } from '../../core/driver/errors.ts';
import { checkParams, checkReadNumber } from '../../core/driver/values.ts';
import type {
  ConnectionInfo,
  DurabilityTier,
  RunResult,
  SqliteConnection,
  SqlParam,
  SqlRow,
  SqlValue,
} from '../../core/driver/types.ts';

/** Where a sql.js database is written after each committed write transaction. */
export interface SqlJsPersistence {
  /** Stores a complete database image. Must not return before the write is done. */
  write(bytes: Uint8Array): void;
  /** True when `write` replaces the stored image atomically on stable storage (temp file + fsync + rename). */
  readonly durable: boolean;
}

export interface SqlJsOptions {
  /** Share one database among all handles opened with this name in this process. */
  name?: string;
  /** Initial database bytes (a SQLite file image). Not allowed for a name that is already open. */
  data?: Uint8Array;
  /** An initialised sql.js module; by default `initSqlJs()` is called once and reused. */
  sqlJs?: SqlJsStatic;
  /** Tells sql.js where its `.wasm` file is (browsers); Node finds it next to the package by default. */
  locateFile?: (file: string) => string;
  /** Codecs handed to components (default: the portable fflate + JS SHA-256 codecs). */
  codecs?: Codecs;
  /** Persist every committed write transaction (see {@link SqlJsPersistence}). */
  persistence?: SqlJsPersistence;
}

/** A sql.js connection; `export()` returns the database as SQLite file bytes. */
export interface SqlJsConnection extends SqliteConnection {
  readonly raw: Database;
  export(): Uint8Array;
}

/** One database, shared by the handles opened on its name. */
class SharedDatabase {
  readonly db: Database;
  readonly statements = new Map<string, PreparedStatement>();
  persistence: SqlJsPersistence | undefined;
  constructor(db: Database, persistence: SqlJsPersistence | undefined) {
    this.db = db;
    this.persistence = persistence;
    this.applyPragmas();
  }

  /** `export()` closes and reopens the database inside sql.js, which drops pragmas and statements. */
  exportImage(): Uint8Array {
    for (const prepared of this.statements.values()) prepared.statement.free();
    this.statements.clear();
    let bytes: Uint8Array;
    try {
      bytes = this.db.export();
    } catch (error) {
      throw translateError(error);
    } finally {
      this.applyPragmas();
    }
    return bytes;
  }

  applyPragmas(): void {
    this.db.exec('PRAGMA foreign_keys = ON');
  }
}

interface PreparedStatement {
  readonly statement: Statement;
  readonly columns: readonly string[];
}

const named = new Map<string, SharedDatabase>();
let defaultModule: Promise<SqlJsStatic> | undefined;

/** Opens a sql.js database (see the module comment for the three modes). */
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
        throw new SqliteValueError(`the sql.js database "${name}" already has its persistence target`);
      }
      return new SqlJsDriver(existing, name, options.codecs);
    }
  }
  const SQL = options.sqlJs ?? (await loadModule(options.locateFile));
  // Another open of the same name may have finished while we awaited the module.
  const raced = name === undefined ? undefined : named.get(name);
  if (raced !== undefined) return openSqlJs(options);
  const db = translate(() => (data === undefined ? new SQL.Database() : new SQL.Database(data)));
  const shared = new SharedDatabase(db, persistence);
  if (name !== undefined) named.set(name, shared);
  return new SqlJsDriver(shared, name ?? null, options.codecs);
}

/**
 * Discards a named database and frees its memory. Handles still open on it
 * fail on their next call. Returns false when no such database exists.
 */
export function deleteSqlJsDatabase(name: string): boolean {
  const shared = named.get(name);
  if (shared === undefined) return false;
  named.delete(name);
  for (const prepared of shared.statements.values()) prepared.statement.free();
  shared.statements.clear();
  shared.db.close();
  return true;
}

/** True when a named database exists in this process. */
export function hasSqlJsDatabase(name: string): boolean {
  return named.has(name);
}

function loadModule(locateFile: ((file: string) => string) | undefined): Promise<SqlJsStatic> {
  if (locateFile !== undefined) return initSqlJs({ locateFile });
  defaultModule ??= initSqlJs();
  return defaultModule;
}

class SqlJsDriver implements SqlJsConnection {
  readonly info: ConnectionInfo;
  readonly codecs: Codecs | undefined;
  readonly #shared: SharedDatabase;
  #closed = false;

  constructor(shared: SharedDatabase, name: string | null, codecs: Codecs | undefined) {
    this.#shared = shared;
    this.codecs = codecs;
    const durability: DurabilityTier = shared.persistence?.durable ? 'durable' : 'inline';
    this.info = Object.freeze({ engine: 'sqljs', location: name, memory: true, readOnly: false, durability });
  }

  get raw(): Database {
    return this.#shared.db;
  }

  get closed(): boolean {
    return this.#closed;
  }

  exec(sql: string): void {
    this.#assertOpen();
    translate(() => this.#shared.db.exec(sql));
  }

  run(sql: string, params: readonly SqlParam[] = []): RunResult {
    const { statement } = this.#prepare(sql);
    checkParams(params);
    translate(() => {
      try {
        statement.bind(params as SqlValue[]);
        statement.step();
      } finally {
        statement.reset();
      }
    });
    return { changes: this.#shared.db.getRowsModified() };
  }

  get<T extends object = SqlRow>(sql: string, params: readonly SqlParam[] = []): T | undefined {
    const prepared = this.#prepare(sql);
    checkParams(params);
    return translate(() => {
      const { statement } = prepared;
      try {
        statement.bind(params as SqlValue[]);
        return statement.step() ? (readRow(prepared) as T) : undefined;
      } finally {
        statement.reset();
      }
    });
  }

  all<T extends object = SqlRow>(sql: string, params: readonly SqlParam[] = []): T[] {
    const prepared = this.#prepare(sql);
    checkParams(params);
    return translate(() => {
      const { statement } = prepared;
      const rows: T[] = [];
      try {
        statement.bind(params as SqlValue[]);
        while (statement.step()) rows.push(readRow(prepared) as T);
      } finally {
        statement.reset();
      }
      return rows;
    });
  }

  afterCommit(): void {
    const persistence = this.#shared.persistence;
    if (persistence !== undefined) persistence.write(this.#shared.exportImage());
  }

  export(): Uint8Array {
    this.#assertOpen();
    try {
      return this.#shared.exportImage();
    } catch (error) {
      if (/transaction/i.test(String((error as Error).message))) {
        throw new TransactionError('cannot export a sql.js database while a transaction is open');
      }
      throw error;
    }
  }

  close(): void {
    // A named database outlives its handles (like a file); a private one dies with its only handle.
    if (this.#closed) return;
    this.#closed = true;
    if (this.info.location === null) {
      for (const prepared of this.#shared.statements.values()) prepared.statement.free();
      this.#shared.statements.clear();
      this.#shared.db.close();
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new TransactionError('the sql.js connection is closed');
    if (this.info.location !== null && named.get(this.info.location) !== this.#shared) {
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

function readRow(prepared: PreparedStatement): SqlRow {
  const values = prepared.statement.get();
  // Null-prototype rows, like node:sqlite's: a column named `constructor` or
  // `__proto__` is then just a column.
  const row: SqlRow = Object.create(null);
  const { columns } = prepared;
  for (let i = 0; i < columns.length; i++) {
    const value = values[i] as SqlValue;
    row[columns[i]!] = typeof value === 'number' ? checkReadNumber(value, columns[i]!) : value;
  }
  return row;
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
