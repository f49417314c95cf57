/**
 * The blob envelope: `{descriptor, compression, content}` as a msgpack map,
 * keys in that order. `content` is the logical bytes, zlib-compressed when
 * `compression` is `'Zlib'`.
 *
 * Writers emit `content` as msgpack `bin`. Readers also accept an array of
 * integers, which is how the Rust reference writes `Vec<u8>`.
 */
import { Encoder } from '@msgpack/msgpack';
import type { Codecs } from '../codec/codecs.ts';
import { bytesFromJson } from '../codec/json-bytes.ts';
import { decodeMsgpack } from '../codec/msgpack.ts';
import {
  BLOB_STORAGE_HINTS,
  PERSISTED_ARTIFACT_KINDS,
  type BlobArtifactDescriptor,
  type BlobCompression,
} from './descriptor.ts';
import { COMPRESSION_LEVEL, compressionFor, type BuiltinBlobProfile } from './profile.ts';

/** The msgpack envelope a typed blob is stored in: descriptor, compression, content. */
export interface StoredBlobEnvelope {
  /** What the blob holds. */
  descriptor: BlobArtifactDescriptor;
  /** Whether `content` is zlib-compressed. */
  compression: BlobCompression;
  /** As stored: compressed when `compression` is `'Zlib'`. */
  content: Uint8Array;
}

// Field order matters for readability of the bytes, not for correctness, so
// this encoder keeps insertion order instead of sorting keys.
const envelopeEncoder = new Encoder({ ignoreUndefined: true });

/**
 * The envelope up to the `content` value depends only on the descriptor and
 * the compression, so it is encoded once per combination and reused; each
 * blob then costs a `bin` header and one copy of its content. The bytes are
 * exactly those of encoding the whole map with `envelopeEncoder`.
 */
const prefixes = new Map<string, Uint8Array>();
const BIN_MARKER_BYTES = 1; // the `content` key is followed by a bin header

function envelopePrefix(descriptor: BlobArtifactDescriptor, compression: BlobCompression): Uint8Array {
  const hints = descriptor.hints && descriptor.hints.length > 0 ? [...descriptor.hints] : undefined;
  const key = `${descriptor.kind}|${hints?.join(',') ?? ''}|${compression}`;
  let prefix = prefixes.get(key);
  if (prefix === undefined) {
    const whole = envelopeEncoder.encode({
      descriptor: hints ? { kind: descriptor.kind, hints } : { kind: descriptor.kind },
      compression,
      content: new Uint8Array(0),
    });
    // An empty `bin` is two bytes (0xc4 0x00): everything before it is the prefix.
    prefix = whole.slice(0, whole.length - 1 - BIN_MARKER_BYTES);
    prefixes.set(key, prefix);
  }
  return prefix;
}

/** Wraps logical `content` in an envelope, compressing it if the profile says so. */
export function encodeEnvelope(
  codecs: Codecs,
  profile: BuiltinBlobProfile,
  descriptor: BlobArtifactDescriptor,
  content: Uint8Array,
): Uint8Array {
  const compression = compressionFor(profile, descriptor, content.length);
  const stored = compression === 'Zlib' ? codecs.deflate(content, COMPRESSION_LEVEL[profile]) : content;
  const prefix = envelopePrefix(descriptor, compression);
  const length = stored.length;
  const header = length < 0x100 ? 2 : length < 0x10000 ? 3 : 5;
  const out = new Uint8Array(prefix.length + header + length);
  out.set(prefix);
  let at = prefix.length;
  if (header === 2) {
    out[at++] = 0xc4;
    out[at++] = length;
  } else if (header === 3) {
    out[at++] = 0xc5;
    out[at++] = length >>> 8;
    out[at++] = length & 0xff;
  } else {
    out[at++] = 0xc6;
    new DataView(out.buffer).setUint32(at, length);
    at += 4;
  }
  out.set(stored, at);
  return out;
}

/** Parses an envelope without inflating it; `null` when the bytes are not one. */
export function parseEnvelope(bytes: Uint8Array): StoredBlobEnvelope | null {
  // Cheap precheck: an envelope is a 3-entry fixmap (0x83). Raw blobs almost
  // never start that way, and decoding arbitrary bytes is wasted work.
  if (bytes.length === 0 || bytes[0] !== 0x83) return null;
  let value: unknown;
  try {
    value = decodeMsgpack(bytes);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  const descriptor = parseDescriptor(record.descriptor);
  const compression = record.compression;
  const content = bytesFromJson(record.content);
  if (!descriptor || (compression !== 'None' && compression !== 'Zlib') || !content) return null;
  return { descriptor, compression, content };
}

/** The logical bytes of an envelope. Throws when a zlib stream is corrupt. */
export function envelopeContent(codecs: Codecs, envelope: StoredBlobEnvelope): Uint8Array {
  return envelope.compression === 'Zlib' ? codecs.inflate(envelope.content) : envelope.content;
}

function parseDescriptor(value: unknown): BlobArtifactDescriptor | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { kind, hints } = value as Record<string, unknown>;
  if (typeof kind !== 'string' || !(PERSISTED_ARTIFACT_KINDS as readonly string[]).includes(kind)) return null;
  if (hints === undefined || hints === null) return { kind: kind as BlobArtifactDescriptor['kind'] };
  if (!Array.isArray(hints) || !hints.every((h) => (BLOB_STORAGE_HINTS as readonly unknown[]).includes(h))) {
    return null;
  }
  const descriptor: BlobArtifactDescriptor = { kind: kind as BlobArtifactDescriptor['kind'] };
  if (hints.length > 0) descriptor.hints = hints as BlobArtifactDescriptor['hints'];
  return descriptor;
}
