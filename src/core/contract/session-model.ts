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
/** An agent frame id (a plain string). */
export type AgentFrameId = string;

/** The limits of a model. */
export interface ModelLimits {
  /** At least 1. */
  context_window_tokens: U64;
  /** The most tokens the model can output, when known. */
  output_token_capacity?: U64;
}

/** The reference rejects unknown keys here; never add fields. */
export interface ModelSpec {
  /** The model's id. */
  id: string;
  /** The model variant, if any. */
  variant?: string;
  /** The model's limits. */
  limits: ModelLimits;
}

/** The persisted session config: provider and model. */
export interface PersistedSessionConfig {
  /** The provider's id (trimmed on commit). */
  provider_id: string;
  /** The model. */
  model: ModelSpec;
}

/** Token counts of one model call or a sum of them. */
export interface TokenUsage {
  /** Input (prompt) tokens. */
  input_tokens: I64;
  /** Output tokens. */
  output_tokens: I64;
  /** Input tokens served from the provider's cache. */
  cached_input_tokens: I64;
  /** Reasoning tokens. */
  reasoning_tokens: I64;
}

/** The token use of the last prompt, for context budgeting. */
export interface PromptUsage {
  /** Tokens in the prompt's context. */
  prompt_context_tokens: U64;
  /** Input tokens billed. */
  input_tokens: U64;
  /** Input tokens served from cache. */
  cached_input_tokens: U64;
  /** The context budget the prompt was built for. */
  context_budget_tokens: U64;
}

/** The turn state a checkpoint keeps. */
export interface PersistedTurnState {
  /** The number of the last committed turn. */
  turn_index: U64;
  /** Tokens used so far. */
  token_usage: TokenUsage;
  /** The last prompt's usage, if recorded. */
  last_prompt_usage?: PromptUsage;
  /** The protocol's turn options. */
  protocol_turn_options: ProtocolTurnOptions;
}

/** One row of the cost ledger, keyed by `(source, model)` when merged. */
export interface TokenLedgerEntry {
  /** Who spent the tokens (e.g. a plugin or `turn`). */
  source: string;
  /** The model they were spent on. */
  model: string;
  /** The tokens. */
  usage: TokenUsage;
}

/** How a session relates to others: a root session, or a child of another. Tagged on `kind`. */
export type SessionRelation =
  | {
      /** A root session. */
      kind: 'root';
    }
  | {
      /** A child session. */
      kind: 'child';
      /** The parent session. */
      parent_session_id: string;
      /** What created the child, if known. */
      caused_by?: CausalRef;
    };

/** Opaque to the store, round-tripped unchanged (unknown fields included). */
export interface AgentFrameRecord {
  /** The frame's id. */
  frame_id: AgentFrameId;
  /** The frame's session. */
  session_id: string;
  /** The frame it replaced, if any. */
  previous_frame_id?: AgentFrameId;
  /** Whether the frame is the active one. */
  status?: 'active' | 'superseded';
  /** Why the frame was created, if given. */
  reason?: string;
  /** What created the frame, if known. */
  caused_by?: CausalRef;
  /** When the frame was created (RFC 3339). */
  created_at: string;
  /** The frame's assignment (opaque to the store). */
  assignment: JsonObject;
  /** The frame's own protocol turn options, if any. */
  protocol_turn_options?: ProtocolTurnOptions;
  /** The frame's execution-state blob, if any. */
  execution_state_ref?: BlobRef;
  /** Written to JSON as an array of numbers. */
  execution_state_snapshot?: Uint8Array;
  [extra: string]: unknown;
}

/** Opaque to the store. */
export interface ToolState {
  /** Bumped whenever the tool set changes. */
  generation: U64;
  /** The tools by name. */
  tools: Record<string, {
    /** The tool's manifest. */
    manifest: JsonValue;
  }>;
}

/** Opaque to the store. */
export interface PluginSessionSnapshot {
  /** Each plugin's snapshot, by plugin id. */
  plugins: Record<
    string,
    {
      /** The plugin's identity and state. */
      meta: {
        /** The plugin id. */
        plugin_id: string;
        /** The plugin's version. */
        plugin_version: string;
        /** The plugin's state revision, if any. */
        revision?: U64;
        /** The plugin's state, if any. */
        state?: JsonValue;
      };
      /** Binary artifacts of the plugin, if any. */
      artifacts?: {
        /** The artifact's name. */
        name: string;
        /** The artifact's bytes. */
        data: Uint8Array;
      }[];
    }
  >;
}

