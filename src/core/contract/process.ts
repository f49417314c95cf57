/**
 * The process model (`contract-process.md` §1–§3): durable background
 * processes, their typed event streams, handle grants and leases, and the
 * `ProcessRegistry` contract.
 *
 * Field names are the wire names (snake_case) and fields are listed in the
 * reference's declaration order. Optional fields (`field?: T`) are omitted
 * when absent; `T | null` fields are always written. Every hash is taken over
 * canonical JSON (sorted keys), so key order never changes a hash here.
 */
import type { DurabilityTier } from './durability.ts';
import type { CausalRef } from './causal.ts';
import type { RuntimeInvocation, RuntimeReplay } from './invocation.ts';
import type { EpochMs, JsonObject, JsonValue, U64 } from './json.ts';

export type { DurabilityTier } from './durability.ts';

export type ProcessId = string;
export type AgentFrameId = string;

/** Owner or target scope of a process: a session, optionally one agent frame of it. */
export interface ProcessScope {
  session_id: string;
  agent_frame_id?: AgentFrameId;
}

/** `session:{sid}` or `session:{sid}/frame:{fid}` (see `processScopeId`). */
export type ProcessScopeId = string;

/** A JSON-schema subset (validated by `validateLashSchema`). `{ schema: {} }` accepts anything. */
export interface LashSchema {
  schema: JsonValue;
}

export type ToolFailureClass =
  | 'invalid_request'
  | 'unavailable'
  | 'permission_denied'
  | 'timeout'
  | 'execution'
  | 'external'
  | 'resource_limit'
  | 'internal';

/** Opaque to the registry: `switch_agent_frame` | `finish` | `fail`, tagged on `type`. */
export type ToolControl = { type: 'switch_agent_frame' | 'finish' | 'fail'; [key: string]: JsonValue };

// ---------------------------------------------------------------------------
// Inputs, registration, record (§2.1)
// ---------------------------------------------------------------------------

/** Order: call_id, tool_name, args, replay, prepared_payload. */
export interface PreparedToolCall {
  call_id: string;
  tool_name: string;
  args: JsonValue;
  replay?: JsonValue;
  prepared_payload?: JsonValue;
}

/** What a process runs. Tagged on `type`. */
export type ProcessInput =
  | { type: 'tool_call'; call: PreparedToolCall }
  | {
      type: 'lashlang_process';
      module_ref: string;
      process_ref: { component: string; pos: number };
      required_surface_ref: string;
      process_name: string;
      args: JsonObject;
    }
  | { type: 'session_turn'; create_request: JsonValue; turn_input: JsonValue; output_contract: JsonValue }
  | { type: 'external'; metadata: JsonValue };

/** Order: owner_scope, host_profile_id, caused_by. */
export interface ProcessProvenance {
  owner_scope: ProcessScope;
  host_profile_id: string;
  caused_by?: CausalRef;
}

/** The spec used to start or recover a process. Order: id, input, event_types, provenance. */
export interface ProcessRegistration {
  id: ProcessId;
  input: ProcessInput;
  event_types: ProcessEventType[];
  provenance: ProcessProvenance;
}

/** Tagged on `state`. */
export type ProcessStatus =
  | { state: 'running' }
  | { state: 'completed'; await_output: ProcessAwaitOutput }
  | { state: 'failed'; await_output: ProcessAwaitOutput }
  | { state: 'cancelled'; await_output: ProcessAwaitOutput };

export type ProcessLifecycleStatus = ProcessStatus['state'];

/**
 * The durable process row. Order: id, registration_hash, input, event_types,
 * provenance, created_at_ms, updated_at_ms, external_ref, status.
 */
export interface ProcessRecord {
  id: ProcessId;
  registration_hash: string;
  input: ProcessInput;
  event_types: ProcessEventType[];
  provenance: ProcessProvenance;
  created_at_ms: EpochMs;
  updated_at_ms: EpochMs;
  external_ref?: ProcessExternalRef;
  status: ProcessStatus;
}

export interface ProcessExternalRef {
  backend: string;
  id: string;
  metadata?: JsonValue;
}

export interface ProcessHandleDescriptor {
  kind?: string;
  label?: string;
}

export interface ProcessHandleGrant {
  session_id: string;
  process_id: ProcessId;
  descriptor: ProcessHandleDescriptor;
}

/** The reference's `(grant, record)` tuple: a two-element JSON array. */
export type ProcessHandleGrantEntry = [ProcessHandleGrant, ProcessRecord];

export interface ProcessStartGrant {
  owner_scope: ProcessScope;
  descriptor: ProcessHandleDescriptor;
}

/** Execution-local context of a Start effect; never stored in the process row. */
export interface ProcessExecutionContext {
  causal_invocation?: RuntimeInvocation;
  wake_target_scope?: ProcessScope;
}

