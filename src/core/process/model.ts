/**
 * Small pure helpers over the process model: scope ids, status, the core
 * event types every registration carries, and builders mirroring the
 * reference's constructors.
 */
import type { JsonObject, JsonValue } from '../contract/json.ts';
import type {
  LashSchema,
  ProcessAwaitOutput,
  ProcessEventType,
  ProcessInput,
  ProcessRecord,
  ProcessRegistration,
  ProcessScope,
  ProcessScopeId,
  ProcessStatus,
  ProcessTerminalSemantics,
  ProcessTerminalState,
} from '../contract/process.ts';

/** The event type of a cancellation request. */
export const CANCEL_REQUESTED_EVENT = 'process.cancel_requested';
/** The terminal event type of a completed process. */
export const COMPLETED_EVENT = 'process.completed';
/** The terminal event type of a failed process. */
export const FAILED_EVENT = 'process.failed';
/** The terminal event type of a cancelled process. */
export const CANCELLED_EVENT = 'process.cancelled';

/** `ProcessScope::new(sid)`. */
export function processScope(sessionId: string): ProcessScope {
  return { session_id: sessionId };
}

/** `ProcessScope::for_agent_frame(sid, fid)`. */
export function agentFrameScope(sessionId: string, agentFrameId: string): ProcessScope {
  return { session_id: sessionId, agent_frame_id: agentFrameId };
}

/** `session:{sid}`, or `session:{sid}/frame:{fid}` when the frame is present and non-empty. */
export function processScopeId(scope: ProcessScope): ProcessScopeId {
  const frame = scope.agent_frame_id;
  return frame ? `session:${scope.session_id}/frame:${frame}` : `session:${scope.session_id}`;
}

/** A scope without a session (the empty string; not trimmed, as in the reference). */
export function processScopeIsEmpty(scope: ProcessScope): boolean {
  return scope.session_id === '';
}

/** Whether the process has ended. */
export function isTerminal(record: ProcessRecord): boolean {
  return record.status.state !== 'running';
}

/** The scope id of the process's owner. */
export function ownerScopeId(record: ProcessRecord): ProcessScopeId {
  return processScopeId(record.provenance.owner_scope);
}

/** The output of a terminal status, `undefined` while running. */
export function statusAwaitOutput(status: ProcessStatus): ProcessAwaitOutput | undefined {
  return status.state === 'running' ? undefined : status.await_output;
}

/** The status a terminal event gives the process. */
export function statusFromTerminal(terminal: ProcessTerminalSemantics): ProcessStatus {
  return { state: terminal.state, await_output: terminal.await_output };
}

/** success → completed, failure → failed, cancelled → cancelled. */
export function awaitOutputTerminalState(output: ProcessAwaitOutput): ProcessTerminalState {
  switch (output.type) {
    case 'success':
      return 'completed';
    case 'failure':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
  }
}

/** The core event type that records an output of this kind (`completeProcess`). */
export function terminalEventTypeFor(output: ProcessAwaitOutput): string {
  switch (awaitOutputTerminalState(output)) {
    case 'completed':
      return COMPLETED_EVENT;
    case 'failed':
      return FAILED_EVENT;
    case 'cancelled':
      return CANCELLED_EVENT;
  }
}

/** `LashSchema::any()`: accepts every value. */
export function anySchema(): LashSchema {
  return { schema: {} };
}

/** `LashSchema::object(props, required)`: extra properties allowed. */
export function objectSchema(properties: JsonObject, required: readonly string[] = []): LashSchema {
  const schema: JsonObject = { type: 'object', properties };
  if (required.length > 0) schema.required = [...required];
  schema.additionalProperties = true;
  return { schema };
}

function terminalEventType(name: string, state: ProcessTerminalState): ProcessEventType {
  return {
    name,
    payload_schema: anySchema(),
    semantics: { terminal: { state, await_output: { pointer: '/await_output' } } },
  };
}

/** The four core event types, in the reference's order. Fresh objects on every call. */
export function defaultProcessEventTypes(): ProcessEventType[] {
  return [
    { name: CANCEL_REQUESTED_EVENT, payload_schema: anySchema(), semantics: {} },
    terminalEventType(COMPLETED_EVENT, 'completed'),
    terminalEventType(FAILED_EVENT, 'failed'),
    terminalEventType(CANCELLED_EVENT, 'cancelled'),
  ];
}

/** The extra types of lashlang and host-event processes: yield, wake (input `/text`), signal. */
export function lashlangProcessEventTypes(): ProcessEventType[] {
  return [
    { name: 'process.yield', payload_schema: anySchema(), semantics: {} },
    {
      name: 'process.wake',
      payload_schema: anySchema(),
      semantics: { wake: { input: { pointer: '/text' }, dedupe_key: 'event_identity' } },
    },
    { name: 'process.signal', payload_schema: anySchema(), semantics: {} },
  ];
}

/**
 * `ProcessRegistration::new(id, input)`: the core event types, owner
 * `session:root`, host profile `default`. Pass `extraEventTypes` to append
 * (`with_extra_event_types`).
 */
export function processRegistration(
  id: string,
  input: ProcessInput,
  extraEventTypes: readonly ProcessEventType[] = [],
): ProcessRegistration {
  return {
    id,
    input,
    event_types: [...defaultProcessEventTypes(), ...extraEventTypes],
    provenance: { owner_scope: processScope('root'), host_profile_id: 'default' },
  };
}

/** `ProcessInput::External { metadata }`. */
export function externalInput(metadata: JsonValue = null): ProcessInput {
  return { type: 'external', metadata };
}
