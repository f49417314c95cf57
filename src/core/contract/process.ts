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

/** A process id, unique in its registry. */
export type ProcessId = string;
export type AgentFrameId = string;

/** Owner or target scope of a process: a session, optionally one agent frame of it. */
export interface ProcessScope {
  /** The session that owns (or is the target of) the scope. */
  session_id: string;
  /** One agent frame of that session; absent for the whole session. */
  agent_frame_id?: AgentFrameId;
}

/** `session:{sid}` or `session:{sid}/frame:{fid}` (see `processScopeId`). */
export type ProcessScopeId = string;

/** A JSON-schema subset (validated by `validateLashSchema`). `{ schema: {} }` accepts anything. */
export interface LashSchema {
  /** The JSON schema (a subset: `type`, `properties`, `required`, `items`, `enum`, …). */
  schema: JsonValue;
}

/** Why a tool or process failed, as the runtime classifies it. */
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
export type ToolControl = {
  /** Which control it is; the other keys are the control's own data. */
  type: 'switch_agent_frame' | 'finish' | 'fail';
  [key: string]: JsonValue;
};

// ---------------------------------------------------------------------------
// Inputs, registration, record (§2.1)
// ---------------------------------------------------------------------------

/** Order: call_id, tool_name, args, replay, prepared_payload. */
export interface PreparedToolCall {
  /** The model's tool call id. */
  call_id: string;
  /** The tool's name. */
  tool_name: string;
  /** The call's arguments. */
  args: JsonValue;
  /** Replay data the tool recorded, if any. */
  replay?: JsonValue;
  /** The payload the tool prepared before running, if any. */
  prepared_payload?: JsonValue;
}

/** What a process runs. Tagged on `type`. */
export type ProcessInput =
  | {
      /** Variant tag: a prepared tool call. */
      type: 'tool_call';
      /** The tool call to run. */
      call: PreparedToolCall;
    }
  | {
      /** Variant tag: a lashlang process. */
      type: 'lashlang_process';
      /** The module artifact that defines the process. */
      module_ref: string;
      /** Where the process is declared in the module. */
      process_ref: {
        /** The component holding the declaration. */
        component: string;
        /** The declaration's position in the component. */
        pos: number;
      };
      /** The host surface the module was compiled against. */
      required_surface_ref: string;
      /** The process's name in the module. */
      process_name: string;
      /** The process's arguments. */
      args: JsonObject;
    }
  | {
      /** Variant tag: a child session turn. */
      type: 'session_turn';
      /** The request that creates the child session. */
      create_request: JsonValue;
      /** The turn's input. */
      turn_input: JsonValue;
      /** What the turn's output must look like. */
      output_contract: JsonValue;
    }
  | {
      /** Variant tag: work run by an external system. */
      type: 'external';
      /** Whatever the host records about the external work. */
      metadata: JsonValue;
    };

/** Order: owner_scope, host_profile_id, caused_by. */
export interface ProcessProvenance {
  /** The scope that registered the process (it owns the process). */
  owner_scope: ProcessScope;
  /** The host profile the process runs under. */
  host_profile_id: string;
  /** What caused the registration, if known. */
  caused_by?: CausalRef;
}

/** The spec used to start or recover a process. Order: id, input, event_types, provenance. */
export interface ProcessRegistration {
  /** The process id (registration is idempotent by id and registration hash). */
  id: ProcessId;
  /** What the process runs. */
  input: ProcessInput;
  /** The event types the process may append; `defaultProcessEventTypes()` gives the lifecycle ones. */
  event_types: ProcessEventType[];
  /** Who registered it and why. */
  provenance: ProcessProvenance;
}

/** Tagged on `state`. */
export type ProcessStatus =
  | {
      /** Running: no terminal event yet. */
      state: 'running';
    }
  | {
      /** Completed by a terminal event. */
      state: 'completed';
      /** The output the process completed with. */
      await_output: ProcessAwaitOutput;
    }
  | {
      /** Failed by a terminal event. */
      state: 'failed';
      /** The failure the process ended with. */
      await_output: ProcessAwaitOutput;
    }
  | {
      /** Cancelled by a terminal event. */
      state: 'cancelled';
      /** The cancellation output. */
      await_output: ProcessAwaitOutput;
    };

/** The state name of a `ProcessStatus`. */
export type ProcessLifecycleStatus = ProcessStatus['state'];

