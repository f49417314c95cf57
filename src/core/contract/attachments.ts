/** The attachment write-ahead manifest of the session contract (`contract-session.md` §2.8). */
import type { EpochMs } from './json.ts';

/** Lowercase hex SHA-256 of the attachment bytes (see `contentId`). */
export type AttachmentId = string;

export interface AttachmentIntent {
  attachment_id: AttachmentId;
  session_id: string;
  /** `sha256:{attachment_id}` as written by `SessionScopedAttachmentStore`. */
  canonical_uri: string;
  intent_at_epoch_ms: EpochMs;
}

export interface AttachmentManifestEntry extends AttachmentIntent {
  committed_at_epoch_ms: EpochMs | null;
}

export interface AttachmentManifest {
  /** Idempotent: the first intent for an id wins. */
  recordIntent(intent: AttachmentIntent): void;
  /** Stamps the ids of this session as committed (the first stamp wins). Unknown ids are ignored. */
  commitRefs(sessionId: string, attachmentIds: readonly AttachmentId[]): void;
  /** Uncommitted rows with `intent_at <= olderThanEpochMs`, oldest first, across every session. */
  listUncommitted(olderThanEpochMs: EpochMs): AttachmentManifestEntry[];
  /** Deletes the row; a missing row is a no-op. */
  forget(attachmentId: AttachmentId): void;
}

