/**
 * The `graph_nodes` table. Each node is one row: its id, its parent id in a
 * real column (the active-path walk joins on columns, spec decision 15), its
 * JSON, and a tombstone flag. Tombstoned rows are invisible to every read
 * until `vacuum` deletes them.
 */
import { stringifyJsonRow } from '../codec/json-bytes.ts';
import { isConstraintError } from '../driver/errors.ts';
import type { SqliteConnection, SqlRow, SqlValue } from '../driver/types.ts';
import { StoreError } from '../contract/errors.ts';
import type { Logger } from '../logger.ts';
import { decodeNode } from './codecs.ts';
import type { SessionNodeRecord } from '../contract/session-model.ts';
import { messageOf } from '../shape.ts';

/**
 * The longest active path a read returns. The walk also stops on a parent
 * cycle (the recursive CTE uses `UNION`, so a revisited row ends it); the cap
 * bounds the work on a pathological chain.
 */
export const MAX_ACTIVE_PATH_LENGTH = 1_000_000;

const INSERT_NODE = 'INSERT INTO graph_nodes (node_id, parent_node_id, node_json) VALUES (?, ?, ?)';
const DELETE_ALL = 'DELETE FROM graph_nodes';
const SELECT_LIVE = 'SELECT node_json FROM graph_nodes WHERE tombstoned = 0 ORDER BY seq';
const SELECT_LIVE_NODE = 'SELECT node_json FROM graph_nodes WHERE node_id = ? AND tombstoned = 0';
const COUNT_LIVE = 'SELECT COUNT(*) AS n FROM graph_nodes WHERE tombstoned = 0';
const TOMBSTONE = 'UPDATE graph_nodes SET tombstoned = 1 WHERE node_id = ? AND tombstoned = 0';
const VACUUM = 'DELETE FROM graph_nodes WHERE tombstoned = 1';
// The anchor is the live leaf; each step joins the parent by the unique
// node_id index. `UNION` (not `UNION ALL`) drops a row already produced, so a
// parent cycle ends the walk; LIMIT caps its length. Bodies are fetched by
// rowid afterwards, so the walk itself handles three short columns per node.
// This is the general walk; `loadActivePathNodes` tries the descending one first.
export const SELECT_ACTIVE_PATH = `
WITH RECURSIVE chain(seq, node_id, parent_node_id) AS (
  SELECT seq, node_id, parent_node_id FROM graph_nodes WHERE node_id = ? AND tombstoned = 0
  UNION
  SELECT g.seq, g.node_id, g.parent_node_id
    FROM chain JOIN graph_nodes g ON g.node_id = chain.parent_node_id
   WHERE g.tombstoned = 0
  LIMIT ?
)
SELECT g.node_id, g.parent_node_id, g.node_json FROM chain JOIN graph_nodes g ON g.seq = chain.seq`;

// The same walk restricted to steps towards a smaller `seq`. Nodes are stored
// parents first (an append names parents already written or earlier in the
// same batch), so on every ordinary graph this walk is the whole path. A
// strictly decreasing key cannot revisit a row, so it needs no `UNION`
// de-duplication (a temporary index of every row walked: a quarter of the
// query's time) and the rows carry only the body and the parent link.
const SELECT_DESCENDING_PATH = `
WITH RECURSIVE chain(seq, parent_node_id) AS (
  SELECT seq, parent_node_id FROM graph_nodes WHERE node_id = ? AND tombstoned = 0
  UNION ALL
  SELECT g.seq, g.parent_node_id
    FROM chain JOIN graph_nodes g ON g.node_id = chain.parent_node_id
   WHERE g.tombstoned = 0 AND g.seq < chain.seq
  LIMIT ?
)
SELECT g.node_json, chain.parent_node_id FROM chain JOIN graph_nodes g ON g.seq = chain.seq`;
const SELECT_LIVE_SEQ = 'SELECT seq FROM graph_nodes WHERE node_id = ? AND tombstoned = 0';

/** A node as its row: the id and parent columns and its JSON. */
export interface NodeRow {
  readonly node_id: string;
  readonly parent_node_id: string | null;
  readonly json: string;
}

/** Serialises nodes to rows (pure; a commit does it before taking the write lock). */
export function nodeRows(nodes: readonly SessionNodeRecord[]): NodeRow[] {
  return nodes.map((node) => ({ node_id: node.node_id, parent_node_id: node.parent_node_id ?? null, json: stringifyJsonRow(node) }));
}

/**
 * {@link nodeRows} for nodes a commit's check passed (`decodeNodes`: plain
 * JSON, bytes refused), so plain `JSON.stringify` writes them exactly and the
 * walk looking for bytes is skipped.
 */
