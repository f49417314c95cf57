/**
 * Trigger subscriptions: register (a never-reused sequence), list, cancel, and the default source key.
 */
import { stringifyJsonRow } from '../codec/json-bytes.ts';
import type { SqlParam } from '../driver/types.ts';
import { PluginError } from '../contract/errors.ts';
import type { JsonValue } from '../contract/json.ts';
import { identifierProblem, jsonValueProblem, readEpochMs } from '../validation.ts';
import { subscriptionMatches } from './filter.ts';
import { defaultHostEventSourceKey } from './keys.ts';
import {
  FILTER_COLUMNS,
  draftProblem,
  filterProblem,
  subscriptionRecordFrom,
} from './records.ts';
import type {
  TriggerSubscriptionDraft,
  TriggerSubscriptionFilter,
  TriggerSubscriptionRecord,
} from '../contract/host-events.ts';
import type { HostEventContext } from './context.ts';
import { HOST_EVENT_SQL } from './rows.ts';

export class SubscriptionEngine {
  readonly #ctx: HostEventContext;

  constructor(ctx: HostEventContext) {
    this.#ctx = ctx;
  }

  async sourceKeyForSubscription(sourceType: string, source: JsonValue): Promise<string> {
    const problem = identifierProblem(sourceType, 'source_type') ?? jsonValueProblem(source, 'source');
    if (problem !== null) throw PluginError.invalidInput(`invalid host event source: ${problem}`);
    this.#ctx.ops.ensureOpen();
    return defaultHostEventSourceKey(sourceType, source, this.#ctx.codecs);
  }

  /** Allocates `trigger:{n}` / `subscription:{n}` from a never-reused sequence. No dedupe. */
  async registerSubscription(draft: TriggerSubscriptionDraft): Promise<TriggerSubscriptionRecord> {
    const problem = draftProblem(draft);
    if (problem !== null) throw PluginError.invalidInput(`invalid trigger subscription draft: ${problem}`);
    return this.#ctx.ops.write(() => {
      const now = readEpochMs(this.#ctx.clock);
      const { id } = this.#ctx.conn.get<{ id: number }>(HOST_EVENT_SQL.nextSeq)!;
      const record = subscriptionRecordFrom(draft, id, now);
      this.#ctx.conn.run(HOST_EVENT_SQL.insertSubscription, [
        record.subscription_id,
        record.session_id,
        record.handle,
        record.source_type,
        record.source_key,
        1,
        now,
        now,
        stringifyJsonRow(record),
      ]);
      return record;
    });
  }

  /** Ordered by `session_id`, then `handle` (lexicographic: `trigger:10` < `trigger:2`). */
  async listSubscriptions(filter: TriggerSubscriptionFilter): Promise<TriggerSubscriptionRecord[]> {
    const problem = filterProblem(filter);
    if (problem !== null) throw PluginError.invalidInput(`invalid trigger subscription filter: ${problem}`);
    const where: string[] = [];
    const params: SqlParam[] = [];
    for (const [field, condition] of FILTER_COLUMNS) {
      const value = filter[field];
      if (value === undefined) continue;
      where.push(condition);
      params.push(value as string);
    }
    if (filter.enabled !== undefined) {
      where.push('enabled = ?');
      params.push(filter.enabled ? 1 : 0);
    }
    const sql = `SELECT record_json FROM host_event_trigger_subscriptions${
      where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''
    } ORDER BY session_id ASC, handle ASC`;
    // One statement: it sees one snapshot without a transaction of its own.
    return this.#ctx.ops.attempt(() =>
      this.#ctx.conn
        .all<{ record_json: string }>(sql, params)
        .map((row) => this.#ctx.rows.subscription(row.record_json))
        .filter((record) => subscriptionMatches(filter, record)),
    );
  }

  /** Scoped by session and handle; true only when this call disabled an enabled subscription. */
  async cancelSubscription(sessionId: string, handle: string): Promise<boolean> {
    const problem = identifierProblem(sessionId, 'session_id', { allowEmpty: true }) ?? identifierProblem(handle, 'handle', { allowEmpty: true });
    if (problem !== null) throw PluginError.invalidInput(`invalid subscription handle: ${problem}`);
    return this.#ctx.ops.write(() => {
      const row = this.#ctx.conn.get<{ record_json: string }>(HOST_EVENT_SQL.subscriptionByHandle, [sessionId, handle]);
      if (row === undefined) return false;
      const record = this.#ctx.rows.subscription(row.record_json);
      const wasEnabled = record.enabled;
      record.enabled = false;
      record.updated_at_ms = readEpochMs(this.#ctx.clock);
      this.#ctx.conn.run(HOST_EVENT_SQL.updateSubscription, [0, record.updated_at_ms, stringifyJsonRow(record), sessionId, handle]);
      return wasEnabled;
    });
  }
}