export type ProcessListMode = 'live' | 'all';

export interface ProcessSessionDeleteReport {
  session_id: string;
  revoked_handle_count: U64;
  /** Always 0: wake deliveries live in the target session's queue, not here. */
  deleted_wake_count: U64;
  /** Non-terminal processes left with no grant at all: sorted, deduplicated. */
  cancel_process_ids: string[];
  /** Non-terminal processes still granted to another session: sorted, deduplicated. */
  preserved_process_ids: string[];
}

// ---------------------------------------------------------------------------
// Leases (§2.2)
// ---------------------------------------------------------------------------

export const PROCESS_LEASE_SCHEMA_VERSION = 1;

/**
 * Order: schema_version, process_id, owner_id, lease_token, fencing_token,
 * claimed_at_epoch_ms, expires_at_epoch_ms.
 */
export interface ProcessLease {
  schema_version: number;
  process_id: ProcessId;
  owner_id: string;
  lease_token: string;
  fencing_token: U64;
  claimed_at_epoch_ms: EpochMs;
  expires_at_epoch_ms: EpochMs;
}

export interface ProcessLeaseCompletion {
  process_id: ProcessId;
  lease_token: string;
}

// ---------------------------------------------------------------------------
// Event types, semantics, selectors (§2.3)
// ---------------------------------------------------------------------------

/** Order: name, payload_schema, semantics. */
export interface ProcessEventType {
  name: string;
  payload_schema: LashSchema;
  semantics: ProcessEventSemanticsSpec;
}

export interface ProcessEventSemanticsSpec {
  terminal?: ProcessTerminalSpec;
  wake?: ProcessWakeSpec;
}

export type ProcessTerminalState = 'completed' | 'failed' | 'cancelled';

export interface ProcessTerminalSpec {
  state: ProcessTerminalState;
  await_output?: ProcessValueSelector;
}

/** Order: when, input, dedupe_key. `dedupe_key` is always written. */
export interface ProcessWakeSpec {
  when?: ProcessValueSelector;
  input: ProcessValueSelector;
  dedupe_key: ProcessWakeDedupeKey;
}

/** Externally tagged: a bare string for the unit variant. */
export type ProcessWakeDedupeKey = 'event_identity' | { selector: ProcessValueSelector } | { const: string };

/** Externally tagged: `'payload'` or a one-key object. */
export type ProcessValueSelector =
  | 'payload'
  | { pointer: string }
  | { const: JsonValue }
  | { template: { template: string; fields: { [name: string]: ProcessValueSelector } } }
  | { present: string };

/** Semantics materialized for one event at append time and stored with it. */
export interface ProcessEventSemantics {
  terminal?: ProcessTerminalSemantics;
  wake?: ProcessWake;
}

export interface ProcessTerminalSemantics {
  state: ProcessTerminalState;
  await_output: ProcessAwaitOutput;
}

export interface ProcessWake {
  input: string;
  dedupe_key: string;
}

/** What `awaitProcess` returns. Tagged on `type`. */
export type ProcessAwaitOutput =
  | { type: 'success'; value: JsonValue; control?: ToolControl }
  | {
      type: 'failure';
      class: ToolFailureClass;
      code: string;
      message: string;
      raw?: JsonValue;
      control?: ToolControl;
    }
  | { type: 'cancelled'; message: string; raw?: JsonValue; control?: ToolControl };

// ---------------------------------------------------------------------------
// Events and append (§2.4)
// ---------------------------------------------------------------------------

/** serde's `SystemTime`: whole seconds plus nanoseconds (millisecond precision here). */
export interface SystemTimeJson {
  secs_since_epoch: U64;
  nanos_since_epoch: number;
}

/**
 * One event of a process stream. Order: process_id, sequence, event_type,
 * payload, invocation, semantics, occurred_at.
 */
export interface ProcessEvent {
  process_id: ProcessId;
  /** 1-based and gap-free per process. */
  sequence: U64;
  event_type: string;
  payload: JsonValue;
  invocation: RuntimeInvocation;
  semantics: ProcessEventSemantics;
  occurred_at: SystemTimeJson;
}

/** Order: event_type, payload, replay, wake_target_scope. */
export interface ProcessEventAppendRequest {
  event_type: string;
  payload: JsonValue;
  /** Idempotency key: the same key with the same type and payload returns the stored event. */
  replay?: RuntimeReplay;
  /** Where a wake goes; required iff the event materializes a wake. Never stored. */
  wake_target_scope?: ProcessScope;
}

export interface ProcessEventAppendResult {
  event: ProcessEvent;
  wake_delivery?: ProcessWakeDelivery;
}

