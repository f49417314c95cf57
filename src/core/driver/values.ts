/**
 * Value checks shared by every driver, so both engines accept and refuse
 * exactly the same inputs.
 */
import { SqliteValueError } from './errors.ts';
import type { SqliteConnection, SqlParam, SqlValue } from './types.ts';

/** Throws {@link SqliteValueError} unless every parameter is storable without loss. */
export function checkParams(params: readonly unknown[]): asserts params is readonly SqlParam[] {
  for (let i = 0; i < params.length; i++) checkParam(params[i], i + 1);
}

function checkParam(value: unknown, position: number): void {
  switch (typeof value) {
    case 'string':
      return;
    case 'number':
      if (Number.isNaN(value) || !Number.isFinite(value)) {
        throw new SqliteValueError(`parameter ${position} is ${value}; SQLite cannot store it faithfully`);
      }
      if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
        throw new SqliteValueError(
          `parameter ${position} is the integer ${value}, outside the safe range ±${Number.MAX_SAFE_INTEGER}`,
        );
      }
      return;
    case 'object':
      if (value === null || value instanceof Uint8Array) return;
      throw new SqliteValueError(
        `parameter ${position} is ${describe(value)}; only null, number, string and Uint8Array can be bound`,
      );
    case 'undefined':
      throw new SqliteValueError(`parameter ${position} is undefined; pass null for SQL NULL`);
    default:
      throw new SqliteValueError(
        `parameter ${position} is a ${typeof value}; only null, number, string and Uint8Array can be bound`,
      );
  }
}

/**
 * Checks a number read back from the engine. Integers beyond the safe range
 * would have been rounded by the engine binding, so they are refused.
 */
export function checkReadNumber(value: number, column: string): number {
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
    throw new SqliteValueError(
      `column ${column} holds ${value}, outside the safe integer range; refusing to return a rounded value`,
    );
  }
  return value;
}

function describe(value: object): string {
  if (Array.isArray(value)) return 'an array';
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return name ? `a ${name}` : 'an object';
}

/** Narrowing helpers for reading rows written by this package. */
export function asText(value: SqlValue | undefined, column: string): string {
  if (typeof value !== 'string') throw new SqliteValueError(`column ${column} is not TEXT (got ${typeName(value)})`);
  return value;
}

export function asOptionalText(value: SqlValue | undefined, column: string): string | null {
  if (value === null || value === undefined) return null;
  return asText(value, column);
}

export function asInteger(value: SqlValue | undefined, column: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new SqliteValueError(`column ${column} is not a safe INTEGER (got ${typeName(value)})`);
  }
  return value;
}

export function asOptionalInteger(value: SqlValue | undefined, column: string): number | null {
  if (value === null || value === undefined) return null;
  return asInteger(value, column);
}

export function asBlob(value: SqlValue | undefined, column: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new SqliteValueError(`column ${column} is not a BLOB (got ${typeName(value)})`);
  return value;
}

function typeName(value: unknown): string {
  if (value === null) return 'NULL';
  if (value === undefined) return 'no value';
  if (value instanceof Uint8Array) return 'BLOB';
  return typeof value === 'number' ? `number ${value}` : typeof value;
}

/** True for something shaped like a {@link SqliteConnection} (what every component's `open` checks first). */
export function isConnection(value: unknown): value is SqliteConnection {
  if (typeof value !== 'object' || value === null) return false;
  const conn = value as Partial<Record<keyof SqliteConnection, unknown>>;
  return (
    typeof conn.info === 'object' &&
    conn.info !== null &&
    typeof conn.exec === 'function' &&
    typeof conn.run === 'function' &&
    typeof conn.get === 'function' &&
    typeof conn.all === 'function'
  );
}
