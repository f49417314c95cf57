/**
 * `claimReadyQueuedWork`: lease the head of a session's queue, alone or with
 * the join group behind it, in one write transaction (`contract-session.md`
 * §2.5).
 *
 * Join groups and non-ready neighbours (the spec's "pick one rule"): a group
 * is built from the *ready* batches in queue order, so a batch that is leased
 * by someone else or not yet available does not break it; the group closes at
 * the first ready batch that does not match. That is the SQLite reference's
 * rule (its candidate query already leaves non-ready batches out); the
 * in-memory reference instead stops at the first non-ready neighbour.
 */
import { Rollback, rollback, writeAttempt } from '../driver/transaction.ts';
import { saturatingAdd } from '../validation.ts';
import { mergeKeysEqual } from './codec.ts';
import { readClock, type QueueContext } from './context.ts';
import { releaseClaimRows } from './lease.ts';
import { integerColumn, selectReadyRows, type BatchPolicies, type BatchRow } from './rows.ts';
import type { QueuedWorkClaim, QueuedWorkClaimBoundary } from '../contract/queue.ts';

const CLAIM_ROW = `UPDATE queued_work_batches
  SET claim_id = ?, claim_owner_id = ?, claim_token = ?, claim_fencing_token = claim_fencing_token + 1,
      claim_claimed_at_ms = ?, claim_expires_at_ms = ?
  WHERE session_id = ? AND batch_id = ? AND (claim_token IS NULL OR claim_expires_at_ms <= ?)`;

export interface ClaimRequest {
  readonly sessionId: string;
  readonly ownerId: string;
  readonly boundary: QueuedWorkClaimBoundary;
  readonly leaseTtlMs: number;
  /** At least 1 (0 never reaches the database). */
  readonly maxBatches: number;
}

export function claimReady(ctx: QueueContext, request: ClaimRequest): QueuedWorkClaim | null {
  return writeAttempt(ctx.conn, () => claimInTransaction(ctx, request));
}

/**
 * `claimReadyQueuedWorkByBatchIds` in one transaction: claim the next ready
 * group with `maxBatches = batchIds.length` and keep it only when it is
 * exactly `batchIds` in order; otherwise release it before committing, so
 * nobody else ever sees it leased. An exact claim can never skip earlier
 * work, and a failed attempt still advances the fencing counters of the rows
 * it touched (as the reference's claim-then-abandon does).
 */
export function claimExact(ctx: QueueContext, request: ClaimRequest, batchIds: readonly string[]): QueuedWorkClaim | null {
  return writeAttempt(ctx.conn, () => {
    const claimed = claimInTransaction(ctx, request);
    if (claimed instanceof Rollback || claimed === null) return claimed;
    const exact =
      claimed.batches.length === batchIds.length && claimed.batches.every((batch, i) => batch.batch_id === batchIds[i]);
    if (exact) return claimed;
    releaseClaimRows(ctx.conn, claimed);
    return null;
  });
}

/** The body of a claim, inside the caller's write transaction. */
function claimInTransaction(ctx: QueueContext, request: ClaimRequest): QueuedWorkClaim | null | Rollback<null> {
  const { conn } = ctx;
  const now = readClock(ctx);
  // Selection never takes more than `maxBatches` ready rows, so no more are read.
  const candidates = selectReadyRows(conn, request.sessionId, now, request.maxBatches);
  const first = candidates[0];
  if (first === undefined) return rollback(null);
  // Head-of-line rule: a checkpoint claim only ever looks at the first ready batch.
  const head = ctx.reader.policies(first);
  if (request.boundary === 'active_turn_checkpoint' && head.delivery_policy !== 'earliest_safe_boundary') {
    return rollback(null);
  }
  const selected = selectGroup(ctx, candidates, head, request.maxBatches);
  // The first row's counter before this claim, plus one; the UPDATE bumps
  // every selected row's own counter, which is never reset.
  const fencingToken = integerColumn(first.claim_fencing_token, 'claim_fencing_token') + 1;
  const claimId = `qwc:${first.enqueue_seq}:${fencingToken}`;
  const leaseToken = ctx.tokens.next(request.sessionId, request.ownerId, claimId, now);
  const expiresAt = saturatingAdd(now, request.leaseTtlMs);
  for (const row of selected) {
    const { changes } = conn.run(CLAIM_ROW, [
      claimId,
      request.ownerId,
      leaseToken,
      now,
      expiresAt,
      request.sessionId,
      row.batch_id,
      now,
    ]);
    // Cannot happen while the candidates were read under this write lock;
    // if it ever does, the claim is lost whole, never returned half-owned.
    if (changes === 0) return rollback(null);
  }
  return {
    session_id: request.sessionId,
    claim_id: claimId,
    owner_id: request.ownerId,
    lease_token: leaseToken,
    fencing_token: fencingToken,
    claimed_at_epoch_ms: now,
    expires_at_epoch_ms: expiresAt,
    batches: selected.map((row) => ctx.reader.batch(row)),
  };
}

/**
 * The head alone when it is exclusive; otherwise the head and the ready join
 * batches right behind it with the same delivery policy and merge key, up to
 * `maxBatches`.
 */
function selectGroup(
  ctx: QueueContext,
  candidates: readonly BatchRow[],
  head: BatchPolicies,
  maxBatches: number,
): BatchRow[] {
  const selected = [candidates[0]!];
  if (head.slot_policy === 'exclusive') return selected;
  for (let i = 1; i < candidates.length && selected.length < maxBatches; i++) {
    const row = candidates[i]!;
    const next = ctx.reader.policies(row);
    const joins =
      next.slot_policy === 'join' &&
      next.delivery_policy === head.delivery_policy &&
      mergeKeysEqual(next.merge_key, head.merge_key);
    if (!joins) break;
    selected.push(row);
  }
  return selected;
}
