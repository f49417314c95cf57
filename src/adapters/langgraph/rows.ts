/**
 * Every SQL statement of the LangGraph checkpointer except the blob table's
 * (`blobs.ts`). Rows are returned raw; `saver.ts` turns them into tuples.
 */
import type { SqliteConnection, SqlParam } from '../../advanced.ts';
import type { ChannelVersion } from './entries.ts';

export interface CheckpointRow {
  thread_id: string;
  checkpoint_ns: string;
  checkpoint_id: string;
  parent_checkpoint_id: string | null;
  checkpoint_v: number;
  checkpoint_type: string;
  checkpoint: Uint8Array;
  metadata_type: string;
  metadata: Uint8Array;
  channels: Uint8Array;
}

export interface WriteRow {
  task_id: string;
  idx: number;
  channel: string;
  task_path: string;
  value: Uint8Array;
}

export interface NewCheckpointRow extends CheckpointRow {}

export interface NewWriteRow extends WriteRow {
  thread_id: string;
  checkpoint_ns: string;
  checkpoint_id: string;
}

const COLUMNS =
  'thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, checkpoint_v, checkpoint_type, checkpoint, metadata_type, metadata, channels';

export function selectCheckpoint(
  conn: SqliteConnection,
  threadId: string,
  ns: string,
  checkpointId: string | undefined,
): CheckpointRow | undefined {
  if (checkpointId !== undefined) {
    return conn.get<CheckpointRow>(
      `SELECT ${COLUMNS} FROM langgraph_checkpoints WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?`,
      [threadId, ns, checkpointId],
    );
  }
  return conn.get<CheckpointRow>(
    `SELECT ${COLUMNS} FROM langgraph_checkpoints WHERE thread_id = ? AND checkpoint_ns = ? ORDER BY checkpoint_id DESC LIMIT 1`,
    [threadId, ns],
  );
}

/** Only the channel map of a checkpoint (a put's parent). */
export function selectChannels(conn: SqliteConnection, threadId: string, ns: string, checkpointId: string): Uint8Array | undefined {
  return conn.get<{ channels: Uint8Array }>(
    'SELECT channels FROM langgraph_checkpoints WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?',
    [threadId, ns, checkpointId],
  )?.channels;
}

export interface CheckpointQuery {
  threadId?: string;
  ns?: string;
  checkpointId?: string;
  before?: string;
}

/** Matching checkpoints, newest first (checkpoint ids are time-ordered uuid6). */
export function selectCheckpoints(conn: SqliteConnection, query: CheckpointQuery): CheckpointRow[] {
  const where: string[] = [];
  const params: SqlParam[] = [];
  if (query.threadId !== undefined) add(where, params, 'thread_id = ?', query.threadId);
  if (query.ns !== undefined) add(where, params, 'checkpoint_ns = ?', query.ns);
  if (query.checkpointId !== undefined) add(where, params, 'checkpoint_id = ?', query.checkpointId);
  if (query.before !== undefined) add(where, params, 'checkpoint_id < ?', query.before);
  const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  return conn.all<CheckpointRow>(
    `SELECT ${COLUMNS} FROM langgraph_checkpoints ${clause} ORDER BY checkpoint_id DESC, thread_id, checkpoint_ns`,
    params,
  );
}

function add(where: string[], params: SqlParam[], condition: string, value: SqlParam): void {
  where.push(condition);
  params.push(value);
}

export function upsertCheckpoint(conn: SqliteConnection, row: NewCheckpointRow): void {
  conn.run(`INSERT OR REPLACE INTO langgraph_checkpoints (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
    row.thread_id,
    row.checkpoint_ns,
    row.checkpoint_id,
    row.parent_checkpoint_id,
    row.checkpoint_v,
    row.checkpoint_type,
    row.checkpoint,
    row.metadata_type,
    row.metadata,
    row.channels,
  ]);
}

/**
 * Pending writes of a checkpoint in `writesSortKey` order: task path, task
 * id, index. SQLite compares TEXT as UTF-8 bytes, which is code-point order,
 * the order LangGraph's `compareWritesSortKeys` defines.
 */
export function selectWrites(conn: SqliteConnection, threadId: string, ns: string, checkpointId: string, channel?: string): WriteRow[] {
  const byChannel = channel === undefined ? '' : ' AND channel = ?';
  const params: SqlParam[] = channel === undefined ? [threadId, ns, checkpointId] : [threadId, ns, checkpointId, channel];
  return conn.all<WriteRow>(
    `SELECT task_id, idx, channel, task_path, value FROM langgraph_writes
     WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?${byChannel}
     ORDER BY task_path, task_id, idx`,
    params,
  );
}

/**
 * A regular write (index ≥ 0) keeps the first value stored for its task and
 * index, so a retried task cannot change what a superstep saw; a special
 * write (ERROR, INTERRUPT, SCHEDULED, RESUME: negative indexes) is replaced.
 */
export function insertWrite(conn: SqliteConnection, row: NewWriteRow): void {
  conn.run(
    `INSERT OR ${row.idx < 0 ? 'REPLACE' : 'IGNORE'} INTO langgraph_writes
     (thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, task_path, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [row.thread_id, row.checkpoint_ns, row.checkpoint_id, row.task_id, row.idx, row.channel, row.task_path, row.value],
  );
}

export function versionStored(conn: SqliteConnection, threadId: string, ns: string, channel: string, version: ChannelVersion): boolean {
  return (
    conn.get('SELECT 1 AS present FROM langgraph_versions WHERE thread_id = ? AND checkpoint_ns = ? AND channel = ? AND version = ?', [
      threadId,
      ns,
      channel,
      version,
    ]) !== undefined
  );
}

export function insertVersion(conn: SqliteConnection, threadId: string, ns: string, channel: string, version: ChannelVersion): void {
  conn.run('INSERT OR IGNORE INTO langgraph_versions (thread_id, checkpoint_ns, channel, version) VALUES (?, ?, ?, ?)', [
    threadId,
    ns,
    channel,
    version,
  ]);
}

const EPOCH_KEY = 'deletion_epoch';

export function readEpoch(conn: SqliteConnection): number {
  return conn.get<{ value: number }>('SELECT value FROM langgraph_meta WHERE key = ?', [EPOCH_KEY])?.value ?? 0;
}

/** Everything of a thread goes, and the deletion epoch moves on. */
export function deleteThreadRows(conn: SqliteConnection, threadId: string): void {
  for (const table of ['langgraph_checkpoints', 'langgraph_writes', 'langgraph_blobs', 'langgraph_versions']) {
    conn.run(`DELETE FROM ${table} WHERE thread_id = ?`, [threadId]);
  }
  conn.run(
    'INSERT INTO langgraph_meta (key, value) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET value = value + 1',
    [EPOCH_KEY],
  );
}
