/**
 * The effect replay schema (component `effects`, version 1): one row per
 * `(scope_id, replay_key)`, exactly the reference's table.
 */
import type { ComponentSchema } from '../schema/versions.ts';

/** The version of the `effects` component's schema. */
export const EFFECT_SCHEMA_VERSION = 1;

const DDL = `
CREATE TABLE IF NOT EXISTS runtime_effect_replay (
  scope_id TEXT NOT NULL,
  replay_key TEXT NOT NULL,
  envelope_hash TEXT NOT NULL,
  status TEXT NOT NULL,
  outcome_json TEXT,
  error_json TEXT,
  lease_owner_id TEXT,
  lease_token TEXT,
  lease_expires_at_ms INTEGER NOT NULL DEFAULT 0,
  due_at_ms INTEGER,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (scope_id, replay_key)
);
CREATE INDEX IF NOT EXISTS idx_runtime_effect_replay_lease
  ON runtime_effect_replay(status, lease_expires_at_ms);
`;

/** The tables and version of the `effects` component. */
export const EFFECT_SCHEMA: ComponentSchema = Object.freeze({
  component: 'effects',
  label: 'effect replay',
  version: EFFECT_SCHEMA_VERSION,
  tables: ['runtime_effect_replay'],
  ddl: DDL,
});
