/**
 * The Worker of bench/durable-object.bench.ts. `BenchObject` commits turns
 * in a loop, either through `Store.commitRuntimeState` or as the same SQL
 * statements with precomputed bytes (the raw floor), many per call; the
 * bench times the calls from outside. `/rpc` commits one turn per Durable
 * Object RPC call from the Worker, as a runtime in a Worker would.
 *
 *   GET /setup?id&mode=store|floor&turn=chat|full&profile&codecs=builtin|portable
 *   GET /run?id&n          → {ms}: n commits in the object (ms by the object's clock)
 *   GET /rpc?id&n          → n commits, one RPC each, built in the Worker
 */
import { DurableObject } from 'cloudflare:workers';
import {
  BlobDescriptors,
  Store,
  portableCodecs,
  type BuiltinBlobProfile,
  type Codecs,
  type RuntimeCommit,
  type RuntimeCommitResult,
  type SessionNodeRecord,
} from '../../../src/index.ts';
import {
  builtinCodecs,
  lashRpcClient,
  openDurableObjectSqlite,
  rpcOutcome,
  type DurableObjectSqlStorage,
  type RpcOutcome,
} from '../../../src/durable-object.ts';
import { encodeEnvelope } from '../../../src/core/blobs/envelope.ts';
import { stringifyJsonRow } from '../../../src/core/codec/json-bytes.ts';
import { encodeMsgpack } from '../../../src/core/codec/msgpack.ts';

interface Env {
  BENCH: DurableObjectNamespace<BenchObject>;
}

export type TurnKind = 'chat' | 'full';

interface Setup {
  mode: 'store' | 'floor';
  turn: TurnKind;
  profile: BuiltinBlobProfile;
  codecs: 'builtin' | 'portable';
}

// ---- the turn ------------------------------------------------------------------------

const TEXT = 'agent tool call result session branch commit lease token plugin snapshot graph node message reply plan ';
const prose = (length: number, shift: number) => TEXT.repeat(Math.ceil((length + shift) / TEXT.length)).slice(shift, shift + length);
const STAMP_HASH = 'c0ffee'.padEnd(64, '0');
const CONFIG = { provider_id: 'openai', model: { id: 'gpt-5.4-mini', limits: { context_window_tokens: 200_000 } } };
const FRAME = {
  frame_id: 'root:frame:initial',
  session_id: 'root',
  status: 'active',
  reason: 'initial',
  created_at: '2026-06-02T00:00:00Z',
  assignment: { policy: { provider_id: 'openai' }, tool_access: 'all' },
};
/** ~8 KiB of tool manifests and a ~2 KiB plugin snapshot, new every turn in the `full` turn. */
const TOOLS = Object.fromEntries(
  Array.from({ length: 10 }, (_, t) => [`tool_${t}`, { manifest: { name: `tool_${t}`, description: prose(700, t) } }]),
);
const PLUGIN_NOTES = Array.from({ length: 12 }, (_, n) => prose(140, n));
const USAGE = { input_tokens: 1200, output_tokens: 300, cached_input_tokens: 800, reasoning_tokens: 50 };

function message(id: string, parent: string | null, role: 'User' | 'Assistant'): SessionNodeRecord {
  const node: SessionNodeRecord = {
    node_id: id,
    timestamp: '2026-06-02T12:00:00.000Z',
    kind: 'event',
    event: { Conversation: { id, role, parts: [{ id: `${id}.p0`, kind: 'Text', content: prose(800, id.length), prune_state: 'Intact' }] } },
  };
  if (parent !== null) node.parent_node_id = parent;
  return node;
}

/**
 * Turn `i` as a runtime hands it over: two ~1 KiB messages, one usage delta,
 * the stamp (its hash is the runtime's work, so it is fixed here), and a
 * checkpoint — in the `full` turn with a new tool state and plugin snapshot.
 */
