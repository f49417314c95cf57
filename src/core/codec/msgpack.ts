/**
 * msgpack for typed blob values, configured for content addressing.
 *
 * Keys are sorted so that equal values always give equal bytes (and so equal
 * blob refs), whatever order their keys were built or parsed in; `undefined`
 * members are left out, as serde skips `None` fields.
 *
 * Encoding is on the hot path of every turn commit (an 8 KiB tool state is
 * re-encoded whenever it changes), so JSON-shaped values (null, booleans,
 * numbers, strings, arrays, plain objects, `Uint8Array`) go through a small
 * direct encoder that writes exactly the bytes `@msgpack/msgpack` writes with
 * `{sortKeys: true, ignoreUndefined: true}`, several times faster. Anything
 * else (dates, other typed arrays, bigints, functions, very deep values) is
 * handed to `@msgpack/msgpack` itself, so its behaviour — and its errors —
 * stay the reference.
 */
import { Encoder, Decoder } from '@msgpack/msgpack';
import { sortKeys } from './sort-keys.ts';

const encoder = new Encoder({ sortKeys: true, ignoreUndefined: true });
const decoder = new Decoder();

/** msgpack bytes of `value`, safe to keep (not a view into a shared buffer). */
export function encodeMsgpack(value: unknown): Uint8Array {
  const view = encodeMsgpackTransient(value);
  // Only a view into the live working buffer needs copying: the library's
  // output, or a view of a buffer just retired for its size, is ours alone.
  return view.buffer === bytes.buffer ? view.slice() : view;
}

/**
 * msgpack bytes of `value` as a view into the encoder's working buffer: no
 * copy, but valid only until the next encode. For callers that consume the
 * bytes at once (hash them, copy them into an envelope) and keep nothing.
 */
export function encodeMsgpackTransient(value: unknown): Uint8Array {
  if (entered) return encoder.encode(value);
  entered = true;
  pos = 0;
  try {
    write(value, 1);
    return bytes.subarray(0, pos);
  } catch (error) {
    if (error === UNSUPPORTED) return encoder.encode(value);
    throw error;
  } finally {
    entered = false;
    // Do not keep a buffer sized for one huge value forever (a view already
    // handed out keeps the old buffer alive on its own).
    if (bytes.length > MAX_RETAINED) allocate(INITIAL_SIZE);
  }
}

/** Decodes one msgpack value; throws on malformed or trailing bytes. */
export function decodeMsgpack(bytes: Uint8Array): unknown {
  return decoder.decode(bytes);
}

// ---- the direct encoder ---------------------------------------------------------

/** Thrown (never escapes) when a value needs `@msgpack/msgpack` itself. */
const UNSUPPORTED = Symbol('unsupported');
/** `@msgpack/msgpack`'s default depth limit; deeper values go to it and fail there. */
const MAX_DEPTH = 100;
/** `@msgpack/msgpack` uses `TextEncoder` above this many UTF-16 units, its own JS loop below. */
const TEXT_ENCODER_THRESHOLD = 50;
const INITIAL_SIZE = 16 * 1024;
const MAX_RETAINED = 1024 * 1024;
const textEncoder = new TextEncoder();

let bytes = new Uint8Array(INITIAL_SIZE);
let view = new DataView(bytes.buffer);
let pos = 0;
let entered = false;

function allocate(size: number): void {
  bytes = new Uint8Array(size);
  view = new DataView(bytes.buffer);
}

function ensure(extra: number): void {
  if (pos + extra <= bytes.length) return;
  let size = bytes.length * 2;
  while (size < pos + extra) size *= 2;
  const old = bytes.subarray(0, pos);
  allocate(size);
  bytes.set(old);
}

function write(value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw UNSUPPORTED;
  if (value === null || value === undefined) {
    ensure(1);
    bytes[pos++] = 0xc0;
    return;
  }
  switch (typeof value) {
    case 'string':
      writeString(value);
      return;
    case 'number':
      writeNumber(value);
      return;
    case 'boolean':
      ensure(1);
      bytes[pos++] = value ? 0xc3 : 0xc2;
      return;
    case 'object':
      break;
    default:
      throw UNSUPPORTED;
  }
  // Plain objects are most of a snapshot: one prototype look-up sends them
  // straight to the map encoder, past the array and binary checks.
  if (Object.getPrototypeOf(value) === Object.prototype) {
    writeMap(value as Record<string, unknown>, depth);
    return;
  }
  if (Array.isArray(value)) {
    writeHeader(value.length, 0x90, 16, 0xdc, 0xdd);
    for (let i = 0; i < value.length; i++) write(value[i], depth + 1);
    return;
  }
  if (value instanceof Uint8Array) {
    const length = value.byteLength;
    ensure(5 + length);
    if (length < 0x100) {
      bytes[pos++] = 0xc4;
      bytes[pos++] = length;
    } else if (length < 0x10000) {
      bytes[pos++] = 0xc5;
      view.setUint16(pos, length);
      pos += 2;
    } else {
      bytes[pos++] = 0xc6;
      view.setUint32(pos, length);
      pos += 4;
    }
    bytes.set(value, pos);
    pos += length;
    return;
  }
  // Extension types (Date) and other binary views keep the library's encoding.
  if (ArrayBuffer.isView(value) || value instanceof Date || value instanceof ArrayBuffer) throw UNSUPPORTED;
  writeMap(value as Record<string, unknown>, depth);
}

