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

/** A process as a UI shows it. */
export interface ObservedProcess {
  /** The process id. */
  process_id: ProcessId;
  /** Its key in the UI's graph (`process:{id}`). */
  graph_key: string;
  /** Its lifecycle state. */
  lifecycle: ProcessLifecycleStatus;
  /** The state as a label. */
  status_label: string;
  /** Whether it has ended. */
  terminal: boolean;
  /** The failure or cancellation message, if any. */
  error?: string;
  /** When it was registered (epoch ms). */
  created_at_ms: U64;
  /** When it last changed (epoch ms). */
  updated_at_ms: U64;
  /** What it runs. */
  input: ProcessInput;
  /** Where an external backend tracks it, if set. */
  external_ref?: ProcessExternalRef;
  /** The child session it runs, if any. */
  child_session_id?: string;
  /** A display label. */
  label: string;
}

/** A process event as a UI shows it. */
export interface ObservedProcessEvent {
  /** The event's sequence. */
  sequence: U64;
  /** The event's type. */
  event_type: string;
  /** When it occurred (epoch ms). */
  occurred_at_ms: U64;
  /** The payload. */
  payload: JsonValue;
}

/** One process granted to a session, with its events. */
export interface ObservedWorkItem {
  /** The process. */
  process: ObservedProcess;
  /** The grant's descriptor. */
  descriptor: ProcessHandleDescriptor;
  /** Its events, oldest first. */
  events: ObservedProcessEvent[];
  /** The handle's kind. */
  kind: string;
  /** A display label. */
  label: string;
}

/** The processes a session can see. */
export interface ProcessWorkSnapshot {
  /** The session. */
  session_id: string;
  /** The visible processes, newest first. */
  visible_process_ids: ProcessId[];
  /** Each process with its events. */
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

/** The UI view of a process record. */
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

/** The UI view of a process event. */
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
