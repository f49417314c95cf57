/**
 * Store records: what `RuntimePersistence` takes and returns, and what the
 * SQLite store writes into its rows and blobs (`contract-session.md` §1.5).
 */
import type { U64 } from './json.ts';
import type { QueuedWorkCompletion } from './queue.ts';
import type { SessionGraph } from './session-graph.ts';
import type {
  AgentFrameId,
  AgentFrameRecord,
  BlobRef,
  PersistedSessionConfig,
  PersistedTurnState,
  PluginSessionSnapshot,
  SessionGraphData,
  SessionNodeRecord,
  SessionRelation,
  TokenLedgerEntry,
  ToolState,
} from './session-model.ts';

/** One row of `session_meta`: who the session is, for pickers and factories. */
export interface SessionMeta {
  /** The session id. */
  session_id: string;
  /** A display name. */
  session_name: string;
  /** Free-form; the SQLite factory writes `unix:{seconds}`. */
  created_at: string;
  /** The model id. */
  model: string;
  /** The working directory, if any. */
  cwd: string | null;
  /** Root or child of another session. */
  relation: SessionRelation;
}

/** What a resume picker shows for a session (never serialized). */
export interface SessionPickerInfo {
  /** The session id. */
  session_id: string;
  /** The working directory, if any. */
  cwd: string | null;
  /** Root or child of another session. */
  relation: SessionRelation;
  /** The text of the first user message on the active path (empty when none). */
  first_user_message: string;
  /** How many user messages the active path has. */
  user_message_count: number;
}

/** What `gcUnreachable` did. */
export interface GcReport {
  /** How many live roots referenced blobs. */
  root_count: number;
  /** How many blobs were kept. */
  retained_blob_count: number;
  /** How many blobs were deleted. */
  deleted_blob_count: number;
}

/** What `vacuum` did. */
export interface VacuumReport {
  /** How many tombstoned nodes were deleted. */
  removed_node_count: number;
}

/** The checkpoint manifest as stored (a msgpack blob). */
export interface SessionCheckpoint {
  /** The turn state. */
  turn_state: PersistedTurnState;
  /** The tool-state blob, if any. */
  tool_state_ref?: BlobRef;
  /** The plugin-snapshot blob, if any. */
  plugin_snapshot_ref?: BlobRef;
  /** The plugin snapshot's revision, if any. */
  plugin_snapshot_revision?: U64;
  /** The execution-state blob, if any. */
  execution_state_ref?: BlobRef;
}

/** A manifest plus, where known, the snapshot values. Every key is present (`null` when none). */
export interface HydratedSessionCheckpoint {
  /** The turn state. */
  turn_state: PersistedTurnState;
  /** The tool-state blob, or `null`. */
  tool_state_ref: BlobRef | null;
  /** The tool state itself, when loaded or being committed. */
  tool_state: ToolState | null;
  /** The plugin-snapshot blob, or `null`. */
  plugin_snapshot_ref: BlobRef | null;
  /** The plugin snapshot itself, when loaded or being committed. */
  plugin_snapshot: PluginSessionSnapshot | null;
  /** The plugin snapshot's revision, or `null`. */
  plugin_snapshot_revision: U64 | null;
  /** The execution-state blob, or `null`. */
  execution_state_ref: BlobRef | null;
  /** The execution state's bytes, when loaded or being committed. */
  execution_state: Uint8Array | null;
}

/** A checkpoint stored by `putCheckpoint`: its manifest blob and the manifest. */
export interface StoredSessionCheckpoint {
  /** The manifest's blob ref. */
  checkpoint_ref: BlobRef;
  /** The manifest. */
  manifest: SessionCheckpoint;
}

/** The whole head as hosts see it (`loadSessionHead` / `saveSessionHead`). */
export interface SessionHead {
  /** The session id. */
  session_id: string;
  /** The head's revision (grows by one per commit). */
  head_revision: U64;
  /** The session's agent frames. */
  agent_frames: AgentFrameRecord[];
  /** `''` when unset. */
  current_agent_frame_id: AgentFrameId;
  /** The whole session graph. */
  graph: SessionGraphData;
  /** The session config. */
  config: PersistedSessionConfig;
  /** The latest checkpoint manifest, if any. */
  checkpoint_ref?: BlobRef;
  /** The token ledger, if any. */
  token_ledger?: TokenLedgerEntry[];
}

