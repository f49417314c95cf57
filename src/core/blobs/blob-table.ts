/**
 * The content-addressed `blobs` table: every blob is stored under the
 * SHA-256 of its *logical* (uncompressed) content, written once
 * (`INSERT OR IGNORE`: the first envelope wins) and verified against that
 * hash whenever it is read.
 *
 * On an engine with a per-row limit (`info.maxValueBytes`, a Durable Object)
 * stored bytes longer than the limit are split: the first chunk in
 * `blobs.content`, the rest in `blob_chunks` (`seq` 1, 2, …). Readers join
 * the chunks back on every engine, and {@link deleteBlob} removes them with
 * their blob row (explicitly: the driver interface does not promise foreign
 * keys, so the schema's `ON DELETE CASCADE` is a second line, not the rule).
 */
import type { Codecs } from '../codec/codecs.ts';
import type { SqliteConnection } from '../driver/types.ts';
import type { Logger } from '../logger.ts';
import type { BlobArtifactDescriptor } from './descriptor.ts';
import { encodeEnvelope, envelopeContent, parseEnvelope } from './envelope.ts';
import { compressionFor, type BuiltinBlobProfile } from './profile.ts';

/** Lowercase hex SHA-256 of a blob's logical content. */
export type BlobRef = string;

/** What blob reads and writes need: the connection, codecs and a logger. */
export interface BlobIo {
  /** The connection. */
  readonly conn: SqliteConnection;
  /** Hashing and compression. */
  readonly codecs: Codecs;
  /** Where corrupt blobs are reported. */
  readonly logger: Logger;
}

/** The result of looking a blob up: missing, found (decoded), or corrupt. */
export type BlobLookup =
  | { readonly status: 'missing' }
  | { readonly status: 'ok'; readonly content: Uint8Array; readonly descriptor: BlobArtifactDescriptor | null }
  | { readonly status: 'corrupt'; readonly reason: string };

const INSERT_BLOB = 'INSERT OR IGNORE INTO blobs (hash, content) VALUES (?, ?)';
const SELECT_BLOB =
  'SELECT content, EXISTS (SELECT 1 FROM blob_chunks WHERE hash = ?) AS chunked FROM blobs WHERE hash = ?';

interface BlobRow {
  content: unknown;
  chunked: unknown;
}

/**
 * A blob's row and whether it has chunks. The one place that binds
 * `SELECT_BLOB`: the ref goes in twice, as plain `?` (node:sqlite 22.13.0
 * refuses `?1` used twice), and a caller binding it once would read NULL.
 */
function selectBlobRow(conn: SqliteConnection, ref: BlobRef): BlobRow | undefined {
  return conn.get<BlobRow>(SELECT_BLOB, [ref, ref]);
}
const INSERT_CHUNK = 'INSERT INTO blob_chunks (hash, seq, content) VALUES (?, ?, ?)';
const SELECT_CHUNKS = 'SELECT content FROM blob_chunks WHERE hash = ? ORDER BY seq';

/** Deletes a blob and its chunks (inside the caller's write transaction); returns 1 when the blob existed. */
export function deleteBlob(conn: SqliteConnection, ref: BlobRef): number {
  return deleteBlobs(conn, [ref]);
}

/** Refs deleted per statement: under every engine's bound-parameter limit (a Durable Object allows 100). */
const DELETE_BATCH = 64;

/**
 * Deletes blobs and their chunks (inside the caller's write transaction), two
 * statements per {@link DELETE_BATCH} refs rather than two per blob; returns
 * how many blobs existed.
 */
export function deleteBlobs(conn: SqliteConnection, refs: readonly BlobRef[]): number {
  let deleted = 0;
  for (let at = 0; at < refs.length; at += DELETE_BATCH) {
    const batch = refs.slice(at, at + DELETE_BATCH);
    const list = batch.map(() => '?').join(', ');
    conn.run(`DELETE FROM blob_chunks WHERE hash IN (${list})`, batch);
    deleted += conn.run(`DELETE FROM blobs WHERE hash IN (${list})`, batch).changes;
  }
  return deleted;
}

/** Stores bytes as they are, without an envelope. */
export function insertRawBlob(io: BlobIo, content: Uint8Array): BlobRef {
  const ref = io.codecs.sha256Hex(content);
  insertStored(io.conn, ref, content);
  return ref;
}

/**
 * Stores bytes inside an envelope, compressed when the profile and descriptor
 * allow. `ref` may be passed when the caller already hashed `content` (say,
 * before its transaction began); it must be `sha256Hex(content)`.
 */
export function insertArtifactBlob(
  io: BlobIo,
  profile: BuiltinBlobProfile,
  descriptor: BlobArtifactDescriptor,
  content: Uint8Array,
  ref: BlobRef = io.codecs.sha256Hex(content),
): BlobRef {
  // Content addressing makes a second write of the same bytes a no-op, so
  // skip the compression work when the row already exists.
  if (io.conn.get(SELECT_EXISTS, [ref]) === undefined) {
    insertEnvelope(io, ref, encodeEnvelope(io.codecs, profile, descriptor, content));
  }
  return ref;
}

/**
 * Stores an envelope built beforehand (`encodeEnvelope`) under `ref`, the
 * SHA-256 of its logical content. The first envelope of a ref wins.
 */
export function insertEnvelope(io: BlobIo, ref: BlobRef, envelope: Uint8Array): void {
  insertStored(io.conn, ref, envelope);
}

/** Rows per multi-row blob insert: two parameters each, under every engine's bound-parameter limit. */
const INSERT_BLOBS_BATCH = 16;
/** `INSERT_BLOB` with `n` rows (index `n`), built on first use; the driver caches each text's statement. */
const insertBlobsSql: string[] = [];