/** Who a conversation message is from. */
export type MessageRole = 'User' | 'Assistant' | 'System' | 'Event';
/** What a message part holds. */
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
/** Whether a part was pruned from the context: intact, cleared, deleted (with a breadcrumb) or summarized. */
export type PruneState =
  | 'Intact'
  | 'Cleared'
  | {
      /** Deleted from the context. */
      Deleted: {
        /** What the model is told in its place. */
        breadcrumb: string;
        /** Hash of the archived original. */
        archive_hash: string;
      };
    }
  | {
      /** Replaced by a summary. */
      Summarized: {
        /** The summary. */
        summary: string;
        /** Hash of the archived original. */
        archive_hash: string;
      };
    };

/** One part of a conversation message. */
export interface Part {
  /** The part's id. */
  id: string;
  /** What the part holds. */
  kind: PartKind;
  /** The part's text content. */
  content: string;
  /** An attachment the part refers to. */
  attachment?: {
    /** The attachment reference (opaque to the store). */
    reference: JsonObject;
  };
  /** The tool call id (tool call and result parts). */
  tool_call_id?: string;
  /** The tool name (tool call and result parts). */
  tool_name?: string;
  /** The tool's replay data, if any. */
  tool_replay?: JsonValue;
  /** Whether the part was pruned from the context. */
  prune_state: PruneState;
  /** Provider metadata of a reasoning part, if any. */
  reasoning_meta?: JsonValue;
  /** Provider metadata of the response, if any. */
  response_meta?: JsonValue;
}

/** Where a message came from, when not from the conversation itself: a plugin or a process. Tagged on `kind`. */
export type MessageOrigin =
  | {
      /** From a plugin. */
      kind: 'plugin';
      /** The plugin id. */
      plugin_id: string;
      /** `true` when the message is not kept in later contexts. */
      transient?: boolean;
    }
  | {
      /** From a process event (a wake). */
      kind: 'process';
      /** The process. */
      process_id: string;
      /** The event's type. */
      event_type: string;
      /** The event's sequence. */
      sequence: U64;
      /** The wake's id, if the message came from a wake. */
      wake_id?: string;
      /** What caused the process, if known. */
      caused_by?: CausalRef;
    };

/** A conversation message: role, parts and origin. */
export interface ConversationRecord {
  /** The message id. */
  id: string;
  /** Who the message is from. */
  role: MessageRole;
  /** The message's parts. */
  parts: Part[];
  /** Where it came from, if not the conversation. */
  origin?: MessageOrigin;
}

/** A plugin's protocol event in the session graph. */
export interface ProtocolEvent {
  /** The plugin id. */
  plugin_id: string;
  /** The event's data. */
  payload: JsonValue;
}

/** The event a session node holds: a conversation message or a protocol event (externally tagged). */
export type SessionEventRecord = {
  /** A conversation message. */
  Conversation: ConversationRecord;
} | {
  /** A protocol event. */
  Protocol: ProtocolEvent;
};

/** What a session node holds: an event, or a plugin node. Tagged on `kind`. */
export type SessionNodePayload =
  | {
      /** An event node. */
      kind: 'event';
      /** The event. */
      event: SessionEventRecord;
    }
  | {
      /** A plugin node. */
      kind: 'plugin';
      /** The plugin's node type. */
      plugin_type: string;
      /** The node's body (opaque to the store). */
      body: JsonValue;
    };

/** One node of the session graph; `parent_node_id` links it to its parent. */
export type SessionNodeRecord = {
  /** The node's id, unique in the session. */
  node_id: string;
  /** The parent node; absent for a root node. */
  parent_node_id?: string;
  /** What caused the node, if known. */
  caused_by?: CausalRef;
  /** The agent frame that wrote the node, if any. */
  agent_frame_id?: AgentFrameId;
  /** RFC 3339; opaque to the store. */
  timestamp: string;
} & SessionNodePayload;

/** Wire shape of a session graph: nodes in insertion order and the leaf (absent when none). */
export interface SessionGraphData {
  /** The nodes, in insertion order. */
  nodes: SessionNodeRecord[];
  /** The active leaf, if any. */
  leaf_node_id?: string;
}

/** `TokenUsage.total()`: input + output + reasoning (cached input is not counted). */
export function tokenUsageTotal(usage: TokenUsage): number {
  return usage.input_tokens + usage.output_tokens + usage.reasoning_tokens;
}

/** A `TokenUsage` of zeros. */
export function emptyTokenUsage(): TokenUsage {
  return { input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, reasoning_tokens: 0 };
}

/** `SessionMeta.parentSessionId()` / `SessionStoreCreateRequest.parentSessionId()`. */
export function parentSessionId(relation: SessionRelation): string | null {
  return relation.kind === 'child' ? relation.parent_session_id : null;
}
