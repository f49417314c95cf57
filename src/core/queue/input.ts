/**
 * Checks on what callers hand to the queue methods. They throw `ShapeError`
 * naming the offending value; `QueuedWork` runs them through its operations'
 * `input()`, so bad input is `StoreError` `InvalidInput` (spec decision 19)
 * before any database work, and changes nothing.
 */
import { isJsonObject } from '../contract/json.ts';
import { ShapeError } from '../validation.ts';
import { encodeMergeKey, encodePayload, mergeKeyFromValue, parseDeliveryPolicy, parseSlotPolicy, payloadFromValue } from './codec.ts';
import { expectId, expectId as requireIdentifier, expectJson, expectU64 as requireU64, expectU64 } from '../shape.ts';
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

/** Checks a draft and puts it in row form. Throws `ShapeError`. */
export function draftRow(draft: QueuedWorkBatchDraft): DraftRow {
  if (!isJsonObject(draft)) throw new ShapeError('a queued-work draft must be an object', 'draft');
  const sourceKey = draft.source_key == null ? null : requireIdentifier(draft.source_key, 'source_key');
  if (!Array.isArray(draft.payloads)) throw new ShapeError('payloads must be an array', 'payloads');
  return {
    session_id: requireIdentifier(draft.session_id, 'session_id'),
    source_key: sourceKey,
    delivery_policy: parseDeliveryPolicy(draft.delivery_policy),
    slot_policy: parseSlotPolicy(draft.slot_policy),
    merge_key_json: encodeMergeKey(mergeKeyFromValue(draft.merge_key)),
    available_at_ms: requireU64(draft.available_at_ms, 'available_at_ms'),
    payload_jsons: draft.payloads.map((payload, index) =>
      encodePayload(checkedPayloadJson(payloadFromValue(payload, `payloads[${index}]`), `payloads[${index}]`)),
    ),
  };
}

/**
 * A normalised payload must be JSON all through (spec decision 20), so it
 * reads back as written; only `image_blobs` holds bytes (the contract's
 * bytes field, read back as `Uint8Array`).
 */
function checkedPayloadJson(payload: QueuedWorkPayload, path: string): QueuedWorkPayload {
  if (payload.type === 'turn_input') {
    const { image_blobs: _bytes, ...rest } = payload.input;
    expectJson(rest, `${path}.input`);
  } else {
    expectJson(payload, path);
  }
  return payload;
}

/**
 * Checks the parts of a claim that renew and abandon use. A claim of another
 * session, with a stale token or other batches, passes here and is then simply
 * not matched by the database.
 */
export function requireClaim(claim: QueuedWorkClaim): QueuedWorkClaim {
  if (!isJsonObject(claim)) throw new ShapeError('a queued-work claim must be an object', 'claim');
  requireIdentifier(claim.session_id, 'claim.session_id');
  requireIdentifier(claim.claim_id, 'claim.claim_id');
  requireIdentifier(claim.lease_token, 'claim.lease_token');
  if (!Array.isArray(claim.batches)) throw new ShapeError('claim.batches must be an array', 'claim.batches');
  claim.batches.forEach((batch, index) => {
    if (!isJsonObject(batch)) throw new ShapeError(`claim.batches[${index}] must be a batch`, `claim.batches[${index}]`);
    requireIdentifier(batch.batch_id, `claim.batches[${index}].batch_id`);
  });
  return claim;
}
