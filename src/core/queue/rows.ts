/**
 * The queued-work rows: every SELECT of `queued_work_batches` /
 * `queued_work_items`, and turning rows into `QueuedWorkBatch`es.
 *
 * "Unclaimed" is `claim_token IS NULL OR claim_expires_at_ms <= now`: a claim
 * whose expiry is now or earlier counts as expired (a TTL of 0 is reclaimable
 * at once; the conformance suite relies on it).
 */
import type { SqliteConnection } from '../driver/types.ts';
import { StoreError } from '../contract/errors.ts';
import type { Logger } from '../logger.ts';
import { decodeMergeKey, decodePayload, parseDeliveryPolicy, parseSlotPolicy } from './codec.ts';
import type { QueuedWorkBatch, QueuedWorkItem } from '../contract/queue.ts';

/** A `queued_work_batches` row as selected by {@link BATCH_COLUMNS}. */
export interface BatchRow {
  enqueue_seq: number;
  batch_id: string;
  session_id: string;
  source_key: string | null;
  delivery_policy: string;
  slot_policy: string;
  merge_key_json: string;
  available_at_ms: number;
  enqueued_at_ms: number;
  claim_fencing_token: number;
}

export type BatchPolicies = Pick<QueuedWorkBatch, 'delivery_policy' | 'slot_policy' | 'merge_key'>;

interface ItemRow {
  batch_id: string;
  item_id: string;
  payload_json: string;
}

const BATCH_COLUMNS =
  'enqueue_seq, batch_id, session_id, source_key, delivery_policy, slot_policy, merge_key_json, available_at_ms, enqueued_at_ms, claim_fencing_token';
const UNCLAIMED = '(claim_token IS NULL OR claim_expires_at_ms <= ?)';

/**
 * The ready batches of a session, head first.
 *
 * `idx_queued_work_ready` is `(session_id, enqueue_seq, available_at_ms)`, so
 * SQLite walks the session's batches in queue order and stops after `limit`
 * ready ones; availability is checked from the index, the claim columns from
 * the row. `EXPLAIN QUERY PLAN`:
 *
 * ```
 * SEARCH queued_work_batches USING INDEX idx_queued_work_ready (session_id=?)
 * ```
 *
 * No `USE TEMP B-TREE FOR ORDER BY`: a claim costs the same with 10 or 10,000
 * ready batches. (The reference's `(session_id, available_at_ms,
 * enqueue_seq)` needs a sort of every available batch on each claim.) What a
 * claim does pay for is the not-ready batches queued *before* the first ready
 * one, which it steps over.
 */
export const SELECT_READY = readySql('?');

/**
 * A claim's limit is written into the statement, not bound: SQLite plans a
 * `LIMIT ?` query again on every run (about 15 µs, several times the query
 * itself), a literal limit once. Limits up to {@link LITERAL_LIMITS} get a
 * statement each (so the statement cache holds a few); larger ones bind.
 */
const LITERAL_LIMITS = 64;
const readyByLimit: string[] = [];

function readySql(limit: string): string {
  return `SELECT ${BATCH_COLUMNS} FROM queued_work_batches
  WHERE session_id = ? AND available_at_ms <= ? AND ${UNCLAIMED}
  ORDER BY enqueue_seq LIMIT ${limit}`;
}

/** The ready-batch query for `limit` (a checked non-negative integer): literal up to 64, else bound. */
export function selectReadySql(limit: number): string {
  if (limit > LITERAL_LIMITS) return SELECT_READY;
  return (readyByLimit[limit] ??= readySql(String(limit)));
}
const SELECT_BY_SOURCE_KEY = `SELECT ${BATCH_COLUMNS} FROM queued_work_batches WHERE session_id = ? AND source_key = ?`;
const SELECT_UNCLAIMED_BY_ID = `SELECT ${BATCH_COLUMNS} FROM queued_work_batches
  WHERE session_id = ? AND batch_id = ? AND ${UNCLAIMED}`;
const SELECT_SESSION_PAGE = `SELECT ${BATCH_COLUMNS} FROM queued_work_batches
  WHERE session_id = ? AND enqueue_seq > ? ORDER BY enqueue_seq LIMIT ?`;
const SELECT_SESSION_PENDING_PAGE = `SELECT ${BATCH_COLUMNS} FROM queued_work_batches
  WHERE session_id = ? AND enqueue_seq > ? AND ${UNCLAIMED} ORDER BY enqueue_seq LIMIT ?`;
const SELECT_ITEMS = 'SELECT batch_id, item_id, payload_json FROM queued_work_items WHERE batch_id = ? ORDER BY item_index';
/** The items of a session's batches in an `enqueue_seq` range (one page of a list). */
export const SELECT_SESSION_ITEMS = `SELECT i.batch_id, i.item_id, i.payload_json
  FROM queued_work_items i JOIN queued_work_batches b ON b.batch_id = i.batch_id
  WHERE b.session_id = ? AND b.enqueue_seq >= ? AND b.enqueue_seq <= ? ORDER BY b.enqueue_seq, i.item_index`;
const DELETE_ITEMS = 'DELETE FROM queued_work_items WHERE batch_id = ?';
export const SELECT_HELD = 'SELECT batch_id FROM queued_work_batches WHERE session_id = ? AND claim_id = ? AND claim_token = ?';

export function selectReadyRows(conn: SqliteConnection, sessionId: string, now: number, limit: number): BatchRow[] {
  const sql = selectReadySql(limit);
  return conn.all<BatchRow>(sql, sql === SELECT_READY ? [sessionId, now, now, limit] : [sessionId, now, now]);
}

