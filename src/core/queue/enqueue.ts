/**
 * `enqueueQueuedWork`: one write transaction that either returns the batch
 * already stored under the draft's `(session_id, source_key)` or inserts a
 * new batch and its items.
 */
import { writeAttempt } from '../driver/transaction.ts';
import { StoreError } from '../contract/errors.ts';
import { decodeWrittenPayload } from './codec.ts';
import { readClock, type QueueContext } from './context.ts';
import type { DraftRow } from './input.ts';
import { batchFromRow, selectRowBySourceKey, type BatchRow } from './rows.ts';
import type { QueuedWorkBatch } from '../contract/queue.ts';

const INSERT_BATCH = `INSERT INTO queued_work_batches
  (batch_id, session_id, source_key, delivery_policy, slot_policy, merge_key_json, available_at_ms, enqueued_at_ms)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING enqueue_seq`;
const INSERT_ITEM = 'INSERT INTO queued_work_items (batch_id, item_index, item_id, payload_json) VALUES (?, ?, ?, ?)';

export function enqueue(ctx: QueueContext, draft: DraftRow): QueuedWorkBatch {
  const { conn } = ctx;
  return writeAttempt(conn, () => {
    // Idempotency holds only while the batch exists: once completed or
    // cancelled, the same source key enqueues anew. The replay's payload is
    // ignored; the stored original is returned.
    if (draft.source_key !== null) {
      const existing = selectRowBySourceKey(conn, draft.session_id, draft.source_key);
      if (existing !== undefined) return ctx.reader.batch(existing);
    }
    const now = readClock(ctx);
    const batchId = `qwb:${ctx.tokens.next(draft.session_id, draft.source_key ?? '', now)}`;
    const inserted = conn.get<{ enqueue_seq: number }>(INSERT_BATCH, [
      batchId,
      draft.session_id,
      draft.source_key,
      draft.delivery_policy,
      draft.slot_policy,
      draft.merge_key_json,
      draft.available_at_ms,
      now,
    ]);
    // `UNIQUE (session_id, source_key) ON CONFLICT IGNORE` skips the insert
    // silently; under BEGIN IMMEDIATE after the lookup above it cannot.
    if (inserted === undefined) throw StoreError.backend('queued work insert disappeared');
    const items = draft.payload_jsons.map((json, index) => {
      const itemId = `${batchId}:item:${index}`;
      conn.run(INSERT_ITEM, [batchId, index, itemId, json]);
      return { item_id: itemId, payload: decodeWrittenPayload(json) };
    });
    const row: BatchRow = {
      enqueue_seq: inserted.enqueue_seq,
      batch_id: batchId,
      session_id: draft.session_id,
      source_key: draft.source_key,
      delivery_policy: draft.delivery_policy,
      slot_policy: draft.slot_policy,
      merge_key_json: draft.merge_key_json,
      available_at_ms: draft.available_at_ms,
      enqueued_at_ms: now,
      claim_fencing_token: 0,
    };
    // Built from exactly what was written, as a reload decodes it (the draft's
    // payloads were checked and normalised before the transaction).
    return batchFromRow(row, items);
  });
}
