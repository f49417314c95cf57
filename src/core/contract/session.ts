/**
 * The `RuntimePersistence` contract (`contract-session.md` §1.8): what the
 * lash runtime needs from a session store. Queued work is one part of it;
 * `QueueMethodName` names that part so a store can be assembled from a
 * session component and a queue component.
 */
import type { AttachmentManifest } from './attachments.ts';
import type { DurabilityTier } from './durability.ts';
import type { SessionReadScope } from './errors.ts';
import type { QueuedWorkListOptions } from './queue.ts';
import type { U64 } from './json.ts';
import type {
  QueuedWorkBatch,
  QueuedWorkBatchDraft,
  QueuedWorkClaim,
  QueuedWorkClaimBoundary,
} from './queue.ts';
import type { SessionNodeRecord } from './session-model.ts';
import type {
  GcReport,
  PersistedSessionRead,
  RuntimeCommit,
  RuntimeCommitResult,
  SessionMeta,
  VacuumReport,
} from './session-records.ts';

export interface RuntimePersistence extends AttachmentManifest {
  durabilityTier(): DurabilityTier;
  /** `null` until something was committed. */
  loadSession(scope: SessionReadScope): Promise<PersistedSessionRead | null>;
  /** The live node with that id, or `null`. */
  loadNode(nodeId: string): Promise<SessionNodeRecord | null>;
  commitRuntimeState(commit: RuntimeCommit): Promise<RuntimeCommitResult>;

  enqueueQueuedWork(batch: QueuedWorkBatchDraft): Promise<QueuedWorkBatch>;
  claimReadyQueuedWork(
    sessionId: string,
    ownerId: string,
    boundary: QueuedWorkClaimBoundary,
    leaseTtlMs: U64,
    maxBatches: number,
  ): Promise<QueuedWorkClaim | null>;
  claimReadyQueuedWorkByBatchIds(
    sessionId: string,
    ownerId: string,
    boundary: QueuedWorkClaimBoundary,
    leaseTtlMs: U64,
    batchIds: readonly string[],
  ): Promise<QueuedWorkClaim | null>;
  renewQueuedWorkClaim(claim: QueuedWorkClaim, leaseTtlMs: U64): Promise<QueuedWorkClaim>;
  abandonQueuedWorkClaim(claim: QueuedWorkClaim): Promise<void>;
  cancelQueuedWorkBatch(sessionId: string, batchId: string): Promise<QueuedWorkBatch | null>;
  /**
   * The session's batches in queue order, one bounded page at a time:
   * `options.limit` (default 1000) batches after `options.afterEnqueueSeq`
   * (default 0). An extension of the reference, which returned everything.
   */
  listQueuedWork(sessionId: string, options?: QueuedWorkListOptions): Promise<QueuedWorkBatch[]>;
  /** Like `listQueuedWork`, without the batches under a live claim. */
  listPendingQueuedWork(sessionId: string, options?: QueuedWorkListOptions): Promise<QueuedWorkBatch[]>;

  saveSessionMeta(meta: SessionMeta): Promise<void>;
  loadSessionMeta(): Promise<SessionMeta | null>;

  tombstoneNodes(ids: readonly string[]): Promise<void>;
  vacuum(): Promise<VacuumReport>;
  gcUnreachable(): Promise<GcReport>;
}

/** The queued-work methods of {@link RuntimePersistence}. */
export type QueueMethodName =
  | 'enqueueQueuedWork'
  | 'claimReadyQueuedWork'
  | 'claimReadyQueuedWorkByBatchIds'
  | 'renewQueuedWorkClaim'
  | 'abandonQueuedWorkClaim'
  | 'cancelQueuedWorkBatch'
  | 'listQueuedWork'
  | 'listPendingQueuedWork';

export const QUEUE_METHOD_NAMES: readonly QueueMethodName[] = [
  'enqueueQueuedWork',
  'claimReadyQueuedWork',
  'claimReadyQueuedWorkByBatchIds',
  'renewQueuedWorkClaim',
  'abandonQueuedWorkClaim',
  'cancelQueuedWorkBatch',
  'listQueuedWork',
  'listPendingQueuedWork',
];

/** Everything of {@link RuntimePersistence} except queued work. */
export type SessionPersistence = Omit<RuntimePersistence, QueueMethodName>;
