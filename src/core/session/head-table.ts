/**
 * The `session_head` singleton: the bound session id, the head revision (the
 * column is authoritative) and the rest of the head as `head_json`.
 */
import { stringifyJsonRow } from '../codec/json-bytes.ts';
import type { SqliteConnection } from '../driver/types.ts';
import { StoreError } from '../contract/errors.ts';
import { decodeHeadMeta, encodeHeadMeta } from './codecs.ts';
import type { SessionHeadMeta } from '../contract/session-records.ts';
import { messageOf } from '../shape.ts';

const SELECT_HEAD = 'SELECT head_json, head_revision FROM session_head WHERE singleton = 1';
const UPSERT_HEAD =
  'INSERT OR REPLACE INTO session_head (singleton, session_id, head_json, head_revision) VALUES (1, ?, ?, ?)';

/** The head meta, or `null` when nothing was committed. A head that does not decode throws `Backend`. */
export function readHeadMeta(conn: SqliteConnection): SessionHeadMeta | null {
  const row = conn.get<HeadRow>(SELECT_HEAD);
  return row === undefined ? null : decodeHeadRow(row);
}

/** What a commit needs of the current head: the binding, the revision and the live-node count. */
export interface HeadBinding {
  readonly session_id: string;
  readonly head_revision: number;
  readonly graph_node_count: number;
}

/**
 * The head of the last write, by connection. A commit reads the head it (or
 * another store on the same connection) just wrote: when the stored text is
 * exactly that, its decoded binding is already known and the JSON need not be
 * parsed again. Any other text — written elsewhere, or tampered with — is
 * decoded and checked in full.
 */
const lastWritten = new WeakMap<SqliteConnection, { text: string; session_id: string; graph_node_count: number }>();

/** {@link readHeadMeta} reduced to what a commit needs, without re-parsing a head this connection wrote. */
export function readHeadBinding(conn: SqliteConnection): HeadBinding | null {
  const row = conn.get<HeadRow>(SELECT_HEAD);
  if (row === undefined) return null;
  const known = lastWritten.get(conn);
  if (known !== undefined && known.text === row.head_json && isRevision(row.head_revision)) {
    return { session_id: known.session_id, head_revision: row.head_revision, graph_node_count: known.graph_node_count };
  }
  return decodeHeadRow(row);
}

interface HeadRow {
  head_json: unknown;
  head_revision: unknown;
}

function isRevision(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function decodeHeadRow(row: HeadRow): SessionHeadMeta {
  try {
    if (typeof row.head_json !== 'string') throw new Error('head_json is not TEXT');
    const revision = row.head_revision;
    if (!isRevision(revision)) throw new Error(`head_revision column holds ${String(revision)}`);
    return decodeHeadMeta(JSON.parse(row.head_json), revision);
  } catch (error) {
    throw StoreError.backend(`decode session head: ${messageOf(error)}`, error);
  }
}

export function writeHeadMeta(conn: SqliteConnection, meta: SessionHeadMeta): void {
  const text = stringifyJsonRow(encodeHeadMeta(meta));
  conn.run(UPSERT_HEAD, [meta.session_id, text, meta.head_revision]);
  lastWritten.set(conn, { text, session_id: meta.session_id, graph_node_count: meta.graph_node_count });
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