export function checkedNodeRows(nodes: readonly SessionNodeRecord[]): NodeRow[] {
  return nodes.map((node) => ({ node_id: node.node_id, parent_node_id: node.parent_node_id ?? null, json: JSON.stringify(node) }));
}

/** Rows per multi-row node insert: three parameters each, under every engine's bound-parameter limit (100 on a Durable Object). */
const INSERT_NODES_BATCH = 32;
/** `INSERT_NODE` with `n` rows (index `n`), built on first use; the driver caches each text's statement. */
const insertNodesSql: string[] = [];

function insertNodesStatement(rows: number): string {
  return (insertNodesSql[rows] ??= `${INSERT_NODE.slice(0, INSERT_NODE.indexOf('VALUES'))}VALUES ${Array(rows).fill('(?, ?, ?)').join(', ')}`);
}

/**
 * Inserts rows in order, one statement per {@link INSERT_NODES_BATCH} rows (a
 * turn's append is one statement). A node id that exists (even tombstoned)
 * is refused and nothing is kept.
 */
export function insertNodeRows(conn: SqliteConnection, rows: readonly NodeRow[]): void {
  if (rows.length === 1) return insertNodeRow(conn, rows[0]!);
  for (let at = 0; at < rows.length; at += INSERT_NODES_BATCH) {
    const batch = rows.slice(at, at + INSERT_NODES_BATCH);
    const params: Array<string | null> = [];
    for (const row of batch) params.push(row.node_id, row.parent_node_id, row.json);
    try {
      conn.run(insertNodesStatement(batch.length), params);
    } catch (error) {
      if (!isConstraintError(error)) throw error;
      // The failed statement wrote nothing: insert its rows one by one to
      // name the first id that exists (the caller's transaction rolls back).
      for (const row of batch) insertNodeRow(conn, row);
      throw error;
    }
  }
}

function insertNodeRow(conn: SqliteConnection, row: NodeRow): void {
  try {
    conn.run(INSERT_NODE, [row.node_id, row.parent_node_id, row.json]);
  } catch (error) {
    if (isConstraintError(error)) {
      throw StoreError.backend(`session node \`${row.node_id}\` already exists: ${error.message}`, error);
    }
    throw error;
  }
}

/** Inserts nodes in order (see {@link insertNodeRows}). */
export function insertNodes(conn: SqliteConnection, nodes: readonly SessionNodeRecord[]): void {
  insertNodeRows(conn, nodeRows(nodes));
}

/** Deletes every row (tombstones included) and inserts `rows`. */
export function replaceAllNodeRows(conn: SqliteConnection, rows: readonly NodeRow[]): void {
  conn.run(DELETE_ALL);
  insertNodeRows(conn, rows);
}

/** Deletes every row (tombstones included) and inserts `nodes`. */
export function replaceAllNodes(conn: SqliteConnection, nodes: readonly SessionNodeRecord[]): void {
  replaceAllNodeRows(conn, nodeRows(nodes));
}

/** Counts live rows with a full scan; only used where no maintained count exists. */
export function countLiveNodes(conn: SqliteConnection): number {
  return conn.get<{ n: number }>(COUNT_LIVE)!.n;
}

/** Every live node in insertion order; rows that do not decode are skipped and logged. */
export function loadLiveNodes(conn: SqliteConnection, logger: Logger): SessionNodeRecord[] {
  const nodes: SessionNodeRecord[] = [];
  for (const row of conn.all<{ node_json: unknown }>(SELECT_LIVE)) {
    const node = parseNodeRow(row.node_json, logger);
    if (node !== null) nodes.push(node);
  }
  return nodes;
}

export function loadLiveNode(conn: SqliteConnection, logger: Logger, nodeId: string): SessionNodeRecord | null {
  const row = conn.get<{ node_json: unknown }>(SELECT_LIVE_NODE, [nodeId]);
  return row === undefined ? null : parseNodeRow(row.node_json, logger);
}

/**
 * The live ancestors of `leaf`, root first, read without touching the rest of
 * the graph. The walk stops at the first missing or tombstoned ancestor.
 * Rows that do not decode are skipped (the chain still continues, since it
 * follows the parent column).
 *
 * The descending walk answers almost every read; whenever its answer could
 * differ from the general walk's — an ancestor stored after its child, a row
 * that does not decode, rows out of order, the length cap — the general walk
 * is run instead, so the result is always the general walk's.
 */
export function loadActivePathNodes(conn: SqliteConnection, logger: Logger, leaf: string): SessionNodeRecord[] {
  return descendingPath(conn, leaf) ?? generalPath(conn, logger, leaf);
}

