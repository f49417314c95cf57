/**
 * Every SQL statement the command-line tool runs to read a store's tables:
 * the counts and listings `inspect` shows and the raw rows `verify` decodes
 * with the components' own decoders. The components' public read methods are
 * used wherever they give what is needed (head, graph, checkpoints, usage,
 * processes, grants); these reads cover what no method exposes — counts,
 * claim columns, tombstoned rows, undecoded JSON — all plain SELECTs, safe
 * on a read-only connection.
 */
import type { SqlParam, SqliteConnection } from '../../core/driver/types.ts';

// ---- the file ----------------------------------------------------------------

export interface FilePragmas {
  readonly page_size: number;
  readonly page_count: number;
  readonly freelist_count: number;
}

export function readFilePragmas(conn: SqliteConnection): FilePragmas {
  const one = <T>(pragma: string): T => Object.values(conn.get<Record<string, T>>(`PRAGMA ${pragma}`) ?? {})[0] as T;
  return {
    page_size: one<number>('page_size'),
    page_count: one<number>('page_count'),
    freelist_count: one<number>('freelist_count'),
  };
}

/** `PRAGMA integrity_check`: the lines other than `ok`. */
export function integrityProblems(conn: SqliteConnection): string[] {
  return conn
    .all<Record<string, unknown>>('PRAGMA integrity_check')
    .map((row) => String(Object.values(row)[0]))
    .filter((line) => line !== 'ok');
}

export interface ForeignKeyViolation {
  readonly table: string;
  readonly rowid: number | null;
  readonly parent: string;
}

export function foreignKeyViolations(conn: SqliteConnection): ForeignKeyViolation[] {
  return conn.all<ForeignKeyViolation>('PRAGMA foreign_key_check');
}

export function tableNames(conn: SqliteConnection): Set<string> {
  return new Set(
    conn.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").map((row) => row.name),
  );
}

/** Every row of the version table (components this build does not know included). */
export function schemaVersionRows(conn: SqliteConnection): Array<{ component: unknown; version: unknown }> {
  if (!tableNames(conn).has('lash_schema_versions')) return [];
  return conn.all('SELECT component, version FROM lash_schema_versions ORDER BY component');
}

/**
 * The rows of a paged SELECT, `limit` at a time, so long scans bound their
 * memory and can report progress. `sql` selects `rowid AS _rowid, …` and ends
 * with `WHERE rowid > ? ORDER BY rowid LIMIT ?`.
 */
function* pagedRows<T extends object>(
  conn: SqliteConnection,
  sql: string,
  params: readonly SqlParam[] = [],
  limit = 256,
): Generator<T> {
  let after = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const page = conn.all<T & { _rowid: number }>(sql, [...params, after, limit]);
    for (const row of page) yield row;
    if (page.length < limit) return;
    after = page[page.length - 1]!._rowid;
  }
}

/** Every row of `table` (its `columns`, plus `_rowid`), a page at a time. `table` and `columns` are constants of this module. */
function scan<T extends object>(conn: SqliteConnection, table: string, columns: string, limit?: number): Iterable<T> {
  return pagedRows<T>(conn, `SELECT rowid AS _rowid, ${columns} FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT ?`, [], limit);
}

export function countRows(conn: SqliteConnection, table: TableName): number {
  return conn.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)!.n;
}

/** The tables `countRows` may count (never a caller's string). */
export type TableName =
  | 'blobs'
  | 'runtime_turn_commits'
  | 'artifact_refs'
  | 'usage_deltas'
  | 'queued_work_items'
  | 'process_events'
  | 'host_event_occurrences'
  | 'runtime_effect_replay'
  | 'processes'
  | 'graph_nodes';

// ---- session -------------------------------------------------------------------

export function nodeCounts(conn: SqliteConnection): { live: number; tombstoned: number } {
  const row = conn.get<{ live: number | null; tombstoned: number | null }>(
    'SELECT sum(tombstoned = 0) AS live, sum(tombstoned <> 0) AS tombstoned FROM graph_nodes',
  )!;
  return { live: row.live ?? 0, tombstoned: row.tombstoned ?? 0 };
}

export interface NodeRowRaw {
  readonly _rowid: number;
  readonly seq: number;
  readonly node_id: unknown;
  readonly parent_node_id: unknown;
  readonly node_json: unknown;
  readonly tombstoned: unknown;
}

/** Every graph row, tombstoned ones too, in insertion order. */
export function nodeRows(conn: SqliteConnection): Iterable<NodeRowRaw> {
  return scan(conn, 'graph_nodes', 'seq, node_id, parent_node_id, node_json, tombstoned');
}

