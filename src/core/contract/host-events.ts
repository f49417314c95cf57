/**
 * Host-event wire types (`contract-process.md` §7.1). Field names are the
 * reference's serde names; lashlang-typed fields (`event_ty`, the input
 * template, the process ref) are opaque JSON to the store.
 */
import type { DurabilityTier } from './durability.ts';
import type { EpochMs, JsonValue } from './json.ts';

/** A lashlang type expression (externally tagged, PascalCase variants). Stored as given. */
export type TypeExpr = JsonValue;

/** `{component, pos}`: where the target process lives in its module. */
export interface TriggerProcessRef {
  component: string;
  pos: number;
}

/** How a trigger fills one process parameter. Tag `kind`. */
export type TriggerInputBinding = { kind: 'event' } | { kind: 'fixed'; value: JsonValue };

/** Process parameter name → binding (a sorted map in the reference). */
export type TriggerInputTemplate = { [param: string]: TriggerInputBinding };

/** Identifies the process a subscription starts. */
export interface TriggerTargetIdentity {
  module_ref: string;
  required_surface_ref: string;
  process_ref: TriggerProcessRef;
  process_name: string;
}

export interface TriggerSubscriptionDraft {
  session_id: string;
  name?: string;
  source_type: string;
  source_key: string;
  source: JsonValue;
  event_ty: TypeExpr;
  module_ref: string;
  required_surface_ref: string;
  process_ref: TriggerProcessRef;
  process_name: string;
  input_template: TriggerInputTemplate;
}

/** A registered subscription: the draft's fields plus what the store assigns. */
export interface TriggerSubscriptionRecord extends TriggerSubscriptionDraft {
  /** `subscription:{seq}` */
  subscription_id: string;
  /** `trigger:{seq}` */
  handle: string;
  enabled: boolean;
  created_at_ms: EpochMs;
  updated_at_ms: EpochMs;
}

/** Every present field must equal the record's (ANDed). */
export interface TriggerSubscriptionFilter {
  session_id?: string;
  handle?: string;
  name?: string;
  source_type?: string;
  source_key?: string;
  target?: TriggerTargetIdentity;
  enabled?: boolean;
}

/** The view `From<&TriggerSubscriptionRecord>` of the reference. */
export interface TriggerRegistration {
  handle: string;
  source_key: string;
  name?: string;
  source_type: string;
  source: JsonValue;
  target: { process_name: string; inputs: TriggerInputTemplate };
  enabled: boolean;
}

export interface HostEventOccurrenceRequest {
  source_type: string;
  source_key: string;
  /** Defaults to `null` when omitted. */
  payload?: JsonValue;
  idempotency_key: string;
  source?: JsonValue;
}

export interface HostEventOccurrenceRecord {
  /** `host_event:` + H([source_type, source_key, idempotency_key]) */
  occurrence_id: string;
  source_type: string;
  source_key: string;
  payload: JsonValue;
  idempotency_key: string;
  source?: JsonValue;
  occurred_at_ms: EpochMs;
}

export interface TriggerDeliveryReservation {
  occurrence: HostEventOccurrenceRecord;
  subscription: TriggerSubscriptionRecord;
  /** `process:host-event:` + H([occurrence_id, subscription_id]) */
  process_id: string;
}

/** What `HostEventRouter.emit` reports (the router is not part of the store). */
export interface HostEventEmitReport {
  occurrence_id?: string;
  started_process_ids: string[];
}

/** The host-event store contract (§7.2). */
export interface HostEventStore {
  durabilityTier(): DurabilityTier;
  sourceKeyForSubscription(sourceType: string, source: JsonValue): Promise<string>;
  registerSubscription(draft: TriggerSubscriptionDraft): Promise<TriggerSubscriptionRecord>;
  listSubscriptions(filter: TriggerSubscriptionFilter): Promise<TriggerSubscriptionRecord[]>;
  cancelSubscription(sessionId: string, handle: string): Promise<boolean>;
  recordOccurrence(request: HostEventOccurrenceRequest): Promise<HostEventOccurrenceRecord>;
  reserveMatchingDeliveries(occurrenceId: string): Promise<TriggerDeliveryReservation[]>;
}
