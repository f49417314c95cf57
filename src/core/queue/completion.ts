/**
 * Completing queue claims inside a turn commit (`commitRuntimeState` steps 5
 * and 11). Both run inside the commit's write transaction: validation first,
 * before anything is written, deletion after the new head is written, so a
 * single lost claim leaves the whole commit unwritten.
 */
import type { SqliteConnection } from '../driver/types.ts';
import { StoreError } from '../errors.ts';
import type { QueuedWorkCompletion } from './types.ts';

const SELECT_HELD =
  'SELECT batch_id FROM queued_work_batches WHERE session_id = ? AND claim_id = ? AND claim_token = ?';
const DELETE_HELD =
  'DELETE FROM queued_work_batches WHERE session_id = ? AND batch_id = ? AND claim_id = ? AND claim_token = ?';

/**
 * Throws `QueuedWorkClaimExpired` unless every completion belongs to the
 * committing session and every listed batch is still held by exactly that
 * claim and lease token. Unlike the reference, the listed ids are checked,
 * not only their number.
 */
export function validateQueueCompletions(
  conn: SqliteConnection,
  sessionId: string,
  completions: readonly QueuedWorkCompletion[],
): void {
  for (const completion of completions) {
    const lost = new StoreError({
      kind: 'QueuedWorkClaimExpired',
      session_id: completion.session_id,
      claim_id: completion.claim_id,
    });
    if (completion.session_id !== sessionId) throw lost;
    const held = new Set(
      conn
        .all<{ batch_id: string }>(SELECT_HELD, [completion.session_id, completion.claim_id, completion.lease_token])
        .map((row) => row.batch_id),
    );
    const listed = new Set(completion.batch_ids);
    if (listed.size !== completion.batch_ids.length || held.size !== listed.size) throw lost;
    for (const batchId of listed) if (!held.has(batchId)) throw lost;
  }
}

/** Deletes the completed batches (their items go by `ON DELETE CASCADE`). */
export function deleteCompletedBatches(conn: SqliteConnection, completions: readonly QueuedWorkCompletion[]): void {
  for (const completion of completions) {
    for (const batchId of completion.batch_ids) {
      conn.run(DELETE_HELD, [completion.session_id, batchId, completion.claim_id, completion.lease_token]);
    }
  }
}
