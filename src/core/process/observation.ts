/**
 * The observation read model (`observation.rs`): what a UI shows of the
 * processes visible to a session, built only from registry reads.
 */
import { isJsonObject, type JsonValue, type U64 } from '../contract/json.ts';
import { processScope } from './model.ts';
import { eventOccurredAtMs } from './time.ts';
import type {
  ProcessEvent,
  ProcessExternalRef,
  ProcessHandleDescriptor,
  ProcessId,
  ProcessInput,
  ProcessLifecycleStatus,
  ProcessRecord,
  ProcessRegistry,
} from '../contract/process.ts';

export interface ObservedProcess {
  process_id: ProcessId;
  graph_key: string;
  lifecycle: ProcessLifecycleStatus;
  status_label: string;
  terminal: boolean;
  error?: string;
  created_at_ms: U64;
  updated_at_ms: U64;
  input: ProcessInput;
  external_ref?: ProcessExternalRef;
  child_session_id?: string;
  label: string;
}

export interface ObservedProcessEvent {
  sequence: U64;
  event_type: string;
  occurred_at_ms: U64;
  payload: JsonValue;
}

export interface ObservedWorkItem {
  process: ObservedProcess;
  descriptor: ProcessHandleDescriptor;
  events: ObservedProcessEvent[];
  kind: string;
  label: string;
}

export interface ProcessWorkSnapshot {
  session_id: string;
  visible_process_ids: ProcessId[];
  items: ObservedWorkItem[];
}

/**
 * The processes granted to `session:{sessionId}` with their events, newest
 * first (`updated_at_ms` desc, then `created_at_ms` desc, then id).
 */
export async function snapshotForSession(registry: ProcessRegistry, sessionId: string): Promise<ProcessWorkSnapshot> {
  const entries = await registry.listHandleGrants(processScope(sessionId));
  const items: ObservedWorkItem[] = [];
  for (const [grant, record] of entries) {
    const events = (await registry.eventsAfter(record.id, 0)).map(observeEvent);
    const process = observeProcess(record);
    const kind = grant.descriptor.kind ?? stableKind(record.input);
    const label = typedLabel(record.input) ?? grant.descriptor.label ?? kind;
    items.push({ process, descriptor: grant.descriptor, events, kind, label });
  }
  items.sort(
    (a, b) =>
      b.process.updated_at_ms - a.process.updated_at_ms ||
      b.process.created_at_ms - a.process.created_at_ms ||
      (a.process.process_id < b.process.process_id ? -1 : a.process.process_id > b.process.process_id ? 1 : 0),
  );
  return { session_id: sessionId, visible_process_ids: items.map((item) => item.process.process_id), items };
}

export function observeProcess(record: ProcessRecord): ObservedProcess {
  const lifecycle = record.status.state;
  const observed: ObservedProcess = {
    process_id: record.id,
    graph_key: `process:${record.id}`,
    lifecycle,
    status_label: lifecycle,
    terminal: lifecycle !== 'running',
    created_at_ms: record.created_at_ms,
    updated_at_ms: record.updated_at_ms,
    input: record.input,
    label: typedLabel(record.input) ?? stableKind(record.input),
  };
  if (record.status.state !== 'running' && record.status.await_output.type !== 'success') {
    observed.error = record.status.await_output.message;
  }
  if (record.external_ref !== undefined) observed.external_ref = record.external_ref;
  const child = childSessionId(record.input);
  if (child !== undefined) observed.child_session_id = child;
  return observed;
}

export function observeEvent(event: ProcessEvent): ObservedProcessEvent {
  return {
    sequence: event.sequence,
    event_type: event.event_type,
    occurred_at_ms: eventOccurredAtMs(event),
    payload: event.payload,
  };
}

function stableKind(input: ProcessInput): string {
  switch (input.type) {
    case 'tool_call':
      return 'tool';
    case 'lashlang_process':
      return 'lashlang';
    case 'session_turn':
      return 'session_turn';
    case 'external':
      return 'external';
  }
}

function typedLabel(input: ProcessInput): string | undefined {
  switch (input.type) {
    case 'tool_call':
      return input.call.tool_name;
    case 'lashlang_process':
      return input.process_name;
    case 'session_turn': {
      const request = input.create_request;
      const subagent = field(request, 'subagent');
      return stringField(subagent, 'capability') ?? stringField(request, 'usage_source') ?? stringField(request, 'session_id');
    }
    case 'external': {
      const { metadata } = input;
      // The first of label/name/title that is present decides, as in the reference.
      const first = ['label', 'name', 'title'].map((key) => field(metadata, key)).find((value) => value !== undefined);
      return typeof first === 'string' ? first : undefined;
    }
  }
}

function childSessionId(input: ProcessInput): string | undefined {
  return input.type === 'session_turn' ? stringField(input.create_request, 'session_id') : undefined;
}

function field(value: JsonValue | undefined, key: string): JsonValue | undefined {
  return isJsonObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

function stringField(value: JsonValue | undefined, key: string): string | undefined {
  const found = field(value, key);
  return typeof found === 'string' ? found : undefined;
}
