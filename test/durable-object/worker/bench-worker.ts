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
  graphDelta,
  newRuntimeSessionState,
  persistedStateWithGraphCommit,
  turnCommitStamp,
  withTurnCommit,
  type RuntimeSessionState,
  type BuiltinBlobProfile,
  type Codecs,
  type RuntimeCommit,
  type RuntimeCommitResult,
  type SessionNodeRecord,
  type SqliteConnection,
} from '../../../src/index.ts';
import { portableCodecs } from '../../../src/core/codec/codecs.ts';
import { writeTransaction } from '../../../src/core/driver/transaction.ts';
import {
  builtinCodecs,
  lashRpcClient,
  openDurableObjectSqlite,
  rpcOutcome,
  type DurableObjectSqlStorage,
  type RpcOutcome,
} from '../../../src/durable-object.ts';
import { encodeEnvelope } from '../../../src/core/blobs/envelope.ts';
import { NOT_SET_UP } from './bench-protocol.ts';
import { stringifyJsonRow } from '../../../src/core/codec/json-bytes.ts';
import { encodeMsgpack } from '../../../src/core/codec/msgpack.ts';

interface Env {
  BENCH: DurableObjectNamespace<BenchObject>;
}

export type TurnKind = 'chat' | 'full';

interface Setup {
  /** `driver`: the floor's statements through the driver instead of the platform API. */
  mode: 'store' | 'floor' | 'driver';
  turn: TurnKind;
  profile: BuiltinBlobProfile;
  codecs: 'builtin' | 'portable';
}

// ---- the turn ------------------------------------------------------------------------

const TEXT = 'agent tool call result session branch commit lease token plugin snapshot graph node message reply plan ';
const prose = (length: number, shift: number) => TEXT.repeat(Math.ceil((length + shift) / TEXT.length)).slice(shift, shift + length);
const STAMP_HASH = 'c0ffee'.padEnd(64, '0');
const CONFIG = { provider_id: 'openai', model: { id: 'gpt-5.4-mini', limits: { context_window_tokens: 200_000 } } };
/** The session's one agent frame, carried by every commit. */
const FRAME = { frame_id: 'root:frame:initial', session_id: 'root', status: 'active', reason: 'initial', created_at: '2026-06-02T00:00:00Z', assignment: { policy: { provider_id: 'openai' }, tool_access: 'all' } };
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

const BASE_STATE = newRuntimeSessionState('root', CONFIG, { agent_frames: [FRAME as never], current_agent_frame_id: FRAME.frame_id });

/**
 * Turn `i` as a runtime hands it over, built with the package's commit
 * builders: two ~1 KiB messages, one usage delta, the stamp (its hash is the
 * runtime's work, so it is fixed here), and the checkpoint — in the `full`
 * turn with a new tool state and plugin snapshot.
 */
export function turnCommit(turn: TurnKind, i: number, expected: number): RuntimeCommit {
  const full = turn === 'full';
  const state: RuntimeSessionState = {
    ...BASE_STATE,
    head_revision: expected,
    turn_index: i,
    token_usage: USAGE,
    tool_state_snapshot: full || i === 0 ? { generation: i, tools: TOOLS } : null,
    plugin_snapshot: full ? { plugins: { memory: { meta: { plugin_id: 'memory', plugin_version: '1', revision: i, state: PLUGIN_NOTES } } } } : null,
    plugin_snapshot_revision: full ? i : null,
  };
  if (i === 0) return persistedStateWithGraphCommit(state, graphDelta.replaceFull({ nodes: [] }));
  const nodes = [message(`n${i}a`, i === 1 ? null : `n${i - 1}b`, 'User'), message(`n${i}b`, `n${i}a`, 'Assistant')];
  const commit = persistedStateWithGraphCommit(state, graphDelta.append(nodes, `n${i}b`), [{ source: 'turn', model: 'gpt-5.4-mini', usage: USAGE }]);
  return withTurnCommit(commit, turnCommitStamp('root', `turn-${i}`, STAMP_HASH));
}

