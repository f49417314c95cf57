/**
 * `QueuedWork`: the queued-work half of `RuntimePersistence` over one
 * connection. The session `Store` builds one in `Store.open` and delegates its
 * queue methods to it; it also works on its own over any connection that
 * holds the session schema.
 *
 * The queue is partitioned by `session_id` and not bound to the store's
 * session (`contract-session.md` §2.0): one database serves several queues.
 * Completion is not here: it happens inside `commitRuntimeState`
 * (`completion.ts`).
 */
import { portableCodecs, type Codecs } from '../codec/codecs.ts';
import { ComponentOperations, storeErrorFamily } from '../driver/operations.ts';
import { OperationRunner } from '../driver/runner.ts';
import type { SqliteConnection } from '../driver/types.ts';
import { consoleLogger, systemClock, type Clock, type Logger } from '../logger.ts';
import { openComponentSchema } from '../schema/versions.ts';
import { SESSION_SCHEMA } from '../schema/session.ts';
import { TokenSource } from '../tokens.ts';
import { cancelBatch } from './cancel.ts';
import { claimExact, claimReady, type ClaimRequest } from './claim.ts';
import type { QueueContext } from './context.ts';
import { enqueue } from './enqueue.ts';
import { draftRow, requireBatchIds, requireBoundary, requireClaim, requireIdentifier, requireListPage, requireU64 } from './input.ts';
import { abandonClaim, renewClaim } from './lease.ts';
import { listBatches, listPendingBatches, type ListPage, type QueuedWorkListOptions } from './list.ts';
import { BatchReader } from './rows.ts';
import type {
  QueuedWorkBatch,
  QueuedWorkBatchDraft,
  QueuedWorkClaim,
  QueuedWorkClaimBoundary,
  QueuedWorkPersistence,
} from '../contract/queue.ts';

/** Options of `QueuedWork`. */
export interface QueuedWorkOptions {
  /** Epoch milliseconds; read once per operation. Default `Date.now`. */
  clock?: Clock;
  /** Hashing for batch ids and lease tokens. Default `conn.codecs`, else the portable codecs. */
  codecs?: Codecs;
  /** Where corrupt rows are reported. Default `console.warn`. */
  logger?: Logger;
}

/** The queued-work ingress on its own (what `Store` includes): enqueue, claim, renew, abandon, cancel, list. */
export class QueuedWork implements QueuedWorkPersistence {
  readonly #ctx: QueueContext;
  readonly #ops: ComponentOperations;

