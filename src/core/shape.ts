/**
 * Small shape checks for records coming in (caller input) and going out
 * (rows parsed back from the database). Each check throws {@link ShapeError}
 * naming the offending path, so the caller can wrap it in the typed error of
 * its contract: bad input and corrupt rows both get a precise message.
 */
import { bytesFromJson } from './codec/json-bytes.ts';
import { StoreError } from './contract/errors.ts';
import { findJsonProblem, identifierProblem, ShapeError, u64Problem, type JsonValueOptions } from './validation.ts';

export { ShapeError };

export type Fields = Record<string, unknown>;

export function expectObject(value: unknown, path: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new ShapeError(`${path} must be an object`, path);
  }
  return value as Fields;
}

export function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new ShapeError(`${path} must be an array`, path);
  return value;
}

export function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new ShapeError(`${path} must be a string`, path);
  return value;
}

/** `undefined` for a missing or `null` field (serde reads both as `None`). */
export function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : expectString(value, path);
}

/** An identifier (spec decision 16): well-formed Unicode, no NUL, not empty. */
export function expectId(value: unknown, path: string): string {
  const problem = identifierProblem(value, path);
  if (problem !== null) throw new ShapeError(problem, path);
  return value as string;
}

export function optionalId(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : expectId(value, path);
}

/** A non-negative safe integer, never rounded or clamped. */
export function expectU64(value: unknown, path: string): number {
  const problem = u64Problem(value, path);
  if (problem !== null) throw new ShapeError(problem, path);
  return value as number;
}

export function optionalU64(value: unknown, path: string): number | undefined {
  return value === undefined || value === null ? undefined : expectU64(value, path);
}

/** A safe integer, possibly negative (token counters are `i64`). */
export function expectI64(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new ShapeError(`${path} must be a safe integer`, path);
  }
  return value;
}

/** `value` as bytes; throws naming `path` when it is not a `Uint8Array`. */
export function expectBytes(value: unknown, path: string): Uint8Array {
  const bytes = bytesFromJson(value);
  if (bytes === null) throw new ShapeError(`${path} must be bytes (a Uint8Array or an array of integers 0-255)`, path);
  return bytes;
}

/**
 * Free-form JSON (spec decision 20): refuses what is not JSON — `NaN`, a
 * `Date`, a `Map`, a hole… — with the path where it is (`findJsonProblem`).
 * Returns the value unchanged.
 */
export function expectJson<T>(value: T, path: string, options?: JsonValueOptions): T {
  const problem = findJsonProblem(value, path, options);
  if (problem !== null) throw new ShapeError(problem.message, problem.path);
  return value;
}

/** Refuses keys outside `allowed` (for the reference's `deny_unknown_fields` records). */
export function onlyKeys(record: Fields, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(record)) {
    if (record[key] !== undefined && !allowed.includes(key)) throw new ShapeError(`${path} has an unknown field \`${key}\``, `${path}.${key}`);
  }
}

/** The message of an error, without the `store backend error: ` prefix of a wrapped `Backend`. */
export function messageOf(error: unknown): string {
  if (error instanceof StoreError && error.detail.kind === 'Backend') return error.detail.message;
  return error instanceof Error ? error.message : String(error);
}
