/**
 * The LangGraph checkpointer's tables (component `langgraph`, version 1),
 * versioned in `lash_schema_versions` like every other component, so they
 * can share a file with a session store.
 *
 * - `langgraph_threads`: a thread id once, and the small integer every
 *   other row names it by (AUTOINCREMENT: a deleted thread's key is never
 *   handed to another thread).
 * - `langgraph_checkpoints`: one row per checkpoint. `checkpoint` holds the
 *   serde bytes of the checkpoint *without* its channel values; `channels`
 *   maps each channel to its version and a value entry (msgpack, see
 *   `entries.ts`), so a checkpoint names its values instead of holding them.
 * - `langgraph_writes`: pending writes, one row per (task, index); the value
 *   is an entry too.
 * - `langgraph_blobs`: content-addressed values of a thread: the blob
 *   envelope of the serde bytes under their SHA-256 (32 bytes; the hex form
 *   is how the rest of the code names it). Scoped by thread, so
 *   `deleteThread` is a plain delete that never has to prove a blob unused
 *   elsewhere.
 * - `langgraph_versions`: which (channel, version) pairs a thread has stored
 *   a value for. A checkpoint put with an unchanged channel its parent does
 *   not hold at that version (a `__copy__` fork) keeps the value it was
 *   given only when that version was stored before, which is what "store
 *   only the channels that changed" means for such a put. `version` has no
 *   declared type, so the numeric version 1 and the string "1" stay distinct.
 * - `langgraph_meta`: the deletion epoch, bumped by every `deleteThread`, so
 *   a saver knows when the blobs its caches point to may be gone.
 */
import type { ComponentSchema } from '../../core/schema/versions.ts';

/** The version of the `langgraph` component's schema. */
export const LANGGRAPH_SCHEMA_VERSION = 1;

const DDL = `
CREATE TABLE IF NOT EXISTS langgraph_threads (
  thread_key INTEGER PRIMARY KEY AUTOINCREMENT,
  thread_id TEXT NOT NULL UNIQUE
);

CREATE TABLE IF NOT EXISTS langgraph_checkpoints (
  thread_key INTEGER NOT NULL,
  checkpoint_ns TEXT NOT NULL,
  checkpoint_id TEXT NOT NULL,
  parent_checkpoint_id TEXT,
  checkpoint_v INTEGER NOT NULL,
  checkpoint_type TEXT NOT NULL,
  checkpoint BLOB NOT NULL,
  metadata_type TEXT NOT NULL,
  metadata BLOB NOT NULL,
  channels BLOB NOT NULL,
  PRIMARY KEY (thread_key, checkpoint_ns, checkpoint_id)
);

CREATE TABLE IF NOT EXISTS langgraph_writes (
  thread_key INTEGER NOT NULL,
  checkpoint_ns TEXT NOT NULL,
  checkpoint_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  channel TEXT NOT NULL,
  task_path TEXT NOT NULL,
  value BLOB NOT NULL,
  PRIMARY KEY (thread_key, checkpoint_ns, checkpoint_id, task_id, idx)
);

CREATE TABLE IF NOT EXISTS langgraph_blobs (
  thread_key INTEGER NOT NULL,
  hash BLOB NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY (thread_key, hash)
);

CREATE TABLE IF NOT EXISTS langgraph_versions (
  thread_key INTEGER NOT NULL,
  checkpoint_ns TEXT NOT NULL,
  channel TEXT NOT NULL,
  version NOT NULL,
  PRIMARY KEY (thread_key, checkpoint_ns, channel, version)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS langgraph_meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
`;

/** The tables and version of the `langgraph` component. */
export const LANGGRAPH_SCHEMA: ComponentSchema = Object.freeze({
  component: 'langgraph',
  label: 'langgraph checkpointer',
  version: LANGGRAPH_SCHEMA_VERSION,
  tables: ['langgraph_threads', 'langgraph_checkpoints', 'langgraph_writes', 'langgraph_blobs', 'langgraph_versions', 'langgraph_meta'],
  ddl: DDL,
});
