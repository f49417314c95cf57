/**
 * The host-event records' schemas, one per record (the kit in
 * `core/shape.ts`), for what goes into and comes out of the host-event
 * tables. Input checks return a problem text (the store raises a
 * `PluginError` with it); row decoders reject anything that parses but has
 * the wrong shape, so a corrupt row is never returned as data (spec
 * decision 18).
 */
import { isJsonObject } from '../contract/json.ts';
import type {
  HostEventOccurrenceRecord,
  HostEventOccurrenceRequest,
  TriggerInputBinding,
  TriggerInputTemplate,
  TriggerProcessRef,
  TriggerSubscriptionDraft,
  TriggerSubscriptionFilter,
  TriggerSubscriptionRecord,
  TriggerTargetIdentity,
} from '../contract/host-events.ts';
import {
  expectBoolean,
  expectId,
  expectText,
  expectU64,
  fallback,
  object,
  omittable,
  optional,
  plainJson,
  record,
  shapeOf,
  shapeProblem,
  ShapeError,
  tagged,
  type Shape,
} from '../shape.ts';

const processRef = shapeOf<TriggerProcessRef>()(object({ component: expectText, pos: expectU64 }));

const inputTemplate = shapeOf<TriggerInputTemplate>()(
  record(shapeOf<TriggerInputBinding>()(tagged('kind', { event: {}, fixed: { value: plainJson() } }))),
);

/** The draft's fields: every field the store reads or filters on. */
const draftFields = {
  session_id: expectId,
  name: omittable(expectText),
  source_type: expectId,
  source_key: expectId,
  source: plainJson(),
  event_ty: plainJson(),
  module_ref: expectText,
  required_surface_ref: expectText,
  process_ref: processRef,
  process_name: expectText,
  input_template: inputTemplate,
};

const draft = shapeOf<TriggerSubscriptionDraft>()(object(draftFields));

const subscriptionRecord = shapeOf<TriggerSubscriptionRecord>()(
  object({
    subscription_id: expectId,
    handle: expectId,
    ...draftFields,
    enabled: fallback(expectBoolean, () => true), // serde default
    created_at_ms: expectU64,
    updated_at_ms: expectU64,
  }),
);

const target = shapeOf<TriggerTargetIdentity>()(
  object({ module_ref: expectText, required_surface_ref: expectText, process_ref: processRef, process_name: expectText }),
);

const filter = shapeOf<TriggerSubscriptionFilter>()(
  object({
    session_id: omittable(expectText),
    handle: omittable(expectText),
    name: omittable(expectText),
    source_type: omittable(expectText),
    source_key: omittable(expectText),
    target: omittable(target),
    enabled: omittable(expectBoolean),
  }),
);

const occurrenceRequest = shapeOf<HostEventOccurrenceRequest>()(
  object({
    source_type: expectId,
    source_key: expectId,
    payload: optional(plainJson()),
    idempotency_key: expectId,
    source: optional(plainJson()),
  }),
);

const occurrenceRecord = shapeOf<HostEventOccurrenceRecord>()(
  object({
    occurrence_id: expectId,
    source_type: expectId,
    source_key: expectId,
    payload: fallback(plainJson(), () => null), // serde default
    idempotency_key: expectId,
    source: omittable(plainJson()),
    occurred_at_ms: expectU64,
  }),
);

export function draftProblem(value: unknown): string | null {
  if (!isJsonObject(value)) return 'the draft must be an object';
  if (value.source === undefined) return 'source is required (use {} for none)';
  return shapeProblem(draft, value, '');
}

export function filterProblem(value: unknown): string | null {
  if (!isJsonObject(value)) return 'the filter must be an object';
  return shapeProblem(filter, value, '');
}

/**
 * The reference's three "requires" checks (non-empty after trim, same
 * wording) come first; then the request's schema (identifiers, plain JSON).
 */
export function occurrenceRequestProblem(request: unknown): string | null {
  if (!isJsonObject(request)) return 'host event occurrence request must be an object';
  for (const key of ['source_type', 'source_key', 'idempotency_key'] as const) {
    const value = request[key];
    if (typeof value !== 'string' || value.trim().length === 0) return `host event occurrence requires ${key}`;
  }
  const problem = shapeProblem(occurrenceRequest, request, '');
  return problem === null ? null : `invalid host event occurrence: ${problem}`;
}

/** Parses and checks a subscription row; returns the record or a problem text. */
export function decodeSubscriptionRecord(json: string): TriggerSubscriptionRecord | string {
  return decodeRow(subscriptionRecord, json);
}

/** Parses and checks an occurrence row; returns the record or a problem text. */
export function decodeOccurrenceRecord(json: string): HostEventOccurrenceRecord | string {
  return decodeRow(occurrenceRecord, json);
}

/** A copy of the draft's fields in record order, so records never carry stray keys. */
export function subscriptionRecordFrom(
  draft: TriggerSubscriptionDraft,
  seq: number,
  now: number,
): TriggerSubscriptionRecord {
  const record: TriggerSubscriptionRecord = {
    subscription_id: `subscription:${seq}`,
    session_id: draft.session_id,
    handle: `trigger:${seq}`,
    source_type: draft.source_type,
    source_key: draft.source_key,
    source: draft.source,
    event_ty: draft.event_ty,
    module_ref: draft.module_ref,
    required_surface_ref: draft.required_surface_ref,
    process_ref: { component: draft.process_ref.component, pos: draft.process_ref.pos },
    process_name: draft.process_name,
    input_template: draft.input_template,
    enabled: true,
    created_at_ms: now,
    updated_at_ms: now,
  };
  if (draft.name !== undefined) record.name = draft.name;
  return record;
}

/** The occurrence record of a checked request (`payload` defaults to `null`, `source` stays omitted when absent). */
export function occurrenceRecordFrom(
  request: HostEventOccurrenceRequest,
  occurrenceId: string,
  now: number,
): HostEventOccurrenceRecord {
  const record: HostEventOccurrenceRecord = {
    occurrence_id: occurrenceId,
    source_type: request.source_type,
    source_key: request.source_key,
    payload: request.payload ?? null,
    idempotency_key: request.idempotency_key,
    occurred_at_ms: now,
  };
  if (request.source !== undefined) record.source = request.source;
  return record;
}

/** The filter's fields that also exist as columns, in a fixed order. */
export const FILTER_COLUMNS: ReadonlyArray<readonly [keyof TriggerSubscriptionFilter, string]> = [
  ['session_id', 'session_id = ?'],
  ['handle', 'handle = ?'],
  ['name', "json_extract(record_json, '$.name') = ?"],
  ['source_type', 'source_type = ?'],
  ['source_key', 'source_key = ?'],
];

function decodeRow<T>(shape: Shape<T>, json: string): T | string {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return `invalid JSON (${(error as Error).message})`;
  }
  if (!isJsonObject(value)) return 'the row is not a JSON object';
  try {
    return shape(value, '');
  } catch (error) {
    if (error instanceof ShapeError) return error.message;
    throw error;
  }
}
