/**
 * The session store schema (component `session`, version 3): the reference's
 * tables and indexes, plus `graph_nodes.parent_node_id` as a real column so
 * the active-path walk joins on columns instead of `json_extract` (spec
 * decision 15).
 *
 * `idx_queued_work_ready` is ordered `(session_id, enqueue_seq,
 * available_at_ms)` instead of the reference's `(session_id,
 * available_at_ms, enqueue_seq)`: a claim reads ready batches in
 * `enqueue_seq` order and stops after a few rows, which this order serves
 * without sorting every available batch (see `src/core/queue/rows.ts`).
 */
import type { ComponentSchema } from './versions.ts';

/** The version of the `session` component's schema. */
export const SESSION_SCHEMA_VERSION = 3;

const DDL = `
CREATE TABLE IF NOT EXISTS blobs (
  hash TEXT PRIMARY KEY,
  content BLOB NOT NULL
);

-- The tail of a blob longer than the engine's row limit (see blob-table.ts).
CREATE TABLE IF NOT EXISTS blob_chunks (
  hash TEXT NOT NULL REFERENCES blobs(hash) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY (hash, seq)
) WITHOUT ROWID;
-- Blobs written on their own (putBlob, putCheckpoint…) that no commit references yet:
-- GC keeps them for a grace period (src/core/blobs/pins.ts). Added within schema
-- version 3: CREATE IF NOT EXISTS adds it to a database of this version on open.
CREATE TABLE IF NOT EXISTS blob_pins (
  hash TEXT PRIMARY KEY,
  pinned_at_ms INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS session_head (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  session_id TEXT NOT NULL DEFAULT 'root',
  head_json TEXT NOT NULL DEFAULT '{}',
  head_revision INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS graph_nodes (
  seq INTEGER PRIMARY KEY,
  node_id TEXT NOT NULL UNIQUE,
  parent_node_id TEXT,
  node_json TEXT NOT NULL,
  tombstoned INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS usage_deltas (
  seq INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  model TEXT NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cached_input_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS session_meta (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  session_id TEXT NOT NULL,
  session_name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  model TEXT NOT NULL,
  cwd TEXT,
  relation_json TEXT
);

CREATE TABLE IF NOT EXISTS runtime_turn_commits (
  session_id TEXT NOT NULL,
  turn_id TEXT NOT NULL,
  turn_commit_hash TEXT NOT NULL,
  result_json TEXT NOT NULL,
  committed_at_ms INTEGER NOT NULL,
  PRIMARY KEY (session_id, turn_id)
);

CREATE TABLE IF NOT EXISTS queued_work_batches (
  enqueue_seq INTEGER PRIMARY KEY,
  batch_id TEXT NOT NULL UNIQUE,
  session_id TEXT NOT NULL,
  source_key TEXT,
  delivery_policy TEXT NOT NULL,
  slot_policy TEXT NOT NULL,
  merge_key_json TEXT NOT NULL,
  available_at_ms INTEGER NOT NULL,
  enqueued_at_ms INTEGER NOT NULL,
  claim_id TEXT,
  claim_owner_id TEXT,
  claim_token TEXT,
  claim_fencing_token INTEGER NOT NULL DEFAULT 0,
  claim_claimed_at_ms INTEGER NOT NULL DEFAULT 0,
  claim_expires_at_ms INTEGER NOT NULL DEFAULT 0,
  UNIQUE (session_id, source_key) ON CONFLICT IGNORE
);

CREATE TABLE IF NOT EXISTS queued_work_items (
  batch_id TEXT NOT NULL,
  item_index INTEGER NOT NULL,
  item_id TEXT NOT NULL,
  payload_json TEXT NOT NULL,
  PRIMARY KEY (batch_id, item_index),
  FOREIGN KEY (batch_id) REFERENCES queued_work_batches(batch_id) ON DELETE CASCADE
);

CREATE INDEX IF NOT EXISTS idx_queued_work_ready
  ON queued_work_batches(session_id, enqueue_seq, available_at_ms);
CREATE INDEX IF NOT EXISTS idx_queued_work_claim
  ON queued_work_batches(session_id, claim_id, claim_token);

CREATE TABLE IF NOT EXISTS attachment_manifest (
  attachment_id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  canonical_uri TEXT NOT NULL,
  intent_at_ms INTEGER NOT NULL,
  committed_at_ms INTEGER
);

CREATE TABLE IF NOT EXISTS artifact_refs (
  artifact_ref TEXT PRIMARY KEY,
  blob_ref TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS idx_attachment_manifest_session
  ON attachment_manifest(session_id, committed_at_ms);
CREATE INDEX IF NOT EXISTS idx_attachment_manifest_uncommitted
  ON attachment_manifest(committed_at_ms) WHERE committed_at_ms IS NULL;
`;

/** The tables and version of the `session` component. */
export const SESSION_SCHEMA: ComponentSchema = Object.freeze({
  component: 'session',
  label: 'session',
  version: SESSION_SCHEMA_VERSION,
  tables: [
    'blobs',
    'blob_chunks',
    'blob_pins',
    'session_head',
    'graph_nodes',
    'usage_deltas',
    'session_meta',
    'runtime_turn_commits',
    'queued_work_batches',
    'queued_work_items',
    'attachment_manifest',
    'artifact_refs',
  ],
  ddl: DDL,
});
