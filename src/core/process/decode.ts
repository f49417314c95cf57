/**
 * The process records' schemas (`contract-process.md` §2), one per record,
 * each tied to its contract type with `shapeOf`. The same schema checks a
 * caller's argument before it is written ({@link normaliseInput}) and
 * decodes a row read back: it applies the reference's serde defaults, drops
 * unknown struct fields, and throws {@link ShapeError} naming the first field
 * that is wrong. The result is a fresh, normalised value, so hashing it is
 * independent of how the caller built it.
 *
 * Free-form JSON fields (payloads, metadata, schemas) are taken as they are:
 * rows come from `JSON.parse`, and inputs are checked once up front with
 * `jsonValueProblem` (`src/core/validation.ts`).
 */
import { jsonValueProblem, ShapeError } from '../validation.ts';
import { PluginError } from '../contract/errors.ts';
import type { CausalRef } from '../contract/causal.ts';
import { RUNTIME_EFFECT_KINDS, type RuntimeInvocation, type RuntimeReplay, type RuntimeScope } from '../contract/invocation.ts';
import type { JsonObject, JsonValue } from '../contract/json.ts';
import type {
  ProcessAwaitOutput,
  ProcessEvent,
  ProcessEventType,
  ProcessExternalRef,
  ProcessHandleDescriptor,
  ProcessInput,
  ProcessRecord,
  ProcessRegistration,
  ProcessScope,
  ProcessStatus,
  ProcessTerminalState,
  ProcessValueSelector,
  ProcessWakeDedupeKey,
  SystemTimeJson,
  ToolControl,
  ToolFailureClass,
} from '../contract/process.ts';
import {
  anyJson,
  array,
  expectObject,
  expectString as str,
  expectU64 as u64,
  fallback,
  lazy,
  literal,
  object,
  optional,
  orDefault,
  record,
  refine,
  shapeOf,
  tagged,
  variant,
  type Shape,
} from '../shape.ts';

export { ShapeError };

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

/** A schema with a default root path, as the process decoders are called. */
function rooted<T>(shape: Shape<T>, root: string): (value: unknown, path?: string) => T {
  return (value, path = root) => shape(value, path);
}

// ---------------------------------------------------------------------------
// Scopes, causal refs, invocations
// ---------------------------------------------------------------------------

export const decodeScope = shapeOf<ProcessScope>()(object({ session_id: str, agent_frame_id: optional(str) }));

export const decodeCausalRef = shapeOf<CausalRef>()(
  tagged('type', {
    turn: { session_id: str, turn_id: str },
    effect: { session_id: str, turn_id: optional(str), effect_id: str },
    tool_call: { session_id: str, call_id: str },
    process: { process_id: str },
    process_event: { process_id: str, sequence: u64 },
    host_event: { occurrence_id: str },
    session_node: { session_id: str, node_id: str },
  }),
);

const runtimeScope = shapeOf<RuntimeScope>()(
  object({ session_id: str, turn_id: optional(str), turn_index: optional(u64), protocol_iteration: optional(u64) }),
);

const subject = tagged('type', {
  effect: { effect_id: str, kind: literal(...RUNTIME_EFFECT_KINDS) },
  process: { process_id: str },
  process_event: { process_id: str, sequence: u64, event_type: str },
  host_event: { occurrence_id: str },
  session_node: { node_id: str },
});

export const decodeReplay = shapeOf<RuntimeReplay>()(object({ key: str }));

export const decodeInvocation = shapeOf<RuntimeInvocation>()(
  object({ scope: runtimeScope, subject, caused_by: optional(decodeCausalRef), replay: optional(decodeReplay) }),
);

// ---------------------------------------------------------------------------
// Selectors and event types
// ---------------------------------------------------------------------------

export const decodeSelector: Shape<ProcessValueSelector> = variant(
  ['payload'],
  {
    pointer: str,
    present: str,
    const: anyJson,
    template: object({ template: str, fields: fallback(record(lazy<ProcessValueSelector>(() => decodeSelector)), () => ({})) }),
  },
  "'payload' or a pointer, const, template or present selector",
);

const dedupeKey = fallback(
  shapeOf<ProcessWakeDedupeKey>()(variant(['event_identity'], { selector: decodeSelector, const: str }, "'event_identity' or a selector or const dedupe key")),
  () => 'event_identity' as const,
);

const TERMINAL_STATES: readonly ProcessTerminalState[] = ['completed', 'failed', 'cancelled'];

const semanticsSpec = object({
  terminal: optional(object({ state: literal(...TERMINAL_STATES), await_output: optional(decodeSelector) })),
  wake: optional(object({ when: optional(decodeSelector), input: decodeSelector, dedupe_key: dedupeKey })),
});

