/**
 * Queued-work values in and out of their row form: the policy strings, the
 * merge key JSON and the payload JSON (`contract-session.md` §3.6).
 *
 * Decoders apply the reference defaults (`image_blobs` → `{}`, a missing or
 * null optional → absent) and reject wrong shapes. The same payload decoder
 * checks a draft before it is written, so whatever is enqueued reads back.
 */
import { bytesFromJson, stringifyJsonRow } from '../codec/json-bytes.ts';
import { StoreError } from '../contract/errors.ts';
import { isJsonObject, type JsonObject, type JsonValue } from '../contract/json.ts';
import { identifierProblem, ShapeError, u64Problem } from '../validation.ts';
import {
  DELIVERY_POLICIES,
  SLOT_POLICIES,
  type DeliveryPolicy,
  type InputItem,
  type MergeKey,
  type ProcessWakeDelivery,
  type QueuedWorkPayload,
  type SessionCommand,
  type SlotPolicy,
  type TurnInput,
} from '../contract/queue.ts';

export { ShapeError };

/** Parses a stored delivery policy; throws for another value. */
export function parseDeliveryPolicy(value: unknown): DeliveryPolicy {
  if (DELIVERY_POLICIES.includes(value as DeliveryPolicy)) return value as DeliveryPolicy;
  throw new ShapeError(`unknown queued-work delivery policy \`${String(value)}\``, 'delivery_policy');
}

/** Parses a stored slot policy; throws for another value. */
export function parseSlotPolicy(value: unknown): SlotPolicy {
  if (SLOT_POLICIES.includes(value as SlotPolicy)) return value as SlotPolicy;
  throw new ShapeError(`unknown queued-work slot policy \`${String(value)}\``, 'slot_policy');
}

/** `"never"`, `"payload_default"` or `{"group": "…"}` (serde's externally tagged form). */
export function mergeKeyFromValue(value: unknown, path = 'merge_key'): MergeKey {
  if (value === 'never' || value === 'payload_default') return value;
  if (isJsonObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'group') {
      const problem = identifierProblem(value.group, `${path}.group`, { allowEmpty: true });
      if (problem !== null) throw new ShapeError(problem, `${path}.group`);
      return { group: value.group as string };
    }
  }
  throw new ShapeError(`${path} must be "never", "payload_default" or {"group": string}`, path);
}

export function encodeMergeKey(key: MergeKey): string {
  return JSON.stringify(key);
}

/** Decodes a stored merge key. */
export function decodeMergeKey(json: string): MergeKey {
  try {
    return mergeKeyFromValue(JSON.parse(json));
  } catch (error) {
    throw StoreError.backend(`failed to decode queued-work merge key: ${messageOf(error)}`, error);
  }
}

/** Merge keys are compared by value only: `'never'` joins `'never'` (spec hazard 5). */
export function mergeKeysEqual(a: MergeKey, b: MergeKey): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.group === b.group;
}

export function encodePayload(payload: QueuedWorkPayload): string {
  return stringifyJsonRow(payload);
}

/** Decodes a stored item payload. */
export function decodePayload(json: string): QueuedWorkPayload {
  try {
    return payloadFromValue(JSON.parse(json));
  } catch (error) {
    throw StoreError.backend(`failed to decode queued-work payload: ${messageOf(error)}`, error);
  }
}

/** Checks a payload (a draft's, or parsed row JSON) and returns it in its normal form. */
export function payloadFromValue(value: unknown, path = 'payload'): QueuedWorkPayload {
  const payload = object(value, path);
  switch (payload.type) {
    case 'turn_input':
      return { type: 'turn_input', input: turnInput(payload.input, `${path}.input`) };
    case 'process_wake':
      return { type: 'process_wake', wake: wake(payload.wake, `${path}.wake`) };
    case 'session_command':
      return { type: 'session_command', command: sessionCommand(payload.command, `${path}.command`) };
    default:
      throw new ShapeError(
        `${path}.type must be "turn_input", "process_wake" or "session_command" (got ${describe(payload.type)})`,
        `${path}.type`,
      );
  }
}

