/**
 * The session records' schemas, one per record (the kit in `core/shape.ts`),
 * each tied to its contract type with `shapeOf` where the type is closed.
 * The same schema checks caller input before a write and decodes a row or
 * blob read back: it applies the reference's serde defaults
 * (`contract-session.md` §3.6) and refuses wrong shapes. The encoders write
 * the reference's key order and skip rules.
 *
 * Frames, nodes, tool states and plugin snapshots are opaque to the store
 * beyond the fields it reads: their schemas keep every other member and
 * return the caller's object itself when nothing changed (`keep`), so a
 * commit copies none of them.
 */
import type { SessionReadScope } from '../contract/errors.ts';
import type { CausalRef } from '../contract/causal.ts';
import { identifierProblem } from '../validation.ts';
import type { QueuedWorkCompletion } from '../contract/queue.ts';
import type {
  AgentFrameRecord,
  ModelSpec,
  PersistedSessionConfig,
  PersistedTurnState,
  PluginSessionSnapshot,
  PromptUsage,
  SessionGraphData,
  SessionNodeRecord,
  SessionRelation,
  TokenLedgerEntry,
  TokenUsage,
  ToolState,
} from '../contract/session-model.ts';
import { emptyTokenUsage } from '../contract/session-model.ts';
import type {
  GraphCommitDelta,
  HydratedSessionCheckpoint,
  RuntimeCommit,
  RuntimeCommitResult,
  RuntimeTurnCommitStamp,
  SessionCheckpoint,
  SessionHead,
  SessionHeadMeta,
  SessionMeta,
} from '../contract/session-records.ts';
import { protocolTurnOptions } from '../queue/codec.ts';
import {
  anyJson,
  array,
  expectBytes,
  expectI64,
  expectId,
  expectJson,
  expectObject,
  expectString,
  expectU64,
  fallback,
  literal,
  nullable,
  nullish,
  object,
  optional,
  optionalId,
  orDefault,
  record,
  refine,
  shapeOf,
  tagged,
  variant,
  type Fields,
  type Shape,
} from '../shape.ts';

// ---- runtime values -------------------------------------------------------

const atLeastOne = refine(expectU64, (n) => (n >= 1 ? null : 'at least 1'));

/** `deny_unknown_fields` in the reference: an unknown member is refused. */
const modelSpec = shapeOf<ModelSpec>()(
  object(
    {
      id: expectString,
      variant: optional(expectString),
      limits: object({ context_window_tokens: atLeastOne, output_token_capacity: optional(atLeastOne) }, { strict: true }),
    },
    { strict: true },
  ),
);

export function decodeModelSpec(value: unknown, path: string): ModelSpec {
  return modelSpec(value, path);
}

const config = shapeOf<PersistedSessionConfig>()(object({ provider_id: expectString, model: modelSpec }));

export const decodeConfig = config;

const tokenUsage = shapeOf<TokenUsage>()(
  object({
    input_tokens: expectI64,
    output_tokens: expectI64,
    cached_input_tokens: expectI64,
    reasoning_tokens: fallback(expectI64, () => 0),
  }),
);

export const decodeTokenUsage = tokenUsage;

const promptUsage = shapeOf<PromptUsage>()(
  object({
    prompt_context_tokens: expectU64,
    input_tokens: expectU64,
    cached_input_tokens: expectU64,
    context_budget_tokens: fallback(expectU64, () => 0),
  }),
);

export function defaultTurnState(): PersistedTurnState {
  return { turn_index: 0, token_usage: emptyTokenUsage(), protocol_turn_options: { payload: {} } };
}

const turnState = orDefault(
  shapeOf<PersistedTurnState>()(
    object({
      turn_index: expectU64,
      token_usage: orDefault(tokenUsage, emptyTokenUsage),
      last_prompt_usage: optional(promptUsage),
      protocol_turn_options: orDefault(protocolTurnOptions, () => ({ payload: {} })),
    }),
  ),
  defaultTurnState,
);

export const decodeTurnState = turnState;

const ledgerEntry = shapeOf<TokenLedgerEntry>()(object({ source: expectString, model: expectString, usage: tokenUsage }));

export const decodeLedgerEntry = ledgerEntry;

/** The causal reference of a child session is kept as written (opaque to the store). */
const relation = shapeOf<SessionRelation>()(
  tagged('kind', {
    root: {},
    child: { parent_session_id: expectString, caused_by: optional(expectObject as Shape<unknown> as Shape<CausalRef>) },
  }),
);