/** Total JSON bytes of the tombstoned rows (what `vacuum` deletes). */
export function tombstonedBytes(conn: SqliteConnection): number {
  return conn.get<{ n: number | null }>('SELECT sum(length(node_json)) AS n FROM graph_nodes WHERE tombstoned <> 0')!.n ?? 0;
}

export function sessionMetaRow(conn: SqliteConnection): { session_id: unknown; relation_json: unknown } | undefined {
  return conn.get('SELECT session_id, relation_json FROM session_meta WHERE singleton = 1');
}

export interface BlobRow {
  readonly _rowid: number;
  readonly hash: unknown;
  readonly content: unknown;
}

/** Every blob with its stored bytes, a page at a time. */
export function blobRows(conn: SqliteConnection): Iterable<BlobRow> {
  return scan(conn, 'blobs', 'hash, content', 64);
}

export function blobStoredBytes(conn: SqliteConnection, hash: string): number | null {
  return conn.get<{ n: number }>('SELECT length(content) AS n FROM blobs WHERE hash = ?', [hash])?.n ?? null;
}

export function blobTotals(conn: SqliteConnection): { count: number; bytes: number } {
  const row = conn.get<{ count: number; bytes: number | null }>('SELECT count(*) AS count, sum(length(content)) AS bytes FROM blobs')!;
  return { count: row.count, bytes: row.bytes ?? 0 };
}

export function blobHashes(conn: SqliteConnection): Map<string, number> {
  return new Map(
    conn.all<{ hash: string; n: number }>('SELECT hash, length(content) AS n FROM blobs ORDER BY hash').map((row) => [row.hash, row.n]),
  );
}

export interface ArtifactRefRow {
  readonly artifact_ref: unknown;
  readonly blob_ref: unknown;
}

export function artifactRefRows(conn: SqliteConnection): ArtifactRefRow[] {
  return conn.all('SELECT artifact_ref, blob_ref FROM artifact_refs ORDER BY artifact_ref');
}

export interface TurnCommitRow {
  readonly _rowid: number;
  readonly session_id: unknown;
  readonly turn_id: unknown;
  readonly result_json: unknown;
}

export function turnCommitRows(conn: SqliteConnection): Iterable<TurnCommitRow> {
  return scan(conn, 'runtime_turn_commits', 'session_id, turn_id, result_json');
}

export interface UsageRowRaw {
  readonly _rowid: number;
  readonly seq: unknown;
  readonly input_tokens: unknown;
  readonly output_tokens: unknown;
  readonly cached_input_tokens: unknown;
  readonly reasoning_tokens: unknown;
}

export function usageRows(conn: SqliteConnection): Iterable<UsageRowRaw> {
  return scan(conn, 'usage_deltas', 'seq, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens');
}

export function attachmentCounts(conn: SqliteConnection): { total: number; uncommitted: number } {
  const row = conn.get<{ total: number; uncommitted: number | null }>(
    'SELECT count(*) AS total, sum(committed_at_ms IS NULL) AS uncommitted FROM attachment_manifest',
  )!;
  return { total: row.total, uncommitted: row.uncommitted ?? 0 };
}

// ---- queued work ---------------------------------------------------------------

export interface BatchListing {
  readonly batch_id: string;
  readonly session_id: string;
  readonly enqueue_seq: number;
  readonly source_key: string | null;
  readonly available_at_ms: number;
  readonly claim_id: string | null;
  readonly claim_owner_id: string | null;
  readonly claim_expires_at_ms: number;
  readonly item_count: number;
}

/** Every batch with its claim columns (no public method exposes owners and expiries). */
export function batchListing(conn: SqliteConnection): BatchListing[] {
  return conn.all(
    `SELECT b.batch_id, b.session_id, b.enqueue_seq, b.source_key, b.available_at_ms,
            b.claim_id, b.claim_owner_id, b.claim_expires_at_ms,
            (SELECT count(*) FROM queued_work_items i WHERE i.batch_id = b.batch_id) AS item_count
       FROM queued_work_batches b ORDER BY b.enqueue_seq`,
  );
}

export interface BatchRowRaw {
  readonly _rowid: number;
  readonly batch_id: unknown;
  readonly session_id: unknown;
  readonly delivery_policy: unknown;
  readonly slot_policy: unknown;
  readonly merge_key_json: unknown;
}

export function batchRows(conn: SqliteConnection): Iterable<BatchRowRaw> {
  return scan(conn, 'queued_work_batches', 'batch_id, session_id, delivery_policy, slot_policy, merge_key_json');
}

export interface ItemRowRaw {
  readonly _rowid: number;
  readonly batch_id: unknown;
  readonly item_id: unknown;
  readonly payload_json: unknown;
}

export function itemRows(conn: SqliteConnection): Iterable<ItemRowRaw> {
  return scan(conn, 'queued_work_items', 'batch_id, item_id, payload_json');
}