export function turnCommit(turn: TurnKind, i: number, expected: number): RuntimeCommit {
  const full = turn === 'full';
  return {
    session_id: 'root',
    expected_head_revision: expected,
    config: CONFIG,
    agent_frames: [FRAME as never],
    current_agent_frame_id: FRAME.frame_id,
    graph:
      i === 0
        ? { ReplaceFull: { nodes: [] } }
        : { Append: { nodes: [message(`n${i}a`, i === 1 ? null : `n${i - 1}b`, 'User'), message(`n${i}b`, `n${i}a`, 'Assistant')], leaf_node_id: `n${i}b` } },
    checkpoint: {
      turn_state: { turn_index: i, token_usage: USAGE, protocol_turn_options: { payload: {} } },
      tool_state_ref: null,
      tool_state: full || i === 0 ? { generation: i, tools: TOOLS } : null,
      plugin_snapshot_ref: null,
      plugin_snapshot: full ? { plugins: { memory: { meta: { plugin_id: 'memory', plugin_version: '1', revision: i, state: PLUGIN_NOTES } } } } : null,
      plugin_snapshot_revision: full ? i : null,
      execution_state_ref: null,
      execution_state: null,
    },
    usage_deltas: i === 0 ? [] : [{ source: 'turn', model: 'gpt-5.4-mini', usage: USAGE }],
    turn_commit: i === 0 ? null : { session_id: 'root', turn_id: `turn-${i}`, turn_commit_hash: STAMP_HASH },
    completed_queue_claims: [],
    committed_attachment_ids: [],
  };
}

// ---- the raw floor: the statements the store runs, bytes made beforehand -------------

const SQL = {
  selectHead: 'SELECT head_json, head_revision FROM session_head WHERE singleton = 1',
  selectTurn: 'SELECT turn_commit_hash, result_json FROM runtime_turn_commits WHERE session_id = ? AND turn_id = ?',
  insertBlob: 'INSERT OR IGNORE INTO blobs (hash, content) VALUES (?, ?)',
  insertUsage:
    'INSERT INTO usage_deltas (source, model, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens) VALUES (?, ?, ?, ?, ?, ?)',
  insertNode: 'INSERT INTO graph_nodes (node_id, parent_node_id, node_json) VALUES (?, ?, ?)',
  upsertHead: 'INSERT OR REPLACE INTO session_head (singleton, session_id, head_json, head_revision) VALUES (1, ?, ?, ?)',
  insertTurn:
    'INSERT INTO runtime_turn_commits (session_id, turn_id, turn_commit_hash, result_json, committed_at_ms) VALUES (?, ?, ?, ?, ?)',
};

function floorCommitter(storage: DurableObjectStorageLikeSql, turn: TurnKind, profile: BuiltinBlobProfile, codecs: Codecs) {
  const sample = turnCommit(turn, 1, 1);
  const envelope = (descriptor: ReturnType<typeof BlobDescriptors.generic>, value: unknown) =>
    encodeEnvelope(codecs, profile, descriptor, encodeMsgpack(value));
  const blobs = [envelope(BlobDescriptors.checkpointManifest(), { turn_state: sample.checkpoint.turn_state, tool_state_ref: 'a'.repeat(64) })];
  if (turn === 'full') {
    blobs.push(envelope(BlobDescriptors.toolStateSnapshot(), sample.checkpoint.tool_state));
    blobs.push(envelope(BlobDescriptors.pluginSessionSnapshot(), sample.checkpoint.plugin_snapshot));
  }
  const nodes = (sample.graph as { Append: { nodes: SessionNodeRecord[] } }).Append.nodes.map((node) => stringifyJsonRow(node));
  const head = stringifyJsonRow({ session_id: 'root', head_revision: 1, config: CONFIG, agent_frames: [FRAME], current_agent_frame_id: FRAME.frame_id, checkpoint_ref: 'c'.repeat(64), leaf_node_id: 'n1b', graph_node_count: 2 });
  const result = stringifyJsonRow({ head_revision: 1, checkpoint_ref: 'c'.repeat(64), manifest: { turn_state: sample.checkpoint.turn_state, tool_state_ref: 'a'.repeat(64) } });
  const { sql } = storage;
  const run = (query: string, ...params: unknown[]) => {
    const cursor = sql.exec(query, ...params);
    while (!cursor.next().done);
  };
  let i = 0;
  return () => {
    i += 1;
    storage.transactionSync(() => {
      run(SQL.selectHead);
      run(SQL.selectTurn, 'root', `turn-${i}`);
      blobs.forEach((content) => run(SQL.insertBlob, scatteredKey(), content));
      run(SQL.insertUsage, 'turn', 'gpt-5.4-mini', 1200, 300, 800, 50);
      run(SQL.insertNode, `n${i}a`, i === 1 ? null : `n${i - 1}b`, nodes[0]);
      run(SQL.insertNode, `n${i}b`, `n${i}a`, nodes[1]);
      run(SQL.upsertHead, 'root', head, i);
      run(SQL.insertTurn, 'root', `turn-${i}`, STAMP_HASH, result, 1_780_000_000_000 + i);
    });
  };
}

