/**
 * Canonical JSON: the only serialisation that is ever hashed.
 *
 * Object keys are sorted at every level (code-unit order), `undefined`
 * members are omitted, `null` is kept, output is compact, and bytes
 * (`Uint8Array`) are written as arrays of numbers, the way serde writes
 * `Vec<u8>`. Two values that are equal as data therefore give equal text
 * whatever order their keys were built or parsed in, which keeps idempotency
 * hashes stable across restarts.
 *
 * Only JSON is accepted (spec decision 20): `NaN`, `±Infinity`, `undefined`
 * or a hole in an array, a function or symbol member, `Date`, `Map`, `Set`,
 * `BigInt`, class instances and cycles throw {@link CanonicalJsonError}
 * instead of hashing as something else (a `Date` and a `Map` would both be
 * `{}`: two different values, one hash).
 */
import { brandError } from '../contract/brand.ts';
import type { Codecs } from './codecs.ts';
import { sortKeys } from './sort-keys.ts';

/**
 * Cycles can only show up as unbounded depth, so the set of open containers
 * is kept only below this depth: shallow values (every hashed record in
 * practice) pay nothing for cycle detection, and a cycle is still reported
 * as one once it has recursed past it.
 */
const TRACK_CYCLES_FROM_DEPTH = 64;

/**
 * Quoted object keys, reused: records repeat the same few keys, and quoting
 * them once is the largest single saving for small values. Bounded, because
 * free-form JSON maps can have any number of distinct keys.
 */
const quotedKeys = new Map<string, string>();
const QUOTED_KEYS_LIMIT = 4096;

function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < QUOTED_KEYS_LIMIT) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/** A value canonical JSON cannot represent (it names what and where). */
export class CanonicalJsonError extends TypeError {
  static {
    brandError(this, 'CanonicalJsonError');
  }
  /** Always `'CanonicalJsonError'`. */
  override name = 'CanonicalJsonError';
}

/**
 * Canonical JSON of `value`: keys sorted at every level, `undefined` omitted, `null` kept, compact, bytes as number arrays. Every hash of the package is taken over it.
 * @throws {@link CanonicalJsonError} for a value JSON cannot hold (a cycle, `NaN`, a `BigInt`, …).
 */
export function canonicalJson(value: unknown): string {
  return write(value, 0, null);
}

/** Lowercase hex SHA-256 of {@link canonicalJson}. */
export function stableJsonSha256Hex(codecs: Codecs, value: unknown): string {
  return codecs.sha256Hex(canonicalJson(value));
}

// String concatenation (ropes in V8) is faster here than collecting parts in an array.
function write(value: unknown, depth: number, open: Set<object> | null): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`canonical JSON cannot represent ${value}`);
      // The same text as JSON.stringify for every finite number (-0 included), without its overhead.
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (depth >= TRACK_CYCLES_FROM_DEPTH) {
        open ??= new Set();
        if (open.has(value)) throw new CanonicalJsonError('canonical JSON cannot represent a cyclic value');
        open.add(value);
      }
      const text = writeContainer(value, depth + 1, open);
      open?.delete(value);
      return text;
    }
    case 'bigint':
      throw new CanonicalJsonError('canonical JSON does not accept bigint; use a safe-integer number');
    default:
      throw new CanonicalJsonError(`canonical JSON cannot represent a ${typeof value}`);
  }
}

function writeContainer(value: object, depth: number, open: Set<object> | null): string {
  const proto = Object.getPrototypeOf(value);
  if (proto === Array.prototype) {
    const items = value as unknown[];
    let out = '[';
    for (let i = 0; i < items.length; i++) {
      if (i > 0) out += ',';
      const item = items[i];
      // JSON.stringify would write a hole or undefined as null: a different value.
      if (item === undefined) throw new CanonicalJsonError('canonical JSON cannot represent undefined (or a hole) in an array');
      out += write(item, depth, open);
    }
    return out + ']';
  }
  if (value instanceof Uint8Array) return `[${Array.prototype.join.call(value, ',')}]`;
  if (proto !== Object.prototype && proto !== null) {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    throw new CanonicalJsonError(`canonical JSON cannot represent ${typeof name === 'string' && name !== '' ? `a ${name}` : 'a class instance'}`);
  }
  const record = value as Record<string, unknown>;
  const keys = sortKeys(Object.keys(record));
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const member = record[key];
    if (member === undefined) continue;
    if (out.length > 1) out += ',';
    out += quoteKey(key) + ':' + write(member, depth, open);
  }
  return out + '}';
}
