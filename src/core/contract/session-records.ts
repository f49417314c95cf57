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
  session_id: string;
  session_name: string;
  /** Free-form; the SQLite factory writes `unix:{seconds}`. */
  created_at: string;
  model: string;
  cwd: string | null;
  relation: SessionRelation;
}

/** What a resume picker shows for a session (never serialized). */
export interface SessionPickerInfo {
  session_id: string;
  cwd: string | null;
  relation: SessionRelation;
  first_user_message: string;
  user_message_count: number;
}

export interface GcReport {
  root_count: number;
  retained_blob_count: number;
  deleted_blob_count: number;
}

export interface VacuumReport {
  removed_node_count: number;
}

/** The checkpoint manifest as stored (a msgpack blob). */
export interface SessionCheckpoint {
  turn_state: PersistedTurnState;
  tool_state_ref?: BlobRef;
  plugin_snapshot_ref?: BlobRef;
  plugin_snapshot_revision?: U64;
  execution_state_ref?: BlobRef;
}

/** A manifest plus, where known, the snapshot values. Every key is present (`null` when none). */
export interface HydratedSessionCheckpoint {
  turn_state: PersistedTurnState;
  tool_state_ref: BlobRef | null;
  tool_state: ToolState | null;
  plugin_snapshot_ref: BlobRef | null;
  plugin_snapshot: PluginSessionSnapshot | null;
  plugin_snapshot_revision: U64 | null;
  execution_state_ref: BlobRef | null;
  execution_state: Uint8Array | null;
}

export interface StoredSessionCheckpoint {
  checkpoint_ref: BlobRef;
  manifest: SessionCheckpoint;
}

/** The whole head as hosts see it (`loadSessionHead` / `saveSessionHead`). */
export interface SessionHead {
  session_id: string;
  head_revision: U64;
  agent_frames: AgentFrameRecord[];
  /** `''` when unset. */
  current_agent_frame_id: AgentFrameId;
  graph: SessionGraphData;
  config: PersistedSessionConfig;
  checkpoint_ref?: BlobRef;
  token_ledger?: TokenLedgerEntry[];
}

/** Exactly what `session_head.head_json` holds. */
export interface SessionHeadMeta {
  session_id: string;
  head_revision: U64;
  config: PersistedSessionConfig;
  agent_frames: AgentFrameRecord[];
  /** Absent (or `''`) when unset. */
  current_agent_frame_id?: AgentFrameId;
  checkpoint_ref?: BlobRef;
  leaf_node_id?: string;
  graph_node_count: U64;
  /** Always written empty (usage lives in `usage_deltas`). */
  token_ledger?: TokenLedgerEntry[];
}

/** What `loadSession` returns. */
export interface PersistedSessionRead {
  session_id: string;
  head_revision: U64;
  config: PersistedSessionConfig;
  agent_frames: AgentFrameRecord[];
  /** `''` when unset. */
  current_agent_frame_id: AgentFrameId;
  graph: SessionGraph;
  checkpoint_ref: BlobRef | null;
  checkpoint: HydratedSessionCheckpoint | null;
  /** Merged by `(source, model)`. */
  token_ledger: TokenLedgerEntry[];
}

/** How a commit changes the graph (serde's externally tagged shape; it is hashed). */
export type GraphCommitDelta =
  | { Unchanged: { leaf_node_id: string | null } }
  | { Append: { nodes: SessionNodeRecord[]; leaf_node_id: string | null } }
  | { ReplaceFull: SessionGraphData };

/** The leaf a delta leaves the head at. */
export function graphCommitDeltaLeaf(delta: GraphCommitDelta): string | null {
  if ('Unchanged' in delta) return delta.Unchanged.leaf_node_id;
  if ('Append' in delta) return delta.Append.leaf_node_id;
  return delta.ReplaceFull.leaf_node_id ?? null;
}

/** Marks a commit as the final commit of a turn, for idempotent retries. */
export interface RuntimeTurnCommitStamp {
  session_id: string;
  turn_id: string;
  turn_commit_hash: string;
}

/** One atomic state change of a session. Every key is present (`null` when none). */
export interface RuntimeCommit {
  session_id: string;
  /** `null` writes unconditionally; a number is a compare-and-swap on the head revision. */
  expected_head_revision: U64 | null;
  config: PersistedSessionConfig;
  agent_frames: AgentFrameRecord[];
  current_agent_frame_id: AgentFrameId;
  graph: GraphCommitDelta;
  checkpoint: HydratedSessionCheckpoint;
  usage_deltas: TokenLedgerEntry[];
  turn_commit: RuntimeTurnCommitStamp | null;
  completed_queue_claims: QueuedWorkCompletion[];
  committed_attachment_ids: string[];
}

/** The outcome of a commit; also stored per turn stamp in `runtime_turn_commits`. */
export interface RuntimeCommitResult {
  head_revision: U64;
  checkpoint_ref: BlobRef;
  manifest: SessionCheckpoint;
}