/**
 * A fresh 64-hex-digit key: blob keys are SHA-256 hex in the store, so its
 * inserts land all over the index, and so must the floor's (sequential keys
 * would flatter it). A cheap mixing of a counter, not a hash.
 */
let keyCounter = 0;
function scatteredKey(): string {
  let out = '';
  let x = (++keyCounter * 0x9e3779b1) >>> 0;
  for (let part = 0; part < 8; part++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += (x >>> 0).toString(16).padStart(8, '0');
  }
  return out;
}

interface DurableObjectStorageLikeSql {
  readonly sql: DurableObjectSqlStorage;
  transactionSync<T>(closure: () => T): T;
}

// ---- the object ------------------------------------------------------------------------

export class BenchObject extends DurableObject<Env> {
  #commit: (() => unknown) | undefined;
  #store: Store | undefined;

  async setup(setup: Setup): Promise<void> {
    const codecs = setup.codecs === 'builtin' ? builtinCodecs() : portableCodecs;
    if (codecs === undefined) throw new Error('no builtin codecs: run the bench Worker with nodejs_compat');
    const conn = openDurableObjectSqlite(this.ctx.storage, { codecs });
    const store = await Store.open(conn, { blobProfile: setup.profile });
    let revision = (await store.commitRuntimeState(turnCommit(setup.turn, 0, 0))).head_revision;
    this.#store = store;
    if (setup.mode === 'floor') {
      this.#commit = floorCommitter(this.ctx.storage, setup.turn, setup.profile, codecs);
      return;
    }
    let i = 0;
    this.#commit = async () => {
      i += 1;
      revision = (await store.commitRuntimeState(turnCommit(setup.turn, i, revision))).head_revision;
    };
  }

  /** `n` commits; the object's own clock (which, unlike production's, advances during synchronous work locally). */
  async run(n: number): Promise<{ ms: number }> {
    const commit = this.#commit!;
    const started = performance.now();
    for (let i = 0; i < n; i++) await commit();
    return { ms: performance.now() - started };
  }

  commit(commit: RuntimeCommit): Promise<RpcOutcome<RuntimeCommitResult>> {
    return rpcOutcome(() => this.#store!.commitRuntimeState(commit));
  }

  async headRevision(): Promise<number> {
    return (await this.#store!.loadSessionHeadMeta())!.head_revision;
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const param = (name: string) => url.searchParams.get(name) ?? '';
    const stub = env.BENCH.get(env.BENCH.idFromName(param('id')));
    if (url.pathname === '/setup') {
      await stub.setup({
        mode: param('mode') as Setup['mode'],
        turn: param('turn') as TurnKind,
        profile: param('profile') as BuiltinBlobProfile,
        codecs: param('codecs') as Setup['codecs'],
      });
      return Response.json({});
    }
    const n = Number(param('n'));
    if (url.pathname === '/run') return Response.json(await stub.run(n));
    if (url.pathname === '/rpc') {
      // The runtime's side: build each turn here, send it over RPC, wait for the result.
      const session = lashRpcClient<BenchObject>(stub);
      // After turn 0 the revision is 1, so the next turn's index is the current revision.
      let revision = await stub.headRevision();
      for (let i = 0; i < n; i++) revision = (await session.commit(turnCommit('chat', revision, revision))).head_revision;
      return Response.json({ revision });
    }
    return new Response('not found', { status: 404 });
  },
};