/** Decodes a stored session relation; throws naming `path` when the shape is wrong. */
export const decodeRelation = relation;

/**
 * Frames are opaque except for their ids and the snapshot bytes, which JSON
 * carries as a number array and callers get back as a `Uint8Array`.
 */
const agentFrame = object(
  { frame_id: expectString, session_id: expectString, execution_state_snapshot: nullish(expectBytes) },
  { keep: true },
) as Shape<unknown> as Shape<AgentFrameRecord>;

export const decodeAgentFrame = agentFrame;

/** Absent is serde's default (`[]`); `null` is not a list and is refused, never coerced. */
const agentFrames = fallback(array(agentFrame), () => []);

export const decodeAgentFrames = agentFrames;

/**
 * Frames given by a caller: their ids, and that they are JSON. Only
 * `execution_state_snapshot` may hold bytes (it is read back as bytes);
 * anywhere else a `Uint8Array` would come back as an array of numbers.
 */
const agentFramesInput: Shape<AgentFrameRecord[]> = (value, path) => {
  const frames = agentFrames(value, path);
  frames.forEach((frame, i) => {
    const { execution_state_snapshot: _bytes, ...rest } = frame;
    expectJson(rest, `${path}[${i}]`);
  });
  return frames;
};

export const decodeAgentFramesInput = agentFramesInput;

const nodeKind = literal('event', 'plugin');

/**
 * A node's store-relevant shape; the payload stays opaque, and the node is
 * returned as it is. Written out rather than as `tagged('kind', …, { keep })`:
 * nodes are decoded in bulk on every load (an active path of 200, a full
 * graph of any size), and the kit's generic member loop (keyed loads and
 * calls through one call site) cost about ×3 per node here
 * (`docs/design.md`, "Schemas"). The checks are the same.
 */
export const decodeNode: Shape<SessionNodeRecord> = (value, path) => {
  const record = expectObject(value, path);
  expectId(record.node_id, `${path}.node_id`);
  if (record.parent_node_id !== undefined && record.parent_node_id !== null) expectId(record.parent_node_id, `${path}.parent_node_id`);
  expectString(record.timestamp, `${path}.timestamp`);
  if (record.kind === 'event') {
    expectObject(record.event, `${path}.event`);
  } else if (record.kind === 'plugin') {
    expectString(record.plugin_type, `${path}.plugin_type`);
    anyJson(record.body, `${path}.body`);
  } else {
    nodeKind(record.kind, `${path}.kind`);
  }
  return record as SessionNodeRecord;
};

const node = decodeNode;

/**
 * Nodes given by a caller: each node's shape, and that all of it is JSON
 * (no bytes either: a node row is JSON text and would read back an array of
 * numbers), so it reads back exactly as given.
 */
const nodes = fallback(array((value, path) => expectJson(node(value, path), path)), () => []);

export const decodeNodes = nodes;

/** Accepts `SessionGraphData` or anything with `nodes` and `leaf_node_id` (a `SessionGraph`). */
const graphData = shapeOf<SessionGraphData>()(object({ nodes, leaf_node_id: optional(expectId) }));

export const decodeGraphData = graphData;

const toolState = object({ generation: expectU64, tools: fallback(expectObject, () => ({})) }, { keep: true }) as Shape<unknown> as Shape<ToolState>;

/** Decodes a stored tool state; throws naming `path` when the shape is wrong. */
export const decodeToolState = toolState;

/** Plugin snapshots are opaque; artifact bytes written by Rust arrive as number arrays. */
const pluginSnapshot = object(
  {
    plugins: orDefault(
      record(object({ artifacts: nullish(array(object({ data: expectBytes }, { keep: true }))) }, { keep: true })),
      () => ({}),
    ),
  },
  { keep: true },
) as Shape<unknown> as Shape<PluginSessionSnapshot>;

/** Decodes a stored plugin session snapshot (unknown members kept); throws naming `path` when the shape is wrong. */
export const decodePluginSnapshot = pluginSnapshot;

// ---- store records --------------------------------------------------------

const headMeta = shapeOf<SessionHeadMeta>()(
  object({
    session_id: fallback(expectString, () => 'root'),
    head_revision: fallback(expectU64, () => 0),
    config,
    agent_frames: agentFrames,
    current_agent_frame_id: optional(expectString),
    checkpoint_ref: optional(expectString),
    leaf_node_id: optional(expectString),
    graph_node_count: fallback(expectU64, () => 0),
    token_ledger: optional(array(ledgerEntry)),
  }),
);