/** An object as a map: own enumerable string keys, sorted, `undefined` members left out. */
function writeMap(record: Record<string, unknown>, depth: number): void {
  const keys = Object.keys(record);
  if (keys.length > 1) sortKeys(keys);
  let size = 0;
  for (let i = 0; i < keys.length; i++) if (record[keys[i]!] !== undefined) size++;
  writeHeader(size, 0x80, 16, 0xde, 0xdf);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const member = record[key];
    if (member === undefined) continue;
    writeString(key);
    write(member, depth + 1);
  }
}

/** A fix/16/32 collection header. */
function writeHeader(length: number, fix: number, fixLimit: number, code16: number, code32: number): void {
  ensure(5);
  if (length < fixLimit) {
    bytes[pos++] = fix | length;
  } else if (length < 0x10000) {
    bytes[pos++] = code16;
    view.setUint16(pos, length);
    pos += 2;
  } else {
    bytes[pos++] = code32;
    view.setUint32(pos, length);
    pos += 4;
  }
}

function writeNumber(n: number): void {
  ensure(9);
  if (!Number.isSafeInteger(n)) {
    bytes[pos++] = 0xcb;
    view.setFloat64(pos, n);
    pos += 8;
  } else if (n >= 0) {
    if (n < 0x80) {
      bytes[pos++] = n;
    } else if (n < 0x100) {
      bytes[pos++] = 0xcc;
      bytes[pos++] = n;
    } else if (n < 0x10000) {
      bytes[pos++] = 0xcd;
      view.setUint16(pos, n);
      pos += 2;
    } else if (n < 0x100000000) {
      bytes[pos++] = 0xce;
      view.setUint32(pos, n);
      pos += 4;
    } else {
      bytes[pos++] = 0xcf;
      view.setUint32(pos, Math.floor(n / 0x100000000));
      view.setUint32(pos + 4, n >>> 0);
      pos += 8;
    }
  } else if (n >= -0x20) {
    bytes[pos++] = 0xe0 | (n + 0x20);
  } else if (n >= -0x80) {
    bytes[pos++] = 0xd0;
    view.setInt8(pos++, n);
  } else if (n >= -0x8000) {
    bytes[pos++] = 0xd1;
    view.setInt16(pos, n);
    pos += 2;
  } else if (n >= -0x80000000) {
    bytes[pos++] = 0xd2;
    view.setInt32(pos, n);
    pos += 4;
  } else {
    bytes[pos++] = 0xd3;
    view.setInt32(pos, Math.floor(n / 0x100000000));
    view.setUint32(pos + 4, n >>> 0);
    pos += 8;
  }
}

function writeString(text: string): void {
  const length = text.length;
  ensure(5 + length * 3);
  if (length <= TEXT_ENCODER_THRESHOLD) {
    // The library's own JS path: its byte count and its bytes (a lone
    // surrogate becomes three bytes, not U+FFFD).
    const start = pos + (length < 11 ? 1 : 2); // ≤ 10 units fit a fixstr even at 3 bytes each
    const end = utf8EncodeJs(text, start);
    const written = end - start;
    const header = written < 32 ? 1 : 2;
    const slot = start - pos;
    if (header !== slot) bytes.copyWithin(pos + header, start, end);
    if (header === 1) bytes[pos] = 0xa0 | written;
    else {
      bytes[pos] = 0xd9;
      bytes[pos + 1] = written;
    }
    pos += header + written;
    return;
  }
  const slot = length * 3 < 0x100 ? 2 : length * 3 < 0x10000 ? 3 : 5;
  const { written } = textEncoder.encodeInto(text, bytes.subarray(pos + slot));
  const header = written < 32 ? 1 : written < 0x100 ? 2 : written < 0x10000 ? 3 : 5;
  if (header !== slot) bytes.copyWithin(pos + header, pos + slot, pos + slot + written);
  if (header === 1) bytes[pos] = 0xa0 | written;
  else if (header === 2) {
    bytes[pos] = 0xd9;
    bytes[pos + 1] = written;
  } else if (header === 3) {
    bytes[pos] = 0xda;
    view.setUint16(pos + 1, written);
  } else {
    bytes[pos] = 0xdb;
    view.setUint32(pos + 1, written);
  }
  pos += header + written;
}

/** UTF-8 as `@msgpack/msgpack`'s `utf8EncodeJs` writes it; returns the end offset. */
function utf8EncodeJs(text: string, offset: number): number {
  const length = text.length;
  let i = 0;
  while (i < length) {
    let value = text.charCodeAt(i++);
    if ((value & 0xffffff80) === 0) {
      bytes[offset++] = value;
      continue;
    }
    if ((value & 0xfffff800) === 0) {
      bytes[offset++] = ((value >> 6) & 0x1f) | 0xc0;
    } else {
      if (value >= 0xd800 && value <= 0xdbff && i < length) {
        const extra = text.charCodeAt(i);
        if ((extra & 0xfc00) === 0xdc00) {
          ++i;
          value = ((value & 0x3ff) << 10) + (extra & 0x3ff) + 0x10000;
        }
      }
      if ((value & 0xffff0000) === 0) {
        bytes[offset++] = ((value >> 12) & 0x0f) | 0xe0;
        bytes[offset++] = ((value >> 6) & 0x3f) | 0x80;
      } else {
        bytes[offset++] = ((value >> 18) & 0x07) | 0xf0;
        bytes[offset++] = ((value >> 12) & 0x3f) | 0x80;
        bytes[offset++] = ((value >> 6) & 0x3f) | 0x80;
      }
    }
    bytes[offset++] = (value & 0x3f) | 0x80;
  }
  return offset;
}