function turnInput(value: unknown, path: string): TurnInput {
  const input = object(value, path);
  if (!Array.isArray(input.items)) throw new ShapeError(`${path}.items must be an array`, `${path}.items`);
  const result: TurnInput = {
    items: input.items.map((item, index) => inputItem(item, `${path}.items[${index}]`)),
    image_blobs: imageBlobs(input.image_blobs, `${path}.image_blobs`),
  };
  if (input.protocol_turn_options != null) {
    const options = object(input.protocol_turn_options, `${path}.protocol_turn_options`);
    // serde default: an absent payload is an empty object.
    result.protocol_turn_options = { payload: (options.payload ?? {}) as JsonValue };
  }
  if (input.trace_turn_id != null) result.trace_turn_id = string(input.trace_turn_id, `${path}.trace_turn_id`);
  return result;
}

function inputItem(value: unknown, path: string): InputItem {
  const item = object(value, path);
  if (item.type === 'text') return { type: 'text', text: string(item.text, `${path}.text`) };
  if (item.type === 'image_ref') return { type: 'image_ref', id: string(item.id, `${path}.id`) };
  throw new ShapeError(`${path}.type must be "text" or "image_ref" (got ${describe(item.type)})`, `${path}.type`);
}

function imageBlobs(value: unknown, path: string): Record<string, Uint8Array> {
  const blobs: Record<string, Uint8Array> = {};
  if (value == null) return blobs;
  const record = object(value, path);
  for (const [id, raw] of Object.entries(record)) {
    const bytes = bytesFromJson(raw);
    if (bytes === null) throw new ShapeError(`${path}[${JSON.stringify(id)}] must be bytes (an array of integers 0–255)`, `${path}[${JSON.stringify(id)}]`);
    // defineProperty, not assignment: an image id of "__proto__" must stay a key.
    Object.defineProperty(blobs, id, { value: bytes, enumerable: true, writable: true, configurable: true });
  }
  return blobs;
}

const WAKE_STRINGS = ['wake_id', 'target_session_id', 'target_scope_id', 'process_id', 'dedupe_key', 'input'] as const;
const WAKE_INTEGERS = ['sequence', 'created_at_ms'] as const;

/** The reference's serde defaults for a wake written without these fields. */
const DEFAULT_WAKE_EVENT_TYPE = 'process.wake';
const defaultWakeInvocation = (): JsonObject => ({
  scope: { session_id: '' },
  subject: { type: 'process_event', process_id: '', sequence: 0, event_type: DEFAULT_WAKE_EVENT_TYPE },
});

/**
 * A wake is opaque to the store: its fields are checked as far as the
 * contract types them, and everything is kept as given (the invocation and
 * causal reference included), missing fields taking the reference defaults.
 */
function wake(value: unknown, path: string): ProcessWakeDelivery {
  const wake: JsonObject = { ...object(value, path) };
  for (const key of WAKE_STRINGS) string(wake[key], `${path}.${key}`);
  for (const key of WAKE_INTEGERS) u64(wake[key], `${path}.${key}`);
  wake.event_type = wake.event_type == null ? DEFAULT_WAKE_EVENT_TYPE : string(wake.event_type, `${path}.event_type`);
  wake.event_invocation =
    wake.event_invocation == null ? defaultWakeInvocation() : object(wake.event_invocation, `${path}.event_invocation`);
  if (wake.process_caused_by == null) delete wake.process_caused_by;
  else object(wake.process_caused_by, `${path}.process_caused_by`);
  return wake as unknown as ProcessWakeDelivery;
}

function sessionCommand(value: unknown, path: string): SessionCommand {
  const command = object(value, path);
  const reason = () => string(command.reason, `${path}.reason`);
  if (command.kind === 'reset_session') return { kind: 'reset_session', reason: reason() };
  if (command.kind === 'refresh_tool_surface') {
    const result: SessionCommand = { kind: 'refresh_tool_surface', reason: reason() };
    if (command.expected_generation != null) {
      result.expected_generation = u64(command.expected_generation, `${path}.expected_generation`);
    }
    return result;
  }
  throw new ShapeError(
    `${path}.kind must be "refresh_tool_surface" or "reset_session" (got ${describe(command.kind)})`,
    `${path}.kind`,
  );
}

function object(value: unknown, path: string): JsonObject {
  if (!isJsonObject(value)) throw new ShapeError(`${path} must be an object (got ${describe(value)})`, path);
  return value;
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new ShapeError(`${path} must be a string (got ${describe(value)})`, path);
  return value;
}

function u64(value: unknown, path: string): number {
  const problem = u64Problem(value, path);
  if (problem !== null) throw new ShapeError(problem, path);
  return value as number;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === 'object' ? 'an object' : String(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
