/**
 * Every SQL statement of the LangGraph checkpointer except the blob table's
 * (`blobs.ts`). Rows are returned raw; `saver.ts` turns them into tuples.
 * Rows name their thread by its key (`langgraph_threads`).
 */
import type { SqliteConnection, SqlParam } from '../../core/driver/types.ts';
import type { ChannelVersion } from './entries.ts';

export interface CheckpointRow {
  thread_id: string;
  thread_key: number;
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

export type NewCheckpointRow = Omit<CheckpointRow, 'thread_id'>;

export interface NewWriteRow extends WriteRow {
  thread_key: number;
  checkpoint_ns: string;
  checkpoint_id: string;
}

export function threadKeyOf(conn: SqliteConnection, threadId: string): number | undefined {
  return conn.get<{ thread_key: number }>('SELECT thread_key FROM langgraph_threads WHERE thread_id = ?', [threadId])?.thread_key;
}

/** The thread's key, registering the thread if it is new. Inside a write transaction. */
export function ensureThreadKey(conn: SqliteConnection, threadId: string): number {
  conn.run('INSERT OR IGNORE INTO langgraph_threads (thread_id) VALUES (?)', [threadId]);
  return threadKeyOf(conn, threadId)!;
}

const COLUMNS =
  'c.thread_key, t.thread_id, c.checkpoint_ns, c.checkpoint_id, c.parent_checkpoint_id, c.checkpoint_v, c.checkpoint_type, c.checkpoint, c.metadata_type, c.metadata, c.channels';
const FROM = 'FROM langgraph_checkpoints AS c JOIN langgraph_threads AS t ON t.thread_key = c.thread_key';

/** One checkpoint, or the newest of the namespace when `checkpointId` is undefined. */
export function selectCheckpoint(
  conn: SqliteConnection,
  threadKey: number,
  ns: string,
  checkpointId: string | undefined,
): CheckpointRow | undefined {
  if (checkpointId !== undefined) {
    return conn.get<CheckpointRow>(`SELECT ${COLUMNS} ${FROM} WHERE c.thread_key = ? AND c.checkpoint_ns = ? AND c.checkpoint_id = ?`, [
      threadKey,
      ns,
      checkpointId,
    ]);
  }
  return conn.get<CheckpointRow>(
    `SELECT ${COLUMNS} ${FROM} WHERE c.thread_key = ? AND c.checkpoint_ns = ? ORDER BY c.checkpoint_id DESC LIMIT 1`,
    [threadKey, ns],
  );
}

/** Only the channel map of a checkpoint (a put's parent). */
export function selectChannels(conn: SqliteConnection, threadKey: number, ns: string, checkpointId: string): Uint8Array | undefined {
  return conn.get<{ channels: Uint8Array }>(
    'SELECT channels FROM langgraph_checkpoints WHERE thread_key = ? AND checkpoint_ns = ? AND checkpoint_id = ?',
    [threadKey, ns, checkpointId],
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
  if (query.threadId !== undefined) add(where, params, 't.thread_id = ?', query.threadId);
  if (query.ns !== undefined) add(where, params, 'c.checkpoint_ns = ?', query.ns);
  if (query.checkpointId !== undefined) add(where, params, 'c.checkpoint_id = ?', query.checkpointId);
  if (query.before !== undefined) add(where, params, 'c.checkpoint_id < ?', query.before);
  const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  return conn.all<CheckpointRow>(`SELECT ${COLUMNS} ${FROM} ${clause} ORDER BY c.checkpoint_id DESC, t.thread_id, c.checkpoint_ns`, params);
}

function add(where: string[], params: SqlParam[], condition: string, value: SqlParam): void {
  where.push(condition);
  params.push(value);
}

export function upsertCheckpoint(conn: SqliteConnection, row: NewCheckpointRow): void {
  conn.run(
    `INSERT OR REPLACE INTO langgraph_checkpoints (thread_key, checkpoint_ns, checkpoint_id, parent_checkpoint_id, checkpoint_v,
       checkpoint_type, checkpoint, metadata_type, metadata, channels) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      row.thread_key,
      row.checkpoint_ns,
      row.checkpoint_id,
      row.parent_checkpoint_id,
      row.checkpoint_v,
      row.checkpoint_type,
      row.checkpoint,
      row.metadata_type,
      row.metadata,
      row.channels,
    ],
  );
}

/**
 * Pending writes of a checkpoint in `writesSortKey` order: task path, task
 * id, index. SQLite compares TEXT as UTF-8 bytes, which is code-point order,
 * the order LangGraph's `compareWritesSortKeys` defines.
 */
export function selectWrites(conn: SqliteConnection, threadKey: number, ns: string, checkpointId: string, channel?: string): WriteRow[] {
  const byChannel = channel === undefined ? '' : ' AND channel = ?';
  const params: SqlParam[] = channel === undefined ? [threadKey, ns, checkpointId] : [threadKey, ns, checkpointId, channel];
  return conn.all<WriteRow>(
    `SELECT task_id, idx, channel, task_path, value FROM langgraph_writes
     WHERE thread_key = ? AND checkpoint_ns = ? AND checkpoint_id = ?${byChannel}
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
     (thread_key, checkpoint_ns, checkpoint_id, task_id, idx, channel, task_path, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [row.thread_key, row.checkpoint_ns, row.checkpoint_id, row.task_id, row.idx, row.channel, row.task_path, row.value],
  );
}

export function versionStored(conn: SqliteConnection, threadKey: number, ns: string, channel: string, version: ChannelVersion): boolean {
  return (
    conn.get('SELECT 1 AS present FROM langgraph_versions WHERE thread_key = ? AND checkpoint_ns = ? AND channel = ? AND version = ?', [
      threadKey,
      ns,
      channel,
      version,
    ]) !== undefined
  );
}

export function insertVersion(conn: SqliteConnection, threadKey: number, ns: string, channel: string, version: ChannelVersion): void {
  conn.run('INSERT OR IGNORE INTO langgraph_versions (thread_key, checkpoint_ns, channel, version) VALUES (?, ?, ?, ?)', [
    threadKey,
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
  const key = threadKeyOf(conn, threadId);
  if (key !== undefined) {
    for (const table of ['langgraph_checkpoints', 'langgraph_writes', 'langgraph_blobs', 'langgraph_versions']) {
      conn.run(`DELETE FROM ${table} WHERE thread_key = ?`, [key]);
    }
    conn.run('DELETE FROM langgraph_threads WHERE thread_key = ?', [key]);
  }
  conn.run('INSERT INTO langgraph_meta (key, value) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET value = value + 1', [EPOCH_KEY]);
}
