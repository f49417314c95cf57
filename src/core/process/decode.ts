/**
 * Shape checks for process rows and inputs. Every decoder takes an unknown
 * value (parsed row JSON, or a caller's argument), applies the reference's
 * serde defaults, drops unknown struct fields, and throws {@link ShapeError}
 * naming the first field that is wrong. The result is a fresh, normalised
 * value, so hashing it is independent of how the caller built it.
 *
 * Free-form JSON fields (payloads, metadata, schemas) are taken as they are:
 * rows come from `JSON.parse`, and inputs are checked once up front with
 * `jsonValueProblem` (`src/core/validation.ts`).
 */
import { jsonValueProblem, ShapeError } from '../validation.ts';
import { PluginError } from '../contract/errors.ts';
import type { CausalRef } from '../contract/causal.ts';
import {
  RUNTIME_EFFECT_KINDS,
  type RuntimeInvocation,
  type RuntimeReplay,
  type RuntimeScope,
  type RuntimeSubject,
} from '../contract/invocation.ts';
import { isJsonObject, type JsonObject, type JsonValue } from '../contract/json.ts';
import type {
  LashSchema,
  PreparedToolCall,
  ProcessAwaitOutput,
  ProcessEvent,
  ProcessEventSemantics,
  ProcessEventSemanticsSpec,
  ProcessEventType,
  ProcessExternalRef,
  ProcessHandleDescriptor,
  ProcessInput,
  ProcessProvenance,
  ProcessRecord,
  ProcessRegistration,
  ProcessScope,
  ProcessStatus,
  ProcessTerminalState,
  ProcessValueSelector,
  ProcessWakeDedupeKey,
  ProcessWakeSpec,
  SystemTimeJson,
  ToolControl,
  ToolFailureClass,
} from '../contract/process.ts';

export { ShapeError };

type Obj = Record<string, unknown>;

