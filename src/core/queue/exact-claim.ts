/**
 * `claimReadyQueuedWorkByBatchIds`, the reference's default: claim the next
 * ready group with `maxBatches = batchIds.length`, keep it only when it is
 * exactly the requested batches in order, otherwise abandon it. An exact
 * claim can therefore never skip earlier queue work. (A failed attempt still
 * advances the fencing counters of the rows it touched, as in the reference.)
 *
 * This is the default for hosts that have only the two methods (two
 * transactions, so another claimer may see the group leased in between);
 * `QueuedWork` does the same in one transaction (`claim.ts`, `claimExact`).
 */
import type { RuntimePersistence } from '../contract/session.ts';
import type { QueuedWorkClaim, QueuedWorkClaimBoundary } from '../contract/queue.ts';

/** The two queue methods the exact claim is built on. */
export type ClaimAndAbandon = Pick<RuntimePersistence, 'claimReadyQueuedWork' | 'abandonQueuedWorkClaim'>;

export async function claimExactBatches(
  queue: ClaimAndAbandon,
  sessionId: string,
  ownerId: string,
  boundary: QueuedWorkClaimBoundary,
  leaseTtlMs: number,
  batchIds: readonly string[],
): Promise<QueuedWorkClaim | null> {
  if (batchIds.length === 0) return null;
  const claim = await queue.claimReadyQueuedWork(sessionId, ownerId, boundary, leaseTtlMs, batchIds.length);
  if (claim === null) return null;
  const exact =
    claim.batches.length === batchIds.length && claim.batches.every((batch, i) => batch.batch_id === batchIds[i]);
  if (exact) return claim;
  await queue.abandonQueuedWorkClaim(claim);
  return null;
}
