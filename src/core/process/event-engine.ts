/**
 * Events: appends (replay, schema, terminal and wake rules in `append.ts`), bounded reads, wake acks, and the blocking waits that re-check on this registry's commits and every poll interval.
 */
import { writeAttempt } from '../driver/transaction.ts';
import type { U64 } from '../contract/json.ts';
import { readEpochMs } from '../validation.ts';
import {
  normaliseAppendRequest,
  prepareProcessEventAppend,
} from './append.ts';
import { statusAwaitOutput } from './model.ts';
import { refuseMalformed } from './registration.ts';
import { unknownProcess } from './rows.ts';
import type {
  ProcessAwaitOutput,
  ProcessEvent,
  ProcessEventAppendRequest,
  ProcessEventAppendResult,
} from '../contract/process.ts';
import type { ProcessContext } from './context.ts';
import { checkLimit, checkProcessId, checkSequence, checkSignal, type AppendOutcome, type ProcessEventsOptions } from './input.ts';

export class ProcessEventEngine {
  readonly #ctx: ProcessContext;

  constructor(ctx: ProcessContext) {
    this.#ctx = ctx;
  }

  async appendEvent(processId: string, request: ProcessEventAppendRequest): Promise<ProcessEventAppendResult> {
    const clean = this.#ctx.ops.input('append request', () => {
      checkProcessId(processId);
      return normaliseAppendRequest(request);
    });
    const pending = this.#append(processId, clean);
    // The hot path: no lock wait and no persistence target, so no promise hop.
    const { result, appended } = pending instanceof Promise ? await pending : pending;
    // Waiters on this connection re-check now; other connections see the row on their next poll.
    if (appended) this.#ctx.notifier.notify();
    return result;
  }

  #append(
    processId: string,
    request: ProcessEventAppendRequest,
  ): AppendOutcome | Promise<AppendOutcome> {
    return this.#ctx.ops.writeOperationFast(() => writeAttempt(this.#ctx.conn, (): AppendOutcome => {
      const now = readEpochMs(this.#ctx.clock);
      const { record, next: sequence } = this.#ctx.rows.loadForAppend(processId);
      const lookup = request.replay && this.#ctx.rows.eventByKey(processId, request.replay.key);
      const prepared = prepareProcessEventAppend(record, request, sequence, lookup, now, this.#ctx.codecs);
      const result: ProcessEventAppendResult = { event: prepared.event };
      if (prepared.wake_delivery) result.wake_delivery = prepared.wake_delivery;
      if (prepared.replayed) return { result, appended: false };
      this.#ctx.rows.insertEvent(prepared.event, prepared.payload_hash, prepared.occurred_at_ms);
      // Only a status change rewrites the record (re-read: the append path's
      // copy may be cached); otherwise readers take updated_at_ms from this
      // event (see `RECORD_TOUCHED_AT`).
      if (prepared.status_update) {
        this.#ctx.rows.save({ ...this.#ctx.rows.require(processId), updated_at_ms: now, status: prepared.status_update });
      }
      return { result, appended: true };
    }));
  }

  /**
   * Events after `afterSequence`, in order, at most `options.limit` (default
   * 1000): page by calling again after the last returned sequence. (The
   * reference returned every event.)
   */
  async eventsAfter(processId: string, afterSequence: U64, options?: ProcessEventsOptions): Promise<ProcessEvent[]> {
    const limit = this.#checkEventsAfter(processId, afterSequence, options);
    return this.#ctx.ops.read(() => {
      if (!this.#ctx.rows.exists(processId)) throw unknownProcess(processId);
      return this.#ctx.rows.eventsAfter(processId, afterSequence, limit);
    });
  }

  #checkEventsAfter(processId: string, afterSequence: U64, options: ProcessEventsOptions | undefined): number {
    return this.#ctx.ops.input('events query', () => {
      checkProcessId(processId);
      checkSequence(afterSequence, 'after sequence');
      return checkLimit(options);
    });
  }

  /**
   * Unacknowledged wake events after `afterSequence`, at most
   * `options.limit` (default 1000). Scans the log in pages of the limit
   * until it has that many, in one snapshot.
   */
  async wakeEventsAfter(processId: string, afterSequence: U64, options?: ProcessEventsOptions): Promise<ProcessEvent[]> {
    const limit = this.#checkEventsAfter(processId, afterSequence, options);
    return this.#ctx.ops.read(() => {
      if (!this.#ctx.rows.exists(processId)) throw unknownProcess(processId);
      const acked = this.#ctx.rows.ackedSequences(processId);
      const wakes: ProcessEvent[] = [];
      for (let after = afterSequence; wakes.length < limit; ) {
        const page = this.#ctx.rows.eventsAfter(processId, after, limit);
        for (const event of page) {
          if (event.semantics.wake !== undefined && !acked.has(event.sequence) && wakes.length < limit) wakes.push(event);
        }
        if (page.length < limit) break;
        after = page[page.length - 1]!.sequence;
      }
      return wakes;
    });
  }

  async ackWake(processId: string, sequence: U64): Promise<void> {
    this.#ctx.ops.input('wake ack', () => {
      checkProcessId(processId);
      checkSequence(sequence, 'sequence');
    });
    await this.#ctx.ops.write(() => {
      if (!this.#ctx.rows.exists(processId)) throw unknownProcess(processId);
      this.#ctx.rows.ack(processId, sequence);
    });
  }

  async waitEventAfter(
    processId: string,
    eventType: string,
    afterSequence: U64,
    signal?: AbortSignal,
  ): Promise<ProcessEvent> {
    this.#ctx.ops.input('wait', () => {
      checkProcessId(processId);
      refuseMalformed(eventType, 'event type', true);
      checkSequence(afterSequence, 'after sequence');
      checkSignal(signal);
    });
    return this.#ctx.notifier.waitUntil(
      () =>
        this.#ctx.ops.read(() => {
          if (!this.#ctx.rows.exists(processId)) throw unknownProcess(processId);
          return this.#ctx.rows.firstOfTypeAfter(processId, eventType, afterSequence);
        }),
      { pollIntervalMs: this.#ctx.pollIntervalMs, signal },
    );
  }

  async awaitProcess(processId: string, signal?: AbortSignal): Promise<ProcessAwaitOutput> {
    this.#ctx.ops.input('wait', () => {
      checkProcessId(processId);
      checkSignal(signal);
    });
    return this.#ctx.notifier.waitUntil(
      () => this.#ctx.ops.attempt(() => statusAwaitOutput(this.#ctx.rows.require(processId).status)),
      { pollIntervalMs: this.#ctx.pollIntervalMs, signal },
    );
  }
}
