/**
 * Record codecs: decoders that apply the reference's serde defaults
 * (`contract-session.md` §3.6) and refuse wrong shapes, and encoders that
 * write the reference's key order and skip rules. Decoders serve both sides:
 * checking caller input before a write, and parsing rows read back.
 */
import type { SessionReadScope } from '../contract/errors.ts';
import type { JsonValue } from '../contract/json.ts';
import { identifierProblem } from '../validation.ts';
import type { QueuedWorkCompletion } from '../contract/queue.ts';
import type {
  AgentFrameRecord,
  ModelSpec,
  PersistedSessionConfig,
  PersistedTurnState,
  PluginSessionSnapshot,
  PromptUsage,
  ProtocolTurnOptions,
  SessionGraphData,
  SessionNodeRecord,
  SessionRelation,
  TokenLedgerEntry,
  TokenUsage,
  ToolState,
} from '../contract/session-model.ts';
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
import {
  ShapeError,
  expectArray,
  expectBytes,
  expectI64,
  expectId,
  expectJson,
  expectObject,
  expectString,
  expectU64,
  onlyKeys,
  optionalId,
  optionalString,
  optionalU64,
  type Fields,
} from '../shape.ts';

// ---- runtime values -------------------------------------------------------

export function decodeModelSpec(value: unknown, path: string): ModelSpec {
  const record = expectObject(value, path);
  onlyKeys(record, ['id', 'variant', 'limits'], path);
  const limits = expectObject(record.limits, `${path}.limits`);
  onlyKeys(limits, ['context_window_tokens', 'output_token_capacity'], `${path}.limits`);
  const contextWindow = expectU64(limits.context_window_tokens, `${path}.limits.context_window_tokens`);
  if (contextWindow < 1) throw new ShapeError(`${path}.limits.context_window_tokens must be at least 1`, `${path}.limits.context_window_tokens`);
  const spec: ModelSpec = { id: expectString(record.id, `${path}.id`), limits: { context_window_tokens: contextWindow } };
  const variant = optionalString(record.variant, `${path}.variant`);
  if (variant !== undefined) spec.variant = variant;
  const capacity = optionalU64(limits.output_token_capacity, `${path}.limits.output_token_capacity`);
  if (capacity !== undefined) {
    if (capacity < 1) throw new ShapeError(`${path}.limits.output_token_capacity must be at least 1`, `${path}.limits.output_token_capacity`);
    spec.limits.output_token_capacity = capacity;
  }
  return spec;
}

export function decodeConfig(value: unknown, path: string): PersistedSessionConfig {
  const record = expectObject(value, path);
  return {
    provider_id: expectString(record.provider_id, `${path}.provider_id`),
    model: decodeModelSpec(record.model, `${path}.model`),
  };
}

export function decodeTokenUsage(value: unknown, path: string): TokenUsage {
  const record = expectObject(value, path);
  return {
    input_tokens: expectI64(record.input_tokens, `${path}.input_tokens`),
    output_tokens: expectI64(record.output_tokens, `${path}.output_tokens`),
    cached_input_tokens: expectI64(record.cached_input_tokens, `${path}.cached_input_tokens`),
    reasoning_tokens: record.reasoning_tokens === undefined ? 0 : expectI64(record.reasoning_tokens, `${path}.reasoning_tokens`),
  };
}

function decodePromptUsage(value: unknown, path: string): PromptUsage {
  const record = expectObject(value, path);
  return {
    prompt_context_tokens: expectU64(record.prompt_context_tokens, `${path}.prompt_context_tokens`),
    input_tokens: expectU64(record.input_tokens, `${path}.input_tokens`),
    cached_input_tokens: expectU64(record.cached_input_tokens, `${path}.cached_input_tokens`),
    context_budget_tokens:
      record.context_budget_tokens === undefined ? 0 : expectU64(record.context_budget_tokens, `${path}.context_budget_tokens`),
  };
}

function decodeProtocolTurnOptions(value: unknown, path: string): ProtocolTurnOptions {
  if (value === undefined || value === null) return { payload: {} };
  const record = expectObject(value, path);
  return { payload: record.payload === undefined ? {} : (record.payload as JsonValue) };
}