/**
 * The durable process row. Order: id, registration_hash, input, event_types,
 * provenance, created_at_ms, updated_at_ms, external_ref, status.
 */
export interface ProcessRecord {
  /** The process id. */
  id: ProcessId;
  /** SHA-256 of the registration's canonical JSON: a second registration with the same id must match it. */
  registration_hash: string;
  /** What the process runs. */
  input: ProcessInput;
  /** The event types the process may append. */
  event_types: ProcessEventType[];
  /** Who registered it and why. */
  provenance: ProcessProvenance;
  /** When it was registered (epoch ms). */
  created_at_ms: EpochMs;
  /** When its row last changed (epoch ms). */
  updated_at_ms: EpochMs;
  /** Where an external system tracks it, once set with `setExternalRef`. */
  external_ref?: ProcessExternalRef;
  /** Running, or the terminal state and output. */
  status: ProcessStatus;
}

/** Where an external backend tracks a process. */
export interface ProcessExternalRef {
  /** The backend's name. */
  backend: string;
  /** The process's id in that backend. */
  id: string;
  /** Anything else the backend needs. */
  metadata?: JsonValue;
}

/** How a handle grant presents the process to its holder. */
export interface ProcessHandleDescriptor {
  /** A kind label for the handle (free-form). */
  kind?: string;
  /** A human-readable label. */
  label?: string;
}

/** A session's grant to observe and control a process. */
export interface ProcessHandleGrant {
  /** The session holding the grant. */
  session_id: string;
  /** The granted process. */
  process_id: ProcessId;
  /** How the handle is presented. */
  descriptor: ProcessHandleDescriptor;
}

/** The reference's `(grant, record)` tuple: a two-element JSON array. */
export type ProcessHandleGrantEntry = [ProcessHandleGrant, ProcessRecord];

/** The grant a `start` command gives its owner scope. */
export interface ProcessStartGrant {
  /** The scope that receives the grant. */
  owner_scope: ProcessScope;
  /** How the handle is presented. */
  descriptor: ProcessHandleDescriptor;
}

/** Execution-local context of a Start effect; never stored in the process row. */
export interface ProcessExecutionContext {
  /** The invocation that caused the start, for the process's provenance. */
  causal_invocation?: RuntimeInvocation;
  /** Where the process's wakes go. */
  wake_target_scope?: ProcessScope;
}

/** `live`: grants of non-terminal processes only; `all`: every grant. */
export type ProcessListMode = 'live' | 'all';