/** A wake for the caller to enqueue in the target session (the registry does not store it). */
export interface ProcessWakeDelivery {
  /** `"wake:" + H([target_scope_id, dedupe_key])`. */
  wake_id: string;
  target_session_id: string;
  target_scope_id: ProcessScopeId;
  process_id: ProcessId;
  sequence: U64;
  event_type: string;
  event_invocation: RuntimeInvocation;
  process_caused_by?: CausalRef;
  dedupe_key: string;
  input: string;
  /** The event's occurred-at time in ms. */
  created_at_ms: EpochMs;
}

/** Output of the pure `prepareProcessEventAppend`. */
export interface PreparedProcessEventAppend {
  event: ProcessEvent;
  payload_hash: string;
  status_update?: ProcessStatus;
  wake_delivery?: ProcessWakeDelivery;
  occurred_at_ms: EpochMs;
  replayed: boolean;
}

// ---------------------------------------------------------------------------
// The contract (§3)
// ---------------------------------------------------------------------------

/**
 * The process registry. Every method rejects with `PluginError` (kind
 * `session`) except `getProcess`, which resolves `undefined` for a missing
 * (or unreadable, logged) process.
 */
export interface ProcessRegistry {
  durabilityTier(): DurabilityTier;
  registerProcess(registration: ProcessRegistration): Promise<ProcessRecord>;
  setExternalRef(processId: string, externalRef: ProcessExternalRef): Promise<ProcessRecord>;
  grantHandle(owner: ProcessScope, processId: string, descriptor: ProcessHandleDescriptor): Promise<ProcessHandleGrant>;
  revokeHandle(owner: ProcessScope, processId: string): Promise<void>;
  transferHandleGrants(from: ProcessScope, to: ProcessScope, processIds: readonly string[]): Promise<void>;
  listHandleGrants(owner: ProcessScope): Promise<ProcessHandleGrantEntry[]>;
  listLiveHandleGrants(owner: ProcessScope): Promise<ProcessHandleGrantEntry[]>;
  hasHandleGrant(owner: ProcessScope, processId: string): Promise<boolean>;
  handleGrantsForProcess(processId: string): Promise<ProcessHandleGrant[]>;
  deleteSessionProcessState(sessionId: string): Promise<ProcessSessionDeleteReport>;
  appendEvent(processId: string, request: ProcessEventAppendRequest): Promise<ProcessEventAppendResult>;
  /** At most `options.limit` events (the SQLite registry's default: 1000); page after the last sequence. */
  eventsAfter(processId: string, afterSequence: U64, options?: { limit?: number }): Promise<ProcessEvent[]>;
  wakeEventsAfter(processId: string, afterSequence: U64, options?: { limit?: number }): Promise<ProcessEvent[]>;
  /** Blocks until an event of `eventType` with a sequence above `afterSequence` exists. */
  waitEventAfter(processId: string, eventType: string, afterSequence: U64, signal?: AbortSignal): Promise<ProcessEvent>;
  /** Blocks until the process is terminal and returns its output. */
  awaitProcess(processId: string, signal?: AbortSignal): Promise<ProcessAwaitOutput>;
  completeProcess(processId: string, output: ProcessAwaitOutput): Promise<ProcessRecord>;
  getProcess(processId: string): Promise<ProcessRecord | undefined>;
  ackWake(processId: string, sequence: U64): Promise<void>;
  listNonTerminal(): Promise<ProcessRecord[]>;
  claimProcessLease(processId: string, ownerId: string, leaseTtlMs: U64): Promise<ProcessLease>;
  renewProcessLease(lease: ProcessLease, leaseTtlMs: U64): Promise<ProcessLease>;
  completeProcessLease(completion: ProcessLeaseCompletion): Promise<void>;
}

/** A serializable operation on the process control plane. Tagged on `op`. */
export type ProcessCommand =
  | {
      op: 'start';
      registration: ProcessRegistration;
      grant?: ProcessStartGrant;
      /** Omitted when it has neither field. */
      execution_context?: ProcessExecutionContext;
    }
  | { op: 'list'; owner_scope: ProcessScope; mode: ProcessListMode }
  | { op: 'transfer'; from_scope: ProcessScope; to_scope: ProcessScope; process_ids: string[] }
  | { op: 'delete_session'; session_id: string }
  | { op: 'await'; process_id: string }
  | { op: 'cancel'; process_id: string; reason: string | null }
  | { op: 'signal'; process_id: string; signal_id: string; request: ProcessEventAppendRequest };

/** The recorded result of a process command. Tagged on `op`. */
export type ProcessEffectOutcome =
  | { op: 'start'; record: ProcessRecord }
  | { op: 'list'; entries: ProcessHandleGrantEntry[] }
  | { op: 'transfer' }
  | { op: 'delete_session'; report: ProcessSessionDeleteReport }
  | { op: 'await'; output: ProcessAwaitOutput }
  | { op: 'cancel'; record: ProcessRecord }
  | { op: 'signal'; event: ProcessEvent };

