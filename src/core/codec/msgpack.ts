/**
 * msgpack for typed blob values, configured for content addressing.
 *
 * Keys are sorted so that equal values always give equal bytes (and so equal
 * blob refs), whatever order their keys were built or parsed in; `undefined`
 * members are left out, as serde skips `None` fields. The module-level
 * `encode()` of `@msgpack/msgpack` returns a view into its working buffer;
 * `Encoder#encode` returns a copy, which is what we keep and hash.
 */
import { Encoder, Decoder } from '@msgpack/msgpack';

const encoder = new Encoder({ sortKeys: true, ignoreUndefined: true });
const decoder = new Decoder();

/** msgpack bytes of `value`, safe to keep (not a view into a shared buffer). */
export function encodeMsgpack(value: unknown): Uint8Array {
  return encoder.encode(value);
}

/** Decodes one msgpack value; throws on malformed or trailing bytes. */
export function decodeMsgpack(bytes: Uint8Array): unknown {
  return decoder.decode(bytes);
}