export function decodeTurnState(value: unknown, path: string): PersistedTurnState {
  if (value === undefined || value === null) return defaultTurnState();
  const record = expectObject(value, path);
  const state: PersistedTurnState = {
    turn_index: expectU64(record.turn_index, `${path}.turn_index`),
    token_usage:
      record.token_usage === undefined || record.token_usage === null
        ? { input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, reasoning_tokens: 0 }
        : decodeTokenUsage(record.token_usage, `${path}.token_usage`),
    protocol_turn_options: decodeProtocolTurnOptions(record.protocol_turn_options, `${path}.protocol_turn_options`),
  };
  if (record.last_prompt_usage !== undefined && record.last_prompt_usage !== null) {
    state.last_prompt_usage = decodePromptUsage(record.last_prompt_usage, `${path}.last_prompt_usage`);
  }
  return state;
}

export function defaultTurnState(): PersistedTurnState {
  return {
    turn_index: 0,
    token_usage: { input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, reasoning_tokens: 0 },
    protocol_turn_options: { payload: {} },
  };
}

export function decodeLedgerEntry(value: unknown, path: string): TokenLedgerEntry {
  const record = expectObject(value, path);
  return {
    source: expectString(record.source, `${path}.source`),
    model: expectString(record.model, `${path}.model`),
    usage: decodeTokenUsage(record.usage, `${path}.usage`),
  };
}

/** Decodes a stored session relation; throws naming `path` when the shape is wrong. */
export function decodeRelation(value: unknown, path: string): SessionRelation {
  const record = expectObject(value, path);
  if (record.kind === 'root') return { kind: 'root' };
  if (record.kind === 'child') {
    const relation: SessionRelation = {
      kind: 'child',
      parent_session_id: expectString(record.parent_session_id, `${path}.parent_session_id`),
    };
    if (record.caused_by !== undefined && record.caused_by !== null) {
      relation.caused_by = expectObject(record.caused_by, `${path}.caused_by`) as never;
    }
    return relation;
  }
  throw new ShapeError(`${path}.kind must be "root" or "child"`, `${path}.kind`);
}

/**
 * Frames are opaque except for their ids and the snapshot bytes, which JSON
 * carries as a number array and callers get back as a `Uint8Array`.
 */
export function decodeAgentFrame(value: unknown, path: string): AgentFrameRecord {
  const record = expectObject(value, path);
  expectString(record.frame_id, `${path}.frame_id`);
  expectString(record.session_id, `${path}.session_id`);
  const snapshot = record.execution_state_snapshot;
  if (snapshot === undefined || snapshot === null || snapshot instanceof Uint8Array) return record as AgentFrameRecord;
  return { ...record, execution_state_snapshot: expectBytes(snapshot, `${path}.execution_state_snapshot`) } as AgentFrameRecord;
}

/** Absent is serde's default (`[]`); `null` is not a list and is refused, never coerced. */
export function decodeAgentFrames(value: unknown, path: string): AgentFrameRecord[] {
  if (value === undefined) return [];
  const frames = expectArray(value, path);
  let changed = false;
  const out = frames.map((frame, i) => {
    const decoded = decodeAgentFrame(frame, `${path}[${i}]`);
    if (decoded !== frame) changed = true;
    return decoded;
  });
  return changed ? out : (frames as AgentFrameRecord[]);
}

/** Checks a node's store-relevant shape; the payload stays opaque. Returns the same object. */
export function decodeNode(value: unknown, path: string): SessionNodeRecord {
  const record = expectObject(value, path);
  expectId(record.node_id, `${path}.node_id`);
  optionalId(record.parent_node_id, `${path}.parent_node_id`);
  expectString(record.timestamp, `${path}.timestamp`);
  if (record.kind === 'event') {
    expectObject(record.event, `${path}.event`);
  } else if (record.kind === 'plugin') {
    expectString(record.plugin_type, `${path}.plugin_type`);
    if (record.body === undefined) throw new ShapeError(`${path}.body is missing`, `${path}.body`);
  } else {
    throw new ShapeError(`${path}.kind must be "event" or "plugin"`, `${path}.kind`);
  }
  return record as SessionNodeRecord;
}

/**
 * Checks nodes given by a caller: each node's shape, and that all of it is
 * JSON (no bytes either: a node row is JSON text and would read back an
 * array of numbers), so it reads back exactly as given.
 */
export function decodeNodes(value: unknown, path: string): SessionNodeRecord[] {
  const nodes = value === undefined ? [] : expectArray(value, path);
  for (let i = 0; i < nodes.length; i++) expectJson(decodeNode(nodes[i], `${path}[${i}]`), `${path}[${i}]`);
  return nodes as SessionNodeRecord[];
}