/** `head_json` with its defaults; `revision` (the column) overrides the JSON value. */
export function decodeHeadMeta(value: unknown, revision: number | null): SessionHeadMeta {
  const meta = headMeta(revision === null ? value : { ...expectObject(value, 'head'), head_revision: revision }, 'head');
  // serde skips an empty current frame id when writing; read it as absent too.
  if (meta.current_agent_frame_id === '') delete meta.current_agent_frame_id;
  return meta;
}

/** Checks a head meta given by a host (identifiers included). */
export function checkHeadMetaInput(value: unknown): SessionHeadMeta {
  const record = expectObject(value, 'meta');
  expectId(record.session_id, 'meta.session_id');
  optionalId(record.leaf_node_id, 'meta.leaf_node_id');
  agentFramesInput(record.agent_frames, 'meta.agent_frames');
  return decodeHeadMeta(record, expectU64(record.head_revision, 'meta.head_revision'));
}

/** JSON of a head meta in the reference's key order, skipped fields left out. */
export function encodeHeadMeta(meta: SessionHeadMeta): Fields {
  const out: Fields = {
    session_id: meta.session_id,
    head_revision: meta.head_revision,
    config: meta.config,
    agent_frames: meta.agent_frames,
  };
  if (meta.current_agent_frame_id) out.current_agent_frame_id = meta.current_agent_frame_id;
  if (meta.checkpoint_ref !== undefined) out.checkpoint_ref = meta.checkpoint_ref;
  if (meta.leaf_node_id !== undefined) out.leaf_node_id = meta.leaf_node_id;
  out.graph_node_count = meta.graph_node_count;
  if (meta.token_ledger !== undefined && meta.token_ledger.length > 0) out.token_ledger = meta.token_ledger;
  return out;
}

const sessionCheckpoint = shapeOf<SessionCheckpoint>()(
  object({
    turn_state: turnState,
    tool_state_ref: optional(expectString),
    plugin_snapshot_ref: optional(expectString),
    plugin_snapshot_revision: optional(expectU64),
    execution_state_ref: optional(expectString),
  }),
);

/** Decodes a stored checkpoint manifest; throws naming `path` when the shape is wrong. */
export function decodeSessionCheckpoint(value: unknown, path = 'checkpoint'): SessionCheckpoint {
  return sessionCheckpoint(value, path);
}

/** The manifest as written: reference key order, `None` fields left out. */
export function encodeSessionCheckpoint(manifest: SessionCheckpoint): Fields {
  const turn = manifest.turn_state;
  const turnState: Fields = { turn_index: turn.turn_index, token_usage: turn.token_usage };
  if (turn.last_prompt_usage !== undefined) turnState.last_prompt_usage = turn.last_prompt_usage;
  turnState.protocol_turn_options = turn.protocol_turn_options;
  const out: Fields = { turn_state: turnState };
  if (manifest.tool_state_ref !== undefined) out.tool_state_ref = manifest.tool_state_ref;
  if (manifest.plugin_snapshot_ref !== undefined) out.plugin_snapshot_ref = manifest.plugin_snapshot_ref;
  if (manifest.plugin_snapshot_revision !== undefined) out.plugin_snapshot_revision = manifest.plugin_snapshot_revision;
  if (manifest.execution_state_ref !== undefined) out.execution_state_ref = manifest.execution_state_ref;
  return out;
}

/** Snapshots and the manifest (with the turn state's payload) are msgpack blobs; msgpack keeps bytes as bytes. */
function msgpackBlob<T>(shape: Shape<T>): Shape<T> {
  return (value, path) => shape(expectJson(value, path, { bytes: true, msgpack: true }), path);
}

const hydratedTurnState: Shape<PersistedTurnState> = (value, path) => {
  const state = turnState(value, path);
  expectJson(state.protocol_turn_options.payload, `${path}.protocol_turn_options.payload`, { msgpack: true });
  return state;
};

/** A hydrated checkpoint given by a caller; missing keys read as `null`. */
const hydratedCheckpoint = shapeOf<HydratedSessionCheckpoint>()(
  object({
    turn_state: hydratedTurnState,
    tool_state_ref: nullable(expectString),
    tool_state: nullable(msgpackBlob(toolState)),
    plugin_snapshot_ref: nullable(expectString),
    plugin_snapshot: nullable(msgpackBlob(expectObject as Shape<unknown> as Shape<PluginSessionSnapshot>)),
    plugin_snapshot_revision: nullable(expectU64),
    execution_state_ref: nullable(expectString),
    execution_state: nullable(expectBytes),
  }),
);