// ---- the raw floor: the statements the store runs, bytes made beforehand -------------

/**
 * The SQL of every statement a store runs for one turn, in order, recorded
 * from a sample commit: the floor runs the store's own statements.
 */
async function recordTurnStatements(store: Store, conn: SqliteConnection, commit: RuntimeCommit): Promise<string[]> {
  const statements: string[] = [];
  const record = conn as { run: SqliteConnection['run']; get: SqliteConnection['get'] };
  const { run, get } = record;
  record.run = (sql, params) => (statements.push(sql), run.call(conn, sql, params));
  record.get = (sql, params) => (statements.push(sql), get.call(conn, sql, params)) as never;
  try {
    await store.commitRuntimeState(commit);
  } finally {
    record.run = run;
    record.get = get;
  }
  return statements;
}

/**
 * Runs one turn's statements with their parameters: straight on the
 * platform API (the floor), or through the driver (to see what the driver
 * itself costs).
 */
type TurnRunner = (statements: readonly string[], params: readonly unknown[][]) => void;

function rawRunner(storage: DurableObjectStorageLikeSql): TurnRunner {
  return (statements, params) =>
    storage.transactionSync(() => {
      for (let s = 0; s < statements.length; s++) {
        const cursor = storage.sql.exec(statements[s]!, ...params[s]!);
        while (!cursor.next().done);
      }
    });
}

function driverRunner(conn: SqliteConnection): TurnRunner {
  return (statements, params) =>
    writeTransaction(conn, () => {
      for (let s = 0; s < statements.length; s++) {
        const sql = statements[s]!;
        if (sql.startsWith('SELECT')) conn.get(sql, params[s] as never);
        else conn.run(sql, params[s] as never);
      }
    });
}

function floorCommitter(runner: TurnRunner, statements: readonly string[], turn: TurnKind, profile: BuiltinBlobProfile, codecs: Codecs) {
  const sample = turnCommit(turn, 2, 2);
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
  // The parameters of each recorded statement, in the store's order: the
  // head, the turn claimed, the blobs and the nodes each in one statement.
  const params = (i: number): unknown[][] => [
    [],
    ['root', `turn-${i}`, STAMP_HASH, result, 1_780_000_000_000 + i],
    blobs.flatMap((content) => [scatteredKey(), content]),
    ['turn', 'gpt-5.4-mini', 1200, 300, 800, 50],
    [`n${i}a`, `n${i - 1}b`, nodes[0], `n${i}b`, `n${i}a`, nodes[1]],
    ['root', head, i],
  ];
  if (params(3).length !== statements.length) throw new Error(`the store ran ${statements.length} statements: ${statements.join('; ')}`);
  let i = 2;
  return () => {
    i += 1;
    runner(statements, params(i));
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
    await store.commitRuntimeState(turnCommit(setup.turn, 0, 0));
    await store.commitRuntimeState(turnCommit(setup.turn, 1, 1));
    this.#store = store;
    if (setup.mode !== 'store') {
      const statements = await recordTurnStatements(store, conn, turnCommit(setup.turn, 2, 2));
      const runner = setup.mode === 'floor' ? rawRunner(this.ctx.storage) : driverRunner(conn);
      this.#commit = floorCommitter(runner, statements, setup.turn, setup.profile, codecs);
      return;
    }
    let revision = 2;
    let i = 1;
    this.#commit = async () => {
      i += 1;
      revision = (await store.commitRuntimeState(turnCommit(setup.turn, i, revision))).head_revision;
    };
  }

  /** `n` commits; the object's own clock (which, unlike production's, advances during synchronous work locally). */
  async run(n: number): Promise<{ ms: number }> {
    const commit = this.#commit;
    // workerd may reset an object (on a loaded machine, between two calls); the bench then sets up a new one.
    if (commit === undefined) throw new Error(NOT_SET_UP);
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
