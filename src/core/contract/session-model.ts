/**
 * Runtime-domain values the session store carries. Field names are the wire
 * names (snake_case): these records are stored as JSON rows and msgpack
 * blobs, and hashed by `turnCommitHash`. The store reads only a few of them
 * (node ids and parent links, message roles and parts for the picker); the
 * rest is passed through unchanged. See `contract-session.md` §1.3–§1.4.
 */
import type { CausalRef } from './causal.ts';
import type { I64, JsonObject, JsonValue, U64 } from './json.ts';
import type { ProtocolTurnOptions } from './queue.ts';

export type { ProtocolTurnOptions } from './queue.ts';

/** Lowercase hex SHA-256 of a blob's logical content (opaque to callers). */
export type BlobRef = string;
export type AgentFrameId = string;

export interface ModelLimits {
  /** At least 1. */
  context_window_tokens: U64;
  output_token_capacity?: U64;
}

/** The reference rejects unknown keys here; never add fields. */
export interface ModelSpec {
  id: string;
  variant?: string;
  limits: ModelLimits;
}

export interface PersistedSessionConfig {
  provider_id: string;
  model: ModelSpec;
}

export interface TokenUsage {
  input_tokens: I64;
  output_tokens: I64;
  cached_input_tokens: I64;
  reasoning_tokens: I64;
}

export interface PromptUsage {
  prompt_context_tokens: U64;
  input_tokens: U64;
  cached_input_tokens: U64;
  context_budget_tokens: U64;
}

export interface PersistedTurnState {
  turn_index: U64;
  token_usage: TokenUsage;
  last_prompt_usage?: PromptUsage;
  protocol_turn_options: ProtocolTurnOptions;
}

/** One row of the cost ledger, keyed by `(source, model)` when merged. */
export interface TokenLedgerEntry {
  source: string;
  model: string;
  usage: TokenUsage;
}

export type SessionRelation =
  | { kind: 'root' }
  | { kind: 'child'; parent_session_id: string; caused_by?: CausalRef };

/** Opaque to the store, round-tripped unchanged (unknown fields included). */
export interface AgentFrameRecord {
  frame_id: AgentFrameId;
  session_id: string;
  previous_frame_id?: AgentFrameId;
  status?: 'active' | 'superseded';
  reason?: string;
  caused_by?: CausalRef;
  created_at: string;
  assignment: JsonObject;
  protocol_turn_options?: ProtocolTurnOptions;
  execution_state_ref?: BlobRef;
  /** Written to JSON as an array of numbers. */
  execution_state_snapshot?: Uint8Array;
  [extra: string]: unknown;
}

/** Opaque to the store. */
export interface ToolState {
  generation: U64;
  tools: Record<string, { manifest: JsonValue }>;
}

/** Opaque to the store. */
export interface PluginSessionSnapshot {
  plugins: Record<
    string,
    {
      meta: { plugin_id: string; plugin_version: string; revision?: U64; state?: JsonValue };
      artifacts?: { name: string; data: Uint8Array }[];
    }
  >;
}

export type MessageRole = 'User' | 'Assistant' | 'System' | 'Event';
export type PartKind =
  | 'Text'
  | 'Image'
  | 'Code'
  | 'Output'
  | 'Error'
  | 'Prose'
  | 'ToolCall'
  | 'ToolResult'
  | 'Reasoning';
export type PruneState =
  | 'Intact'
  | 'Cleared'
  | { Deleted: { breadcrumb: string; archive_hash: string } }
  | { Summarized: { summary: string; archive_hash: string } };

export interface Part {
  id: string;
  kind: PartKind;
  content: string;
  attachment?: { reference: JsonObject };
  tool_call_id?: string;
  tool_name?: string;
  tool_replay?: JsonValue;
  prune_state: PruneState;
  reasoning_meta?: JsonValue;
  response_meta?: JsonValue;
}

export type MessageOrigin =
  | { kind: 'plugin'; plugin_id: string; transient?: boolean }
  | {
      kind: 'process';
      process_id: string;
      event_type: string;
      sequence: U64;
      wake_id?: string;
      caused_by?: CausalRef;
    };

export interface ConversationRecord {
  id: string;
  role: MessageRole;
  parts: Part[];
  origin?: MessageOrigin;
}

export interface ProtocolEvent {
  plugin_id: string;
  payload: JsonValue;
}

export type SessionEventRecord = { Conversation: ConversationRecord } | { Protocol: ProtocolEvent };

export type SessionNodePayload =
  | { kind: 'event'; event: SessionEventRecord }
  | { kind: 'plugin'; plugin_type: string; body: JsonValue };

/** One node of the session graph; `parent_node_id` links it to its parent. */
export type SessionNodeRecord = {
  node_id: string;
  parent_node_id?: string;
  caused_by?: CausalRef;
  agent_frame_id?: AgentFrameId;
  /** RFC 3339; opaque to the store. */
  timestamp: string;
} & SessionNodePayload;

/** Wire shape of a session graph: nodes in insertion order and the leaf (absent when none). */
export interface SessionGraphData {
  nodes: SessionNodeRecord[];
  leaf_node_id?: string;
}

/** `TokenUsage.total()`: input + output + reasoning (cached input is not counted). */
export function tokenUsageTotal(usage: TokenUsage): number {
  return usage.input_tokens + usage.output_tokens + usage.reasoning_tokens;
}

export function emptyTokenUsage(): TokenUsage {
  return { input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, reasoning_tokens: 0 };
}

/** `SessionMeta.parentSessionId()` / `SessionStoreCreateRequest.parentSessionId()`. */
export function parentSessionId(relation: SessionRelation): string | null {
  return relation.kind === 'child' ? relation.parent_session_id : null;
}
