/**
 * Attachment byte stores (`contract-session.md` §1.6, §2.10): content-
 * addressed bytes plus metadata, and the session-scoped wrapper that records
 * a write-ahead intent in the manifest before any byte is written.
 */
import { brandError } from '../contract/brand.ts';
import { portableCodecs, type Codecs } from '../codec/codecs.ts';
import type { U64 } from '../contract/json.ts';
import type { AttachmentId, AttachmentManifest } from './manifest.ts';

/** The image formats an attachment may have. */
export type ImageMediaType = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp';
/** An attachment's media type (images only). */
export type MediaType = { kind: 'image'; type: ImageMediaType };

/** What the caller tells the store about new attachment bytes. */
export interface AttachmentCreateMeta {
  /** The media type. */
  media_type: MediaType;
  /** Width in pixels, if known. */
  width?: number;
  /** Height in pixels, if known. */
  height?: number;
  /** A label, if any. */
  label?: string;
}

/** A stored attachment's metadata. */
export interface AttachmentMeta {
  /** The content id (SHA-256 of the bytes). */
  id: AttachmentId;
  /** The media type. */
  media_type: MediaType;
  /** The size in bytes. */
  byte_len: U64;
  /** Width in pixels, if known. */
  width?: number;
  /** Height in pixels, if known. */
  height?: number;
  /** A label, if any. */
  label?: string;
}

/** A reference to a stored attachment (its metadata). */
export type AttachmentRef = AttachmentMeta;

/** An attachment's metadata and bytes. */
export interface StoredAttachment {
  /** The metadata. */
  meta: AttachmentMeta;
  /** The bytes. */
  bytes: Uint8Array;
}

/** `Ephemeral` maps to tier `inline`, `Durable` to `durable`. */
export type AttachmentStorePersistence = 'Ephemeral' | 'Durable';

/** What went wrong in an `AttachmentStoreError`, tagged on `kind`. */
export type AttachmentStoreErrorDetail =
  | { kind: 'NotFound'; id: AttachmentId }
  | { kind: 'Io'; path: string; cause: unknown }
  | { kind: 'MissingMeta'; id: AttachmentId }
  | { kind: 'ManifestRecordFailed'; message: string };

/** The error of an attachment store; switch on `detail.kind`. */
export class AttachmentStoreError extends Error {
  static {
    brandError(this, 'AttachmentStoreError');
  }
  /** Always `'AttachmentStoreError'`. */
  override name = 'AttachmentStoreError';
  /** What went wrong. */
  readonly detail: AttachmentStoreErrorDetail;
  constructor(detail: AttachmentStoreErrorDetail, options?: { cause?: unknown }) {
    super(attachmentErrorMessage(detail), options);
    this.detail = detail;
  }

  /** The detail's `kind`. */
  get kind(): AttachmentStoreErrorDetail['kind'] {
    return this.detail.kind;
  }
}

function attachmentErrorMessage(detail: AttachmentStoreErrorDetail): string {
  switch (detail.kind) {
    case 'NotFound':
      return `attachment \`${detail.id}\` was not found`;
    case 'Io':
      return `attachment store I/O failed at ${detail.path}: ${detail.cause instanceof Error ? detail.cause.message : String(detail.cause)}`;
    case 'MissingMeta':
      return `attachment store metadata is unavailable for \`${detail.id}\``;
    case 'ManifestRecordFailed':
      return `attachment manifest write failed: ${detail.message}`;
  }
}

/** Synchronous, like the manifest it works with. */
export interface AttachmentStore {
  /** Whether stored attachments survive the process. */
  persistence(): AttachmentStorePersistence;
  /** Stores bytes (content-addressed: the same bytes give the same ref). */
  put(bytes: Uint8Array, meta: AttachmentCreateMeta): AttachmentRef;
  /** Throws `AttachmentStoreError` (`NotFound` for an unknown id). */
  get(id: AttachmentId): StoredAttachment;
}