function insertBlobsStatement(rows: number): string {
  return (insertBlobsSql[rows] ??= `INSERT OR IGNORE INTO blobs (hash, content) VALUES ${Array(rows).fill('(?, ?)').join(', ')}`);
}

/**
 * Stores envelopes built beforehand, each under its ref (see
 * {@link insertEnvelope}), in one statement per {@link INSERT_BLOBS_BATCH}
 * rather than one per blob: a commit writes its checkpoint's blobs together.
 * Rows go in order, so the first envelope of a ref still wins. A blob longer
 * than the engine's row limit is written on its own, in chunks.
 */
export function insertEnvelopes(io: BlobIo, blobs: readonly { readonly ref: BlobRef; readonly envelope: Uint8Array }[]): void {
  const limit = io.conn.info.maxValueBytes;
  if (blobs.length === 1 || (limit !== undefined && blobs.some((blob) => blob.envelope.length > limit))) {
    for (const blob of blobs) insertStored(io.conn, blob.ref, blob.envelope);
    return;
  }
  for (let at = 0; at < blobs.length; at += INSERT_BLOBS_BATCH) {
    const batch = blobs.slice(at, at + INSERT_BLOBS_BATCH);
    const params: Array<string | Uint8Array> = [];
    for (const blob of batch) params.push(blob.ref, blob.envelope);
    io.conn.run(insertBlobsStatement(batch.length), params);
  }
}

/** Writes the stored form of a blob, in chunks when it is longer than the engine's row limit. */
function insertStored(conn: SqliteConnection, ref: BlobRef, stored: Uint8Array): void {
  const limit = conn.info.maxValueBytes;
  if (limit === undefined || stored.length <= limit) {
    conn.run(INSERT_BLOB, [ref, stored]);
    return;
  }
  // The first envelope of a ref wins: only the writer of the blob row writes its chunks.
  if (conn.run(INSERT_BLOB, [ref, stored.subarray(0, limit)]).changes === 0) return;
  for (let seq = 1, at = limit; at < stored.length; seq += 1, at += limit) {
    conn.run(INSERT_CHUNK, [ref, seq, stored.subarray(at, at + limit)]);
  }
}

/** The stored bytes of a blob row, its chunks joined back. */
function storedBytes(conn: SqliteConnection, ref: BlobRef, row: BlobRow): unknown {
  if (row.chunked !== 1 || !(row.content instanceof Uint8Array)) return row.content;
  const parts = [row.content, ...conn.all<{ content: unknown }>(SELECT_CHUNKS, [ref]).map((chunk) => chunk.content)];
  if (!parts.every((part) => part instanceof Uint8Array)) return null;
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + (part as Uint8Array).length, 0));
  let at = 0;
  for (const part of parts as Uint8Array[]) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

const SELECT_EXISTS = 'SELECT 1 AS present FROM blobs WHERE hash = ?';
const UPDATE_CONTENT = 'UPDATE blobs SET content = ? WHERE hash = ?';

/**
 * Rewrites a stored-uncompressed envelope compressed, when `profile` would
 * have compressed it (inside the caller's write transaction); returns whether
 * it did. The ref is unchanged — it hashes the logical content — so readers
 * see the same blob. Chunked rows, raw blobs and content that does not match
 * its ref are left as they are.
 */
export function compressStoredBlob(io: BlobIo, profile: BuiltinBlobProfile, ref: BlobRef): boolean {
  const row = selectBlobRow(io.conn, ref);
  if (row === undefined || row.chunked === 1 || !(row.content instanceof Uint8Array)) return false;
  const envelope = parseEnvelope(row.content);
  if (envelope === null || envelope.compression !== 'None') return false;
  const { descriptor, content } = envelope;
  if (compressionFor(profile, descriptor, content.length) !== 'Zlib' || io.codecs.sha256Hex(content) !== ref) return false;
  io.conn.run(UPDATE_CONTENT, [encodeEnvelope(io.codecs, profile, descriptor, content), ref]);
  return true;
}

/**
 * Reads and verifies a blob. An envelope yields its (inflated) content; other
 * bytes are a raw blob. Either way the result must hash to `ref`, otherwise
 * the row is corrupt.
 */
export function lookupBlob(io: BlobIo, ref: BlobRef): BlobLookup {
  const row = selectBlobRow(io.conn, ref);
  if (row === undefined) return { status: 'missing' };
  const stored = storedBytes(io.conn, ref, row);
  if (!(stored instanceof Uint8Array)) return { status: 'corrupt', reason: 'stored content is not a BLOB' };
  const envelope = parseEnvelope(stored);
  if (envelope !== null) {
    let content: Uint8Array | null = null;
    try {
      content = envelopeContent(io.codecs, envelope);
    } catch (error) {
      // A raw blob that merely looks like an envelope is still valid if it
      // hashes to its ref; otherwise the compressed stream is corrupt.
      if (io.codecs.sha256Hex(stored) === ref) return { status: 'ok', content: stored, descriptor: null };
      return { status: 'corrupt', reason: `zlib stream does not inflate: ${messageOf(error)}` };
    }
    if (io.codecs.sha256Hex(content) === ref) return { status: 'ok', content, descriptor: envelope.descriptor };
  }
  if (io.codecs.sha256Hex(stored) === ref) return { status: 'ok', content: stored, descriptor: null };
  return { status: 'corrupt', reason: 'content does not match its SHA-256 ref' };
}

/** The verified content of a blob, or `null` when it is missing or corrupt (corruption is logged). */
export function readBlob(io: BlobIo, ref: BlobRef): Uint8Array | null {
  const found = lookupBlob(io, ref);
  if (found.status === 'ok') return found.content;
  if (found.status === 'corrupt') io.logger.warn('blob is corrupt; treating it as missing', { ref, reason: found.reason });
  return null;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
