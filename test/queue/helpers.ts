/** Shared setup for the queued-work tests. */
import type { TestContext } from 'node:test';
import {
  QueuedWork,
  queuedTurnInputDraft,
  type DeliveryPolicy,
  type QueuedWorkBatch,
  type QueuedWorkBatchDraft,
  type ProcessWakeDelivery,
  type QueuedWorkCompletion,
  type SlotPolicy,
  type SqliteConnection,
} from '../../src/index.ts';
import { writeTransaction } from '../../src/core/driver/transaction.ts';
import { deleteCompletedBatches, validateQueueCompletions } from '../../src/core/queue/completion.ts';
import { ManualClock } from '../support/clock.ts';
import type { DriverUnderTest, Location } from '../support/drivers.ts';
import { CapturingLogger } from '../support/logger.ts';

export const TTL = 60_000;
/** 2100-01-01T00:00:00Z, as in the conformance suite. */
export const FAR_FUTURE_MS = 4_102_444_800_000;

export interface QueueHarness {
  location: Location;
  conn: SqliteConnection;
  queue: QueuedWork;
  clock: ManualClock;
  logger: CapturingLogger;
  /** Another `QueuedWork` over a second connection to the same database, same clock. */
  reopen(): Promise<QueuedWork>;
}

export async function openQueue(driver: DriverUnderTest, t: TestContext): Promise<QueueHarness> {
  const location = await driver.fresh(t);
  const conn = await location.open();
  const clock = new ManualClock();
  const logger = new CapturingLogger();
  const queue = await QueuedWork.open(conn, { clock: clock.clock, logger });
  return {
    location,
    conn,
    queue,
    clock,
    logger,
    async reopen() {
      return QueuedWork.open(await location.open(), { clock: clock.clock, logger });
    },
  };
}

/** The conformance suite's `queued_draft`. */
export function draft(
  sessionId: string,
  text: string,
  delivery: DeliveryPolicy = 'earliest_safe_boundary',
  slot: SlotPolicy = 'exclusive',
): QueuedWorkBatchDraft {
  return queuedTurnInputDraft(sessionId, text, delivery, slot);
}

/** The conformance suite's `queued_batch_text`: the first text item of the first turn input. */
export function batchText(batch: QueuedWorkBatch): string | undefined {
  const payload = batch.items[0]?.payload;
  if (payload?.type !== 'turn_input') return undefined;
  const item = payload.input.items[0];
  return item?.type === 'text' ? item.text : undefined;
}

export function ids(batches: readonly QueuedWorkBatch[] | null | undefined): string[] {
  return (batches ?? []).map((batch) => batch.batch_id);
}

/**
 * Completes claims the way `commitRuntimeState` does (validate, then delete,
 * in one write transaction) — until the session `Store` is wired in.
 */
export function completeClaims(conn: SqliteConnection, sessionId: string, completions: QueuedWorkCompletion[]): void {
  writeTransaction(conn, () => {
    validateQueueCompletions(conn, sessionId, completions);
    deleteCompletedBatches(conn, completions);
  });
}

/** Raw batch rows, for asserting that nothing changed. */
export function snapshot(conn: SqliteConnection): unknown[] {
  return [
    ...conn.all('SELECT * FROM queued_work_batches ORDER BY enqueue_seq'),
    ...conn.all('SELECT * FROM queued_work_items ORDER BY batch_id, item_index'),
  ];
}

/** The RP-14 wake fixture (catalogue §2.3). */
export const WAKE: ProcessWakeDelivery = {
  wake_id: 'wake-1',
  target_session_id: 'root',
  target_scope_id: 'session:root',
  process_id: 'process-1',
  sequence: 7,
  event_type: 'process.wake',
  event_invocation: {
    scope: { session_id: 'root' },
    subject: { type: 'process_event', process_id: 'process-1', sequence: 7, event_type: 'process.wake' },
  },
  dedupe_key: 'wake-dedupe-1',
  input: 'wake payload',
  created_at_ms: 1,
};
