/** `cancelQueuedWorkBatch`: remove a batch nobody holds, and hand it back. */
import { rollback, writeAttempt } from '../driver/transaction.ts';
import { readClock, type QueueContext } from './context.ts';
import { deleteBatchItems, selectUnclaimedRow } from './rows.ts';
import type { QueuedWorkBatch } from '../contract/queue.ts';

const DELETE_BATCH = 'DELETE FROM queued_work_batches WHERE batch_id = ?';

/**
 * `null` when the batch is missing, of another session, or under a live
 * claim: "already claimed or completed", so callers must not restore their
 * draft.
 */
export function cancelBatch(ctx: QueueContext, sessionId: string, batchId: string): QueuedWorkBatch | null {
  const { conn } = ctx;
  return writeAttempt(conn, () => {
    const row = selectUnclaimedRow(conn, sessionId, batchId, readClock(ctx));
    if (row === undefined) return rollback(null);
    const batch = ctx.reader.batch(row);
    // Checked unclaimed under this transaction's write lock: nobody can have claimed it since.
    deleteBatchItems(conn, batchId);
    conn.run(DELETE_BATCH, [batchId]);
    return batch;
  });
}
