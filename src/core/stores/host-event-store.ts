/**
 * `SqliteHostEventStore`: trigger subscriptions, host-event occurrences and
 * delivery reservations on one SQLite connection (`contract-process.md` §7) —
 * a composition of `host-events/subscription-engine.ts` and
 * `host-events/occurrence-engine.ts` over one context (their statements and
 * row readers in `host-events/rows.ts`).
 *
 * Every read-then-write runs in one `BEGIN IMMEDIATE` transaction, so two
 * connections (or processes) on one file can never reserve the same delivery
 * twice or record two occurrences for one idempotency key.
 */
import { portableCodecs, type Codecs } from '../codec/codecs.ts';
import { ComponentOperations, pluginErrorFamily } from '../driver/operations.ts';
import { OperationRunner } from '../driver/runner.ts';
import { isConnection } from '../driver/values.ts';
import type { DurabilityTier, SqliteConnection } from '../driver/types.ts';
import { InvalidInputError } from '../contract/errors.ts';
import { silentLogger, systemClock, type Clock, type Logger } from '../logger.ts';
import { openComponentSchema } from '../schema/versions.ts';
import { u64Problem } from '../validation.ts';
import { HOST_EVENT_SCHEMA } from '../host-events/schema.ts';
import type { HostEventContext } from '../host-events/context.ts';
import { OccurrenceEngine } from '../host-events/occurrence-engine.ts';
import { HostEventRows } from '../host-events/rows.ts';
import { SubscriptionEngine } from '../host-events/subscription-engine.ts';
import type { HostEventStore } from '../contract/host-events.ts';
import type { Args, Returns } from './delegation.ts';

/** How long a reservation stays with its reserver before a re-emit may offer it again. */
export const DEFAULT_RESERVATION_TTL_MS = 30_000;

/** Options of `SqliteHostEventStore.open`. */
export interface SqliteHostEventStoreOptions {
  /** Epoch milliseconds; read once per operation. Default `Date.now`. */
  clock?: Clock;
  /** Where corrupt rows are reported. Default: silent. */
  logger?: Logger;
  /** Accepted for symmetry with the process registry; this store never waits. */
  pollIntervalMs?: number;
  /** Hashing codecs. Default: `conn.codecs`, else the portable ones. */
  codecs?: Codecs;
  /**
   * How long a reserved delivery belongs to the caller that reserved it. A
   * reservation not marked started (`markDeliveryStarted`) by then is offered
   * again by `reserveMatchingDeliveries` and `reclaimExpiredReservations`.
   * Default 30 000 ms.
   */
  reservationTtlMs?: number;
}

type Subscriptions = SubscriptionEngine;
type Occurrences = OccurrenceEngine;

/**
 * The host-event store on SQLite: trigger subscriptions, idempotent occurrences, and delivery reservations that survive a crash before the delivery starts. It never closes the connection it was given.
 * @example
 * ```ts
 * const events = await SqliteHostEventStore.open(conn);
 * const occurrence = await events.recordOccurrence({ source_type: 'button', source_key: 'deploy', payload: {}, idempotency_key: 'click-1' });
 * for (const reservation of await events.reserveMatchingDeliveries(occurrence.occurrence_id)) {
 *   // start reservation.process_id, then:
 *   await events.markDeliveryStarted(occurrence.occurrence_id, reservation.subscription.subscription_id);
 * }
 * ```
 */
export class SqliteHostEventStore implements HostEventStore {
  readonly #conn: SqliteConnection;
  readonly #subscriptions: SubscriptionEngine;
  readonly #occurrences: OccurrenceEngine;
  #closed = false;

