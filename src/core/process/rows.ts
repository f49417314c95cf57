/**
 * Process and event rows: every SQL statement on `processes`,
 * `process_events` and `process_wake_acks`, and the decoding of their JSON
 * columns. Synchronous; callers run these inside their transactions.
 *
 * A row that does not parse or has the wrong shape is corrupt: it is logged
 * and raised as `failed to decode process registry row: …`, never returned.
 */
import { stringifyJsonRow } from '../codec/json-bytes.ts';
import type { SqliteConnection } from '../driver/types.ts';
import { PluginError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { EpochMs, U64 } from '../model/json.ts';
import type { ReplayLookup } from './append.ts';
import { decodeEvent, decodeRecord, ShapeError } from './decode.ts';
import { ownerScopeId } from './model.ts';
import type { ProcessEvent, ProcessRecord } from './types.ts';

const SELECT_RECORD = 'SELECT record_json FROM processes WHERE process_id = ?';
const SELECT_EXISTS = 'SELECT 1 AS found FROM processes WHERE process_id = ?';
const INSERT_RECORD = `INSERT INTO processes
  (process_id, registration_hash, owner_scope_id, host_profile_id, created_at_ms, updated_at_ms, status, record_json)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;
const UPDATE_RECORD = 'UPDATE processes SET updated_at_ms = ?, status = ?, record_json = ? WHERE process_id = ?';
const SELECT_RUNNING = "SELECT process_id, record_json FROM processes WHERE status = 'running' ORDER BY process_id ASC";

const SELECT_BY_KEY = 'SELECT payload_hash, event_json FROM process_events WHERE process_id = ? AND idempotency_key = ?';
const SELECT_NEXT_SEQUENCE = 'SELECT COALESCE(MAX(sequence), 0) + 1 AS next FROM process_events WHERE process_id = ?';
const INSERT_EVENT = `INSERT INTO process_events
  (process_id, sequence, event_type, payload_hash, idempotency_key, occurred_at_ms, event_json)
  VALUES (?, ?, ?, ?, ?, ?, ?)`;
const SELECT_EVENTS_AFTER =
  'SELECT sequence, event_json FROM process_events WHERE process_id = ? AND sequence > ? ORDER BY sequence ASC';
const SELECT_FIRST_OF_TYPE_AFTER = `SELECT sequence, event_json FROM process_events
  WHERE process_id = ? AND sequence > ? AND event_type = ? ORDER BY sequence ASC LIMIT 1`;
const SELECT_ACKS = 'SELECT sequence FROM process_wake_acks WHERE process_id = ?';
const INSERT_ACK = 'INSERT OR IGNORE INTO process_wake_acks (process_id, sequence) VALUES (?, ?)';

type EventRow = { sequence: number; event_json: string };

export class ProcessRows {
  readonly #conn: SqliteConnection;
  readonly #logger: Logger;

  constructor(conn: SqliteConnection, logger: Logger) {
    this.#conn = conn;
    this.#logger = logger;
  }

  exists(processId: string): boolean {
    return this.#conn.get(SELECT_EXISTS, [processId]) !== undefined;
  }

  /** The record, `undefined` when there is none; a corrupt row throws (logged). */
  load(processId: string): ProcessRecord | undefined {
    const row = this.#conn.get<{ record_json: string }>(SELECT_RECORD, [processId]);
    return row && this.decodeRecord(row.record_json, processId);
  }

  /** Like {@link load}, but an unknown process is an error. */
  require(processId: string): ProcessRecord {
    const record = this.load(processId);
    if (record === undefined) throw unknownProcess(processId);
    return record;
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
      stringifyJsonRow(record),
    ]);
  }

  /** Rewrites the mutable columns (`updated_at_ms`, `status`, `record_json`). */
  save(record: ProcessRecord): void {
    this.#conn.run(UPDATE_RECORD, [record.updated_at_ms, record.status.state, stringifyJsonRow(record), record.id]);
  }

  listRunning(): ProcessRecord[] {
    return this.#conn
      .all<{ process_id: string; record_json: string }>(SELECT_RUNNING)
      .map((row) => this.decodeRecord(row.record_json, row.process_id));
  }

  eventByKey(processId: string, key: string): ReplayLookup | undefined {
    const row = this.#conn.get<{ payload_hash: string; event_json: string }>(SELECT_BY_KEY, [processId, key]);
    if (row === undefined) return undefined;
    return { payload_hash: row.payload_hash, event: this.#decodeEvent(row.event_json, processId) };
  }

  nextSequence(processId: string): U64 {
    return this.#conn.get<{ next: number }>(SELECT_NEXT_SEQUENCE, [processId])!.next;
  }

  insertEvent(event: ProcessEvent, payloadHash: string, occurredAtMs: EpochMs): void {
    this.#conn.run(INSERT_EVENT, [
      event.process_id,
      event.sequence,
      event.event_type,
      payloadHash,
      event.invocation.replay?.key ?? null,
      occurredAtMs,
      stringifyJsonRow(event),
    ]);
  }

  eventsAfter(processId: string, afterSequence: U64): ProcessEvent[] {
    return this.#conn
      .all<EventRow>(SELECT_EVENTS_AFTER, [processId, afterSequence])
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

  decodeRecord(json: string, processId: string): ProcessRecord {
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
