/**
 * Building `RuntimeCommit`s, and the turn-commit hash that makes a turn's
 * final commit idempotent (`contract-session.md` §1.12, §2.4.3).
 *
 * The builders are plain functions over plain records: each returns a new
 * commit and never mutates its input.
 *
 * ```ts
 * let commit = persistedStateWithGraphCommit(state, graphDelta.append(nodes, leaf), usage);
 * commit = completingQueueClaim(commit, claimCompletion(claim));
 * commit = stampTurnCommit(commit, turnId);           // hash computed here
 * const result = await store.commitRuntimeState(commit);
 * state = applyCommitResult(state, result);          // the graph change too
 * ```
 *
 * Safe defaults (spec decision 20): a fresh state CASes against revision 0,
 * so it never overwrites an existing head; a state resumed from an
 * `ActivePath` read holds a partial graph, and no builder turns it into a
 * full replace (that would delete every node it did not load).
 */
import { stableJsonSha256Hex } from '../codec/canonical-json.ts';
import { portableCodecs, type Codecs } from '../codec/codecs.ts';
import { StoreError } from '../contract/errors.ts';
import type { U64 } from '../contract/json.ts';
import type { QueuedWorkCompletion } from '../contract/queue.ts';
import { decodeRuntimeCommit } from './codecs.ts';
import { SessionGraph } from '../contract/session-graph.ts';
import type {
  AgentFrameId,
  AgentFrameRecord,
  BlobRef,
  ModelSpec,
  PluginSessionSnapshot,
  PromptUsage,
  ProtocolTurnOptions,
  SessionGraphData,
  SessionNodeRecord,
  TokenLedgerEntry,
  TokenUsage,
  ToolState,
} from '../contract/session-model.ts';
import type {
  GraphCommitDelta,
  HydratedSessionCheckpoint,
  PersistedSessionRead,
  RuntimeCommit,
  RuntimeCommitResult,
  RuntimeTurnCommitStamp,
} from '../contract/session-records.ts';
import { messageOf } from '../shape.ts';
import { snapshotHashToken } from './snapshot-digest.ts';

/**
 * The slice of the runtime's session state a commit is built from. Hosts
 * that run their own agent loop keep one of these per session.
 */
export interface RuntimeSessionState {
  /** The session id. */
  session_id: string;
  /** The session's policy: provider and model (other keys are kept). */
  policy: { provider_id: string; model: ModelSpec; [extra: string]: unknown };
  /** The session's agent frames. */
  agent_frames: AgentFrameRecord[];
  /** `''` when unset. */
  current_agent_frame_id: AgentFrameId;
  /** The session graph. */
  session_graph: SessionGraph | SessionGraphData;
  /** The number of the last committed turn. */
  turn_index: U64;
  /** Tokens used so far. */
  token_usage: TokenUsage;
  /** The last prompt's usage, if recorded. */
  last_prompt_usage?: PromptUsage | null;
  /** The protocol's turn options. */
  protocol_turn_options: ProtocolTurnOptions;
  /** The latest checkpoint manifest, if any. */
  checkpoint_ref?: BlobRef | null;
  /** The tool-state blob, if stored. */
  tool_state_ref?: BlobRef | null;
  /** A tool state to store with the next commit. */
  tool_state_snapshot?: ToolState | null;
  /** The plugin-snapshot blob, if stored. */
  plugin_snapshot_ref?: BlobRef | null;
  /** The plugin snapshot's revision. */
  plugin_snapshot_revision?: U64 | null;
  /** A plugin snapshot to store with the next commit. */
  plugin_snapshot?: PluginSessionSnapshot | null;
  /** The execution-state blob, if stored. */
  execution_state_ref?: BlobRef | null;
  /** An execution state to store with the next commit. */
  execution_state_snapshot?: Uint8Array | null;
  /**
   * The revision the next commit expects (compare-and-swap): `0` for a
   * session never committed. `null` makes the next commit unconditional —
   * it then overwrites whatever head exists; only a caller sets it.
   */
  head_revision: U64 | null;
  /**
   * Set when the graph changed in a way an append cannot express; the next
   * commit replaces it. Refused (`InvalidInput`) for a partial graph.
   */
  graph_replace_required: boolean;
}

/** Constructors for the three graph deltas. */
export const graphDelta = Object.freeze({
  /** The graph is unchanged; the leaf may move. */
  unchanged: (leafNodeId: string | null): GraphCommitDelta => ({ Unchanged: { leaf_node_id: leafNodeId } }),
  /** Appends `nodes` (parents first) and moves the leaf. */
  append: (nodes: readonly SessionNodeRecord[], leafNodeId: string | null): GraphCommitDelta => ({
    Append: { nodes: [...nodes], leaf_node_id: leafNodeId },
  }),
  /** Refuses a partial graph (an `ActivePath` read): replacing the graph with it would delete what it did not load. */
  replaceFull: (graph: SessionGraph | SessionGraphData): GraphCommitDelta => {
    refusePartialReplace(graph);
    return { ReplaceFull: graphData(graph) };
  },
});