  private constructor(conn: SqliteConnection, options: SqliteHostEventStoreOptions) {
    const logger = options.logger ?? silentLogger;
    const ctx: HostEventContext = Object.freeze({
      conn,
      codecs: options.codecs ?? conn.codecs ?? portableCodecs,
      clock: options.clock ?? systemClock,
      logger,
      reservationTtlMs: options.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS,
      rows: new HostEventRows(conn, logger),
      ops: new ComponentOperations(new OperationRunner(conn), HOST_EVENT_ERRORS, () => this.#closed),
    });
    this.#conn = conn;
    this.#subscriptions = new SubscriptionEngine(ctx);
    this.#occurrences = new OccurrenceEngine(ctx);
  }

  /** Creates or checks the `host_events` schema (version 1) and returns the store. */
  static async open(conn: SqliteConnection, options: SqliteHostEventStoreOptions = {}): Promise<SqliteHostEventStore> {
    if (isConnection(conn)) checkOptions(options);
    await openComponentSchema(conn, HOST_EVENT_SCHEMA, HOST_EVENT_ERRORS, 'SqliteHostEventStore.open');
    return new SqliteHostEventStore(conn, options);
  }

  /** `durable` on a file-backed node:sqlite connection, `inline` in memory (spec decision 7). */
  durabilityTier(): DurabilityTier {
    return this.#conn.info.durability;
  }

  sourceKeyForSubscription(...args: Args<Subscriptions, 'sourceKeyForSubscription'>): Returns<Subscriptions, 'sourceKeyForSubscription'> {
    return this.#subscriptions.sourceKeyForSubscription(...args);
  }

  registerSubscription(...args: Args<Subscriptions, 'registerSubscription'>): Returns<Subscriptions, 'registerSubscription'> {
    return this.#subscriptions.registerSubscription(...args);
  }

  listSubscriptions(...args: Args<Subscriptions, 'listSubscriptions'>): Returns<Subscriptions, 'listSubscriptions'> {
    return this.#subscriptions.listSubscriptions(...args);
  }

  cancelSubscription(...args: Args<Subscriptions, 'cancelSubscription'>): Returns<Subscriptions, 'cancelSubscription'> {
    return this.#subscriptions.cancelSubscription(...args);
  }

  recordOccurrence(...args: Args<Occurrences, 'recordOccurrence'>): Returns<Occurrences, 'recordOccurrence'> {
    return this.#occurrences.recordOccurrence(...args);
  }

  reserveMatchingDeliveries(...args: Args<Occurrences, 'reserveMatchingDeliveries'>): Returns<Occurrences, 'reserveMatchingDeliveries'> {
    return this.#occurrences.reserveMatchingDeliveries(...args);
  }

  /** Marks a reserved delivery as started, so it is never offered again; `false` when it already was. */
  markDeliveryStarted(...args: Args<Occurrences, 'markDeliveryStarted'>): Returns<Occurrences, 'markDeliveryStarted'> {
    return this.#occurrences.markDeliveryStarted(...args);
  }

  /** Re-offers reservations whose holder never started them in time (after a crash), oldest first. */
  reclaimExpiredReservations(): Returns<Occurrences, 'reclaimExpiredReservations'> {
    return this.#occurrences.reclaimExpiredReservations();
  }

  /** Stops using the connection (which stays open: its owner closes it). */
  close(): void {
    this.#closed = true;
  }
}

/**
 * Contract methods fail with `PluginError` `session`; driver errors keep
 * their typed error as `cause`; bad input, lock waits and failed persistence
 * carry their `condition`.
 */
const HOST_EVENT_ERRORS = pluginErrorFamily('host event store is closed');

function checkOptions(options: SqliteHostEventStoreOptions): void {
  if (options.clock !== undefined && typeof options.clock !== 'function') {
    throw new InvalidInputError('clock must be a function returning epoch milliseconds');
  }
  for (const key of ['pollIntervalMs', 'reservationTtlMs'] as const) {
    const problem = options[key] === undefined ? null : u64Problem(options[key], key);
    if (problem !== null) throw new InvalidInputError(`invalid host event store options: ${problem}`);
  }
}
