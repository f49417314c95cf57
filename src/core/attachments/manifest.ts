/**
 * The attachment write-ahead manifest (`contract-session.md` §2.8).
 *
 * Before attachment bytes are written anywhere, an *intent* row is recorded;
 * when a turn commit (or `commitRefs`) makes the attachment reachable, the row
 * is stamped `committed_at_ms`. Rows still uncommitted after a while are what
 * a host's attachment sweep may delete. The methods are synchronous because
 * `AttachmentStore.put` is, and both drivers are.
 */
import type { ComponentOperations } from '../driver/operations.ts';
import type { SqliteConnection } from '../driver/types.ts';
import type { Logger } from '../logger.ts';
import type { EpochMs } from '../contract/json.ts';
import { expectArray, expectId, expectObject, expectString, expectU64 } from '../shape.ts';
import { readEpochMs } from '../validation.ts';

import type { AttachmentId, AttachmentIntent, AttachmentManifest, AttachmentManifestEntry } from '../contract/attachments.ts';

export type { AttachmentId, AttachmentIntent, AttachmentManifest, AttachmentManifestEntry };

/** A manifest that keeps nothing: every call succeeds and nothing is ever listed. */
export const NOOP_ATTACHMENT_MANIFEST: AttachmentManifest = Object.freeze({
  recordIntent(): void {},
  commitRefs(): void {},
  listUncommitted(): AttachmentManifestEntry[] {
    return [];
  },
  forget(): void {},
});

const INSERT_INTENT =
  'INSERT INTO attachment_manifest (attachment_id, session_id, canonical_uri, intent_at_ms) VALUES (?, ?, ?, ?) ON CONFLICT(attachment_id) DO NOTHING';
const STAMP_COMMITTED =
  'UPDATE attachment_manifest SET committed_at_ms = COALESCE(committed_at_ms, ?) WHERE attachment_id = ? AND session_id = ?';
const SELECT_UNCOMMITTED =
  'SELECT attachment_id, session_id, canonical_uri, intent_at_ms FROM attachment_manifest WHERE committed_at_ms IS NULL AND intent_at_ms <= ? ORDER BY intent_at_ms, attachment_id';
const DELETE_ENTRY = 'DELETE FROM attachment_manifest WHERE attachment_id = ?';

export function insertAttachmentIntent(conn: SqliteConnection, intent: AttachmentIntent): void {
  conn.run(INSERT_INTENT, [intent.attachment_id, intent.session_id, intent.canonical_uri, intent.intent_at_epoch_ms]);
}

/** Used by `commitRefs` and inside `commitRuntimeState` (step 12). */
export function stampAttachmentsCommitted(
  conn: SqliteConnection,
  sessionId: string,
  attachmentIds: readonly AttachmentId[],
  now: EpochMs,
): void {
  for (const id of attachmentIds) conn.run(STAMP_COMMITTED, [now, id, sessionId]);
}

export function selectUncommittedAttachments(
  conn: SqliteConnection,
  logger: Logger,
  olderThanEpochMs: EpochMs,
): AttachmentManifestEntry[] {
  const entries: AttachmentManifestEntry[] = [];
  for (const row of conn.all<Record<string, unknown>>(SELECT_UNCOMMITTED, [olderThanEpochMs])) {
    const { attachment_id, session_id, canonical_uri, intent_at_ms } = row;
    if (
      typeof attachment_id !== 'string' ||
      typeof session_id !== 'string' ||
      typeof canonical_uri !== 'string' ||
      typeof intent_at_ms !== 'number'
    ) {
      logger.warn('attachment manifest row has the wrong shape; skipping it', { attachment_id });
      continue;
    }
    entries.push({ attachment_id, session_id, canonical_uri, intent_at_epoch_ms: intent_at_ms, committed_at_epoch_ms: null });
  }
  return entries;
}

export function deleteAttachmentEntry(conn: SqliteConnection, attachmentId: AttachmentId): void {
  conn.run(DELETE_ENTRY, [attachmentId]);
}

/** What the manifest methods work with (the session store's context satisfies it). */
export interface ManifestContext {
  readonly conn: SqliteConnection;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly ops: ComponentOperations;
}

/**
 * The session store's `AttachmentManifest`: synchronous, as the contract is,
 * so a lock wait here is synchronous too (`OperationRunner.attemptSync`).
 * Inputs are checked first (`InvalidInput`, nothing written).
 */
export class AttachmentManifestEngine implements AttachmentManifest {
  readonly #ctx: ManifestContext;

  constructor(ctx: ManifestContext) {
    this.#ctx = ctx;
  }

  recordIntent(intent: AttachmentIntent): void {
    const { ops, conn } = this.#ctx;
    const checked = ops.input('attachment intent', () => checkIntent(intent));
    ops.writeSync(() => insertAttachmentIntent(conn, checked));
  }

  commitRefs(sessionId: string, attachmentIds: readonly AttachmentId[]): void {
    const { ops, conn, clock } = this.#ctx;
    const ids = ops.input('attachment ids', () => {
      expectId(sessionId, 'sessionId');
      return expectArray(attachmentIds, 'attachmentIds').map((id, i) => expectId(id, `attachmentIds[${i}]`));
    });
    if (ids.length === 0) return;
    ops.writeSync(() => stampAttachmentsCommitted(conn, sessionId, ids, readEpochMs(clock)));
  }

  listUncommitted(olderThanEpochMs: EpochMs): AttachmentManifestEntry[] {
    const { ops, conn, logger } = this.#ctx;
    ops.input('olderThanEpochMs', () => expectU64(olderThanEpochMs, 'olderThanEpochMs'));
    return ops.readSync(() => selectUncommittedAttachments(conn, logger, olderThanEpochMs));
  }

  forget(attachmentId: AttachmentId): void {
    const { ops, conn } = this.#ctx;
    ops.input('attachment id', () => expectId(attachmentId, 'attachmentId'));
    ops.writeSync(() => deleteAttachmentEntry(conn, attachmentId));
  }
}

function checkIntent(intent: AttachmentIntent): AttachmentIntent {
  const record = expectObject(intent, 'intent');
  return {
    attachment_id: expectId(record.attachment_id, 'intent.attachment_id'),
    session_id: expectId(record.session_id, 'intent.session_id'),
    canonical_uri: expectString(record.canonical_uri, 'intent.canonical_uri'),
    intent_at_epoch_ms: expectU64(record.intent_at_epoch_ms, 'intent.intent_at_epoch_ms'),
  };
}
