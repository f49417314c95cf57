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
  /** The component holding the declaration. */
  component: string;
  /** The declaration's position in the component. */
  pos: number;
}

/** How a trigger fills one process parameter. Tag `kind`. */
export type TriggerInputBinding = {
  /** Pass the event's payload. */
  kind: 'event';
} | {
  /** Pass a fixed value. */
  kind: 'fixed';
  /** The value. */
  value: JsonValue;
};

/** Process parameter name → binding (a sorted map in the reference). */
export type TriggerInputTemplate = { [param: string]: TriggerInputBinding };

/** Identifies the process a subscription starts. */
export interface TriggerTargetIdentity {
  /** The module artifact. */
  module_ref: string;
  /** The host surface the module was compiled against. */
  required_surface_ref: string;
  /** Where the process is declared. */
  process_ref: TriggerProcessRef;
  /** The process's name. */
  process_name: string;
}

/** A subscription to register: which host events start which lashlang process for a session. */
export interface TriggerSubscriptionDraft {
  /** The session that subscribes. */
  session_id: string;
  /** A display name, if any. */
  name?: string;
  /** The kind of event source (e.g. `button`). */
  source_type: string;
  /** The source's key (see `sourceKeyForSubscription`). */
  source_key: string;
  /** The source's description (opaque JSON). */
  source: JsonValue;
  /** The event's lashlang type. */
  event_ty: TypeExpr;
  /** The module of the process to start. */
  module_ref: string;
  /** The host surface the module was compiled against. */
  required_surface_ref: string;
  /** Where the process is declared. */
  process_ref: TriggerProcessRef;
  /** The process's name. */
  process_name: string;
  /** How the process's parameters are filled. */
  input_template: TriggerInputTemplate;
}

/** A registered subscription: the draft's fields plus what the store assigns. */
export interface TriggerSubscriptionRecord extends TriggerSubscriptionDraft {
  /** `subscription:{seq}` */
  subscription_id: string;
  /** `trigger:{seq}` */
  handle: string;
  /** Whether the subscription is active. */
  enabled: boolean;
  /** When it was registered (epoch ms). */
  created_at_ms: EpochMs;
  /** When it last changed (epoch ms). */
  updated_at_ms: EpochMs;
}

/** Every present field must equal the record's (ANDed). */
export interface TriggerSubscriptionFilter {
  /** Only this session's. */
  session_id?: string;
  /** Only the subscription with this handle. */
  handle?: string;
  /** Only subscriptions with this name. */
  name?: string;
  /** Only this source type. */
  source_type?: string;
  /** Only this source key. */
  source_key?: string;
  /** Only subscriptions that start this process. */
  target?: TriggerTargetIdentity;
  /** Only enabled (or disabled) ones. */
  enabled?: boolean;
}

/** The view `From<&TriggerSubscriptionRecord>` of the reference. */
export interface TriggerRegistration {
  /** The subscription's handle. */
  handle: string;
  /** The source's key. */
  source_key: string;
  /** The display name, if any. */
  name?: string;
  /** The source type. */
  source_type: string;
  /** The source's description. */
  source: JsonValue;
  /** The process it starts. */
  target: {
    /** The process's name. */
    process_name: string;
    /** How its parameters are filled. */
    inputs: TriggerInputTemplate;
  };
  /** Whether it is active. */
  enabled: boolean;
}

/** A host event to record. */
export interface HostEventOccurrenceRequest {
  /** The kind of source. */
  source_type: string;
  /** The source's key. */
  source_key: string;
  /** Defaults to `null` when omitted. */
  payload?: JsonValue;
  /** Makes recording idempotent: the same key returns the same occurrence. */
  idempotency_key: string;
  /** The source's description, if any. */
  source?: JsonValue;
}

/** A recorded host event. */
export interface HostEventOccurrenceRecord {
  /** `host_event:` + H([source_type, source_key, idempotency_key]) */
  occurrence_id: string;
  /** The kind of source. */
  source_type: string;
  /** The source's key. */
  source_key: string;
  /** The event's payload. */
  payload: JsonValue;
  /** The key it was recorded under. */
  idempotency_key: string;
  /** The source's description, if any. */
  source?: JsonValue;
  /** When it occurred (epoch ms). */
  occurred_at_ms: EpochMs;
}

/** A reserved delivery of an occurrence to one matching subscription; the process id is deterministic, so a crash before the start is retried safely. */
export interface TriggerDeliveryReservation {
  /** The occurrence. */
  occurrence: HostEventOccurrenceRecord;
  /** The subscription it matches. */
  subscription: TriggerSubscriptionRecord;
  /** `process:host-event:` + H([occurrence_id, subscription_id]) */
  process_id: string;
}

/** What `HostEventRouter.emit` reports (the router is not part of the store). */
export interface HostEventEmitReport {
  /** The recorded occurrence, if one was recorded. */
  occurrence_id?: string;
  /** The processes started for it. */
  started_process_ids: string[];
}

/** The host-event store contract (§7.2). */
export interface HostEventStore {
  /** `'durable'` on a file-backed connection, `'inline'` in memory. */
  durabilityTier(): DurabilityTier;
  /** The source key a subscription to this source gets. */
  sourceKeyForSubscription(sourceType: string, source: JsonValue): Promise<string>;
  /** Registers a subscription; the store assigns its id and handle. */
  registerSubscription(draft: TriggerSubscriptionDraft): Promise<TriggerSubscriptionRecord>;
  /** The subscriptions that match every field of `filter`. */
  listSubscriptions(filter: TriggerSubscriptionFilter): Promise<TriggerSubscriptionRecord[]>;
  /** Disables a session's subscription; `false` when there was none. */
  cancelSubscription(sessionId: string, handle: string): Promise<boolean>;
  /** Records an occurrence, idempotently by `idempotency_key`. */
  recordOccurrence(request: HostEventOccurrenceRequest): Promise<HostEventOccurrenceRecord>;
  /** Reserves one delivery per matching enabled subscription, once per pair. */
  reserveMatchingDeliveries(occurrenceId: string): Promise<TriggerDeliveryReservation[]>;
}
