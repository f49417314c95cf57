/**
 * Process and event rows: every SQL statement on `processes`,
 * `process_events` and `process_wake_acks`, and the decoding of their JSON
 * columns. Synchronous; callers run these inside their transactions.
 *
 * A row that does not parse or has the wrong shape is corrupt: it is logged
 * and raised as `failed to decode process registry row: …`, never returned.
 *
 * Rows are written with plain `JSON.stringify`: every value in them is plain
 * JSON (inputs are checked by `jsonValueProblem`, which refuses bytes), and the
 * byte-aware replacer of `stringifyJsonRow` costs a tenth of an append.
 */
import type { SqliteConnection } from '../driver/types.ts';
import { PluginError } from '../contract/errors.ts';
import type { Logger } from '../logger.ts';
import type { EpochMs, U64 } from '../contract/json.ts';
import type { ReplayLookup } from './append.ts';
import { decodeEvent, decodeRecord, ShapeError } from './decode.ts';
import { ownerScopeId } from './model.ts';
import type { ProcessEvent, ProcessRecord } from '../contract/process.ts';

/**
 * `updated_at_ms` moved by appends made since the record was written: the
 * time of the newest event above `record_event_sequence`, or NULL. Use with
 * `processes` aliased `p`.
 */
export const RECORD_TOUCHED_AT = `(SELECT e.occurred_at_ms FROM process_events e
  WHERE e.process_id = p.process_id AND e.sequence > p.record_event_sequence
  ORDER BY e.sequence DESC LIMIT 1) AS touched_at_ms`;

/** A process row as the record readers select it. */
export interface RecordRow {
  record_json: string;
  touched_at_ms: number | null;
}

