/**
 * Shape checks for what goes into and comes out of the host-event tables.
 * Input checks return a problem text (the store raises a `PluginError` with
 * it); row decoders reject anything that parses but has the wrong shape, so
 * a corrupt row is never returned as data (spec decision 18).
 */
import { isJsonObject } from '../contract/json.ts';
import { identifierProblem, jsonValueProblem, u64Problem } from '../validation.ts';
import type {
  HostEventOccurrenceRecord,
  HostEventOccurrenceRequest,
  TriggerSubscriptionDraft,
  TriggerSubscriptionFilter,
  TriggerSubscriptionRecord,
} from '../contract/host-events.ts';

/** Problems shared by drafts and records: every field the store reads or filters on. */
function subscriptionBodyProblem(value: Record<string, unknown>): string | null {
  return (
    identifierProblem(value.session_id, 'session_id') ??
    optionalStringProblem(value.name, 'name') ??
    identifierProblem(value.source_type, 'source_type') ??
    identifierProblem(value.source_key, 'source_key') ??
    jsonValueProblem(value.source, 'source') ??
    (value.event_ty === undefined ? 'event_ty is required' : jsonValueProblem(value.event_ty, 'event_ty')) ??
    identifierProblem(value.module_ref, 'module_ref', { allowEmpty: true }) ??
    identifierProblem(value.required_surface_ref, 'required_surface_ref', { allowEmpty: true }) ??
    processRefProblem(value.process_ref) ??
    identifierProblem(value.process_name, 'process_name', { allowEmpty: true }) ??
    inputTemplateProblem(value.input_template)
  );
}

export function draftProblem(draft: unknown): string | null {
  if (!isJsonObject(draft)) return 'the draft must be an object';
  if (draft.source === undefined) return 'source is required (use {} for none)';
  return subscriptionBodyProblem(draft);
}

export function filterProblem(filter: unknown): string | null {
  if (!isJsonObject(filter)) return 'the filter must be an object';
  for (const key of ['session_id', 'handle', 'name', 'source_type', 'source_key'] as const) {
    const problem = optionalStringProblem(filter[key], key);
    if (problem !== null) return problem;
  }
  if (filter.enabled !== undefined && typeof filter.enabled !== 'boolean') return 'enabled must be a boolean';
  if (filter.target !== undefined) {
    const target = filter.target;
    if (!isJsonObject(target)) return 'target must be an object';
    return (
      identifierProblem(target.module_ref, 'target.module_ref', { allowEmpty: true }) ??
      identifierProblem(target.required_surface_ref, 'target.required_surface_ref', { allowEmpty: true }) ??
      processRefProblem(target.process_ref) ??
      identifierProblem(target.process_name, 'target.process_name', { allowEmpty: true })
    );
  }
  return null;
}

/**
 * The reference's three "requires" checks (non-empty after trim, same
 * wording) come first; then identifier well-formedness and plain JSON.
 */
export function occurrenceRequestProblem(request: unknown): string | null {
  if (!isJsonObject(request)) return 'host event occurrence request must be an object';
  for (const key of ['source_type', 'source_key', 'idempotency_key'] as const) {
    const value = request[key];
    if (typeof value !== 'string' || value.trim().length === 0) return `host event occurrence requires ${key}`;
    const problem = identifierProblem(value, key);
    if (problem !== null) return `invalid host event occurrence: ${problem}`;
  }
  const problem = jsonValueProblem(request.payload ?? null, 'payload') ?? jsonValueProblem(request.source ?? null, 'source');
  return problem === null ? null : `invalid host event occurrence: ${problem}`;
}

/** Parses and checks a subscription row; returns the record or a problem text. */
export function decodeSubscriptionRecord(json: string): TriggerSubscriptionRecord | string {
  const value = parseObject(json);
  if (typeof value === 'string') return value;
  if (value.enabled === undefined) value.enabled = true; // serde default
  const problem =
    identifierProblem(value.subscription_id, 'subscription_id') ??
    identifierProblem(value.handle, 'handle') ??
    subscriptionBodyProblem(value) ??
    (typeof value.enabled === 'boolean' ? null : 'enabled must be a boolean') ??
    u64Problem(value.created_at_ms, 'created_at_ms') ??
    u64Problem(value.updated_at_ms, 'updated_at_ms');
  return problem ?? (value as unknown as TriggerSubscriptionRecord);
}

/** Parses and checks an occurrence row; returns the record or a problem text. */
export function decodeOccurrenceRecord(json: string): HostEventOccurrenceRecord | string {
  const value = parseObject(json);
  if (typeof value === 'string') return value;
  if (value.payload === undefined) value.payload = null; // serde default
  const problem =
    identifierProblem(value.occurrence_id, 'occurrence_id') ??
    identifierProblem(value.source_type, 'source_type') ??
    identifierProblem(value.source_key, 'source_key') ??
    identifierProblem(value.idempotency_key, 'idempotency_key') ??
    jsonValueProblem(value.payload, 'payload') ??
    (value.source === undefined ? null : jsonValueProblem(value.source, 'source')) ??
    u64Problem(value.occurred_at_ms, 'occurred_at_ms');
  return problem ?? (value as unknown as HostEventOccurrenceRecord);
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

function parseObject(json: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return `invalid JSON (${(error as Error).message})`;
  }
  return isJsonObject(value) ? (value as Record<string, unknown>) : 'the row is not a JSON object';
}

function optionalStringProblem(value: unknown, what: string): string | null {
  return value === undefined ? null : identifierProblem(value, what, { allowEmpty: true });
}

function processRefProblem(value: unknown): string | null {
  if (!isJsonObject(value)) return 'process_ref must be an object {component, pos}';
  return identifierProblem(value.component, 'process_ref.component', { allowEmpty: true }) ?? u64Problem(value.pos, 'process_ref.pos');
}

function inputTemplateProblem(value: unknown): string | null {
  if (!isJsonObject(value)) return 'input_template must be an object';
  for (const [param, binding] of Object.entries(value)) {
    if (!isJsonObject(binding)) return `input_template.${param} must be an object`;
    if (binding.kind === 'event') continue;
    if (binding.kind !== 'fixed') return `input_template.${param}.kind must be 'event' or 'fixed'`;
    if (binding.value === undefined) return `input_template.${param}.value is required for a fixed binding`;
    const problem = jsonValueProblem(binding.value, `input_template.${param}.value`);
    if (problem !== null) return problem;
  }
  return null;
}
