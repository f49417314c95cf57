/** `listQueuedWork` / `listPendingQueuedWork`: one read snapshot, queue order. */
import { readAttempt } from '../driver/transaction.ts';
import { readClock, type QueueContext } from './context.ts';
import { selectSessionRows } from './rows.ts';
import type { QueuedWorkBatch } from './types.ts';

/** Every batch of the session, claimed ones included; availability is ignored. */
export function listBatches(ctx: QueueContext, sessionId: string): QueuedWorkBatch[] {
  return readAttempt(ctx.conn, () =>
    ctx.reader.sessionBatches(sessionId, selectSessionRows(ctx.conn, sessionId)),
  );
}

/** Batches not under a live claim (not-yet-available ones included). */
export function listPendingBatches(ctx: QueueContext, sessionId: string): QueuedWorkBatch[] {
  return readAttempt(ctx.conn, () =>
    ctx.reader.sessionBatches(sessionId, selectSessionRows(ctx.conn, sessionId, readClock(ctx))),
  );
}
