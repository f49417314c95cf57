/** Scalars and JSON shared by every contract. */

/** A non-negative safe integer (the reference's `u64`/`usize`). */
export type U64 = number;
/** A safe integer (the reference's `i64`). */
export type I64 = number;
/** Milliseconds since the Unix epoch. */
export type EpochMs = U64;

/** Any JSON value: what free-form fields (payloads, bodies, states) accept. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
