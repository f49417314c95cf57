/**
 * How many positional parameters a statement takes, so a driver can refuse a
 * call that binds too few. node:sqlite and sql.js both bind a missing
 * parameter as NULL without a word: a statement whose SQL gained a `?` that
 * its caller did not bind would write or match NULL instead of failing (a
 * merge once left the blob read binding one of its two parameters, and the
 * read found nothing).
 */
import { SqliteValueError } from './errors.ts';

const UNKNOWN = -1;
const CACHE_LIMIT = 512;
// SQL strings are mostly constants, so a small cache makes the scan a one-off
// per statement text; generated SQL cannot grow it without bound.
const counts = new Map<string, number>();

/**
 * Throws {@link SqliteValueError} when `params` does not hold exactly as many
 * values as `sql` has positional parameters. Statements with named parameters
 * (`:a`, `@a`, `$a`) are not checked: drivers bind arrays only.
 */
export function checkParameterCount(sql: string, params: readonly unknown[]): void {
  let expected = counts.get(sql);
  if (expected === undefined) {
    expected = countParameters(sql);
    if (counts.size >= CACHE_LIMIT) counts.delete(counts.keys().next().value as string);
    counts.set(sql, expected);
  }
  if (expected !== UNKNOWN && params.length !== expected) {
    throw new SqliteValueError(
      `the statement takes ${expected} parameter${expected === 1 ? '' : 's'} but ${params.length} ${params.length === 1 ? 'was' : 'were'} bound: ${abbreviate(sql)}`,
    );
  }
}

/**
 * The number of positional parameters of `sql` as SQLite numbers them (a bare
 * `?` takes the largest index so far plus one, `?NNN` takes NNN), skipping
 * string literals, quoted identifiers and comments; -1 when a named parameter
 * appears.
 */
export function countParameters(sql: string): number {
  let largest = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      i = closing(sql, i, c);
    } else if (c === '[') {
      i = closing(sql, i, ']');
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 1;
    } else if (c === '?') {
      let j = i + 1;
      while (j < sql.length && sql[j]! >= '0' && sql[j]! <= '9') j++;
      largest = j === i + 1 ? largest + 1 : Math.max(largest, Number(sql.slice(i + 1, j)));
      i = j - 1;
    } else if ((c === ':' || c === '@' || c === '$') && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      return UNKNOWN;
    }
  }
  return largest;
}

/** The index of the quote closing the one at `start` (a doubled quote is an escaped one). */
function closing(sql: string, start: number, quote: string): number {
  const end = sql.indexOf(quote, start + 1);
  return end === -1 ? sql.length : end;
}

function abbreviate(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}