const SELECT_RECORD = `SELECT p.record_json, ${RECORD_TOUCHED_AT} FROM processes p WHERE p.process_id = ?`;
const SELECT_EXISTS = 'SELECT 1 AS found FROM processes WHERE process_id = ?';
const INSERT_RECORD = `INSERT INTO processes
  (process_id, registration_hash, owner_scope_id, host_profile_id, created_at_ms, updated_at_ms, status, record_json)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;
// Plain `?` only, each value bound once per use: node:sqlite 22.13.0 refuses a
// numbered parameter used twice (`?1 … ?1`: "column index out of range").
const UPDATE_RECORD = `UPDATE processes SET updated_at_ms = ?, status = ?, record_json = ?,
  record_event_sequence = (SELECT COALESCE(MAX(sequence), 0) FROM process_events WHERE process_id = ?)
  WHERE process_id = ?`;
/** The one read of an append: the registration and status the cached record is checked against, and the next sequence. */
export const SELECT_APPEND_HEAD = `SELECT registration_hash, status,
  (SELECT COALESCE(MAX(sequence), 0) + 1 FROM process_events WHERE process_id = ?) AS next
  FROM processes WHERE process_id = ?`;
/** Records parsed on the append path, so a hot process is not re-read and re-decoded on every append. */
const RECORD_CACHE_LIMIT = 64;
const SELECT_RUNNING = `SELECT p.process_id, p.record_json, ${RECORD_TOUCHED_AT}
  FROM processes p WHERE p.status = 'running' ORDER BY p.process_id ASC`;

const SELECT_BY_KEY = 'SELECT payload_hash, event_json FROM process_events WHERE process_id = ? AND idempotency_key = ?';
const INSERT_EVENT = `INSERT INTO process_events
  (process_id, sequence, event_type, payload_hash, idempotency_key, occurred_at_ms, event_json)
  VALUES (?, ?, ?, ?, ?, ?, ?)`;
const SELECT_EVENTS_AFTER =
  'SELECT sequence, event_json FROM process_events WHERE process_id = ? AND sequence > ? ORDER BY sequence ASC LIMIT ?';
const SELECT_FIRST_OF_TYPE_AFTER = `SELECT sequence, event_json FROM process_events
  WHERE process_id = ? AND sequence > ? AND event_type = ? ORDER BY sequence ASC LIMIT 1`;
const SELECT_ACKS = 'SELECT sequence FROM process_wake_acks WHERE process_id = ?';
const INSERT_ACK = 'INSERT OR IGNORE INTO process_wake_acks (process_id, sequence) VALUES (?, ?)';

type EventRow = { sequence: number; event_json: string };

export class ProcessRows {
  readonly #conn: SqliteConnection;
  readonly #logger: Logger;
  readonly #recordCache = new Map<string, ProcessRecord>();

  constructor(conn: SqliteConnection, logger: Logger) {
    this.#conn = conn;
    this.#logger = logger;
  }

  exists(processId: string): boolean {
    return this.#conn.get(SELECT_EXISTS, [processId]) !== undefined;
  }

  /** The record, `undefined` when there is none; a corrupt row throws (logged). */
  load(processId: string): ProcessRecord | undefined {
    const row = this.#conn.get<RecordRow>(SELECT_RECORD, [processId]);
    return row && this.decodeRecordRow(row, processId);
  }

  /** Like {@link load}, but an unknown process is an error. */
  require(processId: string): ProcessRecord {
    const record = this.load(processId);
    if (record === undefined) throw unknownProcess(processId);
    return record;
  }

  /**
   * What an append needs: the record's registration (event types,
   * provenance), whether it is terminal, and the next sequence.
   *
   * A registration never changes under its id (a different one is a hash
   * conflict) and the status only moves to terminal, so a cached record whose
   * hash and status match the row is current for these purposes, and the
   * common append reads two short columns instead of the whole record. The
   * record may be shared with the cache and its `external_ref` and
   * `updated_at_ms` may be stale: treat it as read-only and re-read it before
   * writing it back.
   */
  loadForAppend(processId: string): { record: ProcessRecord; next: U64 } {
    const head = this.#conn.get<{ registration_hash: string; status: string; next: number }>(SELECT_APPEND_HEAD, [
      processId,
      processId,
    ]);
    if (head === undefined) throw unknownProcess(processId);
    const cached = this.#recordCache.get(processId);
    if (cached?.registration_hash === head.registration_hash && cached.status.state === head.status) {
      return { record: cached, next: head.next };
    }
    const record = this.require(processId);
    this.#remember(record);
    return { record, next: head.next };
  }

  #remember(record: ProcessRecord): void {
    this.#recordCache.delete(record.id);
    if (this.#recordCache.size >= RECORD_CACHE_LIMIT) {
      this.#recordCache.delete(this.#recordCache.keys().next().value as string);
    }
    this.#recordCache.set(record.id, record);
  }

  /** Drops the parsed-record cache (`close()`). */
  clearCache(): void {
    this.#recordCache.clear();
  }

  insert(record: ProcessRecord): void {
    this.#conn.run(INSERT_RECORD, [
      record.id,
      record.registration_hash,
      ownerScopeId(record),
      record.provenance.host_profile_id,
      record.created_at_ms,
      record.updated_at_ms,
      record.status.state,
      JSON.stringify(record),
    ]);
  }

  /**
   * Rewrites the mutable columns (`updated_at_ms`, `status`, `record_json`)
   * and marks the record as reflecting every event written so far.
   */
  save(record: ProcessRecord): void {
    const json = JSON.stringify(record);
    this.#conn.run(UPDATE_RECORD, [record.updated_at_ms, record.status.state, json, record.id, record.id]);
    // The cache keeps its own copy: `record` goes back to the caller, who may mutate it.
    this.#remember(JSON.parse(json) as ProcessRecord);
  }

  listRunning(): ProcessRecord[] {
    return this.#conn
      .all<RecordRow & { process_id: string }>(SELECT_RUNNING)
      .map((row) => this.decodeRecordRow(row, row.process_id));
  }

  eventByKey(processId: string, key: string): ReplayLookup | undefined {
    const row = this.#conn.get<{ payload_hash: string; event_json: string }>(SELECT_BY_KEY, [processId, key]);
    if (row === undefined) return undefined;
    return { payload_hash: row.payload_hash, event: this.#decodeEvent(row.event_json, processId) };
  }

  insertEvent(event: ProcessEvent, payloadHash: string, occurredAtMs: EpochMs): void {
    this.#conn.run(INSERT_EVENT, [
      event.process_id,
      event.sequence,
      event.event_type,
      payloadHash,
      event.invocation.replay?.key ?? null,
      occurredAtMs,
      JSON.stringify(event),
    ]);
  }

  /** At most `limit` events after `afterSequence`, in order. */
  eventsAfter(processId: string, afterSequence: U64, limit: number): ProcessEvent[] {
    return this.#conn
      .all<EventRow>(SELECT_EVENTS_AFTER, [processId, afterSequence, limit])
      .map((row) => this.#decodeEvent(row.event_json, processId, row.sequence));
  }

  /** The lowest-sequence event of `eventType` after `afterSequence`. */
  firstOfTypeAfter(processId: string, eventType: string, afterSequence: U64): ProcessEvent | undefined {
    const row = this.#conn.get<EventRow>(SELECT_FIRST_OF_TYPE_AFTER, [processId, afterSequence, eventType]);
    return row && this.#decodeEvent(row.event_json, processId, row.sequence);
  }

  ackedSequences(processId: string): Set<U64> {
    return new Set(this.#conn.all<{ sequence: number }>(SELECT_ACKS, [processId]).map((row) => row.sequence));
  }

  ack(processId: string, sequence: U64): void {
    this.#conn.run(INSERT_ACK, [processId, sequence]);
  }

  /** A record row, with `updated_at_ms` moved by the appends made since it was written. */
  decodeRecordRow(row: RecordRow, processId: string): ProcessRecord {
    const record = this.#decodeRecord(row.record_json, processId);
    if (row.touched_at_ms !== null) record.updated_at_ms = row.touched_at_ms;
    return record;
  }

  #decodeRecord(json: string, processId: string): ProcessRecord {
    return this.#decode(json, { table: 'processes', process_id: processId }, (value) => {
      const record = decodeRecord(value);
      if (record.id !== processId) throw new ShapeError(`record.id: expected ${JSON.stringify(processId)}`);
      return record;
    });
  }

  /** An event row; its JSON must belong to the row's process (and sequence, when known). */
  #decodeEvent(json: string, processId: string, sequence?: number): ProcessEvent {
    return this.#decode(json, { table: 'process_events', process_id: processId, sequence }, (value) => {
      const event = decodeEvent(value);
      if (event.process_id !== processId || (sequence !== undefined && event.sequence !== sequence)) {
        throw new ShapeError('event: process_id or sequence does not match its row');
      }
      return event;
    });
  }

  #decode<T>(json: string, where: Record<string, unknown>, decoder: (value: unknown) => T): T {
    return decodeRow(this.#logger, json, where, decoder);
  }
}

/**
 * Parses and decodes a JSON column. A corrupt value is logged and raised as
 * `failed to decode process registry row: …`, never returned as data.
 */
export function decodeRow<T>(logger: Logger, json: string, where: Record<string, unknown>, decoder: (value: unknown) => T): T {
  try {
    return decoder(JSON.parse(json));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.warn('corrupt process registry row', { ...where, error: message });
    throw PluginError.session(`failed to decode process registry row: ${message}`, error);
  }
}

export function unknownProcess(processId: string): PluginError {
  return PluginError.session(`unknown process \`${processId}\``);
}
