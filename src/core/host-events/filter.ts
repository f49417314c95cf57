/** Subscription filters and the registration view (§7.1). */
import type {
  TriggerRegistration,
  TriggerSubscriptionFilter,
  TriggerSubscriptionRecord,
  TriggerTargetIdentity,
} from '../contract/host-events.ts';

/** True when every field present in `filter` equals the record's. */
export function subscriptionMatches(filter: TriggerSubscriptionFilter, record: TriggerSubscriptionRecord): boolean {
  return (
    (filter.session_id === undefined || record.session_id === filter.session_id) &&
    (filter.handle === undefined || record.handle === filter.handle) &&
    (filter.name === undefined || record.name === filter.name) &&
    (filter.source_type === undefined || record.source_type === filter.source_type) &&
    (filter.source_key === undefined || record.source_key === filter.source_key) &&
    (filter.enabled === undefined || record.enabled === filter.enabled) &&
    (filter.target === undefined || targetMatches(filter.target, record))
  );
}

function targetMatches(target: TriggerTargetIdentity, record: TriggerSubscriptionRecord): boolean {
  return (
    target.module_ref === record.module_ref &&
    target.required_surface_ref === record.required_surface_ref &&
    target.process_ref.component === record.process_ref.component &&
    target.process_ref.pos === record.process_ref.pos &&
    target.process_name === record.process_name
  );
}

/** The filter of one session's subscriptions (`TriggerSubscriptionFilter::for_session`). */
export function subscriptionsForSession(sessionId: string): TriggerSubscriptionFilter {
  return { session_id: sessionId };
}

/** The public view of a subscription (`TriggerRegistration::from`). */
export function triggerRegistration(record: TriggerSubscriptionRecord): TriggerRegistration {
  const view: TriggerRegistration = {
    handle: record.handle,
    source_key: record.source_key,
    source_type: record.source_type,
    source: record.source,
    target: { process_name: record.process_name, inputs: record.input_template },
    enabled: record.enabled,
  };
  if (record.name !== undefined) view.name = record.name;
  return view;
}
