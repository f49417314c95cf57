/**
 * The thread-scoped, content-addressed value blobs (`langgraph_blobs`).
 *
 * A blob is the package's blob envelope (`{descriptor, compression,
 * content}`, zlib when the profile says so) around the logical bytes, stored
 * under the SHA-256 of those logical bytes; the first write of a hash wins
 * and every read is checked against it (spec decisions 2 and 18).
 */
import {
  encodeEnvelope,
  envelopeContent,
  parseEnvelope,
  type BlobArtifactDescriptor,
  type BuiltinBlobProfile,
  type Codecs,
  type SqliteConnection,
} from '../../advanced.ts';

/** Serde bytes: worth compressing once they pass the profile's threshold. */
const VALUE_DESCRIPTOR: BlobArtifactDescriptor = { kind: 'GenericBlob', hints: ['Compressible'] };
/** Tree nodes and array descriptors are mostly hashes, which do not compress. */
const STRUCTURE_DESCRIPTOR: BlobArtifactDescriptor = { kind: 'GenericBlob' };

/** A blob to be written: the logical bytes under their hash. */
export interface PendingBlob {
  readonly hash: string;
  readonly bytes: Uint8Array;
  /** Serde bytes (true) or tree structure (false). */
  readonly compressible: boolean;
}

const SELECT_EXISTS = 'SELECT 1 AS present FROM langgraph_blobs WHERE thread_id = ? AND hash = ?';
const INSERT = 'INSERT OR IGNORE INTO langgraph_blobs (thread_id, hash, content) VALUES (?, ?, ?)';
const SELECT = 'SELECT content FROM langgraph_blobs WHERE thread_id = ? AND hash = ?';

export function blobExists(conn: SqliteConnection, threadId: string, hash: string): boolean {
  return conn.get(SELECT_EXISTS, [threadId, hash]) !== undefined;
}

/** The envelope a blob is stored as (compressed when the profile allows). */
export function envelopeOf(codecs: Codecs, profile: BuiltinBlobProfile, blob: PendingBlob): Uint8Array {
  return encodeEnvelope(codecs, profile, blob.compressible ? VALUE_DESCRIPTOR : STRUCTURE_DESCRIPTOR, blob.bytes);
}

export function insertBlob(conn: SqliteConnection, threadId: string, hash: string, envelope: Uint8Array): void {
  conn.run(INSERT, [threadId, hash, envelope]);
}

export type BlobRead =
  | { readonly status: 'ok'; readonly bytes: Uint8Array }
  | { readonly status: 'missing' }
  | { readonly status: 'corrupt'; readonly reason: string };

/** Reads a blob of a thread and checks it against its hash. */
export function readBlob(conn: SqliteConnection, codecs: Codecs, threadId: string, hash: string): BlobRead {
  const row = conn.get<{ content: unknown }>(SELECT, [threadId, hash]);
  if (row === undefined) return { status: 'missing' };
  if (!(row.content instanceof Uint8Array)) return { status: 'corrupt', reason: 'stored content is not a BLOB' };
  const envelope = parseEnvelope(row.content);
  if (envelope === null) return { status: 'corrupt', reason: 'stored content is not a blob envelope' };
  let bytes: Uint8Array;
  try {
    bytes = envelopeContent(codecs, envelope);
  } catch (error) {
    return { status: 'corrupt', reason: `zlib stream does not inflate: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (codecs.sha256Hex(bytes) !== hash) return { status: 'corrupt', reason: 'content does not match its SHA-256 ref' };
  return { status: 'ok', bytes };
}
