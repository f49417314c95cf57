/**
 * Queued-work values in and out of their row form: the policy strings, the
 * merge key JSON and the payload JSON (`contract-session.md` §3.6).
 *
 * One schema per record (the kit in `core/shape.ts`): it applies the
 * reference defaults (`image_blobs` → `{}`, a missing or null optional →
 * absent) and rejects wrong shapes. The same payload schema checks a draft
 * before it is written, so whatever is enqueued reads back.
 */
import { stringifyJsonRow } from '../codec/json-bytes.ts';
import { StoreError } from '../contract/errors.ts';
import type { JsonObject } from '../contract/json.ts';
import {
  anyJson,
  array,
  expectBytes,
  expectObject,
  expectString,
  expectText,
  expectU64,
  fallback,
  messageOf,
  object,
  optional,
  orDefault,
  record,
  shapeOf,
  ShapeError,
  tagged,
  variant,
  type Shape,
} from '../shape.ts';
import {
  DELIVERY_POLICIES,
  SLOT_POLICIES,
  type DeliveryPolicy,
  type InputItem,
  type MergeKey,
  type ProcessWakeDelivery,
  type ProtocolTurnOptions,
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
const mergeKey = shapeOf<MergeKey>()(variant(['never', 'payload_default'], { group: expectText }, '"never", "payload_default" or {"group": string}'));

export function mergeKeyFromValue(value: unknown, path = 'merge_key'): MergeKey {
  return mergeKey(value, path);
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

/**
 * A payload from the JSON this store just wrote for it (`encodePayload` of a
 * payload `payloadFromValue` normalised): what {@link decodePayload} would
 * return, without checking the shape again. The schema has already rebuilt
 * it in its order with its defaults, so only the bytes the row holds as
 * number arrays (a turn input's `image_blobs`) are turned back into
 * `Uint8Array`s. Never for rows read back from the database: those are
 * checked (spec decision 18).
 */
export function decodeWrittenPayload(json: string): QueuedWorkPayload {
  const payload = JSON.parse(json) as QueuedWorkPayload;
  if (payload.type === 'turn_input') payload.input.image_blobs = revivedBytes(payload.input.image_blobs);
  return payload;
}

function revivedBytes(blobs: Record<string, unknown>): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  // `defineProperty`, as the schema's `record` does: a `__proto__` key stays a key.
  for (const key of Object.keys(blobs)) {
    Object.defineProperty(out, key, { value: new Uint8Array(blobs[key] as number[]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** serde default: an absent payload is an empty object (`null` is `Value::Null`). Shared with the session's turn state. */
export const protocolTurnOptions = shapeOf<ProtocolTurnOptions>()(object({ payload: fallback(anyJson, () => ({})) }));

const inputItem = shapeOf<InputItem>()(tagged('type', { text: { text: expectString }, image_ref: { id: expectString } }));

const turnInput = shapeOf<TurnInput>()(
  object({
    items: array(inputItem),
    image_blobs: orDefault(record(expectBytes), () => ({})),
    protocol_turn_options: optional(protocolTurnOptions),
    trace_turn_id: optional(expectString),
  }),
);

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
const wake = object(
  {
    wake_id: expectString,
    target_session_id: expectString,
    target_scope_id: expectString,
    process_id: expectString,
    dedupe_key: expectString,
    input: expectString,
    sequence: expectU64,
    created_at_ms: expectU64,
    event_type: orDefault(expectString, () => DEFAULT_WAKE_EVENT_TYPE),
    event_invocation: orDefault(expectObject, defaultWakeInvocation),
    process_caused_by: optional(expectObject),
  },
  { keep: true },
) as unknown as Shape<ProcessWakeDelivery>;

const sessionCommand = shapeOf<SessionCommand>()(
  tagged('kind', {
    refresh_tool_surface: { reason: expectString, expected_generation: optional(expectU64) },
    reset_session: { reason: expectString },
  }),
);

const payload = shapeOf<QueuedWorkPayload>()(
  tagged('type', { turn_input: { input: turnInput }, process_wake: { wake }, session_command: { command: sessionCommand } }),
);

/** Checks a payload (a draft's, or parsed row JSON) and returns it in its normal form. */
export function payloadFromValue(value: unknown, path = 'payload'): QueuedWorkPayload {
  return payload(value, path);
}