/**
 * A commit of the whole state: the graph is replaced when required (a fresh
 * state, an edit an append cannot express), else unchanged with its leaf.
 * A state whose graph is partial (resumed from an `ActivePath` read) that
 * requires a replace is refused with `InvalidInput`: load the `FullGraph`
 * scope to rewrite the graph.
 */
export function persistedStateCommit(state: RuntimeSessionState, usageDeltas: readonly TokenLedgerEntry[] = []): RuntimeCommit {
  // `head_revision: null` with no flag is the old spelling of a state never committed: replace, unless partial.
  const graph =
    state.graph_replace_required || (state.head_revision === null && !isPartial(state.session_graph))
      ? graphDelta.replaceFull(state.session_graph)
      : graphDelta.unchanged(leafOf(state.session_graph));
  return persistedStateWithGraphCommit(state, graph, usageDeltas);
}

/** A commit of the state with an explicit graph delta (an append, a branch switch, …). */
export function persistedStateWithGraphCommit(
  state: RuntimeSessionState,
  graph: GraphCommitDelta,
  usageDeltas: readonly TokenLedgerEntry[] = [],
): RuntimeCommit {
  return {
    session_id: state.session_id,
    expected_head_revision: state.head_revision,
    config: { provider_id: state.policy.provider_id.trim(), model: state.policy.model },
    agent_frames: [...state.agent_frames],
    current_agent_frame_id: state.current_agent_frame_id,
    graph,
    checkpoint: checkpointOf(state),
    usage_deltas: [...usageDeltas],
    turn_commit: null,
    completed_queue_claims: [],
    committed_attachment_ids: [],
  };
}

/** A turn stamp from its parts. */
export function turnCommitStamp(sessionId: string, turnId: string, turnCommitHash: string): RuntimeTurnCommitStamp {
  return { session_id: sessionId, turn_id: turnId, turn_commit_hash: turnCommitHash };
}

/** `commit` stamped with `stamp`. */
export function withTurnCommit(commit: RuntimeCommit, stamp: RuntimeTurnCommitStamp): RuntimeCommit {
  return { ...commit, turn_commit: stamp };
}

/** Stamps the commit as the final commit of `turnId`, hashing it now (after every other builder). */
export function stampTurnCommit(commit: RuntimeCommit, turnId: string, codecs: Codecs = portableCodecs): RuntimeCommit {
  return withTurnCommit(commit, turnCommitStamp(commit.session_id, turnId, turnCommitHash(commit, codecs)));
}

/** Adds one completed queue claim (appends). */
export function completingQueueClaim(commit: RuntimeCommit, completion: QueuedWorkCompletion): RuntimeCommit {
  return { ...commit, completed_queue_claims: [...commit.completed_queue_claims, completion] };
}

/** Adds several completed queue claims (appends). */
export function completingQueueClaims(commit: RuntimeCommit, completions: Iterable<QueuedWorkCompletion>): RuntimeCommit {
  return { ...commit, completed_queue_claims: [...commit.completed_queue_claims, ...completions] };
}

/** Sets the attachments this commit makes reachable (replaces the list). */
export function withCommittedAttachments(commit: RuntimeCommit, attachmentIds: Iterable<string>): RuntimeCommit {
  return { ...commit, committed_attachment_ids: [...attachmentIds] };
}

/**
 * The hash that identifies what a turn committed, independent of the CAS
 * revision, the stamp itself, node ids, message ids and timestamps: canonical
 * JSON (sorted keys) of the scrubbed commit, SHA-256, lowercase hex. It is
 * stable across restarts, so a retry after a crash reproduces it.
 *
 * The checkpoint's snapshot values (tool state, plugin snapshot, execution
 * state) enter it by their content refs — the SHA-256 of the msgpack blob the
 * commit stores — rather than as canonical JSON of their whole content: the
 * refs are computed once and reused as the blob keys (`snapshot-digest.ts`),
 * so an 8 KiB tool state is serialised once per turn, not three times. The
 * hash is still a deterministic function of the commit's content (equal
 * snapshots, equal refs); it differs from the reference's (docs/deviations.md).
 */
