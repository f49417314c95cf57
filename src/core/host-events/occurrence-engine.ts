/**
 * Occurrences and deliveries: record once per idempotency key, reserve matching deliveries (re-offering expired ones), mark started, reclaim expired reservations.
 */
import { stringifyJsonRow } from '../codec/json-bytes.ts';
import { PluginError } from '../contract/errors.ts';
import { identifierProblem, readEpochMs, saturatingAdd } from '../validation.ts';
import {
  deterministicDeliveryProcessId,
  deterministicOccurrenceId,
  hostEventOccurrenceRequestHash,
} from './keys.ts';
import {
  occurrenceRecordFrom,
  occurrenceRequestProblem,
} from './records.ts';
import type {
  HostEventOccurrenceRecord,
  HostEventOccurrenceRequest,
  TriggerDeliveryReservation,
} from '../contract/host-events.ts';
import type { HostEventContext } from './context.ts';
import { HOST_EVENT_SQL } from './rows.ts';

export class OccurrenceEngine {
  readonly #ctx: HostEventContext;

  constructor(ctx: HostEventContext) {
    this.#ctx = ctx;
  }

  /**
   * Records an occurrence once per idempotency key (global across sources).
   * A replay with the same request returns the stored record, original
   * `occurred_at_ms` included; a different request under the key is refused.
   */
  async recordOccurrence(request: HostEventOccurrenceRequest): Promise<HostEventOccurrenceRecord> {
    const problem = occurrenceRequestProblem(request);
    if (problem !== null) throw PluginError.invalidInput(problem);
    this.#ctx.ops.ensureOpen();
    const requestHash = hostEventOccurrenceRequestHash(request, this.#ctx.codecs);
    const occurrenceId = deterministicOccurrenceId(request, this.#ctx.codecs);
    return this.#ctx.ops.write(() => {
      const existing = this.#ctx.conn.get<{ request_hash: string; record_json: string }>(HOST_EVENT_SQL.occurrenceByKey, [
        request.idempotency_key,
      ]);
      if (existing !== undefined) {
        if (existing.request_hash !== requestHash) {
          throw PluginError.session(`host event occurrence idempotency conflict for \`${request.idempotency_key}\``);
        }
        return this.#ctx.rows.occurrence(existing.record_json);
      }
      const record = occurrenceRecordFrom(request, occurrenceId, readEpochMs(this.#ctx.clock));
      this.#ctx.conn.run(HOST_EVENT_SQL.insertOccurrence, [
        record.occurrence_id,
        record.idempotency_key,
        requestHash,
        record.source_type,
        record.source_key,
        record.occurred_at_ms,
        stringifyJsonRow(record),
      ]);
      return record;
    });
  }

  /**
   * Reserves one delivery per enabled subscription matching the occurrence's
   * source, returning only what this call reserved: a second call returns
   * `[]`. A reservation never marked started is offered again once its
   * reservation time has passed, so a crash between reserving and starting
   * the delivery process does not lose the delivery.
   */
  async reserveMatchingDeliveries(occurrenceId: string): Promise<TriggerDeliveryReservation[]> {
    const problem = identifierProblem(occurrenceId, 'occurrence_id');
    if (problem !== null) throw PluginError.invalidInput(`invalid host event occurrence id: ${problem}`);
    return this.#ctx.ops.write(() => {
      const now = readEpochMs(this.#ctx.clock);
      const until = saturatingAdd(now, this.#ctx.reservationTtlMs);
      const occurrence = this.#ctx.rows.loadOccurrence(occurrenceId);
      const reservations: TriggerDeliveryReservation[] = [];
      const rows = this.#ctx.conn.all<{ record_json: string }>(HOST_EVENT_SQL.matchingSubscriptions, [
        occurrence.source_type,
        occurrence.source_key,
      ]);
      for (const row of rows) {
        const subscription = this.#ctx.rows.subscription(row.record_json);
        const processId = deterministicDeliveryProcessId(occurrence.occurrence_id, subscription.subscription_id, this.#ctx.codecs);
        const ids = [occurrence.occurrence_id, subscription.subscription_id] as const;
        if (this.#ctx.conn.run(HOST_EVENT_SQL.insertDelivery, [...ids, processId, now, until]).changes === 1) {
          reservations.push({ occurrence, subscription, process_id: processId });
          continue;
        }
        const released = this.#ctx.conn.get<{ process_id: string }>(HOST_EVENT_SQL.releaseExpired, [until, ...ids, now]);
        if (released !== undefined) reservations.push({ occurrence, subscription, process_id: released.process_id });
      }
      return reservations;
    });
  }

  /**
   * Marks a reserved delivery as started, so it is never offered again.
   * Returns false when it was already marked; an unknown delivery is an error.
   */
  async markDeliveryStarted(occurrenceId: string, subscriptionId: string): Promise<boolean> {
    const problem = identifierProblem(occurrenceId, 'occurrence_id') ?? identifierProblem(subscriptionId, 'subscription_id');
    if (problem !== null) throw PluginError.invalidInput(`invalid host event delivery: ${problem}`);
    return this.#ctx.ops.write(() => {
      if (this.#ctx.conn.run(HOST_EVENT_SQL.markStarted, [readEpochMs(this.#ctx.clock), occurrenceId, subscriptionId]).changes === 1) return true;
      if (this.#ctx.conn.get(HOST_EVENT_SQL.deliveryExists, [occurrenceId, subscriptionId]) !== undefined) return false;
      throw PluginError.session(`unknown host event delivery \`${occurrenceId}\` for subscription \`${subscriptionId}\``);
    });
  }

  /**
   * Every reservation, across occurrences, that was never marked started and
   * whose reservation time has passed (enabled subscriptions only), reserved
   * again for the caller: a recovery sweep for a router that crashed after
   * reserving. Oldest first.
   */
  async reclaimExpiredReservations(): Promise<TriggerDeliveryReservation[]> {
    return this.#ctx.ops.write(() => {
      const now = readEpochMs(this.#ctx.clock);
      const until = saturatingAdd(now, this.#ctx.reservationTtlMs);
      const expired = this.#ctx.conn.all<{ occurrence_id: string; subscription_id: string }>(HOST_EVENT_SQL.expiredDeliveries, [now]);
      return expired.map(({ occurrence_id, subscription_id }) => {
        const { process_id } = this.#ctx.conn.get<{ process_id: string }>(HOST_EVENT_SQL.releaseExpired, [
          until,
          occurrence_id,
          subscription_id,
          now,
        ])!;
        const subscription = this.#ctx.rows.subscription(
          this.#ctx.conn.get<{ record_json: string }>(HOST_EVENT_SQL.subscriptionById, [subscription_id])!.record_json,
        );
        return { occurrence: this.#ctx.rows.loadOccurrence(occurrence_id), subscription, process_id };
      });
    });
  }
}
