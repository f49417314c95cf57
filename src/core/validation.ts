/**
 * Input checks shared by every component (spec decision 16). Each returns a
 * problem description, or `null` when the value is fine, so every component
 * can raise its own typed error with the same wording.
 */
import { brandError } from './contract/brand.ts';

/**
 * Identifiers (session, node, batch, process, scope ids, keys) must be
 * well-formed Unicode without NUL: a lone surrogate would alias another id
 * once encoded as UTF-8, and sql.js truncates TEXT at NUL.
 */
export function identifierProblem(value: unknown, what: string, options: { allowEmpty?: boolean } = {}): string | null {
  if (typeof value !== 'string') return `${what} must be a string`;
  if (!options.allowEmpty && value.length === 0) return `${what} must not be empty`;
  if (value.includes('\0')) return `${what} must not contain NUL characters`;
  if (!value.isWellFormed()) return `${what} must be well-formed Unicode (it holds a lone surrogate)`;
  return null;
}

/** A value headed for an INTEGER column: a non-negative safe integer, never clamped. */
export function u64Problem(value: unknown, what: string): string | null {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    return `${what} must be a non-negative safe integer (got ${describe(value)})`;
  }
  return null;
}

/** What a free-form JSON value may hold besides plain JSON. */
export interface JsonValueOptions {
  /**
   * Accept `Uint8Array` (in a field the contract types as bytes): it
   * round-trips as bytes. Default false — `JSON.stringify` would write
   * `{"0":1,…}` and read back an object.
   */
  bytes?: boolean;
  /**
   * The value is stored as msgpack: a `__proto__` key is refused (the
   * msgpack decoder refuses to read it back, so the blob could never be
   * read), and so are strings and keys with a lone surrogate (UTF-8 would
   * replace it).
   */
  msgpack?: boolean;
}

/** Where a value stops being JSON, and why. */
export interface JsonProblem {
  readonly path: string;
  readonly message: string;
}

/** Deeper than this is refused (it also bounds the work on a pathological value). */
export const MAX_JSON_DEPTH = 512;

/**
 * Plain JSON headed for a row, a blob or a hash (spec decision 20): finite
 * numbers, arrays without holes, plain objects (prototype `Object.prototype`
 * or `null`), no cycles, bounded depth. Symbol keys are not data and are
 * ignored, as `JSON.stringify` ignores them. A lone surrogate round-trips
 * through JSON text (it is written as an escape) but not through msgpack's
 * UTF-8, so it is refused only with the `msgpack` option. Everything else — `NaN`, `±Infinity`, `undefined`
 * in an array, a hole, `Date`, `Map`, `Set`, `BigInt`, a function, a symbol,
 * a class instance, a cycle — would be silently changed by
 * `JSON.stringify` (NaN becomes `null`, a `Date` a string, a `Map` `{}`),
 * so the stored value would no longer be the one handed in. An object member
 * that is `undefined` counts as absent, as in rows and canonical JSON. `-0`
 * is the number 0 (JSON has one zero). Returns the first problem, with its
 * path (`payload.parts[0].content`), or `null`.
 */
export function findJsonProblem(value: unknown, path: string, options: JsonValueOptions = {}): JsonProblem | null {
  const mode: WalkMode = { bytes: options.bytes === true, msgpack: options.msgpack === true };
  // The fast pass builds no path strings (that would cost more than the
  // check itself on a large state); only a value with a problem is walked
  // again to name where it is.
  if (isJson(value, mode, 0, [])) return null;
  return walkJson(value, path, mode, 0, []);
}

function isJson(value: unknown, mode: WalkMode, depth: number, open: object[]): boolean {
  switch (typeof value) {
    case 'boolean':
      return true;
    case 'string':
      return !mode.msgpack || value.isWellFormed();
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (depth >= MAX_JSON_DEPTH || open.includes(value)) return false;
      const proto = Object.getPrototypeOf(value);
      if (proto === Array.prototype) {
        const items = value as unknown[];
        open.push(value);
        for (let i = 0; i < items.length; i++) {
          if (!(i in items) || !isJson(items[i], mode, depth + 1, open)) return false;
        }
        open.pop();
        return true;
      }
      if (proto !== Object.prototype && proto !== null) return mode.bytes && proto === Uint8Array.prototype;
      open.push(value);
      for (const key in value) {
        const member = (value as Record<string, unknown>)[key];
        if (member === undefined) continue;
        if ((mode.msgpack && (key === '__proto__' || !key.isWellFormed())) || !isJson(member, mode, depth + 1, open)) return false;
      }
      open.pop();
      return true;
    }
    default:
      return false;
  }
}

