/**
 * Handle grants: which scopes (a session, optionally one agent frame) can
 * address a process. Every SQL statement on `process_handle_grants`.
 * Synchronous; callers run these inside their transactions.
 */
import type { SqliteConnection } from '../driver/types.ts';
import { PluginError } from '../contract/errors.ts';
import type { Logger } from '../logger.ts';
import { decodeDescriptor } from './decode.ts';
import { processScopeId } from './model.ts';
import { decodeRow, RECORD_TOUCHED_AT, type ProcessRows, type RecordRow } from './rows.ts';
import type {
  ProcessHandleDescriptor,
  ProcessHandleGrant,
  ProcessHandleGrantEntry,
  ProcessRecord,
  ProcessScope,
} from '../contract/process.ts';

const UPSERT = `INSERT INTO process_handle_grants (session_id, scope_id, process_id, descriptor_json)
  VALUES (?, ?, ?, ?)
  ON CONFLICT(scope_id, process_id) DO UPDATE SET
    session_id = excluded.session_id,
    descriptor_json = excluded.descriptor_json`;
const DELETE_ONE = 'DELETE FROM process_handle_grants WHERE scope_id = ? AND process_id = ?';
const SELECT_DESCRIPTOR = 'SELECT descriptor_json FROM process_handle_grants WHERE scope_id = ? AND process_id = ?';
const LIST_FOR_SCOPE = `SELECT g.process_id, g.descriptor_json, p.record_json, ${RECORD_TOUCHED_AT}
  FROM process_handle_grants g JOIN processes p ON p.process_id = g.process_id
  WHERE g.scope_id = ? ORDER BY g.process_id ASC`;
const LIST_LIVE_FOR_SCOPE = `SELECT g.process_id, g.descriptor_json, p.record_json, ${RECORD_TOUCHED_AT}
  FROM process_handle_grants g JOIN processes p ON p.process_id = g.process_id
  WHERE g.scope_id = ? AND p.status = 'running' ORDER BY g.process_id ASC`;
const HAS_GRANT = `SELECT 1 AS found FROM process_handle_grants g JOIN processes p ON p.process_id = g.process_id
  WHERE g.scope_id = ? AND g.process_id = ? LIMIT 1`;
const FOR_PROCESS = `SELECT session_id, descriptor_json FROM process_handle_grants
  WHERE process_id = ? ORDER BY session_id ASC, scope_id ASC`;
const FOR_SESSION = `SELECT g.process_id, p.record_json, ${RECORD_TOUCHED_AT}
  FROM process_handle_grants g JOIN processes p ON p.process_id = g.process_id
  WHERE g.session_id = ? ORDER BY g.process_id ASC`;
const DELETE_SESSION = 'DELETE FROM process_handle_grants WHERE session_id = ?';
const COUNT_FOR_PROCESS = 'SELECT COUNT(*) AS n FROM process_handle_grants WHERE process_id = ?';

export class HandleGrants {
  readonly #conn: SqliteConnection;
  readonly #rows: ProcessRows;
  readonly #logger: Logger;

  constructor(conn: SqliteConnection, rows: ProcessRows, logger: Logger) {
    this.#conn = conn;
    this.#rows = rows;
    this.#logger = logger;
  }

  /** Insert, or replace the session and descriptor of the existing grant. */
  upsert(owner: ProcessScope, processId: string, descriptor: ProcessHandleDescriptor): void {
    this.#upsertJson(owner, processId, JSON.stringify(descriptor));
  }

  #upsertJson(owner: ProcessScope, processId: string, descriptorJson: string): void {
    this.#conn.run(UPSERT, [owner.session_id, processScopeId(owner), processId, descriptorJson]);
  }

  revoke(owner: ProcessScope, processId: string): void {
    this.#conn.run(DELETE_ONE, [processScopeId(owner), processId]);
  }

  /** Moves one grant with its descriptor; a pid not granted to `from` is an error. */
  transfer(from: ProcessScope, to: ProcessScope, processId: string): void {
    const fromId = processScopeId(from);
    const row = this.#conn.get<{ descriptor_json: string }>(SELECT_DESCRIPTOR, [fromId, processId]);
    if (row === undefined) {
      throw PluginError.session(`process handle \`${processId}\` is not granted to session \`${from.session_id}\``);
    }
    this.#conn.run(DELETE_ONE, [fromId, processId]);
    this.#upsertJson(to, processId, row.descriptor_json);
  }

  /** Grants of exactly this scope, with their records, by process id. */
  listForScope(owner: ProcessScope, liveOnly: boolean): ProcessHandleGrantEntry[] {
    const rows = this.#conn.all<RecordRow & { process_id: string; descriptor_json: string }>(
      liveOnly ? LIST_LIVE_FOR_SCOPE : LIST_FOR_SCOPE,
      [processScopeId(owner)],
    );
    return rows.map((row) => [
      {
        session_id: owner.session_id,
        process_id: row.process_id,
        descriptor: this.#descriptor(row.descriptor_json, row.process_id),
      },
      this.#rows.decodeRecordRow(row, row.process_id),
    ]);
  }

  has(owner: ProcessScope, processId: string): boolean {
    return this.#conn.get(HAS_GRANT, [processScopeId(owner), processId]) !== undefined;
  }

  /** Every grant of a process across scopes; frame information is not part of a grant. */
  forProcess(processId: string): ProcessHandleGrant[] {
    return this.#conn
      .all<{ session_id: string; descriptor_json: string }>(FOR_PROCESS, [processId])
      .map((row) => ({
        session_id: row.session_id,
        process_id: processId,
        descriptor: this.#descriptor(row.descriptor_json, processId),
      }));
  }

  /** The grants of a session (all its frames) with their records, by process id. */
  forSession(sessionId: string): Array<[string, ProcessRecord]> {
    return this.#conn
      .all<RecordRow & { process_id: string }>(FOR_SESSION, [sessionId])
      .map((row) => [row.process_id, this.#rows.decodeRecordRow(row, row.process_id)]);
  }

  /** Deletes every grant of a session; returns the number of rows deleted. */
  deleteSession(sessionId: string): number {
    return this.#conn.run(DELETE_SESSION, [sessionId]).changes;
  }

  countForProcess(processId: string): number {
    return this.#conn.get<{ n: number }>(COUNT_FOR_PROCESS, [processId])!.n;
  }

  #descriptor(json: string, processId: string): ProcessHandleDescriptor {
    return decodeRow(this.#logger, json, { table: 'process_handle_grants', process_id: processId }, (value) =>
      decodeDescriptor(value),
    );
  }
}