// ---- process registry ----------------------------------------------------------

export interface ProcessListing {
  readonly process_id: string;
  readonly status: string;
  readonly created_at_ms: number;
  readonly event_count: number;
}

export function processListing(conn: SqliteConnection): ProcessListing[] {
  return conn.all(
    `SELECT p.process_id, p.status, p.created_at_ms,
            (SELECT count(*) FROM process_events e WHERE e.process_id = p.process_id) AS event_count
       FROM processes p ORDER BY p.created_at_ms, p.process_id`,
  );
}

export interface EventListing {
  readonly sequence: number;
  readonly event_type: string;
  readonly occurred_at_ms: number;
}

/** The last `limit` events of a process, newest first. */
export function lastEvents(conn: SqliteConnection, processId: string, limit: number): EventListing[] {
  return conn.all(
    'SELECT sequence, event_type, occurred_at_ms FROM process_events WHERE process_id = ? ORDER BY sequence DESC LIMIT ?',
    [processId, limit],
  );
}

export interface ProcessRowRaw {
  readonly _rowid: number;
  readonly process_id: unknown;
  readonly status: unknown;
  readonly record_json: unknown;
}

export function processRows(conn: SqliteConnection): Iterable<ProcessRowRaw> {
  return scan(conn, 'processes', 'process_id, status, record_json');
}

export interface EventRowRaw {
  readonly _rowid: number;
  readonly process_id: unknown;
  readonly sequence: unknown;
  readonly event_json: unknown;
}

export function eventRows(conn: SqliteConnection): Iterable<EventRowRaw> {
  return scan(conn, 'process_events', 'process_id, sequence, event_json');
}

export interface GrantRowRaw {
  readonly _rowid: number;
  readonly session_id: unknown;
  readonly scope_id: unknown;
  readonly process_id: unknown;
  readonly descriptor_json: unknown;
  /** 1 when `processes` has the granted process. */
  readonly known: number;
}

export function grantRows(conn: SqliteConnection): Iterable<GrantRowRaw> {
  return scan(
    conn,
    'process_handle_grants g',
    'g.session_id, g.scope_id, g.process_id, g.descriptor_json, EXISTS (SELECT 1 FROM processes p WHERE p.process_id = g.process_id) AS known',
  );
}

// ---- effects -------------------------------------------------------------------

export function effectStatusCounts(conn: SqliteConnection): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of conn.all<{ status: string; n: number }>(
    'SELECT status, count(*) AS n FROM runtime_effect_replay GROUP BY status ORDER BY status',
  )) {
    counts[row.status] = row.n;
  }
  return counts;
}

export function effectScopeCount(conn: SqliteConnection): number {
  return conn.get<{ n: number }>('SELECT count(DISTINCT scope_id) AS n FROM runtime_effect_replay')!.n;
}

export interface EffectRowRaw {
  readonly _rowid: number;
  readonly scope_id: unknown;
  readonly replay_key: unknown;
  readonly status: unknown;
  readonly outcome_json: unknown;
  readonly error_json: unknown;
}

export function effectRows(conn: SqliteConnection): Iterable<EffectRowRaw> {
  return scan(conn, 'runtime_effect_replay', 'scope_id, replay_key, status, outcome_json, error_json');
}

// ---- host events ---------------------------------------------------------------

export interface SubscriptionListing {
  readonly subscription_id: string;
  readonly session_id: string;
  readonly handle: string;
  readonly source_type: string;
  readonly source_key: string;
  readonly enabled: number;
}

export function subscriptionListing(conn: SqliteConnection): SubscriptionListing[] {
  return conn.all(
    `SELECT subscription_id, session_id, handle, source_type, source_key, enabled
       FROM host_event_trigger_subscriptions ORDER BY session_id, handle`,
  );
}

export function deliveryCounts(conn: SqliteConnection): { pending: number; started: number } {
  const row = conn.get<{ pending: number | null; started: number | null }>(
    'SELECT sum(started_at_ms IS NULL) AS pending, sum(started_at_ms IS NOT NULL) AS started FROM host_event_deliveries',
  )!;
  return { pending: row.pending ?? 0, started: row.started ?? 0 };
}

export interface RecordJsonRow {
  readonly _rowid: number;
  readonly id: unknown;
  readonly record_json: unknown;
}

export function subscriptionRows(conn: SqliteConnection): Iterable<RecordJsonRow> {
  return scan(conn, 'host_event_trigger_subscriptions', 'subscription_id AS id, record_json');
}

export function occurrenceRows(conn: SqliteConnection): Iterable<RecordJsonRow> {
  return scan(conn, 'host_event_occurrences', 'occurrence_id AS id, record_json');
}
