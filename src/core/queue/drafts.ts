/**
 * Draft builders for hosts (the reference's `QueuedWorkBatchDraft::new` and
 * its `with_*` methods, `process_wake_batch_draft`, `queued_turn_input_draft`).
 * Drafts are plain records; the `with*` helpers return a changed copy.
 */
import { processWakeSourceKey } from '../process/commands.ts';
import type {
  DeliveryPolicy,
  MergeKey,
  ProcessWakeDelivery,
  QueuedWorkBatchDraft,
  QueuedWorkPayload,
  SessionCommand,
  SlotPolicy,
  TurnInput,
} from '../contract/queue.ts';

/** A draft with merge key `'never'`, available at once (`available_at_ms` 0), no source key. */
export function newQueuedWorkDraft(
  sessionId: string,
  deliveryPolicy: DeliveryPolicy,
  slotPolicy: SlotPolicy,
  payloads: readonly QueuedWorkPayload[],
): QueuedWorkBatchDraft {
  return {
    session_id: sessionId,
    delivery_policy: deliveryPolicy,
    slot_policy: slotPolicy,
    merge_key: 'never',
    available_at_ms: 0,
    payloads: [...payloads],
  };
}

/** Idempotency key: while a batch with this key exists in the session, enqueue returns it. */
export function withSourceKey(draft: QueuedWorkBatchDraft, sourceKey: string): QueuedWorkBatchDraft {
  return { ...draft, source_key: sourceKey };
}

/** Not claimable before this epoch-ms time. */
export function withAvailableAtMs(draft: QueuedWorkBatchDraft, availableAtMs: number): QueuedWorkBatchDraft {
  return { ...draft, available_at_ms: availableAtMs };
}

/** Join batches are grouped only with neighbours of an equal merge key. */
export function withMergeKey(draft: QueuedWorkBatchDraft, mergeKey: MergeKey): QueuedWorkBatchDraft {
  return { ...draft, merge_key: mergeKey };
}

/** The queued-work payload of a turn input. */
export function turnInputPayload(input: TurnInput): QueuedWorkPayload {
  return { type: 'turn_input', input };
}

/** A turn input of one text item, no images. */
export function textTurnInput(text: string): TurnInput {
  return { items: [{ type: 'text', text }], image_blobs: {} };
}

/** The reference's `queued_turn_input_draft`: one turn-input payload holding one text item. */
export function queuedTurnInputDraft(
  sessionId: string,
  text: string,
  deliveryPolicy: DeliveryPolicy,
  slotPolicy: SlotPolicy,
): QueuedWorkBatchDraft {
  return newQueuedWorkDraft(sessionId, deliveryPolicy, slotPolicy, [turnInputPayload(textTurnInput(text))]);
}

/**
 * A process wake for its target session: earliest safe boundary, exclusive,
 * keyed `process:{process_id}:event:{sequence}:wake`, so a wake is queued
 * once per process event however often it is delivered.
 */
export function processWakeBatchDraft(wake: ProcessWakeDelivery): QueuedWorkBatchDraft {
  const draft = newQueuedWorkDraft(wake.target_session_id, 'earliest_safe_boundary', 'exclusive', [
    { type: 'process_wake', wake },
  ]);
  return withSourceKey(draft, processWakeSourceKey(wake.process_id, wake.sequence));
}

/** `SessionCommand::source_key`: `command:{kind}:{idempotencyKey}`. */
export function sessionCommandSourceKey(command: SessionCommand, idempotencyKey: string): string {
  return `command:${command.kind}:${idempotencyKey}`;
}
