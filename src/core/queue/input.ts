/**
 * Checks on what callers hand to the queue methods. They throw `ShapeError`
 * naming the offending value; `QueuedWork` runs them through its operations'
 * `input()`, so bad input is `StoreError` `InvalidInput` (spec decision 19)
 * before any database work, and changes nothing.
 */
import { isJsonObject } from '../contract/json.ts';
import { ShapeError } from '../validation.ts';
import { encodeMergeKey, encodePayload, mergeKeyFromValue, parseDeliveryPolicy, parseSlotPolicy, payloadFromValue } from './codec.ts';
import { array, expectArray, expectId, expectId as requireIdentifier, expectJson, expectU64 as requireU64, expectU64, object, optional } from '../shape.ts';
import { DEFAULT_QUEUE_LIST_LIMIT, type ListPage, type QueuedWorkListOptions } from './list.ts';
import {
  CLAIM_BOUNDARIES,
  type QueuedWorkPayload,
  type QueuedWorkBatchDraft,
  type QueuedWorkClaim,
  type QueuedWorkClaimBoundary,
} from '../contract/queue.ts';

/** A checked draft, with its merge key and payloads already in row form. */
export interface DraftRow {
  readonly session_id: string;
  readonly source_key: string | null;
  readonly delivery_policy: string;
  readonly slot_policy: string;
  readonly merge_key_json: string;
  readonly available_at_ms: number;
  readonly payload_jsons: readonly string[];
}

/** The kit's identifier and integer checks, under the names the queue methods read well with. */
export { expectId as requireIdentifier, expectU64 as requireU64 };

export function requireBoundary(value: unknown): QueuedWorkClaimBoundary {
  if (CLAIM_BOUNDARIES.includes(value as QueuedWorkClaimBoundary)) return value as QueuedWorkClaimBoundary;
  throw new ShapeError(`claim boundary must be "active_turn_checkpoint" or "idle" (got ${String(value)})`, 'boundary');
}

/** A list page: `limit` a positive safe integer (default 1000), `afterEnqueueSeq` a non-negative one (default 0). */
export function requireListPage(options: QueuedWorkListOptions | undefined): ListPage {
  if (options === undefined) return { afterSeq: 0, limit: DEFAULT_QUEUE_LIST_LIMIT };
  if (!isJsonObject(options)) throw new ShapeError('list options must be an object', 'options');
  const limit = options.limit === undefined ? DEFAULT_QUEUE_LIST_LIMIT : requireU64(options.limit, 'options.limit');
  if (limit === 0) throw new ShapeError('options.limit must be at least 1', 'options.limit');
  const afterSeq = options.afterEnqueueSeq === undefined ? 0 : requireU64(options.afterEnqueueSeq, 'options.afterEnqueueSeq');
  return { afterSeq, limit };
}

export function requireBatchIds(value: unknown): readonly string[] {
  if (!Array.isArray(value)) throw new ShapeError('batchIds must be an array of batch ids', 'batchIds');
  value.forEach((id, index) => requireIdentifier(id, `batchIds[${index}]`));
  return value as readonly string[];
}

/** A draft's fields (the payloads are checked one by one, see {@link draftRow}). */
const draft = object({
  session_id: expectId,
  source_key: optional(expectId),
  delivery_policy: parseDeliveryPolicy,
  slot_policy: parseSlotPolicy,
  merge_key: mergeKeyFromValue,
  available_at_ms: expectU64,
  payloads: expectArray,
});

/** Checks a draft and puts it in row form. Throws `ShapeError`. */
export function draftRow(value: QueuedWorkBatchDraft): DraftRow {
  if (!isJsonObject(value)) throw new ShapeError('a queued-work draft must be an object', 'draft');
  const checked = draft(value, '');
  return {
    session_id: checked.session_id,
    source_key: checked.source_key ?? null,
    delivery_policy: checked.delivery_policy,
    slot_policy: checked.slot_policy,
    merge_key_json: encodeMergeKey(checked.merge_key),
    available_at_ms: checked.available_at_ms,
    payload_jsons: checked.payloads.map((payload, index) => payloadJson(payloadFromValue(payload, `payloads[${index}]`), `payloads[${index}]`)),
  };
}

/**
 * A normalised payload's row JSON. It must be JSON all through (spec
 * decision 20), so it reads back as written; only `image_blobs` holds bytes
 * (the contract's bytes field, read back as `Uint8Array`).
 *
 * The payload schema rebuilt every typed member, so only the free-form ones
 * are walked: a turn input's protocol options (from the same root as a walk
 * of the whole input, so paths and the depth limit are the same), a wake's
 * kept fields, all of it. The bytes writer is needed only when a turn input
 * carries image blobs; nothing else can hold bytes once checked.
 */
function payloadJson(payload: QueuedWorkPayload, path: string): string {
  if (payload.type !== 'turn_input') return encodePayload(expectJson(payload, path));
  const { protocol_turn_options, image_blobs } = payload.input;
  if (protocol_turn_options !== undefined) expectJson({ protocol_turn_options }, `${path}.input`);
  return hasKeys(image_blobs) ? encodePayload(payload) : JSON.stringify(payload);
}

function hasKeys(record: object): boolean {
  for (const _key in record) return true;
  return false;
}

/**
 * The parts of a claim that renew and abandon use. A claim of another
 * session, with a stale token or other batches, passes here and is then
 * simply not matched by the database. The claim is returned as it is.
 */
const claim = object(
  {
    session_id: expectId,
    claim_id: expectId,
    lease_token: expectId,
    batches: array(object({ batch_id: expectId }, { keep: true })),
  },
  { keep: true },
);

export function requireClaim(value: QueuedWorkClaim): QueuedWorkClaim {
  if (!isJsonObject(value)) throw new ShapeError('a queued-work claim must be an object', 'claim');
  claim(value, 'claim');
  return value;
}
