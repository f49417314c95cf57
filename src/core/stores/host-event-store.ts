/**
 * `SqliteHostEventStore`: trigger subscriptions, host-event occurrences and
 * delivery reservations on one SQLite connection (`contract-process.md` §7).
 *
 * Every read-then-write runs in one `BEGIN IMMEDIATE` transaction, so two
 * connections (or processes) on one file can never reserve the same delivery
 * twice or record two occurrences for one idempotency key.
 */
import { portableCodecs, type Codecs } from '../codec/codecs.ts';
import { stringifyJsonRow } from '../codec/json-bytes.ts';
import { ComponentOperations, pluginErrorFamily } from '../driver/operations.ts';
import { OperationRunner } from '../driver/runner.ts';
import { isConnection } from '../driver/values.ts';
import type { DurabilityTier, SqliteConnection, SqlParam } from '../driver/types.ts';
import { InvalidInputError, PluginError } from '../contract/errors.ts';
import { silentLogger, systemClock, type Clock, type Logger } from '../logger.ts';
import type { JsonValue } from '../contract/json.ts';
import { openComponentSchema } from '../schema/versions.ts';
import { identifierProblem, jsonValueProblem, readEpochMs, saturatingAdd, u64Problem } from '../validation.ts';
import { subscriptionMatches } from '../host-events/filter.ts';
import {
  defaultHostEventSourceKey,
  deterministicDeliveryProcessId,
  deterministicOccurrenceId,
  hostEventOccurrenceRequestHash,
} from '../host-events/keys.ts';
import {
  FILTER_COLUMNS,
  decodeOccurrenceRecord,
  decodeSubscriptionRecord,
  draftProblem,
  filterProblem,
  occurrenceRecordFrom,
  occurrenceRequestProblem,
  subscriptionRecordFrom,
} from '../host-events/records.ts';
import { HOST_EVENT_SCHEMA } from '../host-events/schema.ts';
import type {
  HostEventOccurrenceRecord,
  HostEventOccurrenceRequest,
  HostEventStore,
  TriggerDeliveryReservation,
  TriggerSubscriptionDraft,
  TriggerSubscriptionFilter,
  TriggerSubscriptionRecord,
} from '../contract/host-events.ts';

/** How long a reservation stays with its reserver before a re-emit may offer it again. */
export const DEFAULT_RESERVATION_TTL_MS = 30_000;

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

const SQL = {
  nextSeq: 'INSERT INTO host_event_subscription_seq DEFAULT VALUES RETURNING id',
  insertSubscription: `INSERT INTO host_event_trigger_subscriptions (
      subscription_id, session_id, handle, source_type, source_key, enabled, created_at_ms, updated_at_ms, record_json
    ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  subscriptionByHandle:
    'SELECT record_json FROM host_event_trigger_subscriptions WHERE session_id = ? AND handle = ?',
  updateSubscription: `UPDATE host_event_trigger_subscriptions
      SET enabled = ?, updated_at_ms = ?, record_json = ? WHERE session_id = ? AND handle = ?`,
  occurrenceByKey: 'SELECT request_hash, record_json FROM host_event_occurrences WHERE idempotency_key = ?',
  occurrenceById: 'SELECT record_json FROM host_event_occurrences WHERE occurrence_id = ?',
  insertOccurrence: `INSERT INTO host_event_occurrences (
      occurrence_id, idempotency_key, request_hash, source_type, source_key, occurred_at_ms, record_json
    ) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  matchingSubscriptions: `SELECT record_json FROM host_event_trigger_subscriptions
      WHERE enabled = 1 AND source_type = ? AND source_key = ? ORDER BY session_id ASC, handle ASC`,
  insertDelivery: `INSERT OR IGNORE INTO host_event_deliveries (
      occurrence_id, subscription_id, process_id, created_at_ms, reserved_until_ms, started_at_ms
    ) VALUES (?, ?, ?, ?, ?, NULL)`,
  // Re-offers a reservation only when it was never started and its holder's time ran out.
  releaseExpired: `UPDATE host_event_deliveries SET reserved_until_ms = ?
      WHERE occurrence_id = ? AND subscription_id = ? AND started_at_ms IS NULL AND reserved_until_ms <= ?
      RETURNING process_id`,
  expiredDeliveries: `SELECT d.occurrence_id, d.subscription_id FROM host_event_deliveries d
      JOIN host_event_trigger_subscriptions s ON s.subscription_id = d.subscription_id
      WHERE d.started_at_ms IS NULL AND d.reserved_until_ms <= ? AND s.enabled = 1
      ORDER BY d.created_at_ms ASC, d.occurrence_id ASC, s.session_id ASC, s.handle ASC`,
  subscriptionById: 'SELECT record_json FROM host_event_trigger_subscriptions WHERE subscription_id = ?',
  markStarted: `UPDATE host_event_deliveries SET started_at_ms = ?
      WHERE occurrence_id = ? AND subscription_id = ? AND started_at_ms IS NULL`,
  deliveryExists: 'SELECT 1 AS present FROM host_event_deliveries WHERE occurrence_id = ? AND subscription_id = ?',
} as const;

