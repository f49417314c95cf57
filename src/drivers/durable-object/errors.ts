/**
 * Durable Object SQL errors are plain `Error`s whose message ends in
 * `: SQLITE_<CODE>` (sometimes followed by ` (extended: SQLITE_<CODE>_<X>)`).
 * This recovers the primary result code so the rest of the package sees the
 * same typed `SqliteError`s as on the other drivers. A few refusals carry no
 * code: the `BEGIN`/`SAVEPOINT` refusal is a platform restriction like the
 * `SQLITE_AUTH` ones (`PRAGMA journal_mode`, `ATTACH`, `_cf_` tables).
 */
import { SQLITE_CODES, sqliteErrorFor } from '../../core/driver/errors.ts';

const CODE_SUFFIX = /: (SQLITE_[A-Z]+)(?: \(extended: SQLITE_[A-Z_]+\))?$/;
const TRANSACTION_REFUSAL = /please use the state\.storage\.transaction/i;
// Two wordings seen on workerd: a KV-backed class, and an object without SQLite storage at all.
const SQL_DISABLED = /SQL is not enabled for this Durable Object class|not backed by SQLite storage/i;

const SQLITE_AUTH = 23;
const SQLITE_CANTOPEN = 14;
const SQLITE_ERROR = 1;
const SQLITE_TOOBIG = 18;

const CODE_NUMBERS: ReadonlyMap<string, number> = new Map(
  Object.entries(SQLITE_CODES).map(([errcode, name]) => [name, Number(errcode)]),
);

/** Turns an error thrown by `sql.exec` or `transactionSync` into a typed driver error; anything else passes through. */
export function translateError(error: unknown): unknown {
  // Engine failures arrive as plain `Error`s; a subclass (a `TypeError` from
  // binding, an error a transaction body threw) is already what it should be.
  if (!(error instanceof Error) || error.constructor !== Error) return error;
  const errcode = errcodeOf(error.message);
  const message = errcode === SQLITE_TOOBIG ? `${error.message} (${TOO_BIG_HINT})` : error.message;
  return sqliteErrorFor(message, errcode, error);
}

export const TOO_BIG_HINT =
  'a Durable Object stores at most about 2 MB in one row; larger blobs are chunked, other values must be smaller';

function errcodeOf(message: string): number {
  const match = CODE_SUFFIX.exec(message);
  if (match !== null) return CODE_NUMBERS.get(match[1]!) ?? SQLITE_ERROR;
  if (TRANSACTION_REFUSAL.test(message)) return SQLITE_AUTH;
  if (SQL_DISABLED.test(message)) return SQLITE_CANTOPEN;
  return SQLITE_ERROR;
}

/** True when `error` says the object's class has no SQLite storage (a KV-backed Durable Object). */
export function isSqlDisabled(error: unknown): boolean {
  return error instanceof Error && SQL_DISABLED.test(error.message);
}