/**
 * Checks frames given by a caller: their ids, and that they are JSON. Only
 * `execution_state_snapshot` may hold bytes (it is read back as bytes);
 * anywhere else a `Uint8Array` would come back as an array of numbers.
 */
export function decodeAgentFramesInput(value: unknown, path: string): AgentFrameRecord[] {
  const frames = decodeAgentFrames(value, path);
  frames.forEach((frame, i) => {
    const { execution_state_snapshot: _bytes, ...rest } = frame;
    expectJson(rest, `${path}[${i}]`);
  });
  return frames;
}

/** Accepts `SessionGraphData` or anything with `nodes` and `leaf_node_id` (a `SessionGraph`). */
export function decodeGraphData(value: unknown, path: string): SessionGraphData {
  const record = expectObject(value, path);
  const nodes = decodeNodes(record.nodes, `${path}.nodes`);
  const leaf = optionalId(record.leaf_node_id, `${path}.leaf_node_id`);
  return leaf === undefined ? { nodes } : { nodes, leaf_node_id: leaf };
}

/** Decodes a stored tool state; throws naming `path` when the shape is wrong. */
export function decodeToolState(value: unknown, path: string): ToolState {
  const record = expectObject(value, path);
  expectU64(record.generation, `${path}.generation`);
  expectObject(record.tools ?? {}, `${path}.tools`);
  if (record.tools === undefined) return { ...record, tools: {} } as unknown as ToolState;
  return record as unknown as ToolState;
}

/** Plugin snapshots are opaque; artifact bytes written by Rust arrive as number arrays. */
export function decodePluginSnapshot(value: unknown, path: string): PluginSessionSnapshot {
  const record = expectObject(value, path);
  const plugins = expectObject(record.plugins ?? {}, `${path}.plugins`);
  for (const [name, entry] of Object.entries(plugins)) {
    const plugin = expectObject(entry, `${path}.plugins.${name}`);
    if (!Array.isArray(plugin.artifacts)) continue;
    plugin.artifacts = plugin.artifacts.map((artifact, i) => {
      const fields = expectObject(artifact, `${path}.plugins.${name}.artifacts[${i}]`);
      return { ...fields, data: expectBytes(fields.data, `${path}.plugins.${name}.artifacts[${i}].data`) };
    });
  }
  return { ...record, plugins } as unknown as PluginSessionSnapshot;
}

// ---- store records --------------------------------------------------------

/** `head_json` with its defaults; `revision` (the column) overrides the JSON value. */
export function decodeHeadMeta(value: unknown, revision: number | null): SessionHeadMeta {
  const record = expectObject(value, 'head');
  const meta: SessionHeadMeta = {
    session_id: record.session_id === undefined ? 'root' : expectString(record.session_id, 'head.session_id'),
    head_revision: revision ?? (record.head_revision === undefined ? 0 : expectU64(record.head_revision, 'head.head_revision')),
    config: decodeConfig(record.config, 'head.config'),
    agent_frames: decodeAgentFrames(record.agent_frames, 'head.agent_frames'),
    graph_node_count: record.graph_node_count === undefined ? 0 : expectU64(record.graph_node_count, 'head.graph_node_count'),
  };
  const frame = optionalString(record.current_agent_frame_id, 'head.current_agent_frame_id');
  if (frame !== undefined && frame !== '') meta.current_agent_frame_id = frame;
  const checkpoint = optionalString(record.checkpoint_ref, 'head.checkpoint_ref');
  if (checkpoint !== undefined) meta.checkpoint_ref = checkpoint;
  const leaf = optionalString(record.leaf_node_id, 'head.leaf_node_id');
  if (leaf !== undefined) meta.leaf_node_id = leaf;
  if (record.token_ledger !== undefined && record.token_ledger !== null) {
    meta.token_ledger = expectArray(record.token_ledger, 'head.token_ledger').map((entry, i) =>
      decodeLedgerEntry(entry, `head.token_ledger[${i}]`),
    );
  }
  return meta;
}