export function selectRowBySourceKey(conn: SqliteConnection, sessionId: string, sourceKey: string): BatchRow | undefined {
  return conn.get<BatchRow>(SELECT_BY_SOURCE_KEY, [sessionId, sourceKey]);
}

export function selectUnclaimedRow(
  conn: SqliteConnection,
  sessionId: string,
  batchId: string,
  now: number,
): BatchRow | undefined {
  return conn.get<BatchRow>(SELECT_UNCLAIMED_BY_ID, [sessionId, batchId, now]);
}

/** One page of the session's batches after `afterSeq`, or only the unclaimed ones when `now` is given. */
export function selectSessionRows(
  conn: SqliteConnection,
  sessionId: string,
  page: { readonly afterSeq: number; readonly limit: number },
  now?: number,
): BatchRow[] {
  return now === undefined
    ? conn.all<BatchRow>(SELECT_SESSION_PAGE, [sessionId, page.afterSeq, page.limit])
    : conn.all<BatchRow>(SELECT_SESSION_PENDING_PAGE, [sessionId, page.afterSeq, now, page.limit]);
}

/**
 * Deletes a batch's items. Called before the batch row is deleted: the
 * schema declares `ON DELETE CASCADE`, but the core does not rely on a
 * driver having foreign keys enabled.
 */
export function deleteBatchItems(conn: SqliteConnection, batchId: string): void {
  conn.run(DELETE_ITEMS, [batchId]);
}

/** The batch ids a claim still holds: same session, claim id and lease token. */
export function selectHeldBatchIds(
  conn: SqliteConnection,
  sessionId: string,
  claimId: string,
  leaseToken: string,
): string[] {
  return conn.all<{ batch_id: string }>(SELECT_HELD, [sessionId, claimId, leaseToken]).map((row) => row.batch_id);
}

/**
 * True when `held` and `listed` name exactly the same batches, each once.
 * Claims are checked by membership, not by count (spec hazard 4).
 */
export function holdsExactly(held: readonly string[], listed: readonly string[]): boolean {
  const wanted = new Set(listed);
  if (wanted.size !== listed.length || held.length !== wanted.size) return false;
  return held.every((batchId) => wanted.has(batchId));
}

/** Reads rows into batches; corrupt rows are logged and raised as `Backend`. */
export class BatchReader {
  readonly #conn: SqliteConnection;
  readonly #logger: Logger;

  constructor(conn: SqliteConnection, logger: Logger) {
    this.#conn = conn;
    this.#logger = logger;
  }

  /** One batch with its items (one item query). */
  batch(row: BatchRow): QueuedWorkBatch {
    return this.#decode(row, () => this.#conn.all<ItemRow>(SELECT_ITEMS, [row.batch_id]));
  }

  /** Every batch of `rows` (one page of one session, in queue order) with one item query for all of them. */
  sessionBatches(sessionId: string, rows: readonly BatchRow[]): QueuedWorkBatch[] {
    if (rows.length === 0) return [];
    const items = new Map<string, ItemRow[]>();
    const range = [sessionId, rows[0]!.enqueue_seq, rows[rows.length - 1]!.enqueue_seq];
    for (const item of this.#conn.all<ItemRow>(SELECT_SESSION_ITEMS, range)) {
      const list = items.get(item.batch_id);
      if (list === undefined) items.set(item.batch_id, [item]);
      else list.push(item);
    }
    return rows.map((row) => this.#decode(row, () => items.get(row.batch_id) ?? []));
  }

  /** The policies of a row, without loading its items (claim selection). */
  policies(row: BatchRow): BatchPolicies {
    return this.#logged(row, () => ({
      delivery_policy: parseDeliveryPolicy(row.delivery_policy),
      slot_policy: parseSlotPolicy(row.slot_policy),
      merge_key: decodeMergeKey(textColumn(row.merge_key_json, 'merge_key_json')),
    }));
  }

  #decode(row: BatchRow, itemRows: () => ItemRow[]): QueuedWorkBatch {
    return this.#logged(row, () => batchFromRow(row, itemRows().map(itemFromRow)));
  }

  #logged<T>(row: BatchRow, decode: () => T): T {
    try {
      return decode();
    } catch (error) {
      this.#logger.warn('corrupt queued-work row', { batch_id: row.batch_id, error: String(error) });
      throw error;
    }
  }
}

export function batchFromRow(row: BatchRow, items: QueuedWorkItem[]): QueuedWorkBatch {
  return {
    batch_id: row.batch_id,
    session_id: row.session_id,
    enqueue_seq: row.enqueue_seq,
    ...(row.source_key === null ? {} : { source_key: textColumn(row.source_key, 'source_key') }),
    delivery_policy: parseDeliveryPolicy(row.delivery_policy),
    slot_policy: parseSlotPolicy(row.slot_policy),
    merge_key: decodeMergeKey(textColumn(row.merge_key_json, 'merge_key_json')),
    available_at_ms: integerColumn(row.available_at_ms, 'available_at_ms'),
    enqueued_at_ms: integerColumn(row.enqueued_at_ms, 'enqueued_at_ms'),
    items,
  };
}

function itemFromRow(row: ItemRow): QueuedWorkItem {
  return {
    item_id: textColumn(row.item_id, 'item_id'),
    payload: decodePayload(textColumn(row.payload_json, 'payload_json')),
  };
}

function textColumn(value: unknown, column: string): string {
  if (typeof value !== 'string') throw StoreError.backend(`corrupt queued-work row: ${column} is not text`);
  return value;
}

export function integerColumn(value: unknown, column: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw StoreError.backend(`corrupt queued-work row: ${column} is not a non-negative integer`);
  }
  return value;
}
