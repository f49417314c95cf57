/**
 * JSON text for rows, with bytes written the serde way: a `Uint8Array` becomes
 * an array of integers 0–255 (plain `JSON.stringify` would write `{"0":1}`).
 */

/** `JSON.stringify` that writes every `Uint8Array` as a number array. */
export function stringifyJsonRow(value: unknown): string {
  // A replacer slows `JSON.stringify` down by half; most rows hold no bytes,
  // and finding that out is cheaper than the replacer.
  return containsBytes(value, 0) ? JSON.stringify(value, bytesReplacer) : JSON.stringify(value);
}

function containsBytes(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (value instanceof Uint8Array) return true;
  // Past this depth, let the replacer handle it rather than recurse further.
  if (depth > 64) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (containsBytes(item, depth + 1)) return true;
    return false;
  }
  for (const key in value) {
    if (containsBytes((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

function bytesReplacer(this: unknown, _key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? Array.from(value) : value;
}

/**
 * Reads bytes from a JSON value: an array of integers 0–255 (serde's form).
 * Returns `null` when the value is not such an array.
 */
export function bytesFromJson(value: unknown): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  if (!Array.isArray(value)) return null;
  const out = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const byte = value[i];
    if (typeof byte !== 'number' || !Number.isInteger(byte) || byte < 0 || byte > 255) return null;
    out[i] = byte;
  }
  return out;
}