function fail(path: string, expected: string, value: unknown): never {
  throw new ShapeError(`${path || 'value'}: expected ${expected}, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return typeof value === 'undefined' ? 'nothing' : `${typeof value} ${String(value)}`;
}

function obj(value: unknown, path: string): Obj {
  if (!isJsonObject(value)) fail(path, 'an object', value);
  return value as Obj;
}

function str(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, 'a string', value);
  return value;
}

/** serde `Option` with `default`: absent and null both mean "none". */
function optional<T>(value: unknown, path: string, read: (v: unknown, p: string) => T): T | undefined {
  return value === undefined || value === null ? undefined : read(value, path);
}

function u64(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(path, 'a non-negative safe integer', value);
  }
  return value;
}

function json(value: unknown, path: string): JsonValue {
  if (value === undefined) fail(path, 'a JSON value', value);
  return value as JsonValue;
}

function oneOf<T extends string>(value: unknown, path: string, choices: readonly T[]): T {
  if (typeof value !== 'string' || !choices.includes(value as T)) fail(path, `one of ${choices.join(', ')}`, value);
  return value as T;
}

/** Copies `value` without `undefined` members, so optional fields stay absent. */
function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value)) {
    if ((value as Obj)[key] === undefined) delete (value as Obj)[key];
  }
  return value;
}

/**
 * Checks a caller's argument (plain JSON, right shape) and returns its
 * normalised copy; anything wrong is `PluginError` `invalid {what}: …`.
 */
export function normaliseInput<T>(what: string, value: unknown, decode: (value: unknown) => T, path = what.replaceAll(' ', '_')): T {
  const problem = jsonValueProblem(value, path);
  if (problem !== null) throw PluginError.invalidInput(`invalid ${what}: ${problem}`);
  try {
    return decode(value);
  } catch (error) {
    if (error instanceof ShapeError) throw PluginError.invalidInput(`invalid ${what}: ${error.message}`);
    throw error;
  }
}

// ---------------------------------------------------------------------------
// Scopes, causal refs, invocations
// ---------------------------------------------------------------------------

export function decodeScope(value: unknown, path: string): ProcessScope {
  const o = obj(value, path);
  return compact({
    session_id: str(o.session_id, `${path}.session_id`),
    agent_frame_id: optional(o.agent_frame_id, `${path}.agent_frame_id`, str),
  });
}

const CAUSAL_FIELDS: Record<CausalRef['type'], ReadonlyArray<readonly [string, 'str' | 'optstr' | 'u64']>> = {
  turn: [['session_id', 'str'], ['turn_id', 'str']],
  effect: [['session_id', 'str'], ['turn_id', 'optstr'], ['effect_id', 'str']],
  tool_call: [['session_id', 'str'], ['call_id', 'str']],
  process: [['process_id', 'str']],
  process_event: [['process_id', 'str'], ['sequence', 'u64']],
  host_event: [['occurrence_id', 'str']],
  session_node: [['session_id', 'str'], ['node_id', 'str']],
};

export function decodeCausalRef(value: unknown, path: string): CausalRef {
  const o = obj(value, path);
  const type = oneOf(o.type, `${path}.type`, Object.keys(CAUSAL_FIELDS) as CausalRef['type'][]);
  const out: Obj = { type };
  for (const [field, kind] of CAUSAL_FIELDS[type]) {
    const at = `${path}.${field}`;
    out[field] = kind === 'str' ? str(o[field], at) : kind === 'u64' ? u64(o[field], at) : optional(o[field], at, str);
  }
  return compact(out) as CausalRef;
}

function decodeRuntimeScope(value: unknown, path: string): RuntimeScope {
  const o = obj(value, path);
  return compact({
    session_id: str(o.session_id, `${path}.session_id`),
    turn_id: optional(o.turn_id, `${path}.turn_id`, str),
    turn_index: optional(o.turn_index, `${path}.turn_index`, u64),
    protocol_iteration: optional(o.protocol_iteration, `${path}.protocol_iteration`, u64),
  });
}

function decodeSubject(value: unknown, path: string): RuntimeSubject {
  const o = obj(value, path);
  const type = oneOf(o.type, `${path}.type`, ['effect', 'process', 'process_event', 'host_event', 'session_node'] as const);
  switch (type) {
    case 'effect':
      return {
        type,
        effect_id: str(o.effect_id, `${path}.effect_id`),
        kind: oneOf(o.kind, `${path}.kind`, RUNTIME_EFFECT_KINDS),
      };
    case 'process':
      return { type, process_id: str(o.process_id, `${path}.process_id`) };
    case 'process_event':
      return {
        type,
        process_id: str(o.process_id, `${path}.process_id`),
        sequence: u64(o.sequence, `${path}.sequence`),
        event_type: str(o.event_type, `${path}.event_type`),
      };
    case 'host_event':
      return { type, occurrence_id: str(o.occurrence_id, `${path}.occurrence_id`) };
    case 'session_node':
      return { type, node_id: str(o.node_id, `${path}.node_id`) };
  }
}

export function decodeReplay(value: unknown, path: string): RuntimeReplay {
  return { key: str(obj(value, path).key, `${path}.key`) };
}

export function decodeInvocation(value: unknown, path: string): RuntimeInvocation {
  const o = obj(value, path);
  return compact({
    scope: decodeRuntimeScope(o.scope, `${path}.scope`),
    subject: decodeSubject(o.subject, `${path}.subject`),
    caused_by: optional(o.caused_by, `${path}.caused_by`, decodeCausalRef),
    replay: optional(o.replay, `${path}.replay`, decodeReplay),
  });
}

// ---------------------------------------------------------------------------
// Selectors and event types
// ---------------------------------------------------------------------------

/** The only key of an externally tagged variant object. */
function variant(value: unknown, path: string): [string, unknown] {
  const o = obj(value, path);
  const keys = Object.keys(o).filter((key) => o[key] !== undefined);
  if (keys.length !== 1) fail(path, 'a single-key variant object', value);
  return [keys[0]!, o[keys[0]!]];
}

export function decodeSelector(value: unknown, path: string): ProcessValueSelector {
  if (value === 'payload') return 'payload';
  const [tag, inner] = variant(value, path);
  const at = `${path}.${tag}`;
  switch (tag) {
    case 'pointer':
      return { pointer: str(inner, at) };
    case 'present':
      return { present: str(inner, at) };
    case 'const':
      return { const: json(inner, at) };
    case 'template': {
      const o = obj(inner, at);
      const fields: { [name: string]: ProcessValueSelector } = {};
      const rawFields = o.fields === undefined ? {} : obj(o.fields, `${at}.fields`);
      for (const [name, selector] of Object.entries(rawFields)) {
        fields[name] = decodeSelector(selector, `${at}.fields.${name}`);
      }
      return { template: { template: str(o.template, `${at}.template`), fields } };
    }
    default:
      return fail(path, "'payload' or a pointer, const, template or present selector", value);
  }
}

function decodeDedupeKey(value: unknown, path: string): ProcessWakeDedupeKey {
  if (value === undefined || value === 'event_identity') return 'event_identity';
  const [tag, inner] = variant(value, path);
  if (tag === 'selector') return { selector: decodeSelector(inner, `${path}.selector`) };
  if (tag === 'const') return { const: str(inner, `${path}.const`) };
  return fail(path, "'event_identity' or a selector or const dedupe key", value);
}

const TERMINAL_STATES: readonly ProcessTerminalState[] = ['completed', 'failed', 'cancelled'];

function decodeWakeSpec(value: unknown, path: string): ProcessWakeSpec {
  const o = obj(value, path);
  return compact({
    when: optional(o.when, `${path}.when`, decodeSelector),
    input: decodeSelector(o.input, `${path}.input`),
    dedupe_key: decodeDedupeKey(o.dedupe_key, `${path}.dedupe_key`),
  });
}

function decodeSemanticsSpec(value: unknown, path: string): ProcessEventSemanticsSpec {
  if (value === undefined) return {};
  const o = obj(value, path);
  return compact({
    terminal: optional(o.terminal, `${path}.terminal`, (v, p) => {
      const t = obj(v, p);
      return compact({
        state: oneOf(t.state, `${p}.state`, TERMINAL_STATES),
        await_output: optional(t.await_output, `${p}.await_output`, decodeSelector),
      });
    }),
    wake: optional(o.wake, `${path}.wake`, decodeWakeSpec),
  });
}

function decodeSchema(value: unknown, path: string): LashSchema {
  return { schema: json(obj(value, path).schema, `${path}.schema`) };
}

export function decodeEventType(value: unknown, path: string): ProcessEventType {
  const o = obj(value, path);
  return {
    name: str(o.name, `${path}.name`),
    payload_schema: decodeSchema(o.payload_schema, `${path}.payload_schema`),
    semantics: decodeSemanticsSpec(o.semantics, `${path}.semantics`),
  };
}

/** Absent is serde's default (`[]`); `null` is not a list and is refused, never coerced. */
function decodeEventTypes(value: unknown, path: string): ProcessEventType[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(path, 'an array', value);
  return value.map((item, index) => decodeEventType(item, `${path}[${index}]`));
}

// ---------------------------------------------------------------------------
// Inputs, provenance, registrations, records
// ---------------------------------------------------------------------------

function decodeToolCall(value: unknown, path: string): PreparedToolCall {
  const o = obj(value, path);
  return compact({
    call_id: str(o.call_id, `${path}.call_id`),
    tool_name: str(o.tool_name, `${path}.tool_name`),
    args: json(o.args, `${path}.args`),
    replay: optional(o.replay, `${path}.replay`, json),
    prepared_payload: optional(o.prepared_payload, `${path}.prepared_payload`, json),
  });
}

export function decodeInput(value: unknown, path: string): ProcessInput {
  const o = obj(value, path);
  const type = oneOf(o.type, `${path}.type`, ['tool_call', 'lashlang_process', 'session_turn', 'external'] as const);
  switch (type) {
    case 'tool_call':
      return { type, call: decodeToolCall(o.call, `${path}.call`) };
    case 'lashlang_process': {
      const ref = obj(o.process_ref, `${path}.process_ref`);
      return {
        type,
        module_ref: str(o.module_ref, `${path}.module_ref`),
        process_ref: { component: str(ref.component, `${path}.process_ref.component`), pos: u64(ref.pos, `${path}.process_ref.pos`) },
        required_surface_ref: str(o.required_surface_ref, `${path}.required_surface_ref`),
        process_name: str(o.process_name, `${path}.process_name`),
        args: o.args === undefined || o.args === null ? {} : (obj(o.args, `${path}.args`) as JsonObject),
      };
    }
    case 'session_turn':
      return {
        type,
        create_request: json(o.create_request, `${path}.create_request`),
        turn_input: json(o.turn_input, `${path}.turn_input`),
        output_contract: json(o.output_contract, `${path}.output_contract`),
      };
    case 'external':
      return { type, metadata: o.metadata === undefined ? null : json(o.metadata, `${path}.metadata`) };
  }
}

function decodeProvenance(value: unknown, path: string): ProcessProvenance {
  const o = obj(value, path);
  return compact({
    owner_scope: decodeScope(o.owner_scope, `${path}.owner_scope`),
    host_profile_id: str(o.host_profile_id, `${path}.host_profile_id`),
    caused_by: optional(o.caused_by, `${path}.caused_by`, decodeCausalRef),
  });
}

export function decodeRegistration(value: unknown, path = 'registration'): ProcessRegistration {
  const o = obj(value, path);
  return {
    id: str(o.id, `${path}.id`),
    input: decodeInput(o.input, `${path}.input`),
    event_types: decodeEventTypes(o.event_types, `${path}.event_types`),
    provenance: decodeProvenance(o.provenance, `${path}.provenance`),
  };
}

export function decodeExternalRef(value: unknown, path = 'external_ref'): ProcessExternalRef {
  const o = obj(value, path);
  return compact({
    backend: str(o.backend, `${path}.backend`),
    id: str(o.id, `${path}.id`),
    metadata: optional(o.metadata, `${path}.metadata`, json),
  });
}

/** Decodes a stored handle descriptor; throws naming `path` when the shape is wrong. */
export function decodeDescriptor(value: unknown, path = 'descriptor'): ProcessHandleDescriptor {
  const o = obj(value, path);
  return compact({
    kind: optional(o.kind, `${path}.kind`, str),
    label: optional(o.label, `${path}.label`, str),
  });
}

const FAILURE_CLASSES: readonly ToolFailureClass[] = [
  'invalid_request',
  'unavailable',
  'permission_denied',
  'timeout',
  'execution',
  'external',
  'resource_limit',
  'internal',
];

function decodeToolControl(value: unknown, path: string): ToolControl {
  const o = obj(value, path);
  oneOf(o.type, `${path}.type`, ['switch_agent_frame', 'finish', 'fail'] as const);
  return o as ToolControl;
}

export function decodeAwaitOutput(value: unknown, path: string): ProcessAwaitOutput {
  const o = obj(value, path);
  const type = oneOf(o.type, `${path}.type`, ['success', 'failure', 'cancelled'] as const);
  const control = optional(o.control, `${path}.control`, decodeToolControl);
  switch (type) {
    case 'success':
      // `value` is required (null allowed): serde has no default for a bare `Value` field.
      return compact({ type, value: json(o.value, `${path}.value`), control });
    case 'failure':
      return compact({
        type,
        class: oneOf(o.class, `${path}.class`, FAILURE_CLASSES),
        code: str(o.code, `${path}.code`),
        message: str(o.message, `${path}.message`),
        raw: optional(o.raw, `${path}.raw`, json),
        control,
      });
    case 'cancelled':
      return compact({
        type,
        message: str(o.message, `${path}.message`),
        raw: optional(o.raw, `${path}.raw`, json),
        control,
      });
  }
}

/** The value as an await output if it deserializes as one, else `undefined` (materialization's fallback). */
export function tryAwaitOutput(value: JsonValue): ProcessAwaitOutput | undefined {
  try {
    return decodeAwaitOutput(value, 'await_output');
  } catch (error) {
    if (error instanceof ShapeError) return undefined;
    throw error;
  }
}

function decodeStatus(value: unknown, path: string): ProcessStatus {
  if (value === undefined) return { state: 'running' };
  const o = obj(value, path);
  const state = oneOf(o.state, `${path}.state`, ['running', ...TERMINAL_STATES] as const);
  if (state === 'running') return { state };
  return { state, await_output: decodeAwaitOutput(o.await_output, `${path}.await_output`) };
}

/** Decodes a stored process record; throws naming `path` when the shape is wrong. */
export function decodeRecord(value: unknown, path = 'record'): ProcessRecord {
  const o = obj(value, path);
  return compact({
    id: str(o.id, `${path}.id`),
    registration_hash: str(o.registration_hash, `${path}.registration_hash`),
    input: decodeInput(o.input, `${path}.input`),
    event_types: decodeEventTypes(o.event_types, `${path}.event_types`),
    provenance: decodeProvenance(o.provenance, `${path}.provenance`),
    created_at_ms: o.created_at_ms === undefined ? 0 : u64(o.created_at_ms, `${path}.created_at_ms`),
    updated_at_ms: o.updated_at_ms === undefined ? 0 : u64(o.updated_at_ms, `${path}.updated_at_ms`),
    external_ref: optional(o.external_ref, `${path}.external_ref`, decodeExternalRef),
    status: decodeStatus(o.status, `${path}.status`),
  });
}

// ---------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------

function decodeSemantics(value: unknown, path: string): ProcessEventSemantics {
  if (value === undefined) return {};
  const o = obj(value, path);
  return compact({
    terminal: optional(o.terminal, `${path}.terminal`, (v, p) => {
      const t = obj(v, p);
      return {
        state: oneOf(t.state, `${p}.state`, TERMINAL_STATES),
        await_output: decodeAwaitOutput(t.await_output, `${p}.await_output`),
      };
    }),
    wake: optional(o.wake, `${path}.wake`, (v, p) => {
      const w = obj(v, p);
      return { input: str(w.input, `${p}.input`), dedupe_key: str(w.dedupe_key, `${p}.dedupe_key`) };
    }),
  });
}

function decodeSystemTime(value: unknown, path: string): SystemTimeJson {
  const o = obj(value, path);
  const nanos = u64(o.nanos_since_epoch, `${path}.nanos_since_epoch`);
  if (nanos >= 1e9) fail(`${path}.nanos_since_epoch`, 'less than 1e9', nanos);
  return { secs_since_epoch: u64(o.secs_since_epoch, `${path}.secs_since_epoch`), nanos_since_epoch: nanos };
}

/** Decodes a stored process event; throws naming `path` when the shape is wrong. */
export function decodeEvent(value: unknown, path = 'event'): ProcessEvent {
  const o = obj(value, path);
  return {
    process_id: str(o.process_id, `${path}.process_id`),
    sequence: u64(o.sequence, `${path}.sequence`),
    event_type: str(o.event_type, `${path}.event_type`),
    payload: json(o.payload, `${path}.payload`),
    invocation: decodeInvocation(o.invocation, `${path}.invocation`),
    semantics: decodeSemantics(o.semantics, `${path}.semantics`),
    occurred_at: decodeSystemTime(o.occurred_at, `${path}.occurred_at`),
  };
}
