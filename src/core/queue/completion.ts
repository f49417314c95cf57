/**
 * Completing queue claims inside a turn commit (`commitRuntimeState` step 5).
 * It runs inside the commit's write transaction, after the other checks and
 * before the new head is written; a lost claim throws, which rolls the whole
 * transaction back, so a single lost claim leaves the commit unwritten.
 */
import type { SqliteConnection } from '../driver/types.ts';
import { StoreError } from '../contract/errors.ts';
import { deleteBatchItems, holdsExactly } from './rows.ts';
import type { QueuedWorkCompletion } from '../contract/queue.ts';

/**
 * Deletes the batches a claim still holds (same session, claim id and lease
 * token) and reports which they were: the check and the delete are one
 * statement, and a mismatch is undone with the transaction.
 */
export const DELETE_HELD =
  'DELETE FROM queued_work_batches WHERE session_id = ? AND claim_id = ? AND claim_token = ? RETURNING batch_id';

/**
 * Deletes every completion's batches and their items, or throws
 * `QueuedWorkClaimExpired` — unless every completion belongs to the
 * committing session and its listed batches are exactly the batches still
 * held by that claim id and lease token. Unlike the reference, the listed ids
 * are checked, not only their number. Expiry is not checked: a claim that
 * expired but was never reclaimed still completes ("expired" means lost).
 * The completions' shape was checked with the rest of the commit
 * (`decodeRuntimeCommit`), before the transaction. The caller's transaction
 * must roll back when this throws (a write body that throws does).
 */
export function completeQueueClaims(
  conn: SqliteConnection,
  sessionId: string,
  completions: readonly QueuedWorkCompletion[],
): void {
  for (const completion of completions) {
    const { session_id, claim_id, lease_token, batch_ids } = completion;
    const lost = () => new StoreError({ kind: 'QueuedWorkClaimExpired', session_id, claim_id });
    if (session_id !== sessionId) throw lost();
    // Items first (see `deleteBatchItems`); a listed batch the claim does not
    // hold fails the check below, and the throw undoes these deletes too.
    for (const batchId of batch_ids) deleteBatchItems(conn, batchId);
    const held = conn.all<{ batch_id: string }>(DELETE_HELD, [session_id, claim_id, lease_token]).map((row) => row.batch_id);
    if (!holdsExactly(held, batch_ids)) throw lost();
  }
}
