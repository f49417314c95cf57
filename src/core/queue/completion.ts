/**
 * Completing queue claims inside a turn commit (`commitRuntimeState` steps 5
 * and 11). Both run inside the commit's write transaction: validation first,
 * before anything is written, deletion after the new head is written, so a
 * single lost claim leaves the whole commit unwritten.
 */
import type { SqliteConnection } from '../driver/types.ts';
import { StoreError } from '../contract/errors.ts';
import { deleteBatchItems, holdsExactly, selectHeldBatchIds } from './rows.ts';
import type { QueuedWorkCompletion } from '../contract/queue.ts';

const DELETE_HELD =
  'DELETE FROM queued_work_batches WHERE session_id = ? AND batch_id = ? AND claim_id = ? AND claim_token = ?';

/**
 * Throws `QueuedWorkClaimExpired` unless every completion belongs to the
 * committing session and its listed batches are exactly the batches still
 * held by that claim id and lease token. Unlike the reference, the listed ids
 * are checked, not only their number. Expiry is not checked: a claim that
 * expired but was never reclaimed still completes ("expired" means lost).
 * The completions' shape was checked with the rest of the commit
 * (`decodeRuntimeCommit`), before the transaction.
 */
export function validateQueueCompletions(
  conn: SqliteConnection,
  sessionId: string,
  completions: readonly QueuedWorkCompletion[],
): void {
  for (const completion of completions) {
    const { session_id, claim_id, lease_token, batch_ids } = completion;
    const held = session_id === sessionId ? selectHeldBatchIds(conn, session_id, claim_id, lease_token) : null;
    if (held === null || !holdsExactly(held, batch_ids)) {
      throw new StoreError({ kind: 'QueuedWorkClaimExpired', session_id, claim_id });
    }
  }
}

/** Deletes the completed batches and their items (validated first, so every listed batch is held). */
export function deleteCompletedBatches(conn: SqliteConnection, completions: readonly QueuedWorkCompletion[]): void {
  for (const completion of completions) {
    for (const batchId of completion.batch_ids) {
      deleteBatchItems(conn, batchId);
      conn.run(DELETE_HELD, [completion.session_id, batchId, completion.claim_id, completion.lease_token]);
    }
  }
}