export function turnCommitHash(commit: RuntimeCommit, codecs: Codecs = portableCodecs): string {
  try {
    const normalized = decodeRuntimeCommit({ ...commit, expected_head_revision: null, turn_commit: null });
    const checkpoint = normalized.checkpoint;
    const hashed = {
      ...normalized,
      checkpoint: {
        ...checkpoint,
        tool_state: snapshotHashToken(codecs, checkpoint.tool_state),
        plugin_snapshot: snapshotHashToken(codecs, checkpoint.plugin_snapshot),
        execution_state: snapshotHashToken(codecs, checkpoint.execution_state),
      },
    };
    return stableJsonSha256Hex(codecs, scrub(hashed));
  } catch (error) {
    throw StoreError.invalidInput(`failed to serialize runtime turn commit: ${messageOf(error)}`, undefined, error);
  }
}

const VOLATILE_KEYS = new Set(['node_id', 'parent_node_id', 'leaf_node_id', 'timestamp']);

/** A copy without volatile keys; message and part ids are dropped too. */
function scrub(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(scrub);
  const record = value as Record<string, unknown>;
  const has = (key: string) => record[key] !== undefined;
  const dropId = (has('role') && has('parts')) || (has('kind') && has('content') && has('prune_state'));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (VOLATILE_KEYS.has(key) || (dropId && key === 'id')) continue;
    out[key] = scrub(record[key]);
  }
  return out;
}

/**
 * The graph change of the commit each result came from, recorded by the
 * store that made it, so `applyCommitResult(state, result)` can apply it
 * without being handed the commit again.
 */
const committedGraphs = new WeakMap<RuntimeCommitResult, GraphCommitDelta>();

/** Records the graph delta a result was committed with (called by the store). */
export function rememberCommittedGraph(result: RuntimeCommitResult, graph: GraphCommitDelta): void {
  committedGraphs.set(result, graph);
}

/**
 * The state after a successful commit: revision and refs from the result,
 * snapshots dropped (the store holds them now), so later commits carry refs
 * only; the current frame's execution-state snapshot becomes its ref. The
 * commit's graph change is applied too (appended nodes added, the leaf
 * moved, a full replace taken over), so the next commit builds on it and
 * does not move the head's leaf back. The change is `commit.graph` when the
 * commit is given, else the one the store recorded for `result`; a result of
 * another store without the commit leaves the graph as it is.
 */
export function applyCommitResult(
  state: RuntimeSessionState,
  result: RuntimeCommitResult,
  commit?: Pick<RuntimeCommit, 'graph'>,
): RuntimeSessionState {
  const { manifest } = result;
  const delta = commit?.graph ?? committedGraphs.get(result);
  const executionRef = manifest.execution_state_ref ?? null;
  return {
    ...state,
    head_revision: result.head_revision,
    checkpoint_ref: result.checkpoint_ref,
    tool_state_ref: manifest.tool_state_ref ?? null,
    tool_state_snapshot: null,
    plugin_snapshot_ref: manifest.plugin_snapshot_ref ?? null,
    plugin_snapshot_revision: manifest.plugin_snapshot_revision ?? null,
    plugin_snapshot: null,
    execution_state_ref: executionRef,
    execution_state_snapshot: null,
    agent_frames: state.agent_frames.map((frame) => {
      if (frame.frame_id !== state.current_agent_frame_id) return frame;
      const { execution_state_snapshot: _dropped, ...rest } = frame;
      return executionRef === null ? (rest as AgentFrameRecord) : ({ ...rest, execution_state_ref: executionRef } as AgentFrameRecord);
    }),
    session_graph: delta === undefined ? state.session_graph : graphAfter(state.session_graph, delta),
    graph_replace_required: false,
  };
}

/** The state's graph with a committed delta applied (a new graph; the input is not mutated). */
function graphAfter(graph: SessionGraph | SessionGraphData, delta: GraphCommitDelta): SessionGraph | SessionGraphData {
  if ('ReplaceFull' in delta) return SessionGraph.from(delta.ReplaceFull);
  const leaf = 'Append' in delta ? delta.Append.leaf_node_id : delta.Unchanged.leaf_node_id;
  const appended = 'Append' in delta ? delta.Append.nodes : [];
  const current = graph instanceof SessionGraph ? graph : SessionGraph.from(graph);
  // Hosts often push the nodes into their graph before building the append: add only the missing ones.
  const missing = appended.filter((node) => current.findNode(node.node_id) === undefined);
  if (missing.length === 0 && current.leaf_node_id === leaf) return graph;
  const next = SessionGraph.from(current);
  next.extendNodeRecords(missing);
  next.setLeafNodeId(leaf);
  return next;
}

/**
 * A fresh state for a session that has never been committed. Its first
 * commit replaces the (empty) graph and expects revision 0, so it fails with
 * `HeadRevisionConflict` instead of overwriting a session that exists.
 */
