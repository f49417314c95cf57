/**
 * Checks on what callers hand to the queue methods. They throw `ShapeError`
 * naming the offending value; `QueuedWork` runs them through its operations'
 * `input()`, so bad input is `StoreError` `InvalidInput` (spec decision 19)
 * before any database work, and changes nothing.
 */
import { isJsonObject } from '../model/json.ts';
import { identifierProblem, ShapeError, u64Problem } from '../validation.ts';
import { encodeMergeKey, encodePayload, mergeKeyFromValue, parseDeliveryPolicy, parseSlotPolicy, payloadFromValue } from './codec.ts';
import {
  CLAIM_BOUNDARIES,
  type QueuedWorkBatchDraft,
  type QueuedWorkClaim,
  type QueuedWorkClaimBoundary,
} from './types.ts';

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

export function requireIdentifier(value: unknown, what: string): string {
  const problem = identifierProblem(value, what);
  if (problem !== null) throw new ShapeError(problem, what);
  return value as string;
}

export function requireU64(value: unknown, what: string): number {
  const problem = u64Problem(value, what);
  if (problem !== null) throw new ShapeError(problem, what);
  return value as number;
}

export function requireBoundary(value: unknown): QueuedWorkClaimBoundary {
  if (CLAIM_BOUNDARIES.includes(value as QueuedWorkClaimBoundary)) return value as QueuedWorkClaimBoundary;
  throw new ShapeError(`claim boundary must be "active_turn_checkpoint" or "idle" (got ${String(value)})`, 'boundary');
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
      encodePayload(payloadFromValue(payload, `payloads[${index}]`)),
    ),
  };
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
