/**
 * The `session_head` singleton: the bound session id, the head revision (the
 * column is authoritative) and the rest of the head as `head_json`.
 */
import { stringifyJsonRow } from '../codec/json-bytes.ts';
import type { SqliteConnection } from '../driver/types.ts';
import { StoreError } from '../errors.ts';
import { decodeHeadMeta, encodeHeadMeta } from './codecs.ts';
import type { SessionHeadMeta } from './records.ts';
import { messageOf } from './shape.ts';

const SELECT_HEAD = 'SELECT head_json, head_revision FROM session_head WHERE singleton = 1';
const UPSERT_HEAD =
  'INSERT OR REPLACE INTO session_head (singleton, session_id, head_json, head_revision) VALUES (1, ?, ?, ?)';

/** The head meta, or `null` when nothing was committed. A head that does not decode throws `Backend`. */
export function readHeadMeta(conn: SqliteConnection): SessionHeadMeta | null {
  const row = conn.get<{ head_json: unknown; head_revision: unknown }>(SELECT_HEAD);
  if (row === undefined) return null;
  try {
    if (typeof row.head_json !== 'string') throw new Error('head_json is not TEXT');
    const revision = row.head_revision;
    if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 0) {
      throw new Error(`head_revision column holds ${String(revision)}`);
    }
    return decodeHeadMeta(JSON.parse(row.head_json), revision);
  } catch (error) {
    throw StoreError.backend(`decode session head: ${messageOf(error)}`, error);
  }
}

export function writeHeadMeta(conn: SqliteConnection, meta: SessionHeadMeta): void {
  conn.run(UPSERT_HEAD, [meta.session_id, stringifyJsonRow(encodeHeadMeta(meta)), meta.head_revision]);
}

/**
 * Keeps `graph_node_count` exact when nodes are added, tombstoned or replaced
 * outside a commit (the reference left it stale until the next commit). A
 * store without a head has no count to keep.
 */
export function updateHeadNodeCount(conn: SqliteConnection, count: (current: number) => number): void {
  const head = readHeadMeta(conn);
  if (head === null) return;
  writeHeadMeta(conn, { ...head, graph_node_count: Math.max(0, count(head.graph_node_count)) });
}
