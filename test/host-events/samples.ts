/** Host-event fixtures of the conformance catalogue (§2.4), with their exact values. */
import type { HostEventOccurrenceRequest, TriggerSubscriptionDraft } from '../../src/index.ts';

export const BUTTON = 'ui.button.pressed';

/** `sample_trigger_subscription_draft(session_id, source_key, process_name)`. */
export function sampleDraft(sessionId: string, sourceKey: string, processName: string): TriggerSubscriptionDraft {
  return {
    session_id: sessionId,
    name: processName,
    source_type: BUTTON,
    source_key: sourceKey,
    source: {},
    event_ty: { Object: [{ name: 'button', ty: 'Str', optional: false }] },
    module_ref: 'lashlang:v1:sha256:module',
    required_surface_ref: 'lashlang-surface:v1:sha256:surface',
    process_ref: { component: 'process', pos: 1 },
    process_name: processName,
    input_template: { event: { kind: 'event' } },
  };
}

/** `button_occurrence_request(source_key, idempotency_key)`: the source is present and `{}`. */
export function buttonRequest(sourceKey: string, idempotencyKey: string, button = 'Blue'): HostEventOccurrenceRequest {
  return { source_type: BUTTON, source_key: sourceKey, payload: { button }, idempotency_key: idempotencyKey, source: {} };
}