/** Exactly what `session_head.head_json` holds. */
export interface SessionHeadMeta {
  /** The session id. */
  session_id: string;
  /** The head's revision. */
  head_revision: U64;
  /** The session config. */
  config: PersistedSessionConfig;
  /** The session's agent frames. */
  agent_frames: AgentFrameRecord[];
  /** Absent (or `''`) when unset. */
  current_agent_frame_id?: AgentFrameId;
  /** The latest checkpoint manifest, if any. */
  checkpoint_ref?: BlobRef;
  /** The active leaf, if any. */
  leaf_node_id?: string;
  /** How many nodes the graph has. */
  graph_node_count: U64;
  /** Always written empty (usage lives in `usage_deltas`). */
  token_ledger?: TokenLedgerEntry[];
}

/** What `loadSession` returns. */
export interface PersistedSessionRead {
  /** The session id. */
  session_id: string;
  /** The head's revision: pass it as `expected_head_revision` to commit on top. */
  head_revision: U64;
  /** The session config. */
  config: PersistedSessionConfig;
  /** The session's agent frames. */
  agent_frames: AgentFrameRecord[];
  /** `''` when unset. */
  current_agent_frame_id: AgentFrameId;
  /** The graph as read (the whole graph, or the active path). */
  graph: SessionGraph;
  /** The latest checkpoint manifest, or `null`. */
  checkpoint_ref: BlobRef | null;
  /** The latest checkpoint, hydrated, or `null`. */
  checkpoint: HydratedSessionCheckpoint | null;
  /** Merged by `(source, model)`. */
  token_ledger: TokenLedgerEntry[];
}

/** How a commit changes the graph (serde's externally tagged shape; it is hashed). */
export type GraphCommitDelta =
  | {
      /** The graph is unchanged; only the leaf may move. */
      Unchanged: {
        /** The new leaf. */
        leaf_node_id: string | null;
      };
    }
  | {
      /** New nodes appended. */
      Append: {
        /** The nodes, parents first. */
        nodes: SessionNodeRecord[];
        /** The new leaf. */
        leaf_node_id: string | null;
      };
    }
  | {
      /** Replace the whole graph. */
      ReplaceFull: SessionGraphData;
    };

/** The leaf a delta leaves the head at. */
export function graphCommitDeltaLeaf(delta: GraphCommitDelta): string | null {
  if ('Unchanged' in delta) return delta.Unchanged.leaf_node_id;
  if ('Append' in delta) return delta.Append.leaf_node_id;
  return delta.ReplaceFull.leaf_node_id ?? null;
}

/** Marks a commit as the final commit of a turn, for idempotent retries. */
export interface RuntimeTurnCommitStamp {
  /** The session. */
  session_id: string;
  /** The turn id (a retry commits with the same id). */
  turn_id: string;
  /** `turnCommitHash` of the commit: the same id with another hash is a conflict. */
  turn_commit_hash: string;
}

/** One atomic state change of a session. Every key is present (`null` when none). */
export interface RuntimeCommit {
  /** The session. */
  session_id: string;
  /** `null` writes unconditionally; a number is a compare-and-swap on the head revision. */
  expected_head_revision: U64 | null;
  /** The session config. */
  config: PersistedSessionConfig;
  /** The session's agent frames. */
  agent_frames: AgentFrameRecord[];
  /** The frame that made the commit. */
  current_agent_frame_id: AgentFrameId;
  /** What changed in the graph. */
  graph: GraphCommitDelta;
  /** The checkpoint: snapshots are stored as blobs, refs kept. */
  checkpoint: HydratedSessionCheckpoint;
  /** Token usage to append to the ledger. */
  usage_deltas: TokenLedgerEntry[];
  /** The turn stamp that makes the commit idempotent, or `null`. */
  turn_commit: RuntimeTurnCommitStamp | null;
  /** Queue claims completed atomically with the commit. */
  completed_queue_claims: QueuedWorkCompletion[];
  /** Attachments the commit references (stamped committed in the manifest). */
  committed_attachment_ids: string[];
}

/** The outcome of a commit; also stored per turn stamp in `runtime_turn_commits`. */
export interface RuntimeCommitResult {
  /** The new head revision. */
  head_revision: U64;
  /** The checkpoint manifest's blob ref. */
  checkpoint_ref: BlobRef;
  /** The checkpoint manifest. */
  manifest: SessionCheckpoint;
}