interface WalkMode {
  readonly bytes: boolean;
  readonly msgpack: boolean;
}

/** `findJsonProblem`'s message (it starts with the path), or `null`. */
export function jsonValueProblem(value: unknown, what: string, options: JsonValueOptions = {}): string | null {
  return findJsonProblem(value, what, options)?.message ?? null;
}

function walkJson(value: unknown, path: string, mode: WalkMode, depth: number, open: object[]): JsonProblem | null {
  switch (typeof value) {
    case 'boolean':
      return null;
    case 'string':
      return !mode.msgpack || value.isWellFormed() ? null : problem(path, 'holds a string with a lone surrogate, which a msgpack blob cannot hold (UTF-8 has no encoding for it)');
    case 'number':
      return Number.isFinite(value) ? null : problem(path, `holds the non-finite number ${value}`);
    case 'object': {
      if (value === null) return null;
      if (depth >= MAX_JSON_DEPTH) return problem(path, `is nested more than ${MAX_JSON_DEPTH} levels deep`);
      if (open.includes(value)) return problem(path, 'holds a cycle (a value that contains itself)');
      if (value instanceof Uint8Array) {
        return mode.bytes && Object.getPrototypeOf(value) === Uint8Array.prototype ? null : problem(path, 'must be plain JSON (got bytes, a Uint8Array)');
      }
      open.push(value);
      const found = Array.isArray(value) ? walkArray(value, path, mode, depth, open) : walkObject(value, path, mode, depth, open);
      open.pop();
      return found;
    }
    case 'undefined':
      return problem(path, 'must be JSON (got undefined)');
    default:
      return problem(path, `must be JSON (got ${typeof value})`);
  }
}

function walkArray(value: unknown[], path: string, mode: WalkMode, depth: number, open: object[]): JsonProblem | null {
  if (Object.getPrototypeOf(value) !== Array.prototype) return problem(path, 'must be plain JSON (got an array subclass)');
  for (let i = 0; i < value.length; i++) {
    if (!(i in value)) return problem(`${path}[${i}]`, 'is a hole in a sparse array');
    const found = walkJson(value[i], `${path}[${i}]`, mode, depth + 1, open);
    if (found !== null) return found;
  }
  return null;
}

function walkObject(value: object, path: string, mode: WalkMode, depth: number, open: object[]): JsonProblem | null {
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    return problem(path, `must be plain JSON (got ${typeof name === 'string' && name !== '' ? `a ${name}` : 'a class instance'})`);
  }
  for (const key of Object.keys(value)) {
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined) continue;
    const memberPath = `${path}.${key}`;
    if (mode.msgpack && !key.isWellFormed()) return problem(memberPath, 'has a key with a lone surrogate, which a msgpack blob cannot hold');
    if (mode.msgpack && key === '__proto__') return problem(memberPath, 'is a `__proto__` key, which a msgpack blob cannot hold');
    const found = walkJson(member, memberPath, mode, depth + 1, open);
    if (found !== null) return found;
  }
  return null;
}

function problem(path: string, message: string): JsonProblem {
  return { path, message: `${path} ${message}` };
}

/**
 * Reads an injected clock once. Components call it inside their transaction,
 * after the write lock is taken, so a lock wait does not age the time they
 * write. A clock that does not return non-negative integer epoch
 * milliseconds (NaN, negative, fractional, unsafe) would write times that
 * never read back the same: refused with a plain `Error` that each component
 * reports as its backend error.
 */
export function readEpochMs(clock: () => number): number {
  const now = clock();
  if (!Number.isSafeInteger(now) || now < 0) {
    throw new Error(`the clock returned ${String(now)}; it must return non-negative integer epoch milliseconds`);
  }
  return now;
}

/** `now + ttl`, saturating at `Number.MAX_SAFE_INTEGER` (the one clamp the spec allows). */
export function saturatingAdd(a: number, b: number): number {
  const sum = a + b;
  return sum > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : sum;
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return value === null ? 'null' : typeof value;
}

/**
 * A value of the wrong shape (caller input or a row read back). Thrown by the
 * components' small readers with the offending path, and wrapped by each
 * component into the typed error of its contract.
 */
export class ShapeError extends Error {
  static {
    brandError(this, 'ShapeError');
  }
  override name = 'ShapeError';
  /** Where the value is, as the checker names it (`commit.graph.Append.nodes[0]`), when known. */
  readonly path: string | undefined;
  constructor(message: string, path?: string) {
    super(message);
    this.path = path;
  }
}
