/**
 * `listQueuedWork` / `listPendingQueuedWork`: one read snapshot, queue order,
 * one bounded page at a time (`limit`, default {@link DEFAULT_QUEUE_LIST_LIMIT};
 * the next page starts `afterEnqueueSeq` the last batch's `enqueue_seq`).
 */
import { readAttempt } from '../driver/transaction.ts';
import { readClock, type QueueContext } from './context.ts';
import { selectSessionRows } from './rows.ts';
import type { QueuedWorkBatch } from '../contract/queue.ts';

export { DEFAULT_QUEUE_LIST_LIMIT, type QueuedWorkListOptions } from '../contract/queue.ts';

export interface ListPage {
  readonly afterSeq: number;
  readonly limit: number;
}

/** Every batch of the session, claimed ones included; availability is ignored. */
export function listBatches(ctx: QueueContext, sessionId: string, page: ListPage): QueuedWorkBatch[] {
  return readAttempt(ctx.conn, () => ctx.reader.sessionBatches(sessionId, selectSessionRows(ctx.conn, sessionId, page)));
}

/** Batches not under a live claim (not-yet-available ones included). */
export function listPendingBatches(ctx: QueueContext, sessionId: string, page: ListPage): QueuedWorkBatch[] {
  return readAttempt(ctx.conn, () =>
    ctx.reader.sessionBatches(sessionId, selectSessionRows(ctx.conn, sessionId, page, readClock(ctx))),
  );
}