/** What `deleteSessionProcessState` did for one session. */
export interface ProcessSessionDeleteReport {
  /** The session whose process state was deleted. */
  session_id: string;
  /** How many handle grants of the session were revoked. */
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

/** The `schema_version` stamped on every `ProcessLease` (not stored in SQLite). */
export const PROCESS_LEASE_SCHEMA_VERSION = 1;

/**
 * Order: schema_version, process_id, owner_id, lease_token, fencing_token,
 * claimed_at_epoch_ms, expires_at_epoch_ms.
 */
export interface ProcessLease {
  /** Always `PROCESS_LEASE_SCHEMA_VERSION`. */
  schema_version: number;
  /** The leased process. */
  process_id: ProcessId;
  /** Who holds the lease. */
  owner_id: string;
  /** The token that proves the lease; unique forever. */
  lease_token: string;
  /** Grows with every new claim of the process, so a stale holder can be fenced off. */
  fencing_token: U64;
  /** When the lease was claimed (epoch ms). */
  claimed_at_epoch_ms: EpochMs;
  /** When the lease expires unless renewed (epoch ms). */
  expires_at_epoch_ms: EpochMs;
}

/** Releases a process lease: the process and the token of the lease being released. */
export interface ProcessLeaseCompletion {
  /** The leased process. */
  process_id: ProcessId;
  /** The lease's token. */
  lease_token: string;
}

// ---------------------------------------------------------------------------
// Event types, semantics, selectors (§2.3)
// ---------------------------------------------------------------------------

/** Order: name, payload_schema, semantics. */
export interface ProcessEventType {
  /** The event type's name (`event_type` of its events). */
  name: string;
  /** The schema every payload of this type must satisfy. */
  payload_schema: LashSchema;
  /** Whether events of this type end the process or wake a session. */
  semantics: ProcessEventSemanticsSpec;
}

/** What an event type declares about its events: terminal, wake, both or neither. */
export interface ProcessEventSemanticsSpec {
  /** Set when an event of this type ends the process. */
  terminal?: ProcessTerminalSpec;
  /** Set when an event of this type wakes the target session. */
  wake?: ProcessWakeSpec;
}

/** The terminal states a process can end in. */
export type ProcessTerminalState = 'completed' | 'failed' | 'cancelled';

/** Declares that an event type ends the process. */
export interface ProcessTerminalSpec {
  /** The state the process ends in. */
  state: ProcessTerminalState;
  /** Selects the await output from the event; by default the payload. */
  await_output?: ProcessValueSelector;
}

/** Order: when, input, dedupe_key. `dedupe_key` is always written. */
export interface ProcessWakeSpec {
  /** A condition on the event (the wake happens when it selects a truthy value); always when absent. */
  when?: ProcessValueSelector;
  /** Selects the wake's input text from the event. */
  input: ProcessValueSelector;
  /** How wakes are deduplicated. */
  dedupe_key: ProcessWakeDedupeKey;
}

/** Externally tagged: a bare string for the unit variant. */
export type ProcessWakeDedupeKey = 'event_identity' | {
  /** Deduplicate by the value a selector picks from the event. */
  selector: ProcessValueSelector;
} | {
  /** Deduplicate by a constant key. */
  const: string;
};

/** Externally tagged: `'payload'` or a one-key object. */
export type ProcessValueSelector =
  | 'payload'
  | {
      /** A JSON pointer into the payload. */
      pointer: string;
    }
  | {
      /** A constant value. */
      const: JsonValue;
    }
  | {
      /** A string template filled from selected fields. */
      template: {
        /** The template text; `{name}` is replaced by field `name`. */
        template: string;
        /** The selectors that fill the template's fields. */
        fields: { [name: string]: ProcessValueSelector };
      };
    }
  | {
      /** Whether the JSON pointer selects a value in the payload. */
      present: string;
    };

/** Semantics materialized for one event at append time and stored with it. */
export interface ProcessEventSemantics {
  /** The terminal state and output, when the event ends the process. */
  terminal?: ProcessTerminalSemantics;
  /** The wake, when the event wakes the target session. */
  wake?: ProcessWake;
}

/** The terminal state and output materialized for one event. */
export interface ProcessTerminalSemantics {
  /** The state the process ended in. */
  state: ProcessTerminalState;
  /** The output `awaitProcess` returns. */
  await_output: ProcessAwaitOutput;
}

/** The wake materialized for one event. */
export interface ProcessWake {
  /** The wake's input text. */
  input: string;
  /** The wake's deduplication key. */
  dedupe_key: string;
}

/** What `awaitProcess` returns. Tagged on `type`. */
export type ProcessAwaitOutput =
  | {
      /** The process succeeded. */
      type: 'success';
      /** The process's result. */
      value: JsonValue;
      /** A control for the runtime, if any. */
      control?: ToolControl;
    }
  | {
      /** The process failed. */
      type: 'failure';
      /** The failure class. */
      class: ToolFailureClass;
      /** A machine-readable failure code. */
      code: string;
      /** What went wrong. */
      message: string;
      /** The raw failure data, if any. */
      raw?: JsonValue;
      /** A control for the runtime, if any. */
      control?: ToolControl;
    }
  | {
      /** The process was cancelled. */
      type: 'cancelled';
      /** Why it was cancelled. */
      message: string;
      /** The raw cancellation data, if any. */
      raw?: JsonValue;
      /** A control for the runtime, if any. */
      control?: ToolControl;
    };

// ---------------------------------------------------------------------------
// Events and append (§2.4)
// ---------------------------------------------------------------------------

/** serde's `SystemTime`: whole seconds plus nanoseconds (millisecond precision here). */
export interface SystemTimeJson {
  /** Whole seconds since the Unix epoch. */
  secs_since_epoch: U64;
  /** Nanoseconds past those seconds. */
  nanos_since_epoch: number;
}

/**
 * One event of a process stream. Order: process_id, sequence, event_type,
 * payload, invocation, semantics, occurred_at.
 */
export interface ProcessEvent {
  /** The process the event belongs to. */
  process_id: ProcessId;
  /** 1-based and gap-free per process. */
  sequence: U64;
  /** The event's type, one of the process's `event_types`. */
  event_type: string;
  /** The event's payload, valid against its type's schema. */
  payload: JsonValue;
  /** The invocation that appended the event (replay key included). */
  invocation: RuntimeInvocation;
  /** The terminal state and wake materialized at append time. */
  semantics: ProcessEventSemantics;
  /** When the event was appended. */
  occurred_at: SystemTimeJson;
}

/** Order: event_type, payload, replay, wake_target_scope. */
export interface ProcessEventAppendRequest {
  /** The event's type, one of the process's `event_types`. */
  event_type: string;
  /** The payload, checked against the type's schema. */
  payload: JsonValue;
  /** Idempotency key: the same key with the same type and payload returns the stored event. */
  replay?: RuntimeReplay;
  /** Where a wake goes; required iff the event materializes a wake. Never stored. */
  wake_target_scope?: ProcessScope;
}

/** What `appendEvent` returns. */
export interface ProcessEventAppendResult {
  /** The stored event (the earlier one when the append replayed). */
  event: ProcessEvent;
  /** The wake to enqueue in the target session, when the event materializes one. */
  wake_delivery?: ProcessWakeDelivery;
}

/** A wake for the caller to enqueue in the target session (the registry does not store it). */
export interface ProcessWakeDelivery {
  /** `"wake:" + H([target_scope_id, dedupe_key])`. */
  wake_id: string;
  /** The session to wake. */
  target_session_id: string;
  /** The scope to wake, as a scope id. */
  target_scope_id: ProcessScopeId;
  /** The process whose event caused the wake. */
  process_id: ProcessId;
  /** The event's sequence. */
  sequence: U64;
  /** The event's type. */
  event_type: string;
  /** The invocation that appended the event. */
  event_invocation: RuntimeInvocation;
  /** What caused the process, if recorded. */
  process_caused_by?: CausalRef;
  /** The wake's deduplication key. */
  dedupe_key: string;
  /** The wake's input text. */
  input: string;
  /** The event's occurred-at time in ms. */
  created_at_ms: EpochMs;
}

/** Output of the pure `prepareProcessEventAppend`. */
export interface PreparedProcessEventAppend {
  /** The event to store. */
  event: ProcessEvent;
  /** SHA-256 of the event's type and payload, for replay checks. */
  payload_hash: string;
  /** The process's new status, when the event is terminal. */
  status_update?: ProcessStatus;
  /** The wake the event materializes, if any. */
  wake_delivery?: ProcessWakeDelivery;
  /** When the event occurred (epoch ms). */
  occurred_at_ms: EpochMs;
  /** `true` when the replay key matched a stored event: nothing new is written. */
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
  /** `'durable'` on a file-backed connection, `'inline'` in memory. */
  durabilityTier(): DurabilityTier;
  /** Registers a process, idempotently: the same id with the same registration returns the stored record; another registration is a conflict. */
  registerProcess(registration: ProcessRegistration): Promise<ProcessRecord>;
  /** Records where an external backend tracks the process. */
  setExternalRef(processId: string, externalRef: ProcessExternalRef): Promise<ProcessRecord>;
  /** Grants `owner` a handle on the process. */
  grantHandle(owner: ProcessScope, processId: string, descriptor: ProcessHandleDescriptor): Promise<ProcessHandleGrant>;
  /** Revokes `owner`'s handle on the process. */
  revokeHandle(owner: ProcessScope, processId: string): Promise<void>;
  /** Moves the handles of `processIds` from one scope to another. */
  transferHandleGrants(from: ProcessScope, to: ProcessScope, processIds: readonly string[]): Promise<void>;
  /** Every grant `owner` holds, with each process's record. */
  listHandleGrants(owner: ProcessScope): Promise<ProcessHandleGrantEntry[]>;
  /** The grants `owner` holds on non-terminal processes. */
  listLiveHandleGrants(owner: ProcessScope): Promise<ProcessHandleGrantEntry[]>;
  /** Whether `owner` holds a handle on the process. */
  hasHandleGrant(owner: ProcessScope, processId: string): Promise<boolean>;
  /** Every grant on the process. */
  handleGrantsForProcess(processId: string): Promise<ProcessHandleGrant[]>;
  /** Revokes a session's grants and reports which processes are left without an owner. */
  deleteSessionProcessState(sessionId: string): Promise<ProcessSessionDeleteReport>;
  /** Appends an event: validates its type and payload, materializes its semantics, replays a repeated replay key, and makes a terminal event complete the process. */
  appendEvent(processId: string, request: ProcessEventAppendRequest): Promise<ProcessEventAppendResult>;
  /** At most `options.limit` events (the SQLite registry's default: 1000); page after the last sequence. */
  eventsAfter(processId: string, afterSequence: U64, options?: { limit?: number }): Promise<ProcessEvent[]>;
  /** Like `eventsAfter`, but only the events that materialized a wake. */
  wakeEventsAfter(processId: string, afterSequence: U64, options?: { limit?: number }): Promise<ProcessEvent[]>;
  /** Blocks until an event of `eventType` with a sequence above `afterSequence` exists. */
  waitEventAfter(processId: string, eventType: string, afterSequence: U64, signal?: AbortSignal): Promise<ProcessEvent>;
  /** Blocks until the process is terminal and returns its output. */
  awaitProcess(processId: string, signal?: AbortSignal): Promise<ProcessAwaitOutput>;
  /** Completes the process with `output` by appending its terminal lifecycle event. */
  completeProcess(processId: string, output: ProcessAwaitOutput): Promise<ProcessRecord>;
  /** The process's record, or `undefined` for a missing (or unreadable, logged) process. */
  getProcess(processId: string): Promise<ProcessRecord | undefined>;
  /** Acknowledges the wake of event `sequence`. */
  ackWake(processId: string, sequence: U64): Promise<void>;
  /** Every process that is still running. */
  listNonTerminal(): Promise<ProcessRecord[]>;
  /** Claims the process's lease for `ownerId` for `leaseTtlMs`; fails while another live lease holds it. */
  claimProcessLease(processId: string, ownerId: string, leaseTtlMs: U64): Promise<ProcessLease>;
  /** Extends a held lease; fails when the lease expired or was replaced. */
  renewProcessLease(lease: ProcessLease, leaseTtlMs: U64): Promise<ProcessLease>;
  /** Releases a held lease. */
  completeProcessLease(completion: ProcessLeaseCompletion): Promise<void>;
}

/** A serializable operation on the process control plane. Tagged on `op`. */
export type ProcessCommand =
  | {
      /** Start a process. */
      op: 'start';
      /** The process to register. */
      registration: ProcessRegistration;
      /** A handle grant to give on start. */
      grant?: ProcessStartGrant;
      /** Omitted when it has neither field. */
      execution_context?: ProcessExecutionContext;
    }
  | {
      /** List the grants of a scope. */
      op: 'list';
      /** The scope whose grants to list. */
      owner_scope: ProcessScope;
      /** Live grants only, or all. */
      mode: ProcessListMode;
    }
  | {
      /** Move grants between scopes. */
      op: 'transfer';
      /** The scope the grants leave. */
      from_scope: ProcessScope;
      /** The scope that receives them. */
      to_scope: ProcessScope;
      /** The processes whose grants move. */
      process_ids: string[];
    }
  | {
      /** Delete a session's process state. */
      op: 'delete_session';
      /** The session. */
      session_id: string;
    }
  | {
      /** Wait for a process to end. */
      op: 'await';
      /** The process. */
      process_id: string;
    }
  | {
      /** Cancel a process. */
      op: 'cancel';
      /** The process. */
      process_id: string;
      /** Why, if given. */
      reason: string | null;
    }
  | {
      /** Append a signal event to a process. */
      op: 'signal';
      /** The process. */
      process_id: string;
      /** The signal's id (its replay key). */
      signal_id: string;
      /** The event to append. */
      request: ProcessEventAppendRequest;
    };

/** The recorded result of a process command. Tagged on `op`. */
export type ProcessEffectOutcome =
  | {
      /** Started. */
      op: 'start';
      /** The registered process. */
      record: ProcessRecord;
    }
  | {
      /** Listed. */
      op: 'list';
      /** The grants with their processes. */
      entries: ProcessHandleGrantEntry[];
    }
  | {
      /** Transferred. */
      op: 'transfer';
    }
  | {
      /** Session state deleted. */
      op: 'delete_session';
      /** What the deletion did. */
      report: ProcessSessionDeleteReport;
    }
  | {
      /** Awaited. */
      op: 'await';
      /** The process's output. */
      output: ProcessAwaitOutput;
    }
  | {
      /** Cancelled. */
      op: 'cancel';
      /** The process, now cancelled (or already terminal). */
      record: ProcessRecord;
    }
  | {
      /** Signalled. */
      op: 'signal';
      /** The appended event. */
      event: ProcessEvent;
    };

