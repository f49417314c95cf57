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

/** The lash session persistence contract: one session's head, graph, checkpoints, queued work, metadata and GC, plus the attachment manifest. `Store` implements it. */
export interface RuntimePersistence extends AttachmentManifest {
  /** `'durable'` when a committed write survives a crash, `'inline'` otherwise. */
  durabilityTier(): DurabilityTier;
  /** `null` until something was committed. */
  loadSession(scope: SessionReadScope): Promise<PersistedSessionRead | null>;
  /** The live node with that id, or `null`. */
  loadNode(nodeId: string): Promise<SessionNodeRecord | null>;
  /** Commits a turn atomically: binding check, turn stamp (idempotent), compare-and-swap on the head revision, graph delta, checkpoint, usage and queue completions. Rejects with `StoreError` (`HeadRevisionConflict`, `RuntimeTurnCommitConflict`, …). */
  commitRuntimeState(commit: RuntimeCommit): Promise<RuntimeCommitResult>;

  /** Enqueues a batch of work; a draft with a `source_key` already enqueued returns the existing batch. */
  enqueueQueuedWork(batch: QueuedWorkBatchDraft): Promise<QueuedWorkBatch>;
  /** Claims the ready batches of a session (up to `maxBatches`) for `ownerId`, with a lease of `leaseTtlMs`; `null` when nothing is ready at this boundary. */
  claimReadyQueuedWork(
    sessionId: string,
    ownerId: string,
    boundary: QueuedWorkClaimBoundary,
    leaseTtlMs: U64,
    maxBatches: number,
  ): Promise<QueuedWorkClaim | null>;
  /** Claims exactly the listed batches, if all are ready; `null` otherwise. */
  claimReadyQueuedWorkByBatchIds(
    sessionId: string,
    ownerId: string,
    boundary: QueuedWorkClaimBoundary,
    leaseTtlMs: U64,
    batchIds: readonly string[],
  ): Promise<QueuedWorkClaim | null>;
  /** Extends a live claim; rejects with `QueuedWorkClaimExpired` when it expired or was replaced. */
  renewQueuedWorkClaim(claim: QueuedWorkClaim, leaseTtlMs: U64): Promise<QueuedWorkClaim>;
  /** Releases a claim without completing it: its batches become ready again. */
  abandonQueuedWorkClaim(claim: QueuedWorkClaim): Promise<void>;
  /** Cancels a batch that is not claimed; the cancelled batch, or `null` when unknown. */
  cancelQueuedWorkBatch(sessionId: string, batchId: string): Promise<QueuedWorkBatch | null>;
  /**
   * The session's batches in queue order, one bounded page at a time:
   * `options.limit` (default 1000) batches after `options.afterEnqueueSeq`
   * (default 0). An extension of the reference, which returned everything.
   */
  listQueuedWork(sessionId: string, options?: QueuedWorkListOptions): Promise<QueuedWorkBatch[]>;
  /** Like `listQueuedWork`, without the batches under a live claim. */
  listPendingQueuedWork(sessionId: string, options?: QueuedWorkListOptions): Promise<QueuedWorkBatch[]>;

  /** Saves the session's metadata. */
  saveSessionMeta(meta: SessionMeta): Promise<void>;
  /** The session's metadata, or `null`. */
  loadSessionMeta(): Promise<SessionMeta | null>;

  /** Marks nodes as deleted (they stay until `vacuum`). */
  tombstoneNodes(ids: readonly string[]): Promise<void>;
  /** Deletes tombstoned nodes. */
  vacuum(): Promise<VacuumReport>;
  /** Deletes blobs no live root references. */
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

/** The names of the queued-work methods, for stores that do not support queued work. */
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
