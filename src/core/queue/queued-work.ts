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
import type { SqliteConnection } from '../driver/types.ts';
import { StoreError } from '../errors.ts';
import { consoleLogger, systemClock, type Clock, type Logger } from '../logger.ts';
import { ensureComponentSchema } from '../schema/versions.ts';
import { SESSION_SCHEMA } from '../session/schema.ts';
import { TokenSource } from '../tokens.ts';
import { cancelBatch } from './cancel.ts';
import { claimReady } from './claim.ts';
import type { QueueContext } from './context.ts';
import { enqueue } from './enqueue.ts';
import { claimExactBatches } from './exact-claim.ts';
import { draftRow, requireBatchIds, requireBoundary, requireClaim, requireIdentifier, requireU64 } from './input.ts';
import { abandonClaim, renewClaim } from './lease.ts';
import { listBatches, listPendingBatches } from './list.ts';
import { BatchReader } from './rows.ts';
import type {
  QueuedWorkBatch,
  QueuedWorkBatchDraft,
  QueuedWorkClaim,
  QueuedWorkClaimBoundary,
  QueuedWorkPersistence,
} from './types.ts';

export interface QueuedWorkOptions {
  /** Epoch milliseconds; read once per operation. Default `Date.now`. */
  clock?: Clock;
  /** Hashing for batch ids and lease tokens. Default `conn.codecs`, else the portable codecs. */
  codecs?: Codecs;
  /** Where corrupt rows are reported. Default `console.warn`. */
  logger?: Logger;
}

export class QueuedWork implements QueuedWorkPersistence {
  readonly #ctx: QueueContext;

  /** Over a connection whose session schema is already set up (as `Store.open` does). */
  constructor(conn: SqliteConnection, options: QueuedWorkOptions = {}) {
    this.#ctx = {
      conn,
      clock: options.clock ?? systemClock,
      tokens: new TokenSource(options.codecs ?? conn.codecs ?? portableCodecs),
      reader: new BatchReader(conn, options.logger ?? consoleLogger),
    };
  }

  /** Sets up (or checks) the session schema, then builds the component. */
  static async open(conn: SqliteConnection, options: QueuedWorkOptions = {}): Promise<QueuedWork> {
    ensureComponentSchema(conn, SESSION_SCHEMA);
    return new QueuedWork(conn, options);
  }

  async enqueueQueuedWork(batch: QueuedWorkBatchDraft): Promise<QueuedWorkBatch> {
    return guard(() => enqueue(this.#ctx, draftRow(batch)));
  }

  /** `null` when nothing is ready, when `maxBatches` is 0, or when the head blocks a checkpoint claim. */
  async claimReadyQueuedWork(
    sessionId: string,
    ownerId: string,
    boundary: QueuedWorkClaimBoundary,
    leaseTtlMs: number,
    maxBatches: number,
  ): Promise<QueuedWorkClaim | null> {
    return guard(() => {
      const request = {
        sessionId: requireIdentifier(sessionId, 'sessionId'),
        ownerId: requireIdentifier(ownerId, 'ownerId'),
        boundary: requireBoundary(boundary),
        leaseTtlMs: requireU64(leaseTtlMs, 'leaseTtlMs'),
        maxBatches: requireU64(maxBatches, 'maxBatches'),
      };
      return request.maxBatches === 0 ? null : claimReady(this.#ctx, request);
    });
  }

  /**
   * The reference's default trait method: claim the next ready group with
   * `maxBatches = batchIds.length`, keep it if it is exactly `batchIds` in
   * order, otherwise abandon it and return `null`. An exact claim can
   * therefore never skip earlier work; a failed attempt still bumps the
   * fencing counters of the rows it touched.
   */
  async claimReadyQueuedWorkByBatchIds(
    sessionId: string,
    ownerId: string,
    boundary: QueuedWorkClaimBoundary,
    leaseTtlMs: number,
    batchIds: readonly string[],
  ): Promise<QueuedWorkClaim | null> {
    return claimExactBatches(this, sessionId, ownerId, boundary, leaseTtlMs, guard(() => requireBatchIds(batchIds)));
  }

  /** All of the claim's batches renewed, or `QueuedWorkClaimExpired` and none. */
  async renewQueuedWorkClaim(claim: QueuedWorkClaim, leaseTtlMs: number): Promise<QueuedWorkClaim> {
    return guard(() => renewClaim(this.#ctx, requireClaim(claim), requireU64(leaseTtlMs, 'leaseTtlMs')));
  }

  async abandonQueuedWorkClaim(claim: QueuedWorkClaim): Promise<void> {
    return guard(() => abandonClaim(this.#ctx, requireClaim(claim)));
  }

  async cancelQueuedWorkBatch(sessionId: string, batchId: string): Promise<QueuedWorkBatch | null> {
    return guard(() =>
      cancelBatch(this.#ctx, requireIdentifier(sessionId, 'sessionId'), requireIdentifier(batchId, 'batchId')),
    );
  }

  async listQueuedWork(sessionId: string): Promise<QueuedWorkBatch[]> {
    return guard(() => listBatches(this.#ctx, requireIdentifier(sessionId, 'sessionId')));
  }

  async listPendingQueuedWork(sessionId: string): Promise<QueuedWorkBatch[]> {
    return guard(() => listPendingBatches(this.#ctx, requireIdentifier(sessionId, 'sessionId')));
  }
}

/** Every failure leaves as a `StoreError` (engine and shape errors as `Backend`, with the cause kept). */
function guard<T>(operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    throw StoreError.from(error);
  }
}