/**
 * The path from the descending walk, or `null` when it may not be the whole
 * answer. The rows are checked against the links: the first is the leaf, each
 * next one the parent the previous row names, and the last one's parent is
 * the root's `null` or no live row.
 */
function descendingPath(conn: SqliteConnection, leaf: string): SessionNodeRecord[] | null {
  const params = [leaf, MAX_ACTIVE_PATH_LENGTH];
  // Rows as [node_json, parent_node_id]: arrays where the engine builds them cheaper.
  const rows = conn.allValues?.(SELECT_DESCENDING_PATH, params) ?? conn.all<SqlRow>(SELECT_DESCENDING_PATH, params).map(descendingValues);
  const count = rows.length;
  if (count === 0 || count >= MAX_ACTIVE_PATH_LENGTH) return count === 0 ? [] : null;
  const top = rows[count - 1]![1];
  if (top !== null && conn.get(SELECT_LIVE_SEQ, [top]) !== undefined) return null;
  const nodes = new Array<SessionNodeRecord>(count);
  let expected: unknown = leaf;
  for (let i = 0; i < count; i++) {
    const row = rows[i]!;
    const node = decodeNodeJson(row[0]);
    if (node === null || node.node_id !== expected) return null;
    nodes[count - 1 - i] = node;
    expected = row[1];
  }
  return nodes;
}

function descendingValues(row: SqlRow): SqlValue[] {
  return [row.node_json ?? null, row.parent_node_id ?? null];
}

/** The general walk (any row order, parent cycles), its rows put in order from the links. */
function generalPath(conn: SqliteConnection, logger: Logger, leaf: string): SessionNodeRecord[] {
  const rows = conn.all<PathRow>(SELECT_ACTIVE_PATH, [leaf, MAX_ACTIVE_PATH_LENGTH]);
  if (rows.length === 0) return [];
  if (rows.length >= MAX_ACTIVE_PATH_LENGTH) {
    logger.warn('active path reached the length cap; older ancestors are left out', { leaf, cap: MAX_ACTIVE_PATH_LENGTH });
  }
  const chain = leafFirst(rows, leaf);
  const top = chain[chain.length - 1]!;
  if (top.parent_node_id !== null && chain.some((row) => row.node_id === top.parent_node_id)) {
    logger.warn('active path has a parent cycle; the walk stopped at the repeat', { leaf });
  }
  const nodes: SessionNodeRecord[] = [];
  for (let i = chain.length - 1; i >= 0; i--) {
    const node = parseNodeRow(chain[i]!.node_json, logger);
    if (node !== null) nodes.push(node);
  }
  return nodes;
}

interface PathRow {
  node_id: string;
  parent_node_id: string | null;
  node_json: unknown;
}

/**
 * The walked rows from the leaf up. SQL does not promise an output order;
 * SQLite emits the walk leaf first, so check that cheaply and rebuild the
 * chain from the links only when it does not hold.
 */
function leafFirst(rows: PathRow[], leaf: string): PathRow[] {
  if (rows[0]!.node_id === leaf && rows.every((row, i) => i === 0 || rows[i - 1]!.parent_node_id === row.node_id)) {
    return rows;
  }
  const byId = new Map<string, PathRow>();
  for (const row of rows) byId.set(row.node_id, row);
  const chain: PathRow[] = [];
  const seen = new Set<string>();
  let current = byId.get(leaf);
  while (current !== undefined && !seen.has(current.node_id)) {
    seen.add(current.node_id);
    chain.push(current);
    current = current.parent_node_id === null ? undefined : byId.get(current.parent_node_id);
  }
  return chain;
}

/** Marks live nodes as tombstoned; returns how many changed. Unknown ids are ignored. */
export function tombstoneNodeIds(conn: SqliteConnection, ids: readonly string[]): number {
  let changed = 0;
  for (const id of ids) changed += conn.run(TOMBSTONE, [id]).changes;
  return changed;
}

/** Deletes tombstoned rows; returns how many. */
export function deleteTombstoned(conn: SqliteConnection): number {
  return conn.run(VACUUM).changes;
}

function parseNodeRow(json: unknown, logger: Logger): SessionNodeRecord | null {
  try {
    if (typeof json !== 'string') throw new Error('node_json is not TEXT');
    return decodeNode(JSON.parse(json), 'node');
  } catch (error) {
    logger.warn('session node row does not decode; skipping it', { reason: messageOf(error) });
    return null;
  }
}

/** A row's node, or `null` when it does not decode (the general walk then reads and logs it). */
function decodeNodeJson(json: unknown): SessionNodeRecord | null {
  if (typeof json !== 'string') return null;
  try {
    return decodeNode(JSON.parse(json), 'node');
  } catch {
    return null;
  }
}
