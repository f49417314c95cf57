/**
 * Typed errors raised at the driver boundary. Engines report failures in
 * their own shapes (node:sqlite: `Error` with `errcode`/`errstr`; sql.js: a
 * bare `Error` with the SQLite message); drivers translate them here so the
 * rest of the code never string-matches "database is locked".
 */
import { brandError } from '../contract/brand.ts';

/** Primary SQLite result codes we care about by name. */
export const SQLITE_CODES: Readonly<Record<number, string>> = {
  1: 'SQLITE_ERROR',
  2: 'SQLITE_INTERNAL',
  3: 'SQLITE_PERM',
  4: 'SQLITE_ABORT',
  5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED',
  7: 'SQLITE_NOMEM',
  8: 'SQLITE_READONLY',
  9: 'SQLITE_INTERRUPT',
  10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT',
  12: 'SQLITE_NOTFOUND',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
  15: 'SQLITE_PROTOCOL',
  17: 'SQLITE_SCHEMA',
  18: 'SQLITE_TOOBIG',
  19: 'SQLITE_CONSTRAINT',
  20: 'SQLITE_MISMATCH',
  21: 'SQLITE_MISUSE',
  23: 'SQLITE_AUTH',
  25: 'SQLITE_RANGE',
  26: 'SQLITE_NOTADB',
};

/** An error reported by the SQLite engine. `code` is the primary result code name. */
export class SqliteError extends Error {
  static {
    brandError(this, 'SqliteError');
  }
  /** The class name (`SqliteError` or a subclass's). */
  override name = 'SqliteError';
  /** SQLite's error code name (`SQLITE_BUSY`, …). */
  readonly code: string;
  /** SQLite's numeric result code. */
  readonly errcode: number;
  constructor(message: string, errcode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.errcode = errcode;
    this.code = SQLITE_CODES[errcode & 0xff] ?? `SQLITE_${errcode}`;
  }
}

/**
 * Another connection held the lock for longer than the busy timeout
 * (`SQLITE_BUSY` or `SQLITE_LOCKED`). Safe to retry the whole operation.
 */
export class SqliteBusyError extends SqliteError {
  static {
    brandError(this, 'SqliteBusyError');
  }
  /** Always `'SqliteBusyError'`. */
  override name = 'SqliteBusyError';
}

/** A write was attempted on a connection opened read-only. */
export class SqliteReadOnlyError extends SqliteError {
  static {
    brandError(this, 'SqliteReadOnlyError');
  }
  /** Always `'SqliteReadOnlyError'`. */
  override name = 'SqliteReadOnlyError';
  constructor(message = 'the connection is read-only') {
    super(message, 8);
  }
}

/** A parameter that cannot be stored faithfully (undefined, boolean, bigint, NaN, unsafe integer…). */
export class SqliteValueError extends TypeError {
  static {
    brandError(this, 'SqliteValueError');
  }
  /** Always `'SqliteValueError'`. */
  override name = 'SqliteValueError';
}

/** Misuse of the transaction helper (nesting, closed connection). */
export class TransactionError extends Error {
  static {
    brandError(this, 'TransactionError');
  }
  /** Always `'TransactionError'`. */
  override name = 'TransactionError';
}

/** Builds the right typed error for an engine result code. */
export function sqliteErrorFor(message: string, errcode: number, cause?: unknown): SqliteError {
  const primary = errcode & 0xff;
  if (primary === 5 || primary === 6) return new SqliteBusyError(message, errcode, { cause });
  if (primary === 8) {
    const error = new SqliteReadOnlyError(message);
    if (cause !== undefined) (error as { cause?: unknown }).cause = cause;
    return error;
  }
  return new SqliteError(message, errcode, { cause });
}

/** True for a constraint violation (UNIQUE, FOREIGN KEY, CHECK…). */
export function isConstraintError(error: unknown): error is SqliteError {
  return error instanceof SqliteError && error.code === 'SQLITE_CONSTRAINT';
}
