/**
 * Canonical JSON: the only serialisation that is ever hashed.
 *
 * Object keys are sorted at every level (code-unit order), `undefined`
 * members are omitted, `null` is kept, output is compact, and bytes
 * (`Uint8Array`) are written as arrays of numbers, the way serde writes
 * `Vec<u8>`. Two values that are equal as data therefore give equal text
 * whatever order their keys were built or parsed in, which keeps idempotency
 * hashes stable across restarts.
 */
import type { Codecs } from './codecs.ts';

export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out, new Set());
  return out.join('');
}

/** Lowercase hex SHA-256 of {@link canonicalJson}. */
export function stableJsonSha256Hex(codecs: Codecs, value: unknown): string {
  return codecs.sha256Hex(canonicalJson(value));
}

function write(value: unknown, out: string[], seen: Set<object>): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot represent ${value}`);
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'object':
      if (value === null) {
        out.push('null');
        return;
      }
      if (seen.has(value)) throw new TypeError('canonical JSON cannot represent a cyclic value');
      seen.add(value);
      if (value instanceof Uint8Array) {
        out.push('[', Array.prototype.join.call(value, ','), ']');
      } else if (Array.isArray(value)) {
        out.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(',');
          const item = value[i];
          // JSON.stringify writes undefined array slots as null; so do we.
          if (item === undefined || typeof item === 'function' || typeof item === 'symbol') out.push('null');
          else write(item, out, seen);
        }
        out.push(']');
      } else {
        const record = value as Record<string, unknown>;
        const keys = Object.keys(record).sort();
        out.push('{');
        let first = true;
        for (const key of keys) {
          const member = record[key];
          if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
          if (!first) out.push(',');
          first = false;
          out.push(JSON.stringify(key), ':');
          write(member, out, seen);
        }
        out.push('}');
      }
      seen.delete(value);
      return;
    case 'bigint':
      throw new TypeError('canonical JSON does not accept bigint; use a safe-integer number');
    default:
      throw new TypeError(`canonical JSON cannot represent a ${typeof value}`);
  }
}
