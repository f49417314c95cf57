/**
 * The reference's default methods of `RuntimePersistence` and its helper
 * for test stores without a queue (`contract-session.md` §2.13), for hosts
 * that implement a store of their own (a remote store, a test double). The
 * SQLite `Store` needs none of this.
 */
import type { DurabilityTier } from '../driver/types.ts';
import { StoreError } from '../contract/errors.ts';
import { claimExactBatches } from '../queue/exact-claim.ts';
import type { AttachmentIntent, AttachmentManifestEntry } from '../attachments/manifest.ts';
import type { SessionReadScope } from '../contract/errors.ts';
import type { QueuedWorkBatch, QueuedWorkBatchDraft, QueuedWorkClaim, QueuedWorkClaimBoundary } from '../contract/queue.ts';
import type { QueuedWorkListOptions } from '../queue/list.ts';
import type { SessionNodeRecord } from '../contract/session-model.ts';
import type { QueueMethodName, RuntimePersistence } from '../contract/session.ts';
import type { GcReport, PersistedSessionRead, RuntimeCommit, RuntimeCommitResult, SessionMeta, VacuumReport } from '../contract/session-records.ts';

/**
 * Implements the three defaulted methods; a subclass supplies the rest:
 * `durabilityTier()` is `'inline'`, `claimReadyQueuedWorkByBatchIds` claims,
 * compares and abandons, and `listPendingQueuedWork` is `listQueuedWork`.
 */
export abstract class RuntimePersistenceBase implements RuntimePersistence {
  abstract loadSession(scope: SessionReadScope): Promise<PersistedSessionRead | null>;
  abstract loadNode(nodeId: string): Promise<SessionNodeRecord | null>;
  abstract commitRuntimeState(commit: RuntimeCommit): Promise<RuntimeCommitResult>;
  abstract enqueueQueuedWork(batch: QueuedWorkBatchDraft): Promise<QueuedWorkBatch>;
  abstract claimReadyQueuedWork(
    sessionId: string,
    ownerId: string,
    boundary: QueuedWorkClaimBoundary,
    leaseTtlMs: number,
    maxBatches: number,
  ): Promise<QueuedWorkClaim | null>;
  abstract renewQueuedWorkClaim(claim: QueuedWorkClaim, leaseTtlMs: number): Promise<QueuedWorkClaim>;
  abstract abandonQueuedWorkClaim(claim: QueuedWorkClaim): Promise<void>;
  abstract cancelQueuedWorkBatch(sessionId: string, batchId: string): Promise<QueuedWorkBatch | null>;
  abstract listQueuedWork(sessionId: string, options?: QueuedWorkListOptions): Promise<QueuedWorkBatch[]>;
  abstract saveSessionMeta(meta: SessionMeta): Promise<void>;
  abstract loadSessionMeta(): Promise<SessionMeta | null>;
  abstract tombstoneNodes(ids: readonly string[]): Promise<void>;
  abstract vacuum(): Promise<VacuumReport>;
  abstract gcUnreachable(): Promise<GcReport>;
  abstract recordIntent(intent: AttachmentIntent): void;
  abstract commitRefs(sessionId: string, attachmentIds: readonly string[]): void;
  abstract listUncommitted(olderThanEpochMs: number): AttachmentManifestEntry[];
  abstract forget(attachmentId: string): void;

  durabilityTier(): DurabilityTier {
    return 'inline';
  }

  claimReadyQueuedWorkByBatchIds(
    sessionId: string,
    ownerId: string,
    boundary: QueuedWorkClaimBoundary,
    leaseTtlMs: number,
    batchIds: readonly string[],
  ): Promise<QueuedWorkClaim | null> {
    return claimExactBatches(this, sessionId, ownerId, boundary, leaseTtlMs, batchIds);
  }

  listPendingQueuedWork(sessionId: string, options?: QueuedWorkListOptions): Promise<QueuedWorkBatch[]> {
    return this.listQueuedWork(sessionId, options);
  }
}

/**
 * The queue methods of a store that has no queue (the reference's
 * `impl_unsupported_queued_work_methods!`): enqueue and claim fail with
 * `Backend`, renew with `QueuedWorkClaimExpired`, abandon does nothing, cancel
 * finds nothing and the lists are empty. Spread it into a test store.
 */
export const UNSUPPORTED_QUEUED_WORK: Readonly<Pick<RuntimePersistence, QueueMethodName>> = Object.freeze({
  async enqueueQueuedWork(): Promise<QueuedWorkBatch> {
    throw StoreError.backend('queued work is not supported by this test store');
  },
  async claimReadyQueuedWork(sessionId: string): Promise<QueuedWorkClaim | null> {
    throw StoreError.backend(`queued work is not supported for session \`${sessionId}\` by this test store`);
  },
  async claimReadyQueuedWorkByBatchIds(
    sessionId: string,
    _ownerId: string,
    _boundary: QueuedWorkClaimBoundary,
    _leaseTtlMs: number,
    batchIds: readonly string[],
  ): Promise<QueuedWorkClaim | null> {
    // The default exact claim: nothing asked, nothing claimed; otherwise the claim fails.
    if (batchIds.length === 0) return null;
    throw StoreError.backend(`queued work is not supported for session \`${sessionId}\` by this test store`);
  },
  async renewQueuedWorkClaim(claim: QueuedWorkClaim): Promise<QueuedWorkClaim> {
    throw new StoreError({ kind: 'QueuedWorkClaimExpired', session_id: claim.session_id, claim_id: claim.claim_id });
  },
  async abandonQueuedWorkClaim(): Promise<void> {},
  async cancelQueuedWorkBatch(): Promise<QueuedWorkBatch | null> {
    return null;
  },
  async listQueuedWork(): Promise<QueuedWorkBatch[]> {
    return [];
  },
  async listPendingQueuedWork(): Promise<QueuedWorkBatch[]> {
    return [];
  },
});
