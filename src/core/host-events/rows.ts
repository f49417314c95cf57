/**
 * The host-event tables' statements, and reading their rows: a row that does
 * not parse or has the wrong shape is logged and raised as
 * `failed to decode host event … row: …`, never returned as data.
 */
import type { SqliteConnection } from '../driver/types.ts';
import { PluginError } from '../contract/errors.ts';
import type { Logger } from '../logger.ts';
import {
  decodeOccurrenceRecord,
  decodeSubscriptionRecord,
} from './records.ts';
import type {
  HostEventOccurrenceRecord,
  TriggerSubscriptionRecord,
} from '../contract/host-events.ts';

export const HOST_EVENT_SQL = {
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

export class HostEventRows {
  readonly #conn: SqliteConnection;
  readonly #logger: Logger;

  constructor(conn: SqliteConnection, logger: Logger) {
    this.#conn = conn;
    this.#logger = logger;
  }

  loadOccurrence(occurrenceId: string): HostEventOccurrenceRecord {
    const row = this.#conn.get<{ record_json: string }>(HOST_EVENT_SQL.occurrenceById, [occurrenceId]);
    if (row === undefined) throw PluginError.session(`unknown host event occurrence \`${occurrenceId}\``);
    return this.occurrence(row.record_json);
  }

  subscription(json: string): TriggerSubscriptionRecord {
    return this.#decoded(decodeSubscriptionRecord(json), 'subscription', json);
  }

  occurrence(json: string): HostEventOccurrenceRecord {
    return this.#decoded(decodeOccurrenceRecord(json), 'occurrence', json);
  }

  #decoded<T extends object>(decoded: T | string, what: string, json: string): T {
    if (typeof decoded !== 'string') return decoded;
    this.#logger.warn(`corrupt host event ${what} row`, { problem: decoded, row: json.slice(0, 200) });
    throw PluginError.session(`failed to decode host event ${what} row: ${decoded}`);
  }
}
