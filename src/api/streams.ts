/**
 * `for await` streams over the contract components: a process's events and
 * the host-event deliveries to start. (Queued work to claim is
 * `session.claims()`.) Each ends when its `AbortSignal` fires — cleanly,
 * without an error — and sees writes of other connections and processes
 * through its poll.
 */
import type { TriggerDeliveryReservation } from '../core/contract/host-events.ts';
import type { ProcessEvent } from '../core/contract/process.ts';
import type { SqliteHostEventStore } from '../core/stores/host-event-store.ts';
import type { SqliteProcessRegistry } from '../core/stores/process-registry.ts';
import { CANCELLED_EVENT, COMPLETED_EVENT, FAILED_EVENT } from '../core/process/model.ts';
import { Wakeup, aborted, checkPollInterval } from './wait.ts';

/** Options of the `for await` streams (claims, deliveries). */
export interface StreamOptions {
  /** Ends the stream (the loop just stops). */
  signal?: AbortSignal;
  /** How often other writers are looked for. */
  pollIntervalMs?: number;
}

/** Options of `processEvents`. */
export interface ProcessEventStreamOptions extends StreamOptions {
  /** Start after this sequence (default 0: every event). */
  after?: number;
  /** End after the process's terminal event (completed, failed, cancelled). Default true. */
  untilTerminal?: boolean;
}

const TERMINAL_EVENTS: ReadonlySet<string> = new Set([COMPLETED_EVENT, FAILED_EVENT, CANCELLED_EVENT]);

/** Every event of a process in sequence order, as they are appended. Poll default 50 ms. */
export function processEvents(
  registry: Pick<SqliteProcessRegistry, 'eventsAfter'>,
  processId: string,
  options: ProcessEventStreamOptions = {},
): AsyncGenerator<ProcessEvent, void, undefined> {
  return processEventStream(registry, processId, options);
}

/** {@link processEvents}, also ended by `stop` (the store closing). */
export async function* processEventStream(
  registry: Pick<SqliteProcessRegistry, 'eventsAfter'>,
  processId: string,
  options: ProcessEventStreamOptions,
  stop?: AbortSignal,
): AsyncGenerator<ProcessEvent, void, undefined> {
  const pollMs = checkPollInterval(options.pollIntervalMs, 50);
  const signals = [options.signal, stop];
  const untilTerminal = options.untilTerminal ?? true;
  const wakeup = new Wakeup();
  let after = options.after ?? 0;
  while (!aborted(signals)) {
    const events = await registry.eventsAfter(processId, after);
    for (const event of events) {
      if (aborted(signals)) return;
      yield event;
      after = event.sequence;
      if (untilTerminal && TERMINAL_EVENTS.has(event.event_type)) return;
    }
    if (events.length === 0) await wakeup.wait(pollMs, signals);
  }
}

/**
 * Reservations handed over in this process (by `sessions.emitHostEvent`),
 * taken by whichever delivery stream asks first, so each goes to one taker.
 */
export class DeliveryInbox {
  readonly #queue: TriggerDeliveryReservation[] = [];
  readonly wakeup = new Wakeup();

  push(reservations: readonly TriggerDeliveryReservation[]): void {
    if (reservations.length === 0) return;
    this.#queue.push(...reservations);
    this.wakeup.notify();
  }

  take(): TriggerDeliveryReservation | undefined {
    return this.#queue.shift();
  }
}

/**
 * Host-event deliveries to start: the reservations handed to `inbox` in
 * this process, and every reservation whose holder never marked it started
 * in time (`reclaimExpiredReservations`, polled: default every second), so a
 * delivery lost to a crash comes back. Call `markDeliveryStarted` once the
 * delivery process is started.
 */
export function hostEventDeliveries(
  store: Pick<SqliteHostEventStore, 'reclaimExpiredReservations'>,
  options: StreamOptions = {},
): AsyncGenerator<TriggerDeliveryReservation, void, undefined> {
  return deliveryStream(store, options);
}

/** {@link hostEventDeliveries}, also taking what `inbox` is handed, and ended by `stop`. */
export async function* deliveryStream(
  store: Pick<SqliteHostEventStore, 'reclaimExpiredReservations'>,
  options: StreamOptions,
  inbox?: DeliveryInbox,
  stop?: AbortSignal,
): AsyncGenerator<TriggerDeliveryReservation, void, undefined> {
  const pollMs = checkPollInterval(options.pollIntervalMs, 1000);
  const signals = [options.signal, stop];
  const wakeup = inbox?.wakeup ?? new Wakeup();
  let nextSweep = 0;
  while (!aborted(signals)) {
    const handed = inbox?.take();
    if (handed !== undefined) {
      yield handed;
      continue;
    }
    if (Date.now() >= nextSweep) {
      nextSweep = Date.now() + pollMs;
      const reclaimed = await store.reclaimExpiredReservations();
      for (const reservation of reclaimed) {
        if (aborted(signals)) return;
        yield reservation;
      }
      if (reclaimed.length > 0) continue;
    }
    await wakeup.wait(Math.max(1, nextSweep - Date.now()), signals);
  }
}
