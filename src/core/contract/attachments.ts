/** The attachment write-ahead manifest of the session contract (`contract-session.md` §2.8). */
import type { EpochMs } from './json.ts';

/** Lowercase hex SHA-256 of the attachment bytes (see `contentId`). */
export type AttachmentId = string;

/** The write-ahead record of an attachment about to be stored, written before its bytes. */
export interface AttachmentIntent {
  /** The attachment's id (content hash). */
  attachment_id: AttachmentId;
  /** The session it belongs to. */
  session_id: string;
  /** `sha256:{attachment_id}` as written by `SessionScopedAttachmentStore`. */
  canonical_uri: string;
  /** When the intent was recorded (epoch ms). */
  intent_at_epoch_ms: EpochMs;
}

/** An attachment intent with its commit stamp. */
export interface AttachmentManifestEntry extends AttachmentIntent {
  /** When a turn commit referenced it (epoch ms), or `null` while uncommitted. */
  committed_at_epoch_ms: EpochMs | null;
}

/** The attachment write-ahead manifest: intents before bytes, commit stamps with the turn, so orphans can be found and swept. Synchronous by contract. */
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