  /**
   * Over a connection whose session schema is already set up (as `Store.open`
   * does). `ops` are the owning store's operations (its closed state and
   * lock-wait bound); a queue of its own gets its own.
   */
  constructor(conn: SqliteConnection, options: QueuedWorkOptions = {}, ops?: ComponentOperations) {
    this.#ctx = {
      conn,
      clock: options.clock ?? systemClock,
      tokens: new TokenSource(options.codecs ?? conn.codecs ?? portableCodecs),
      reader: new BatchReader(conn, options.logger ?? consoleLogger),
    };
    this.#ops = ops ?? new ComponentOperations(new OperationRunner(conn), storeErrorFamily, () => false);
  }

  /** Sets up (or checks) the session schema, then builds the component. */
  static async open(conn: SqliteConnection, options: QueuedWorkOptions = {}): Promise<QueuedWork> {
    await openComponentSchema(conn, SESSION_SCHEMA, storeErrorFamily, 'QueuedWork.open');
    return new QueuedWork(conn, options);
  }

  async enqueueQueuedWork(batch: QueuedWorkBatchDraft): Promise<QueuedWorkBatch> {
    const row = this.#ops.input('queued-work draft', () => draftRow(batch));
    // The hot path: synchronous unless a lock wait or a persistence target intervenes.
    const written = this.#ops.writeOperationFast(() => enqueue(this.#ctx, row));
    return written instanceof Promise ? await written : written;
  }

  /** `null` when nothing is ready, when `maxBatches` is 0, or when the head blocks a checkpoint claim. */
  async claimReadyQueuedWork(
    sessionId: string,
    ownerId: string,
    boundary: QueuedWorkClaimBoundary,
    leaseTtlMs: number,
    maxBatches: number,
  ): Promise<QueuedWorkClaim | null> {
    const request = this.#ops.input('claim request', () => this.#claimRequest(sessionId, ownerId, boundary, leaseTtlMs, maxBatches));
    if (request.maxBatches === 0) return null;
    const claimed = this.#ops.writeOperationFast(() => claimReady(this.#ctx, request));
    return claimed instanceof Promise ? await claimed : claimed;
  }

  #claimRequest(sessionId: string, ownerId: string, boundary: QueuedWorkClaimBoundary, leaseTtlMs: number, maxBatches: number): ClaimRequest {
    return {
      sessionId: requireIdentifier(sessionId, 'sessionId'),
      ownerId: requireIdentifier(ownerId, 'ownerId'),
      boundary: requireBoundary(boundary),
      leaseTtlMs: requireU64(leaseTtlMs, 'leaseTtlMs'),
      maxBatches: requireU64(maxBatches, 'maxBatches'),
    };
  }

  /**
   * The reference's default trait method, in one transaction: claim the
   * next ready group with `maxBatches = batchIds.length`, keep it if it is
   * exactly `batchIds` in order, otherwise release it and return `null`. An
   * exact claim can therefore never skip earlier work; a failed attempt
   * still bumps the fencing counters of the rows it touched.
   */
  async claimReadyQueuedWorkByBatchIds(
    sessionId: string,
    ownerId: string,
    boundary: QueuedWorkClaimBoundary,
    leaseTtlMs: number,
    batchIds: readonly string[],
  ): Promise<QueuedWorkClaim | null> {
    const ids = this.#ops.input('batch ids', () => requireBatchIds(batchIds));
    if (ids.length === 0) return null;
    const request = this.#ops.input('claim request', () => this.#claimRequest(sessionId, ownerId, boundary, leaseTtlMs, ids.length));
    return this.#ops.writeOperation(() => claimExact(this.#ctx, request, ids));
  }

  /** All of the claim's batches renewed, or `QueuedWorkClaimExpired` and none. */
  async renewQueuedWorkClaim(claim: QueuedWorkClaim, leaseTtlMs: number): Promise<QueuedWorkClaim> {
    const [checked, ttl] = this.#ops.input('renewal', () => [requireClaim(claim), requireU64(leaseTtlMs, 'leaseTtlMs')] as const);
    return this.#ops.writeOperation(() => renewClaim(this.#ctx, checked, ttl));
  }

  async abandonQueuedWorkClaim(claim: QueuedWorkClaim): Promise<void> {
    const checked = this.#ops.input('claim', () => requireClaim(claim));
    return this.#ops.writeOperation(() => abandonClaim(this.#ctx, checked));
  }

  async cancelQueuedWorkBatch(sessionId: string, batchId: string): Promise<QueuedWorkBatch | null> {
    const [session, batch] = this.#ops.input('batch', () => [requireIdentifier(sessionId, 'sessionId'), requireIdentifier(batchId, 'batchId')] as const);
    return this.#ops.writeOperation(() => cancelBatch(this.#ctx, session, batch));
  }

  /** One page (default the first 1000 batches) of the session's queue, claimed batches included. */
  async listQueuedWork(sessionId: string, options?: QueuedWorkListOptions): Promise<QueuedWorkBatch[]> {
    const [session, page] = this.#listInput(sessionId, options);
    return this.#ops.attempt(() => listBatches(this.#ctx, session, page));
  }

  /** One page (default the first 1000) of the batches not under a live claim. */
  async listPendingQueuedWork(sessionId: string, options?: QueuedWorkListOptions): Promise<QueuedWorkBatch[]> {
    const [session, page] = this.#listInput(sessionId, options);
    return this.#ops.attempt(() => listPendingBatches(this.#ctx, session, page));
  }

  #listInput(sessionId: string, options: QueuedWorkListOptions | undefined): readonly [string, ListPage] {
    return this.#ops.input('list request', () => [requireIdentifier(sessionId, 'sessionId'), requireListPage(options)] as const);
  }
}
