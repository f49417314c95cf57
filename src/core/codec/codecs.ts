/**
 * Pluggable byte codecs: hashing and zlib. The store needs both inside
 * synchronous transaction bodies, so both are synchronous.
 *
 * Whatever the implementation, the results are interchangeable: SHA-256 is
 * SHA-256 (lowercase hex), and compression produces standard zlib streams
 * (RFC 1950, level 6 unless a profile asks for less) that any implementation
 * inflates. Two implementations
 * may emit different compressed bytes for the same input; nothing depends on
 * that, because blob refs hash the *uncompressed* content.
 */
import { zlibSync, unzlibSync } from 'fflate';
// @noble/hashes: audited and maintained, and faster than the hand-written SHA-256 it replaced
// (64 KiB: ~1.4x, 1 KiB: ~1.7x, measured side by side; see docs/design.md).
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from './hex.ts';
import { utf8Encode } from './utf8.ts';

/** The hashing and compression a component uses: portable ones everywhere, `nodeCodecs` on Node. Their output is the same bytes either way. */
export interface Codecs {
  /** A short name for logs and benchmarks (`'portable'`, `'node'`). */
  readonly name: string;
  /** Lowercase hex SHA-256 of the bytes, or of the UTF-8 encoding of a string. */
  sha256Hex(data: Uint8Array | string): string;
  /**
   * A zlib stream (RFC 1950) at compression `level` (1–9; 6 when omitted).
   * An implementation may ignore the level: any zlib stream reads back.
   */
  deflate(data: Uint8Array, level?: number): Uint8Array;
  /** Inflates a zlib stream; throws on a corrupt or truncated stream. */
  inflate(data: Uint8Array): Uint8Array;
}

/** Pure-JS codecs that run anywhere: fflate for zlib and @noble/hashes for SHA-256. */
export const portableCodecs: Codecs = Object.freeze({
  name: 'portable',
  sha256Hex(data: Uint8Array | string): string {
    return toHex(sha256(typeof data === 'string' ? utf8Encode(data) : data));
  },
  deflate(data: Uint8Array, level = 6): Uint8Array {
    return zlibSync(data, { level: zlibLevel(level) });
  },
  inflate(data: Uint8Array): Uint8Array {
    return unzlibSync(data);
  },
});

/** A zlib level (1–9) from a `deflate` argument: the default 6 for anything else. Shared by every driver's codecs. */
export function zlibLevel(level: number): 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 {
  return Number.isInteger(level) && level >= 1 && level <= 9 ? (level as 1) : 6;
}
