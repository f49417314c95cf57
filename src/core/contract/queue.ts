/**
 * Queued work: durable ingress of turn inputs, process wakes and session
 * commands. Field names are the wire names (snake_case); see
 * `contract-session.md` §1.7.
 */
import type { EpochMs, JsonValue, U64 } from './json.ts';
import type { ProcessWakeDelivery } from './process.ts';
import type { QueueMethodName, RuntimePersistence } from './session.ts';

/** A wake as the process registry hands it over; the store keeps it as given. */
export type { ProcessWakeDelivery };

/** The TTL the runtime uses for every claim: 15 minutes. */
export const QUEUED_WORK_CLAIM_TTL_MS = 15 * 60 * 1000;

export type DeliveryPolicy = 'earliest_safe_boundary' | 'after_current_turn_commit';
export type SlotPolicy = 'join' | 'exclusive';
/** `'never'`, `'payload_default'`, or a named group. Compared by value only. */
export type MergeKey = 'never' | 'payload_default' | { group: string };
/** Where the runtime is when it claims (never persisted). */
export type QueuedWorkClaimBoundary = 'active_turn_checkpoint' | 'idle';

export const DELIVERY_POLICIES: readonly DeliveryPolicy[] = ['earliest_safe_boundary', 'after_current_turn_commit'];
export const SLOT_POLICIES: readonly SlotPolicy[] = ['join', 'exclusive'];
export const CLAIM_BOUNDARIES: readonly QueuedWorkClaimBoundary[] = ['active_turn_checkpoint', 'idle'];

export type SessionCommand =
  | { kind: 'refresh_tool_surface'; reason: string; expected_generation?: U64 }
  | { kind: 'reset_session'; reason: string };

export type InputItem = { type: 'text'; text: string } | { type: 'image_ref'; id: string };

export interface ProtocolTurnOptions {
  payload: JsonValue;
}

export interface TurnInput {
  items: InputItem[];
  /** JSON wire form: `{ [id]: number[] }`. */
  image_blobs: Record<string, Uint8Array>;
  protocol_turn_options?: ProtocolTurnOptions;
  trace_turn_id?: string;
}

export type QueuedWorkPayload =
  | { type: 'turn_input'; input: TurnInput }
  | { type: 'process_wake'; wake: ProcessWakeDelivery }
  | { type: 'session_command'; command: SessionCommand };

export interface QueuedWorkItem {
  item_id: string;
  payload: QueuedWorkPayload;
}

export interface QueuedWorkBatch {
  batch_id: string;
  session_id: string;
  enqueue_seq: U64;
  source_key?: string;
  delivery_policy: DeliveryPolicy;
  slot_policy: SlotPolicy;
  merge_key: MergeKey;
  available_at_ms: EpochMs;
  enqueued_at_ms: EpochMs;
  items: QueuedWorkItem[];
}

export interface QueuedWorkBatchDraft {
  session_id: string;
  source_key?: string;
  delivery_policy: DeliveryPolicy;
  slot_policy: SlotPolicy;
  merge_key: MergeKey;
  available_at_ms: EpochMs;
  payloads: QueuedWorkPayload[];
}

export interface QueuedWorkClaim {
  session_id: string;
  claim_id: string;
  owner_id: string;
  lease_token: string;
  fencing_token: U64;
  claimed_at_epoch_ms: EpochMs;
  expires_at_epoch_ms: EpochMs;
  /** In `enqueue_seq` order. */
  batches: QueuedWorkBatch[];
}

/** What a turn commit hands back to complete a claim. */
export interface QueuedWorkCompletion {
  session_id: string;
  claim_id: string;
  lease_token: string;
  batch_ids: string[];
}

/**
 * The queued-work half of `RuntimePersistence` (`contract-session.md` §1.8):
 * exactly its queue methods. The session `Store` delegates them to
 * `QueuedWork`.
 */
export type QueuedWorkPersistence = Pick<RuntimePersistence, QueueMethodName>;

/** `claim.completion()` of the reference. */
export function claimCompletion(claim: QueuedWorkClaim): QueuedWorkCompletion {
  return {
    session_id: claim.session_id,
    claim_id: claim.claim_id,
    lease_token: claim.lease_token,
    batch_ids: claim.batches.map((batch) => batch.batch_id),
  };
}

/** `claim.is_empty()` of the reference: true when no batch of the claim holds an item. */
export function claimIsEmpty(claim: QueuedWorkClaim): boolean {
  return claim.batches.every((batch) => batch.items.length === 0);
}

/** Batches a list returns when the caller names no `limit`. */
export const DEFAULT_QUEUE_LIST_LIMIT = 1000;

/** A page of a queue list. */
export interface QueuedWorkListOptions {
  /** At most this many batches (a positive safe integer). Default 1000. */
  limit?: number;
  /** Only batches queued after this one (`enqueue_seq`); default 0, the head of the queue. */
  afterEnqueueSeq?: number;
}
