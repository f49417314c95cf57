/**
 * The host-event schema (component `host_events`, version 1): the
 * reference's tables, plus two columns on `host_event_deliveries` that keep
 * a reservation alive until its delivery process has started (see
 * `docs/host-events.md`, "Reservations survive a crash").
 */
import type { ComponentSchema } from '../schema/versions.ts';

/** The version of the `host_events` component's schema. */
export const HOST_EVENT_SCHEMA_VERSION = 1;

const DDL = `
CREATE TABLE IF NOT EXISTS host_event_subscription_seq (id INTEGER PRIMARY KEY AUTOINCREMENT);

CREATE TABLE IF NOT EXISTS host_event_trigger_subscriptions (
  subscription_id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  handle TEXT NOT NULL,
  source_type TEXT NOT NULL,
  source_key TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  record_json TEXT NOT NULL,
  UNIQUE (session_id, handle)
);
CREATE INDEX IF NOT EXISTS idx_host_event_trigger_subscriptions_session
  ON host_event_trigger_subscriptions(session_id, handle);
CREATE INDEX IF NOT EXISTS idx_host_event_trigger_subscriptions_source
  ON host_event_trigger_subscriptions(source_type, source_key, enabled);

CREATE TABLE IF NOT EXISTS host_event_occurrences (
  occurrence_id TEXT PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  request_hash TEXT NOT NULL,
  source_type TEXT NOT NULL,
  source_key TEXT NOT NULL,
  occurred_at_ms INTEGER NOT NULL,
  record_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_host_event_occurrences_source
  ON host_event_occurrences(source_type, source_key, occurred_at_ms);

CREATE TABLE IF NOT EXISTS host_event_deliveries (
  occurrence_id TEXT NOT NULL,
  subscription_id TEXT NOT NULL,
  process_id TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  reserved_until_ms INTEGER NOT NULL DEFAULT 0,
  started_at_ms INTEGER,
  PRIMARY KEY (occurrence_id, subscription_id),
  FOREIGN KEY (occurrence_id) REFERENCES host_event_occurrences(occurrence_id) ON DELETE CASCADE,
  FOREIGN KEY (subscription_id) REFERENCES host_event_trigger_subscriptions(subscription_id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS idx_host_event_deliveries_process ON host_event_deliveries(process_id);
CREATE INDEX IF NOT EXISTS idx_host_event_deliveries_pending
  ON host_event_deliveries(reserved_until_ms) WHERE started_at_ms IS NULL;
`;

/** The tables and version of the `host_events` component. */
export const HOST_EVENT_SCHEMA: ComponentSchema = Object.freeze({
  component: 'host_events',
  label: 'host event router',
  version: HOST_EVENT_SCHEMA_VERSION,
  tables: [
    'host_event_subscription_seq',
    'host_event_trigger_subscriptions',
    'host_event_occurrences',
    'host_event_deliveries',
  ],
  ddl: DDL,
});
