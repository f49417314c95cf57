/**
 * The sql.js module as the driver sees it: the few types it uses, declared
 * here, and the lazy import of the package.
 *
 * - The types are ours, not `@types/sql.js`'s, so that the package's
 *   declarations type-check for a consumer without `@types/sql.js` (and
 *   without the `@types/node` it pulls in, in a browser project). They are
 *   structural subsets of sql.js's own: a module from `initSqlJs()` is a
 *   `SqlJsModule`, its `Database` a `SqlJsDatabase`.
 * - `sql.js` is an optional peer dependency: node:sqlite users do not
 *   download its 13.7 MB. It is imported when the first database is opened
 *   without `{ sqlJs }`, so a missing package is an error that says what to
 *   install, not a failed import of `lash-sqlite-store/sqljs`.
 */
import type { SqlValue } from '../../core/driver/types.ts';

/** A prepared statement of a {@link SqlJsDatabase} (sql.js's `Statement`, without the parameter objects). */
export interface SqlJsStatement {
  /** Binds values to the statement's parameters. */
  bind(values?: SqlValue[]): boolean;
  /** Steps to the next row; `false` when done. */
  step(): boolean;
  /** The current row as values. */
  get(values?: SqlValue[]): SqlValue[];
  /** The current row as an object. */
  getAsObject(values?: SqlValue[]): Record<string, SqlValue>;
  /** The result's column names. */
  getColumnNames(): string[];
  /** Runs the statement with `values`. */
  run(values?: SqlValue[]): void;
  /** Resets the statement. */
  reset(): void;
  /** Frees the statement. */
  free(): boolean;
}

/** The rows of one statement run by {@link SqlJsDatabase.exec}. */
export interface SqlJsExecResult {
  /** The column names. */
  columns: string[];
  /** The rows. */
  values: SqlValue[][];
}

/** A sql.js `Database` (its common methods; cast to sql.js's own type for the rest). */
export interface SqlJsDatabase {
  /** Runs SQL and returns its results. */
  exec(sql: string, values?: SqlValue[]): SqlJsExecResult[];
  /** Runs a statement. */
  run(sql: string, values?: SqlValue[]): SqlJsDatabase;
  /** Prepares a statement. */
  prepare(sql: string, values?: SqlValue[]): SqlJsStatement;
  /** Rows changed by the last statement. */
  getRowsModified(): number;
  /** The database file's bytes. */
  export(): Uint8Array;
  /** Closes the database. */
  close(): void;
}

/** An initialised sql.js module, as `initSqlJs()` resolves it. */
export interface SqlJsModule {
  /** The `Database` class. */
  readonly Database: new (data?: Uint8Array) => SqlJsDatabase;
}

/** `initSqlJs` from the `sql.js` package. */
export type InitSqlJs = (config?: { locateFile?: (file: string) => string }) => Promise<SqlJsModule>;

/** The message of the error thrown when the `sql.js` package cannot be loaded. */
export const SQLJS_MISSING_MESSAGE =
  'lash-sqlite-store/sqljs needs the sql.js package, which is not installed: run `npm install sql.js` ' +
  '(an optional peer dependency, so that node:sqlite users do not download it), or pass an initialised module as `{ sqlJs }`';

let importing: Promise<InitSqlJs> | undefined;

/** Imports `sql.js` once; a missing package rejects with {@link SQLJS_MISSING_MESSAGE} (and is tried again next time). */
export function importSqlJs(): Promise<InitSqlJs> {
  importing ??= import('sql.js').then(
    (mod) => (mod.default ?? mod) as unknown as InitSqlJs,
    (error: unknown) => {
      importing = undefined;
      throw isMissingSqlJs(error) ? Object.assign(new Error(SQLJS_MISSING_MESSAGE, { cause: error }), { code: 'LASH_SQLJS_MISSING' }) : error;
    },
  );
  return importing;
}

/** True for the error {@link importSqlJs} rejects with when the package is missing. */
export function isSqlJsMissingError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'LASH_SQLJS_MISSING';
}

function isMissingSqlJs(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && typeof message === 'string' && message.includes('sql.js');
}
