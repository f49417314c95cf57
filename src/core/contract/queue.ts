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

/** When a batch may be delivered: at the earliest safe boundary, or only after the current turn commits. */
export type DeliveryPolicy = 'earliest_safe_boundary' | 'after_current_turn_commit';
/** Whether a batch joins others in one claim (`join`) or is claimed alone (`exclusive`). */
export type SlotPolicy = 'join' | 'exclusive';
/** `'never'`, `'payload_default'`, or a named group. Compared by value only. */
export type MergeKey = 'never' | 'payload_default' | {
  /** Join only batches of this merge group. */
  group: string;
};
/** Where the runtime is when it claims (never persisted). */
export type QueuedWorkClaimBoundary = 'active_turn_checkpoint' | 'idle';

/** Every `DeliveryPolicy`, in wire order. */
export const DELIVERY_POLICIES: readonly DeliveryPolicy[] = ['earliest_safe_boundary', 'after_current_turn_commit'];
/** Every `SlotPolicy`, in wire order. */
export const SLOT_POLICIES: readonly SlotPolicy[] = ['join', 'exclusive'];
/** Every `QueuedWorkClaimBoundary`, in wire order. */
export const CLAIM_BOUNDARIES: readonly QueuedWorkClaimBoundary[] = ['active_turn_checkpoint', 'idle'];

/** A control command for a session, queued like work. Tagged on `kind`. */
export type SessionCommand =
  | {
      /** Refresh the session's tool surface. */
      kind: 'refresh_tool_surface';
      /** Why. */
      reason: string;
      /** The tool-state generation the refresh expects, if any. */
      expected_generation?: U64;
    }
  | {
      /** Reset the session. */
      kind: 'reset_session';
      /** Why. */
      reason: string;
    };

/** One item of a turn's input: text, or a reference to an image attachment. */
export type InputItem = {
  /** Text input. */
  type: 'text';
  /** The text. */
  text: string;
} | {
  /** An image attachment. */
  type: 'image_ref';
  /** The attachment id. */
  id: string;
};

/** Options a protocol plugin passes to the turn. */
export interface ProtocolTurnOptions {
  /** The options (opaque to the store); `{}` by default. */
  payload: JsonValue;
}

/** The input of a queued turn. */
export interface TurnInput {
  /** The input items, in order. */
  items: InputItem[];
  /** JSON wire form: `{ [id]: number[] }`. */
  image_blobs: Record<string, Uint8Array>;
  /** Protocol options for the turn, if any. */
  protocol_turn_options?: ProtocolTurnOptions;
  /** A trace id for the turn, if any. */
  trace_turn_id?: string;
}

/** What a queued item carries: a turn input, a process wake, or a session command. Tagged on `type`. */
export type QueuedWorkPayload =
  | {
      /** A turn input. */
      type: 'turn_input';
      /** The input. */
      input: TurnInput;
    }
  | {
      /** A process wake. */
      type: 'process_wake';
      /** The wake, as the registry delivered it. */
      wake: ProcessWakeDelivery;
    }
  | {
      /** A session command. */
      type: 'session_command';
      /** The command. */
      command: SessionCommand;
    };

/** One item of a queued batch. */
export interface QueuedWorkItem {
  /** The item's id. */
  item_id: string;
  /** What it carries. */
  payload: QueuedWorkPayload;
}

/** A batch of queued work as stored. */
export interface QueuedWorkBatch {
  /** The batch id. */
  batch_id: string;
  /** The session it is queued for. */
  session_id: string;
  /** Its position in the session's queue (grows by one per enqueue). */
  enqueue_seq: U64;
  /** Idempotency key: enqueuing the same key again returns this batch. */
  source_key?: string;
  /** When it may be delivered. */
  delivery_policy: DeliveryPolicy;
  /** Whether it joins other batches in one claim. */
  slot_policy: SlotPolicy;
  /** Which batches it may be merged with. */
  merge_key: MergeKey;
  /** Not claimable before this time (epoch ms). */
  available_at_ms: EpochMs;
  /** When it was enqueued (epoch ms). */
  enqueued_at_ms: EpochMs;
  /** The items. */
  items: QueuedWorkItem[];
}

/** A batch to enqueue (see `newQueuedWorkDraft` and the other draft builders). */
export interface QueuedWorkBatchDraft {
  /** The session to queue it for. */
  session_id: string;
  /** Idempotency key, if any. */
  source_key?: string;
  /** When it may be delivered. */
  delivery_policy: DeliveryPolicy;
  /** Whether it joins other batches in one claim. */
  slot_policy: SlotPolicy;
  /** Which batches it may be merged with. */
  merge_key: MergeKey;
  /** Not claimable before this time (epoch ms); 0 for at once. */
  available_at_ms: EpochMs;
  /** The items' payloads, in order. */
  payloads: QueuedWorkPayload[];
}

/** A leased claim of queued batches: complete it with the turn commit, renew it, or abandon it. */
export interface QueuedWorkClaim {
  /** The session. */
  session_id: string;
  /** The claim id. */
  claim_id: string;
  /** Who holds the claim. */
  owner_id: string;
  /** The token that proves the claim; unique forever. */
  lease_token: string;
  /** Grows with every claim of the session, so a stale holder can be fenced off. */
  fencing_token: U64;
  /** When it was claimed (epoch ms). */
  claimed_at_epoch_ms: EpochMs;
  /** When it expires unless renewed (epoch ms). */
  expires_at_epoch_ms: EpochMs;
  /** In `enqueue_seq` order. */
  batches: QueuedWorkBatch[];
}

/** What a turn commit hands back to complete a claim. */
export interface QueuedWorkCompletion {
  /** The session. */
  session_id: string;
  /** The claim being completed. */
  claim_id: string;
  /** The claim's lease token. */
  lease_token: string;
  /** The batches completed (checked against the claim's batches). */
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
