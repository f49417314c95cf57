/**
 * Renewing and abandoning a claim. Both match rows by `(session_id,
 * claim_id, claim_token)`: the lease token is the guard, fencing tokens are
 * not checked (`contract-session.md` §2.5).
 */
import { writeAttempt } from '../driver/transaction.ts';
import type { SqliteConnection } from '../driver/types.ts';
import { StoreError } from '../contract/errors.ts';
import { saturatingAdd } from '../validation.ts';
import { readClock, type QueueContext } from './context.ts';
import { holdsExactly, selectHeldBatchIds } from './rows.ts';
import type { QueuedWorkClaim } from '../contract/queue.ts';

const RENEW = `UPDATE queued_work_batches SET claim_expires_at_ms = ?
  WHERE session_id = ? AND claim_id = ? AND claim_token = ?`;
const ABANDON = `UPDATE queued_work_batches
  SET claim_id = NULL, claim_owner_id = NULL, claim_token = NULL, claim_claimed_at_ms = 0, claim_expires_at_ms = 0
  WHERE session_id = ? AND claim_id = ? AND claim_token = ?`;

/**
 * Extends every batch of the claim to `now + ttl`, or none: unless the claim
 * still holds exactly its batches, `QueuedWorkClaimExpired` and nothing is
 * written (the reference commits a partial renewal first; spec hazard 3). A
 * claim that expired but was not reclaimed still holds its rows and renews.
 */
export function renewClaim(ctx: QueueContext, claim: QueuedWorkClaim, leaseTtlMs: number): QueuedWorkClaim {
  const { conn } = ctx;
  return writeAttempt(conn, () => {
    const now = readClock(ctx);
    const held = selectHeldBatchIds(conn, claim.session_id, claim.claim_id, claim.lease_token);
    const listed = claim.batches.map((batch) => batch.batch_id);
    if (!holdsExactly(held, listed)) {
      throw new StoreError({ kind: 'QueuedWorkClaimExpired', session_id: claim.session_id, claim_id: claim.claim_id });
    }
    const expiresAt = saturatingAdd(now, leaseTtlMs);
    conn.run(RENEW, [expiresAt, claim.session_id, claim.claim_id, claim.lease_token]);
    return { ...claim, expires_at_epoch_ms: expiresAt };
  });
}

/** Releases the claim's rows (their fencing counters stay); a stale claim is a no-op. */
export function abandonClaim(ctx: QueueContext, claim: QueuedWorkClaim): void {
  writeAttempt(ctx.conn, () => releaseClaimRows(ctx.conn, claim));
}

/** The rows of `claim` released, inside the caller's write transaction. */
export function releaseClaimRows(conn: SqliteConnection, claim: QueuedWorkClaim): void {
  conn.run(ABANDON, [claim.session_id, claim.claim_id, claim.lease_token]);
}
