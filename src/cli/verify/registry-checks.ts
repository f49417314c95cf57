/**
 * `verify` for the process registry, host events and effect replay: every
 * JSON column decodes with the component's decoder, records agree with the
 * columns kept for filtering, and grants name processes the registry holds.
 * (Events, wake acks, leases and deliveries pointing at missing parents are
 * found by `PRAGMA foreign_key_check` in `verify.ts`.)
 */
import type { SqliteConnection } from '../../core/driver/types.ts';
import { decodeOccurrenceRecord, decodeSubscriptionRecord } from '../../core/host-events/records.ts';
import { decodeEvent as decodeProcessEvent, decodeDescriptor as decodeProcessHandleDescriptor, decodeRecord as decodeProcessRecord } from '../../core/process/decode.ts';
import * as read from '../read/store-tables.ts';
import { parseJsonColumn, type Findings } from './findings.ts';

export function verifyProcesses(conn: SqliteConnection, findings: Findings): void {
  const C = 'process';
  for (const row of read.processRows(conn)) {
    findings.count('processes');
    findings.attempt(C, `processes ${String(row.process_id)}`, () => {
      const record = decodeProcessRecord(parseJsonColumn(row.record_json, 'record_json'));
      if (record.id !== row.process_id) throw new Error(`record_json is of process \`${record.id}\``);
      if (record.status.state !== row.status) {
        throw new Error(`status column says \`${String(row.status)}\` but the record says \`${record.status.state}\``);
      }
    });
  }
  for (const row of read.eventRows(conn)) {
    findings.count('process_events');
    findings.attempt(C, `process_events ${String(row.process_id)}#${String(row.sequence)}`, () => {
      decodeProcessEvent(parseJsonColumn(row.event_json, 'event_json'));
    });
  }
  for (const row of read.grantRows(conn)) {
    findings.count('process_handle_grants');
    const where = `process_handle_grants ${String(row.scope_id)} → ${String(row.process_id)}`;
    if (row.known !== 1) {
      findings.problem(C, where, `grants process \`${String(row.process_id)}\` (session \`${String(row.session_id)}\`), which the registry does not hold`);
    }
    findings.attempt(C, where, () => {
      decodeProcessHandleDescriptor(parseJsonColumn(row.descriptor_json, 'descriptor_json'));
    });
  }
}

export function verifyHostEvents(conn: SqliteConnection, findings: Findings): void {
  const C = 'host_events';
  const check = (table: string, rows: Iterable<read.RecordJsonRow>, decode: (json: string) => unknown) => {
    for (const row of rows) {
      findings.count(table);
      findings.attempt(C, `${table} ${String(row.id)}`, () => {
        if (typeof row.record_json !== 'string') throw new Error('record_json is not TEXT');
        const decoded = decode(row.record_json);
        if (typeof decoded === 'string') throw new Error(decoded);
      });
    }
  };
  check('host_event_trigger_subscriptions', read.subscriptionRows(conn), decodeSubscriptionRecord);
  check('host_event_occurrences', read.occurrenceRows(conn), decodeOccurrenceRecord);
}

const EFFECT_STATUSES = new Set(['in_progress', 'completed', 'failed']);

/** The effect journal's rows as `executeEffect` will replay them (`src/core/effects/journal.ts`). */
export function verifyEffects(conn: SqliteConnection, findings: Findings): void {
  for (const row of read.effectRows(conn)) {
    findings.count('runtime_effect_replay');
    findings.attempt('effects', `runtime_effect_replay ${String(row.scope_id)}/${String(row.replay_key)}`, () => {
      if (typeof row.status !== 'string' || !EFFECT_STATUSES.has(row.status)) throw new Error(`unknown status \`${String(row.status)}\``);
      if (row.status === 'completed') {
        const outcome = parseJsonColumn(row.outcome_json, 'outcome_json') as { type?: unknown } | null;
        if (typeof outcome !== 'object' || outcome === null || typeof outcome.type !== 'string') {
          throw new Error('outcome_json is not an outcome object tagged with its `type`');
        }
      }
      if (row.status === 'failed') {
        const error = parseJsonColumn(row.error_json, 'error_json') as { code?: unknown; message?: unknown } | null;
        if (typeof error !== 'object' || error === null || typeof error.code !== 'string' || typeof error.message !== 'string') {
          throw new Error('error_json is not an error object {code, message}');
        }
      }
    });
  }
}