export class SqliteHostEventStore implements HostEventStore {
  readonly #conn: SqliteConnection;
  readonly #codecs: Codecs;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #reservationTtlMs: number;
  readonly #ops: ComponentOperations;
  #closed = false;

  private constructor(conn: SqliteConnection, options: SqliteHostEventStoreOptions) {
    this.#conn = conn;
    this.#codecs = options.codecs ?? conn.codecs ?? portableCodecs;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#reservationTtlMs = options.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS;
    this.#ops = new ComponentOperations(new OperationRunner(conn), HOST_EVENT_ERRORS, () => this.#closed);
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

  async sourceKeyForSubscription(sourceType: string, source: JsonValue): Promise<string> {
    const problem = identifierProblem(sourceType, 'source_type') ?? jsonValueProblem(source, 'source');
    if (problem !== null) throw PluginError.invalidInput(`invalid host event source: ${problem}`);
    this.#ops.ensureOpen();
    return defaultHostEventSourceKey(sourceType, source, this.#codecs);
  }

  /** Allocates `trigger:{n}` / `subscription:{n}` from a never-reused sequence. No dedupe. */
  async registerSubscription(draft: TriggerSubscriptionDraft): Promise<TriggerSubscriptionRecord> {
    const problem = draftProblem(draft);
    if (problem !== null) throw PluginError.invalidInput(`invalid trigger subscription draft: ${problem}`);
    return this.#ops.write(() => {
      const now = readEpochMs(this.#clock);
      const { id } = this.#conn.get<{ id: number }>(SQL.nextSeq)!;
      const record = subscriptionRecordFrom(draft, id, now);
      this.#conn.run(SQL.insertSubscription, [
        record.subscription_id,
        record.session_id,
        record.handle,
        record.source_type,
        record.source_key,
        1,
        now,
        now,
        stringifyJsonRow(record),
      ]);
      return record;
    });
  }

  /** Ordered by `session_id`, then `handle` (lexicographic: `trigger:10` < `trigger:2`). */
  async listSubscriptions(filter: TriggerSubscriptionFilter): Promise<TriggerSubscriptionRecord[]> {
    const problem = filterProblem(filter);
    if (problem !== null) throw PluginError.invalidInput(`invalid trigger subscription filter: ${problem}`);
    const where: string[] = [];
    const params: SqlParam[] = [];
    for (const [field, condition] of FILTER_COLUMNS) {
      const value = filter[field];
      if (value === undefined) continue;
      where.push(condition);
      params.push(value as string);
    }
    if (filter.enabled !== undefined) {
      where.push('enabled = ?');
      params.push(filter.enabled ? 1 : 0);
    }
    const sql = `SELECT record_json FROM host_event_trigger_subscriptions${
      where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''
    } ORDER BY session_id ASC, handle ASC`;
    // One statement: it sees one snapshot without a transaction of its own.
    return this.#ops.attempt(() =>
      this.#conn
        .all<{ record_json: string }>(sql, params)
        .map((row) => this.#subscription(row.record_json))
        .filter((record) => subscriptionMatches(filter, record)),
    );
  }

  /** Scoped by session and handle; true only when this call disabled an enabled subscription. */
  async cancelSubscription(sessionId: string, handle: string): Promise<boolean> {
    const problem = identifierProblem(sessionId, 'session_id', { allowEmpty: true }) ?? identifierProblem(handle, 'handle', { allowEmpty: true });
    if (problem !== null) throw PluginError.invalidInput(`invalid subscription handle: ${problem}`);
    return this.#ops.write(() => {
      const row = this.#conn.get<{ record_json: string }>(SQL.subscriptionByHandle, [sessionId, handle]);
      if (row === undefined) return false;
      const record = this.#subscription(row.record_json);
      const wasEnabled = record.enabled;
      record.enabled = false;
      record.updated_at_ms = readEpochMs(this.#clock);
      this.#conn.run(SQL.updateSubscription, [0, record.updated_at_ms, stringifyJsonRow(record), sessionId, handle]);
      return wasEnabled;
    });
  }

  /**
   * Records an occurrence once per idempotency key (global across sources).
   * A replay with the same request returns the stored record, original
   * `occurred_at_ms` included; a different request under the key is refused.
   */
  async recordOccurrence(request: HostEventOccurrenceRequest): Promise<HostEventOccurrenceRecord> {
    const problem = occurrenceRequestProblem(request);
    if (problem !== null) throw PluginError.invalidInput(problem);
    this.#ops.ensureOpen();
    const requestHash = hostEventOccurrenceRequestHash(request, this.#codecs);
    const occurrenceId = deterministicOccurrenceId(request, this.#codecs);
    return this.#ops.write(() => {
      const existing = this.#conn.get<{ request_hash: string; record_json: string }>(SQL.occurrenceByKey, [
        request.idempotency_key,
      ]);
      if (existing !== undefined) {
        if (existing.request_hash !== requestHash) {
          throw PluginError.session(`host event occurrence idempotency conflict for \`${request.idempotency_key}\``);
        }
        return this.#occurrence(existing.record_json);
      }
      const record = occurrenceRecordFrom(request, occurrenceId, readEpochMs(this.#clock));
      this.#conn.run(SQL.insertOccurrence, [
        record.occurrence_id,
        record.idempotency_key,
        requestHash,
        record.source_type,
        record.source_key,
        record.occurred_at_ms,
        stringifyJsonRow(record),
      ]);
      return record;
    });
  }

  /**
   * Reserves one delivery per enabled subscription matching the occurrence's
   * source, returning only what this call reserved: a second call returns
   * `[]`. A reservation never marked started is offered again once its
   * reservation time has passed, so a crash between reserving and starting
   * the delivery process does not lose the delivery.
   */
  async reserveMatchingDeliveries(occurrenceId: string): Promise<TriggerDeliveryReservation[]> {
    const problem = identifierProblem(occurrenceId, 'occurrence_id');
    if (problem !== null) throw PluginError.invalidInput(`invalid host event occurrence id: ${problem}`);
    return this.#ops.write(() => {
      const now = readEpochMs(this.#clock);
      const until = saturatingAdd(now, this.#reservationTtlMs);
      const occurrence = this.#loadOccurrence(occurrenceId);
      const reservations: TriggerDeliveryReservation[] = [];
      const rows = this.#conn.all<{ record_json: string }>(SQL.matchingSubscriptions, [
        occurrence.source_type,
        occurrence.source_key,
      ]);
      for (const row of rows) {
        const subscription = this.#subscription(row.record_json);
        const processId = deterministicDeliveryProcessId(occurrence.occurrence_id, subscription.subscription_id, this.#codecs);
        const ids = [occurrence.occurrence_id, subscription.subscription_id] as const;
        if (this.#conn.run(SQL.insertDelivery, [...ids, processId, now, until]).changes === 1) {
          reservations.push({ occurrence, subscription, process_id: processId });
          continue;
        }
        const released = this.#conn.get<{ process_id: string }>(SQL.releaseExpired, [until, ...ids, now]);
        if (released !== undefined) reservations.push({ occurrence, subscription, process_id: released.process_id });
      }
      return reservations;
    });
  }

  /**
   * Marks a reserved delivery as started, so it is never offered again.
   * Returns false when it was already marked; an unknown delivery is an error.
   */
  async markDeliveryStarted(occurrenceId: string, subscriptionId: string): Promise<boolean> {
    const problem = identifierProblem(occurrenceId, 'occurrence_id') ?? identifierProblem(subscriptionId, 'subscription_id');
    if (problem !== null) throw PluginError.invalidInput(`invalid host event delivery: ${problem}`);
    return this.#ops.write(() => {
      if (this.#conn.run(SQL.markStarted, [readEpochMs(this.#clock), occurrenceId, subscriptionId]).changes === 1) return true;
      if (this.#conn.get(SQL.deliveryExists, [occurrenceId, subscriptionId]) !== undefined) return false;
      throw PluginError.session(`unknown host event delivery \`${occurrenceId}\` for subscription \`${subscriptionId}\``);
    });
  }

  /**
   * Every reservation, across occurrences, that was never marked started and
   * whose reservation time has passed (enabled subscriptions only), reserved
   * again for the caller: a recovery sweep for a router that crashed after
   * reserving. Oldest first.
   */
  async reclaimExpiredReservations(): Promise<TriggerDeliveryReservation[]> {
    return this.#ops.write(() => {
      const now = readEpochMs(this.#clock);
      const until = saturatingAdd(now, this.#reservationTtlMs);
      const expired = this.#conn.all<{ occurrence_id: string; subscription_id: string }>(SQL.expiredDeliveries, [now]);
      return expired.map(({ occurrence_id, subscription_id }) => {
        const { process_id } = this.#conn.get<{ process_id: string }>(SQL.releaseExpired, [
          until,
          occurrence_id,
          subscription_id,
          now,
        ])!;
        const subscription = this.#subscription(
          this.#conn.get<{ record_json: string }>(SQL.subscriptionById, [subscription_id])!.record_json,
        );
        return { occurrence: this.#loadOccurrence(occurrence_id), subscription, process_id };
      });
    });
  }

  /** Stops using the connection (which stays open: its owner closes it). */
  close(): void {
    this.#closed = true;
  }

  #loadOccurrence(occurrenceId: string): HostEventOccurrenceRecord {
    const row = this.#conn.get<{ record_json: string }>(SQL.occurrenceById, [occurrenceId]);
    if (row === undefined) throw PluginError.session(`unknown host event occurrence \`${occurrenceId}\``);
    return this.#occurrence(row.record_json);
  }

  #subscription(json: string): TriggerSubscriptionRecord {
    return this.#decoded(decodeSubscriptionRecord(json), 'subscription', json);
  }

  #occurrence(json: string): HostEventOccurrenceRecord {
    return this.#decoded(decodeOccurrenceRecord(json), 'occurrence', json);
  }

  #decoded<T extends object>(decoded: T | string, what: string, json: string): T {
    if (typeof decoded !== 'string') return decoded;
    this.#logger.warn(`corrupt host event ${what} row`, { problem: decoded, row: json.slice(0, 200) });
    throw PluginError.session(`failed to decode host event ${what} row: ${decoded}`);
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