/** Checks a head meta given by a host (identifiers included). */
export function checkHeadMetaInput(value: unknown): SessionHeadMeta {
  const record = expectObject(value, 'meta');
  expectId(record.session_id, 'meta.session_id');
  optionalId(record.leaf_node_id, 'meta.leaf_node_id');
  decodeAgentFramesInput(record.agent_frames, 'meta.agent_frames');
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

/** Decodes a stored checkpoint manifest; throws naming `path` when the shape is wrong. */
export function decodeSessionCheckpoint(value: unknown, path = 'checkpoint'): SessionCheckpoint {
  const record = expectObject(value, path);
  const manifest: SessionCheckpoint = { turn_state: decodeTurnState(record.turn_state, `${path}.turn_state`) };
  const tool = optionalString(record.tool_state_ref, `${path}.tool_state_ref`);
  if (tool !== undefined) manifest.tool_state_ref = tool;
  const plugin = optionalString(record.plugin_snapshot_ref, `${path}.plugin_snapshot_ref`);
  if (plugin !== undefined) manifest.plugin_snapshot_ref = plugin;
  const revision = optionalU64(record.plugin_snapshot_revision, `${path}.plugin_snapshot_revision`);
  if (revision !== undefined) manifest.plugin_snapshot_revision = revision;
  const execution = optionalString(record.execution_state_ref, `${path}.execution_state_ref`);
  if (execution !== undefined) manifest.execution_state_ref = execution;
  return manifest;
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

/** Checks a hydrated checkpoint given by a caller; missing keys read as `null`. */
export function decodeHydratedCheckpoint(value: unknown, path: string): HydratedSessionCheckpoint {
  const record = expectObject(value, path);
  const nullable = <T>(field: string, decode: (v: unknown, p: string) => T): T | null => {
    const v = record[field];
    return v === undefined || v === null ? null : decode(v, `${path}.${field}`);
  };
  // Snapshots and the manifest (with the turn state's payload) are msgpack blobs; msgpack keeps bytes as bytes.
  const snapshot = <T>(decode: (v: unknown, p: string) => T) => (v: unknown, p: string): T => decode(expectJson(v, p, { bytes: true, msgpack: true }), p);
  const turnState = decodeTurnState(record.turn_state, `${path}.turn_state`);
  expectJson(turnState.protocol_turn_options.payload, `${path}.turn_state.protocol_turn_options.payload`, { msgpack: true });
  return {
    turn_state: turnState,
    tool_state_ref: nullable('tool_state_ref', expectString),
    tool_state: nullable('tool_state', snapshot(decodeToolState)),
    plugin_snapshot_ref: nullable('plugin_snapshot_ref', expectString),
    plugin_snapshot: nullable('plugin_snapshot', snapshot((v, p) => expectObject(v, p) as unknown as PluginSessionSnapshot)),
    plugin_snapshot_revision: nullable('plugin_snapshot_revision', expectU64),
    execution_state_ref: nullable('execution_state_ref', expectString),
    execution_state: nullable('execution_state', expectBytes),
  };
}

/** Decodes a stored commit result. */
export function decodeCommitResult(value: unknown): RuntimeCommitResult {
  const record = expectObject(value, 'result');
  return {
    head_revision: expectU64(record.head_revision, 'result.head_revision'),
    checkpoint_ref: expectString(record.checkpoint_ref, 'result.checkpoint_ref'),
    manifest: decodeSessionCheckpoint(record.manifest, 'result.manifest'),
  };
}

export function encodeCommitResult(result: RuntimeCommitResult): Fields {
  return {
    head_revision: result.head_revision,
    checkpoint_ref: result.checkpoint_ref,
    manifest: encodeSessionCheckpoint(result.manifest),
  };
}

export function decodeGraphDelta(value: unknown, path: string): GraphCommitDelta {
  const record = expectObject(value, path);
  const keys = Object.keys(record).filter((key) => record[key] !== undefined);
  if (keys.length !== 1) throw new ShapeError(`${path} must have exactly one of Unchanged, Append, ReplaceFull`, path);
  if (record.Unchanged !== undefined) {
    const inner = expectObject(record.Unchanged, `${path}.Unchanged`);
    return { Unchanged: { leaf_node_id: optionalId(inner.leaf_node_id, `${path}.Unchanged.leaf_node_id`) ?? null } };
  }
  if (record.Append !== undefined) {
    const inner = expectObject(record.Append, `${path}.Append`);
    return {
      Append: {
        nodes: decodeNodes(inner.nodes, `${path}.Append.nodes`),
        leaf_node_id: optionalId(inner.leaf_node_id, `${path}.Append.leaf_node_id`) ?? null,
      },
    };
  }
  if (record.ReplaceFull !== undefined) return { ReplaceFull: decodeGraphData(record.ReplaceFull, `${path}.ReplaceFull`) };
  throw new ShapeError(`${path} must have exactly one of Unchanged, Append, ReplaceFull`, path);
}

function decodeStamp(value: unknown, path: string): RuntimeTurnCommitStamp {
  const record = expectObject(value, path);
  return {
    session_id: expectId(record.session_id, `${path}.session_id`),
    turn_id: expectId(record.turn_id, `${path}.turn_id`),
    turn_commit_hash: expectString(record.turn_commit_hash, `${path}.turn_commit_hash`),
  };
}

function decodeCompletion(value: unknown, path: string): QueuedWorkCompletion {
  const record = expectObject(value, path);
  return {
    session_id: expectId(record.session_id, `${path}.session_id`),
    claim_id: expectId(record.claim_id, `${path}.claim_id`),
    lease_token: expectString(record.lease_token, `${path}.lease_token`),
    batch_ids: expectArray(record.batch_ids, `${path}.batch_ids`).map((id, i) => expectId(id, `${path}.batch_ids[${i}]`)),
  };
}

/**
 * Checks a whole commit before anything is written and returns it with the
 * reference defaults filled in (missing optional keys become `null`/`[]`).
 * Opaque parts (frames, node payloads, snapshot values) are not copied.
 */
export function decodeRuntimeCommit(value: unknown): RuntimeCommit {
  const record = expectObject(value, 'commit');
  // Absent lists take serde's default (`[]`); `null` is refused, never coerced.
  const list = <T>(field: string, decode: (v: unknown, p: string) => T): T[] => {
    const v = record[field];
    return v === undefined ? [] : expectArray(v, `commit.${field}`).map((item, i) => decode(item, `commit.${field}[${i}]`));
  };
  const expected = record.expected_head_revision;
  return {
    session_id: expectId(record.session_id, 'commit.session_id'),
    expected_head_revision: expected === undefined || expected === null ? null : expectU64(expected, 'commit.expected_head_revision'),
    config: decodeConfig(record.config, 'commit.config'),
    agent_frames: decodeAgentFramesInput(record.agent_frames, 'commit.agent_frames'),
    current_agent_frame_id:
      record.current_agent_frame_id === undefined ? '' : expectString(record.current_agent_frame_id, 'commit.current_agent_frame_id'),
    graph: decodeGraphDelta(record.graph, 'commit.graph'),
    checkpoint: decodeHydratedCheckpoint(record.checkpoint, 'commit.checkpoint'),
    usage_deltas: list('usage_deltas', decodeLedgerEntry),
    turn_commit:
      record.turn_commit === undefined || record.turn_commit === null ? null : decodeStamp(record.turn_commit, 'commit.turn_commit'),
    completed_queue_claims: list('completed_queue_claims', decodeCompletion),
    committed_attachment_ids: list('committed_attachment_ids', expectId),
  };
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

export function decodeSessionMetaInput(value: unknown): SessionMeta {
  const record = expectObject(value, 'meta');
  if (record.relation !== undefined) expectJson(record.relation, 'meta.relation');
  const cwd = record.cwd;
  return {
    session_id: expectId(record.session_id, 'meta.session_id'),
    session_name: expectString(record.session_name, 'meta.session_name'),
    created_at: expectString(record.created_at, 'meta.created_at'),
    model: expectString(record.model, 'meta.model'),
    cwd: cwd === undefined || cwd === null ? null : expectString(cwd, 'meta.cwd'),
    relation: record.relation === undefined ? { kind: 'root' } : decodeRelation(record.relation, 'meta.relation'),
  };
}

/** Checks a head given by a host (`saveSessionHead`); reference defaults for missing fields. */
export function decodeSessionHeadInput(value: unknown): SessionHead {
  const record = expectObject(value, 'head');
  const head: SessionHead = {
    session_id: record.session_id === undefined ? 'root' : expectId(record.session_id, 'head.session_id'),
    head_revision: record.head_revision === undefined ? 0 : expectU64(record.head_revision, 'head.head_revision'),
    agent_frames: decodeAgentFramesInput(record.agent_frames, 'head.agent_frames'),
    current_agent_frame_id: optionalString(record.current_agent_frame_id, 'head.current_agent_frame_id') ?? '',
    graph: decodeGraphData(record.graph, 'head.graph'),
    config: decodeConfig(record.config, 'head.config'),
  };
  const checkpoint = optionalString(record.checkpoint_ref, 'head.checkpoint_ref');
  if (checkpoint !== undefined) head.checkpoint_ref = checkpoint;
  return head;
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