export const decodeHydratedCheckpoint = hydratedCheckpoint;

const commitResult = shapeOf<RuntimeCommitResult>()(
  object({ head_revision: expectU64, checkpoint_ref: expectString, manifest: sessionCheckpoint }),
);

/** Decodes a stored commit result. */
export function decodeCommitResult(value: unknown): RuntimeCommitResult {
  return commitResult(value, 'result');
}

export function encodeCommitResult(result: RuntimeCommitResult): Fields {
  return {
    head_revision: result.head_revision,
    checkpoint_ref: result.checkpoint_ref,
    manifest: encodeSessionCheckpoint(result.manifest),
  };
}

const leaf = nullable(expectId);

const graphDelta = shapeOf<GraphCommitDelta>()(
  variant(
    [],
    { Unchanged: object({ leaf_node_id: leaf }), Append: object({ nodes, leaf_node_id: leaf }), ReplaceFull: graphData },
    'an object with exactly one of Unchanged, Append, ReplaceFull',
  ),
);

export const decodeGraphDelta = graphDelta;

const stamp = shapeOf<RuntimeTurnCommitStamp>()(object({ session_id: expectId, turn_id: expectId, turn_commit_hash: expectString }));

const completion = shapeOf<QueuedWorkCompletion>()(
  object({ session_id: expectId, claim_id: expectId, lease_token: expectString, batch_ids: array(expectId) }),
);

/** Absent lists take serde's default (`[]`); `null` is refused, never coerced. */
const list = <T>(item: Shape<T>) => fallback(array(item), () => []);

/**
 * A whole commit, checked before anything is written and returned with the
 * reference defaults filled in (missing optional keys become `null`/`[]`).
 * Opaque parts (frames, node payloads, snapshot values) are not copied.
 */
const runtimeCommit = shapeOf<RuntimeCommit>()(
  object({
    session_id: expectId,
    expected_head_revision: nullable(expectU64),
    config,
    agent_frames: agentFramesInput,
    current_agent_frame_id: fallback(expectString, () => ''),
    graph: graphDelta,
    checkpoint: hydratedCheckpoint,
    usage_deltas: list(ledgerEntry),
    turn_commit: nullable(stamp),
    completed_queue_claims: list(completion),
    committed_attachment_ids: list(expectId),
  }),
);

export function decodeRuntimeCommit(value: unknown): RuntimeCommit {
  return runtimeCommit(value, 'commit');
}

/** Lenient relation read: an absent or unreadable `relation_json` is `root`, as in the reference. */
export function relationFromJson(text: string | null): SessionRelation {
  if (text === null) return { kind: 'root' };
  try {
    return decodeRelation(JSON.parse(text), 'relation');
  } catch {
    return { kind: 'root' };
  }
}

const sessionMeta = shapeOf<SessionMeta>()(
  object({
    session_id: expectId,
    session_name: expectString,
    created_at: expectString,
    model: expectString,
    cwd: nullable(expectString),
    relation: fallback((value, path) => relation(expectJson(value, path), path), () => ({ kind: 'root' as const })),
  }),
);

export function decodeSessionMetaInput(value: unknown): SessionMeta {
  return sessionMeta(value, 'meta');
}

/** A head given by a host (`saveSessionHead`); reference defaults for missing fields. */
const sessionHead = shapeOf<SessionHead>()(
  object({
    session_id: fallback(expectId, () => 'root'),
    head_revision: fallback(expectU64, () => 0),
    agent_frames: agentFramesInput,
    current_agent_frame_id: orDefault(expectString, () => ''),
    graph: graphData,
    config,
    checkpoint_ref: optional(expectString),
    // Checked, though a saved head's ledger is the usage table's (loadSessionHead merges it).
    token_ledger: optional(array(ledgerEntry)),
  }),
);

export function decodeSessionHeadInput(value: unknown): SessionHead {
  return sessionHead(value, 'head');
}

/** A session read scope; anything else is `UnsupportedReadScope`. */
export function isReadScope(value: unknown): value is SessionReadScope {
  if (typeof value !== 'object' || value === null) return false;
  const scope = value as Fields;
  if (scope.kind === 'FullGraph') return true;
  if (scope.kind !== 'ActivePath') return false;
  const leaf = scope.leaf_node_id;
  return leaf === null || leaf === undefined || identifierProblem(leaf, 'leaf') === null;
}
