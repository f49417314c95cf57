/**
 * The thread-scoped, content-addressed value blobs (`langgraph_blobs`).
 *
 * A value blob is the package's blob envelope (`{descriptor, compression,
 * content}`, zlib when the profile says so) around the serde bytes, stored
 * under the SHA-256 of those logical bytes; the first write of a hash wins
 * and every read is checked against it (spec decisions 2 and 18).
 */
import type { BlobArtifactDescriptor } from '../../core/blobs/descriptor.ts';
import { encodeEnvelope, envelopeContent, parseEnvelope } from '../../core/blobs/envelope.ts';
import type { BuiltinBlobProfile } from '../../core/blobs/profile.ts';
import type { Codecs } from '../../core/codec/codecs.ts';
import type { SqliteConnection } from '../../core/driver/types.ts';
import { hashToBytes } from './entries.ts';

/** Serde bytes: worth compressing once they pass the profile's threshold. */
const VALUE_DESCRIPTOR: BlobArtifactDescriptor = { kind: 'GenericBlob', hints: ['Compressible'] };

/** A blob to be written: the logical bytes under their hash. */
export interface PendingBlob {
  readonly hash: string;
  readonly bytes: Uint8Array;
  /** Serde bytes (true) or tree structure (false). */
  readonly compressible: boolean;
}

const SELECT_EXISTS = 'SELECT 1 AS present FROM langgraph_blobs WHERE thread_key = ? AND hash = ?';
const INSERT = 'INSERT OR IGNORE INTO langgraph_blobs (thread_key, hash, content) VALUES (?, ?, ?)';
const SELECT = 'SELECT content FROM langgraph_blobs WHERE thread_key = ? AND hash = ?';

export function blobExists(conn: SqliteConnection, threadKey: number, hash: string): boolean {
  return conn.get(SELECT_EXISTS, [threadKey, hashToBytes(hash)]) !== undefined;
}

/**
 * What a blob is stored as: serde bytes in an envelope (compressed when the
 * profile allows); tree nodes and list descriptors — mostly hashes, which
 * never compress — as raw bytes, as the package stores raw blobs (a
 * msgpack array never starts like an envelope's map).
 */
export function storedForm(codecs: Codecs, profile: BuiltinBlobProfile, blob: PendingBlob): Uint8Array {
  return blob.compressible ? encodeEnvelope(codecs, profile, VALUE_DESCRIPTOR, blob.bytes) : blob.bytes;
}

export function insertBlob(conn: SqliteConnection, threadKey: number, hash: string, stored: Uint8Array): void {
  conn.run(INSERT, [threadKey, hashToBytes(hash), stored]);
}

export type BlobRead =
  | { readonly status: 'ok'; readonly bytes: Uint8Array }
  | { readonly status: 'missing' }
  | { readonly status: 'corrupt'; readonly reason: string };

/**
 * Reads a blob of a thread and checks it against its hash: an envelope's
 * (inflated) content, or else the raw bytes, must hash to it.
 */
export function readBlob(conn: SqliteConnection, codecs: Codecs, threadKey: number, hash: string): BlobRead {
  const row = conn.get<{ content: unknown }>(SELECT, [threadKey, hashToBytes(hash)]);
  if (row === undefined) return { status: 'missing' };
  const stored = row.content;
  if (!(stored instanceof Uint8Array)) return { status: 'corrupt', reason: 'stored content is not a BLOB' };
  const envelope = parseEnvelope(stored);
  let reason = 'content does not match its SHA-256 ref';
  if (envelope !== null) {
    try {
      const bytes = envelopeContent(codecs, envelope);
      if (codecs.sha256Hex(bytes) === hash) return { status: 'ok', bytes };
    } catch (error) {
      reason = `zlib stream does not inflate: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  if (codecs.sha256Hex(stored) === hash) return { status: 'ok', bytes: stored };
  return { status: 'corrupt', reason };
}
