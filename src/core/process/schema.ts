/**
 * The process registry schema (component `process`, version 6): the
 * reference's tables and indexes (`contract-process.md` §8.1). The
 * `record_json` / `event_json` / `descriptor_json` columns are the source of
 * truth; the other columns exist for filtering.
 *
 * One addition: `processes.record_event_sequence`, the highest event sequence
 * when `record_json` was last written. An append that does not change the
 * status writes only its event row; a reader takes `updated_at_ms` from the
 * newest event above that sequence (see `rows.ts`). The reference rewrites
 * the process row on every append instead, which costs a second page write per
 * commit. `processes.updated_at_ms` is therefore the time of the last record
 * write, not of the last append.
 */
import type { ComponentSchema } from '../schema/versions.ts';

/** The version of the `process` component's schema. */
export const PROCESS_SCHEMA_VERSION = 6;

const DDL = `
CREATE TABLE IF NOT EXISTS processes (
  process_id TEXT PRIMARY KEY,
  registration_hash TEXT NOT NULL,
  owner_scope_id TEXT NOT NULL,
  host_profile_id TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  status TEXT NOT NULL,
  record_json TEXT NOT NULL,
  record_event_sequence INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS idx_processes_status ON processes(status);

CREATE TABLE IF NOT EXISTS process_events (
  process_id TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  event_type TEXT NOT NULL,
  payload_hash TEXT NOT NULL,
  idempotency_key TEXT,
  occurred_at_ms INTEGER NOT NULL,
  event_json TEXT NOT NULL,
  PRIMARY KEY (process_id, sequence),
  FOREIGN KEY (process_id) REFERENCES processes(process_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_process_events_key
  ON process_events(process_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE IF NOT EXISTS process_wake_acks (
  process_id TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  PRIMARY KEY (process_id, sequence),
  FOREIGN KEY (process_id) REFERENCES processes(process_id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS process_handle_grants (
  session_id TEXT NOT NULL,
  scope_id TEXT NOT NULL,
  process_id TEXT NOT NULL,
  descriptor_json TEXT NOT NULL,
  PRIMARY KEY (scope_id, process_id),
  FOREIGN KEY (process_id) REFERENCES processes(process_id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS idx_process_handle_grants_session ON process_handle_grants(session_id);
CREATE INDEX IF NOT EXISTS idx_process_handle_grants_process ON process_handle_grants(process_id);

CREATE TABLE IF NOT EXISTS process_leases (
  process_id TEXT PRIMARY KEY,
  lease_owner_id TEXT,
  lease_token TEXT,
  lease_fencing_token INTEGER NOT NULL DEFAULT 0,
  lease_claimed_at_ms INTEGER NOT NULL DEFAULT 0,
  lease_expires_at_ms INTEGER NOT NULL DEFAULT 0,
  FOREIGN KEY (process_id) REFERENCES processes(process_id) ON DELETE CASCADE
);
`;

/** The tables and version of the `process` component. */
export const PROCESS_SCHEMA: ComponentSchema = Object.freeze({
  component: 'process',
  label: 'process registry',
  version: PROCESS_SCHEMA_VERSION,
  tables: ['processes', 'process_events', 'process_wake_acks', 'process_handle_grants', 'process_leases'],
  ddl: DDL,
});