export function newRuntimeSessionState(
  sessionId: string,
  policy: RuntimeSessionState['policy'],
  options: { agent_frames?: AgentFrameRecord[]; current_agent_frame_id?: AgentFrameId } = {},
): RuntimeSessionState {
  return {
    session_id: sessionId,
    policy,
    agent_frames: options.agent_frames ?? [],
    current_agent_frame_id: options.current_agent_frame_id ?? '',
    session_graph: new SessionGraph(),
    turn_index: 0,
    token_usage: { input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, reasoning_tokens: 0 },
    protocol_turn_options: { payload: {} },
    head_revision: 0,
    graph_replace_required: true,
  };
}

/**
 * Resumes a state from `loadSession` (for example after a restart). The
 * snapshots come back hydrated from the checkpoint; the policy keeps the
 * provider and model of the stored config unless `policy` overrides them.
 */
export function runtimeSessionStateFromRead(
  read: PersistedSessionRead,
  policy: Partial<RuntimeSessionState['policy']> = {},
): RuntimeSessionState {
  const checkpoint = read.checkpoint;
  const turn = checkpoint?.turn_state;
  const state: RuntimeSessionState = {
    session_id: read.session_id,
    policy: { ...policy, provider_id: policy.provider_id ?? read.config.provider_id, model: policy.model ?? read.config.model },
    agent_frames: read.agent_frames,
    current_agent_frame_id: read.current_agent_frame_id,
    session_graph: read.graph,
    turn_index: turn?.turn_index ?? 0,
    token_usage: turn?.token_usage ?? { input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, reasoning_tokens: 0 },
    last_prompt_usage: turn?.last_prompt_usage ?? null,
    protocol_turn_options: turn?.protocol_turn_options ?? { payload: {} },
    checkpoint_ref: read.checkpoint_ref,
    tool_state_ref: checkpoint?.tool_state_ref ?? null,
    tool_state_snapshot: checkpoint?.tool_state ?? null,
    plugin_snapshot_ref: checkpoint?.plugin_snapshot_ref ?? null,
    plugin_snapshot_revision: checkpoint?.plugin_snapshot_revision ?? null,
    plugin_snapshot: checkpoint?.plugin_snapshot ?? null,
    execution_state_ref: checkpoint?.execution_state_ref ?? null,
    execution_state_snapshot: checkpoint?.execution_state ?? null,
    head_revision: read.head_revision,
    graph_replace_required: false,
  };
  // A leaf pointing at a node that is gone is healed. A full graph is then
  // rewritten whole (as the reference does); a partial one only moves its
  // leaf — the next commit is `Unchanged` with the healed leaf — since a
  // replace from it would delete every node it did not load.
  const graph = state.session_graph;
  if (graph instanceof SessionGraph && graph.healOrphanedLeaf() && !graph.partial) state.graph_replace_required = true;
  return state;
}

function checkpointOf(state: RuntimeSessionState): HydratedSessionCheckpoint {
  const turnState: HydratedSessionCheckpoint['turn_state'] = {
    turn_index: state.turn_index,
    token_usage: state.token_usage,
    protocol_turn_options: state.protocol_turn_options,
  };
  if (state.last_prompt_usage !== undefined && state.last_prompt_usage !== null) {
    turnState.last_prompt_usage = state.last_prompt_usage;
  }
  return {
    turn_state: turnState,
    tool_state_ref: state.tool_state_ref ?? null,
    tool_state: state.tool_state_snapshot ?? null,
    plugin_snapshot_ref: state.plugin_snapshot_ref ?? null,
    plugin_snapshot: state.plugin_snapshot ?? null,
    plugin_snapshot_revision: state.plugin_snapshot_revision ?? null,
    execution_state_ref: state.execution_state_ref ?? null,
    execution_state: state.execution_state_snapshot ?? null,
  };
}

function isPartial(graph: SessionGraph | SessionGraphData): boolean {
  return graph instanceof SessionGraph && graph.partial;
}

function refusePartialReplace(graph: SessionGraph | SessionGraphData): void {
  if (isPartial(graph)) {
    throw StoreError.invalidInput(
      'a commit from a partial graph (an ActivePath read) cannot replace the whole graph: it would delete every node it did not load; load the FullGraph scope to rewrite the graph, or commit an Append',
      '$.graph',
    );
  }
}

function graphData(graph: SessionGraph | SessionGraphData): SessionGraphData {
  if (graph instanceof SessionGraph) return graph.toData();
  return graph.leaf_node_id === undefined || graph.leaf_node_id === null
    ? { nodes: [...graph.nodes] }
    : { nodes: [...graph.nodes], leaf_node_id: graph.leaf_node_id };
}

function leafOf(graph: SessionGraph | SessionGraphData): string | null {
  return graph instanceof SessionGraph ? graph.leaf_node_id : (graph.leaf_node_id ?? null);
}