export const decodeEventType = shapeOf<ProcessEventType>()(
  object({ name: str, payload_schema: object({ schema: anyJson }), semantics: fallback(semanticsSpec, () => ({})) }),
);

// ---------------------------------------------------------------------------
// Inputs, provenance, registrations, records
// ---------------------------------------------------------------------------

/** Absent is serde's default (`{}`); the object is free-form JSON. */
const jsonObject = orDefault((value, path) => expectObject(value, path) as JsonObject, () => ({}));

export const decodeInput = shapeOf<ProcessInput>()(
  tagged('type', {
    tool_call: {
      call: object({ call_id: str, tool_name: str, args: anyJson, replay: optional(anyJson), prepared_payload: optional(anyJson) }),
    },
    lashlang_process: {
      module_ref: str,
      process_ref: object({ component: str, pos: u64 }),
      required_surface_ref: str,
      process_name: str,
      args: jsonObject,
    },
    session_turn: { create_request: anyJson, turn_input: anyJson, output_contract: anyJson },
    external: { metadata: fallback(anyJson, () => null) },
  }),
);

const provenance = object({ owner_scope: decodeScope, host_profile_id: str, caused_by: optional(decodeCausalRef) });

/** Absent is serde's default (`[]`); `null` is not a list and is refused, never coerced. */
const eventTypes = fallback(array(decodeEventType), () => []);

export const decodeRegistration = rooted(
  shapeOf<ProcessRegistration>()(object({ id: str, input: decodeInput, event_types: eventTypes, provenance })),
  'registration',
);

const externalRef = shapeOf<ProcessExternalRef>()(object({ backend: str, id: str, metadata: optional(anyJson) }));
export const decodeExternalRef = rooted(externalRef, 'external_ref');

/** Decodes a stored handle descriptor; throws naming `path` when the shape is wrong. */
export const decodeDescriptor = rooted(
  shapeOf<ProcessHandleDescriptor>()(object({ kind: optional(str), label: optional(str) })),
  'descriptor',
);

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

/** Opaque beyond its `type`: kept whole. */
const toolControl = object({ type: literal('switch_agent_frame', 'finish', 'fail') }, { keep: true }) as Shape<ToolControl>;

export const decodeAwaitOutput = shapeOf<ProcessAwaitOutput>()(
  tagged('type', {
    // `value` is required (null allowed): serde has no default for a bare `Value` field.
    success: { value: anyJson, control: optional(toolControl) },
    failure: { class: literal(...FAILURE_CLASSES), code: str, message: str, raw: optional(anyJson), control: optional(toolControl) },
    cancelled: { message: str, raw: optional(anyJson), control: optional(toolControl) },
  }),
);

/** The value as an await output if it deserializes as one, else `undefined` (materialization's fallback). */
export function tryAwaitOutput(value: JsonValue): ProcessAwaitOutput | undefined {
  try {
    return decodeAwaitOutput(value, 'await_output');
  } catch (error) {
    if (error instanceof ShapeError) return undefined;
    throw error;
  }
}

const status = fallback(
  shapeOf<ProcessStatus>()(
    tagged('state', {
      running: {},
      completed: { await_output: decodeAwaitOutput },
      failed: { await_output: decodeAwaitOutput },
      cancelled: { await_output: decodeAwaitOutput },
    }),
  ),
  () => ({ state: 'running' as const }),
);

const epochMs = fallback(u64, () => 0);

/** Decodes a stored process record; throws naming `path` when the shape is wrong. */
export const decodeRecord = rooted(
  shapeOf<ProcessRecord>()(
    object({
      id: str,
      registration_hash: str,
      input: decodeInput,
      event_types: eventTypes,
      provenance,
      created_at_ms: epochMs,
      updated_at_ms: epochMs,
      external_ref: optional(externalRef),
      status,
    }),
  ),
  'record',
);

// ---------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------

const semantics = object({
  terminal: optional(object({ state: literal(...TERMINAL_STATES), await_output: decodeAwaitOutput })),
  wake: optional(object({ input: str, dedupe_key: str })),
});

const systemTime = shapeOf<SystemTimeJson>()(
  object({
    secs_since_epoch: u64,
    nanos_since_epoch: refine(u64, (nanos) => (nanos < 1e9 ? null : 'less than 1e9')),
  }),
);

/** Decodes a stored process event; throws naming `path` when the shape is wrong. */
export const decodeEvent = rooted(
  shapeOf<ProcessEvent>()(
    object({
      process_id: str,
      sequence: u64,
      event_type: str,
      payload: anyJson,
      invocation: decodeInvocation,
      semantics: fallback(semantics, () => ({})),
      occurred_at: systemTime,
    }),
  ),
  'event',
);