/** The attachment id of some bytes: lowercase hex SHA-256. */
export function contentId(bytes: Uint8Array, codecs: Codecs = portableCodecs): AttachmentId {
  return codecs.sha256Hex(bytes);
}

function metaFor(id: AttachmentId, bytes: Uint8Array, meta: AttachmentCreateMeta): AttachmentMeta {
  const out: AttachmentMeta = { id, media_type: { ...meta.media_type }, byte_len: bytes.length };
  if (meta.width !== undefined) out.width = meta.width;
  if (meta.height !== undefined) out.height = meta.height;
  if (meta.label !== undefined) out.label = meta.label;
  return out;
}

/** Bytes and metadata in a map; lost with the process (`Ephemeral`). */
export class InMemoryAttachmentStore implements AttachmentStore {
  readonly #entries = new Map<AttachmentId, StoredAttachment>();
  readonly #codecs: Codecs;

  constructor(options: { codecs?: Codecs } = {}) {
    this.#codecs = options.codecs ?? portableCodecs;
  }

  /** Always `'Ephemeral'`. */
  persistence(): AttachmentStorePersistence {
    return 'Ephemeral';
  }

  /** Stores bytes in memory. */
  put(bytes: Uint8Array, meta: AttachmentCreateMeta): AttachmentRef {
    const id = contentId(bytes, this.#codecs);
    const existing = this.#entries.get(id);
    if (existing !== undefined) return structuredClone(existing.meta);
    const stored = { meta: metaFor(id, bytes, meta), bytes: bytes.slice() };
    this.#entries.set(id, stored);
    return structuredClone(stored.meta);
  }

  /** The caller's copy: mutating it changes nothing stored. */
  get(id: AttachmentId): StoredAttachment {
    const stored = this.#entries.get(id);
    if (stored === undefined) throw new AttachmentStoreError({ kind: 'NotFound', id });
    return { meta: structuredClone(stored.meta), bytes: stored.bytes.slice() };
  }
}

/**
 * Records the write-ahead intent in the session's manifest, then writes the
 * bytes. If the intent cannot be recorded, nothing is written.
 */
export class SessionScopedAttachmentStore implements AttachmentStore {
  readonly #inner: AttachmentStore;
  readonly #manifest: AttachmentManifest;
  readonly #sessionId: string;
  readonly #codecs: Codecs;
  readonly #clock: () => number;

  constructor(
    inner: AttachmentStore,
    manifest: AttachmentManifest,
    sessionId: string,
    options: { codecs?: Codecs; clock?: () => number } = {},
  ) {
    this.#inner = inner;
    this.#manifest = manifest;
    this.#sessionId = sessionId;
    this.#codecs = options.codecs ?? portableCodecs;
    this.#clock = options.clock ?? Date.now;
  }

  /** The store the bytes go to. */
  inner(): AttachmentStore {
    return this.#inner;
  }

  /** The manifest the intents go to. */
  manifest(): AttachmentManifest {
    return this.#manifest;
  }

  /** The inner store's persistence. */
  persistence(): AttachmentStorePersistence {
    return this.#inner.persistence();
  }

  /** Records the intent in the manifest, then stores the bytes in the inner store. */
  put(bytes: Uint8Array, meta: AttachmentCreateMeta): AttachmentRef {
    const id = contentId(bytes, this.#codecs);
    try {
      this.#manifest.recordIntent({
        attachment_id: id,
        session_id: this.#sessionId,
        canonical_uri: `sha256:${id}`,
        intent_at_epoch_ms: this.#clock(),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new AttachmentStoreError(
        { kind: 'ManifestRecordFailed', message: `failed to record attachment intent for \`${id}\`: ${reason}` },
        { cause: error },
      );
    }
    return this.#inner.put(bytes, meta);
  }

  get(id: AttachmentId): StoredAttachment {
    return this.#inner.get(id);
  }
}
