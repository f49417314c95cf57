/**
 * Session store figures, each against a raw-SQL floor measured in the same
 * run (statements prepared directly on the engine, bytes precomputed outside
 * the timed loop):
 *
 * - durable commit: a typical turn commit (Append of 2 ~1 KiB message nodes,
 *   an 8 KiB tool state, a 2 KiB plugin snapshot, one usage delta, a turn
 *   stamp) through `Store.commitRuntimeState` vs the same statements in the
 *   same transactions. Snapshots change every turn here: the runtime only
 *   carries a snapshot in a commit when it changed, so a commit that carries
 *   one pays for encoding, hashing and (Balanced) compressing it.
 * - scale: commit and `loadSession(ActivePath)` of a 200-node path on graphs
 *   of 1,000 and 100,000 nodes.
 * - active-path load vs a floor running the same CTE and JSON parsing.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import {
  BlobDescriptors,
  Store,
  type RuntimeCommit,
  type SessionNodeRecord,
  type SqliteConnection,
  type ToolState,
  type PluginSessionSnapshot,
} from '../src/index.ts';
import { encodeEnvelope } from '../src/core/blobs/envelope.ts';
import { MAX_ACTIVE_PATH_LENGTH, SELECT_ACTIVE_PATH } from '../src/core/session/graph-table.ts';
import type { BuiltinBlobProfile } from '../src/core/blobs/profile.ts';
import { portableCodecs, type Codecs } from '../src/core/codec/codecs.ts';
import { stringifyJsonRow } from '../src/core/codec/json-bytes.ts';
import { Encoder } from '@msgpack/msgpack';
import { encodeMsgpack } from '../src/core/codec/msgpack.ts';

const libraryEncoder = new Encoder({ sortKeys: true, ignoreUndefined: true });
import { nodeCodecs, openNodeSqlite } from '../src/node.ts';
import { openSqlJs, type SqlJsConnection } from '../src/sqljs.ts';
import { measureInterleaved, printRatio, printTable, type BenchContext, type Measured } from './lib.ts';

// ---- the typical turn ------------------------------------------------------------

const WORDS = 'agent tool call result session branch commit lease token plugin snapshot graph node message reply plan search file read write shell test build deploy cache index query'.split(' ');

/** Deterministic prose of about `length` characters. */
function prose(length: number, seed: number): string {
  let out = '';
  let x = seed * 2654435761;
  while (out.length < length) {
    x = (x * 1103515245 + 12345) >>> 0;
    out += `${WORDS[x % WORDS.length]} `;
  }
  return out.slice(0, length);
}

const CONFIG = { provider_id: 'openai', model: { id: 'gpt-5.4-mini', limits: { context_window_tokens: 200_000 } } };
const FRAME = {
  frame_id: 'root:frame:initial',
  session_id: 'root',
  status: 'active',
  reason: 'initial',
  created_at: '2026-06-02T00:00:00Z',
  assignment: { policy: { provider_id: 'openai' }, tool_access: 'all' },
};

function messageNode(id: string, parent: string | null, role: 'User' | 'Assistant', bytes: number, seed: number): SessionNodeRecord {
  const node: SessionNodeRecord = {
    node_id: id,
    timestamp: '2026-06-02T12:00:00.000Z',
    kind: 'event',
    event: { Conversation: { id, role, parts: [{ id: `${id}.p0`, kind: 'Text', content: prose(bytes - 220, seed), prune_state: 'Intact' }] } },
  };
  if (parent !== null) node.parent_node_id = parent;
  return node;
}

/** An ~8 KiB tool state: ten tool manifests with JSON-schema-like parameters. */
const TOOLS: ToolState['tools'] = Object.fromEntries(
  Array.from({ length: 10 }, (_, t) => [
    `tool_${t}`,
    {
      manifest: {
        name: `tool_${t}`,
        description: prose(520, t),
        parameters: { type: 'object', properties: { path: { type: 'string', description: prose(90, t + 50) }, limit: { type: 'integer' } } },
      },
    },
  ]),
);
const toolState = (generation: number): ToolState => ({ generation, tools: TOOLS });
const PLUGIN_STATE = { notes: Array.from({ length: 12 }, (_, n) => prose(140, n + 100)) };
const pluginSnapshot = (revision: number): PluginSessionSnapshot => ({
  plugins: { memory: { meta: { plugin_id: 'memory', plugin_version: '1.4.0', revision, state: PLUGIN_STATE } } },
});
const STAMP_HASH = 'c0ffee'.padEnd(64, '0');
const NODE_A = messageNode('x', null, 'User', 1024, 1);
const NODE_B = messageNode('y', 'x', 'Assistant', 1024, 2);

/** Turn `i` as the runtime hands it over (the stamp's hash is the runtime's work, so it is fixed here). */
export function turnCommit(i: number, expected: number, prefix: string): RuntimeCommit {
  const a = `${prefix}${i}a`;
  const b = `${prefix}${i}b`;
  return {
    session_id: 'root',
    expected_head_revision: expected,
    config: CONFIG,
    agent_frames: [FRAME as never],
    current_agent_frame_id: FRAME.frame_id,
    graph: {
      Append: {
        nodes: [
          { ...NODE_A, node_id: a, parent_node_id: i === 1 ? undefined : `${prefix}${i - 1}b` } as SessionNodeRecord,
          { ...NODE_B, node_id: b, parent_node_id: a } as SessionNodeRecord,
        ],
        leaf_node_id: b,
      },
    },
    checkpoint: {
      turn_state: {
        turn_index: i,
        token_usage: { input_tokens: 1200 * i, output_tokens: 300 * i, cached_input_tokens: 800 * i, reasoning_tokens: 50 * i },
        protocol_turn_options: { payload: {} },
      },
      tool_state_ref: null,
      tool_state: toolState(i),
      plugin_snapshot_ref: null,
      plugin_snapshot: pluginSnapshot(i),
      plugin_snapshot_revision: i,
      execution_state_ref: null,
      execution_state: null,
    },
    usage_deltas: [{ source: 'turn', model: 'gpt-5.4-mini', usage: { input_tokens: 1200, output_tokens: 300, cached_input_tokens: 800, reasoning_tokens: 50 } }],
    turn_commit: { session_id: 'root', turn_id: `turn-${prefix}${i}`, turn_commit_hash: STAMP_HASH },
    completed_queue_claims: [],
    committed_attachment_ids: [],
  };
}

/** A store that commits turn after turn, tracking its own revision. */
async function committer(conn: SqliteConnection, prefix: string, blobProfile?: BuiltinBlobProfile) {
  const store = await Store.open(conn, blobProfile === undefined ? {} : { blobProfile });
  let revision = (await store.commitRuntimeState({ ...turnCommit(0, 0, prefix), graph: { ReplaceFull: { nodes: [] } }, turn_commit: null })).head_revision;
  let i = 0;
  return {
    store,
    async commit(): Promise<void> {
      i += 1;
      revision = (await store.commitRuntimeState(turnCommit(i, revision, prefix))).head_revision;
    },
  };
}

// ---- the raw floor -----------------------------------------------------------------

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

type Param = string | number | Uint8Array | null;
interface RawEngine {
  exec(sql: string): void;
  run(sql: string, params: Param[]): void;
  get(sql: string, params: Param[]): unknown;
}

function rawNode(db: DatabaseSync): RawEngine {
  const statements = new Map(Object.values(SQL).map((sql) => [sql, db.prepare(sql)]));
  return {
    exec: (sql) => db.exec(sql),
    run: (sql, params) => void statements.get(sql)!.run(...params),
    get: (sql, params) => statements.get(sql)!.get(...params),
  };
}

function rawSqlJs(conn: SqlJsConnection): RawEngine {
  const db = conn.raw;
  const statements = new Map(Object.values(SQL).map((sql) => [sql, db.prepare(sql)]));
  return {
    exec: (sql) => void db.exec(sql),
    run: (sql, params) => {
      const statement = statements.get(sql)!;
      statement.run(params);
    },
    get: (sql, params) => {
      const statement = statements.get(sql)!;
      statement.bind(params);
      const row = statement.step() ? statement.get() : undefined;
      statement.reset();
      return row;
    },
  };
}

/** The bytes the store writes for a turn, computed once; keys made unique per turn by a counter. */
function floorBytes(codecs: Codecs, profile: BuiltinBlobProfile) {
  const commit = turnCommit(1, 1, 'f');
  const envelope = (descriptor: ReturnType<typeof BlobDescriptors.generic>, value: unknown) =>
    encodeEnvelope(codecs, profile, descriptor, encodeMsgpack(value));
  return {
    tool: envelope(BlobDescriptors.toolStateSnapshot(), commit.checkpoint.tool_state),
    plugin: envelope(BlobDescriptors.pluginSessionSnapshot(), commit.checkpoint.plugin_snapshot),
    manifest: envelope(BlobDescriptors.checkpointManifest(), { turn_state: commit.checkpoint.turn_state, tool_state_ref: 'a'.repeat(64), plugin_snapshot_ref: 'b'.repeat(64), plugin_snapshot_revision: 1 }),
    nodeA: stringifyJsonRow((commit.graph as { Append: { nodes: SessionNodeRecord[] } }).Append.nodes[0]),
    nodeB: stringifyJsonRow((commit.graph as { Append: { nodes: SessionNodeRecord[] } }).Append.nodes[1]),
    head: stringifyJsonRow({ session_id: 'root', head_revision: 1, config: CONFIG, agent_frames: [FRAME], current_agent_frame_id: FRAME.frame_id, checkpoint_ref: 'c'.repeat(64), leaf_node_id: 'f1b', graph_node_count: 2 }),
    // The stored result carries the whole manifest, refs included, as the store writes it.
    result: stringifyJsonRow({
      head_revision: 1,
      checkpoint_ref: 'c'.repeat(64),
      manifest: { turn_state: commit.checkpoint.turn_state, tool_state_ref: 'a'.repeat(64), plugin_snapshot_ref: 'b'.repeat(64), plugin_snapshot_revision: 1 },
    }),
  };
}

/**
 * Blob keys as the store makes them: SHA-256 hex, so inserts land at random
 * places in the primary-key index (sequential keys would flatter the floor).
 */
const FLOOR_KEYS = Array.from({ length: 3 * 60_000 }, (_, n) => nodeCodecs.sha256Hex(`floor-key-${n}`));

function floorCommitter(engine: RawEngine, bytes: ReturnType<typeof floorBytes>) {
  let i = 0;
  const slot: Record<string, number> = { t: 0, p: 1, m: 2 };
  const key = (n: number, kind: string) => FLOOR_KEYS[(3 * n + slot[kind]!) % FLOOR_KEYS.length]!;
  return () => {
    i += 1;
    engine.exec('BEGIN IMMEDIATE');
    engine.get(SQL.selectHead, []);
    engine.get(SQL.selectTurn, ['root', `turn-f${i}`]);
    for (const [kind, content] of [['t', bytes.tool], ['p', bytes.plugin], ['m', bytes.manifest]] as const) {
      engine.run(SQL.insertBlob, [key(i, kind), content]);
    }
    engine.run(SQL.insertUsage, ['turn', 'gpt-5.4-mini', 1200, 300, 800, 50]);
    engine.run(SQL.insertNode, [`f${i}a`, i === 1 ? null : `f${i - 1}b`, bytes.nodeA]);
    engine.run(SQL.insertNode, [`f${i}b`, `f${i}a`, bytes.nodeB]);
    engine.run(SQL.upsertHead, ['root', bytes.head, i]);
    engine.run(SQL.insertTurn, ['root', `turn-f${i}`, STAMP_HASH, bytes.result, 1_780_000_000_000 + i]);
    engine.exec('COMMIT');
  };
}

// ---- scale -------------------------------------------------------------------------

const PATH_LENGTH = 200;

/** A store whose graph has `total` nodes in chains of 200; the last chain (1 KiB messages) is the active path. */
async function graphStore(dir: string, total: number) {
  const path = join(dir, `graph-${total}.db`);
  const conn = openNodeSqlite(path);
  const store = await Store.open(conn);
  await store.commitRuntimeState({ ...turnCommit(0, 0, 'g'), graph: { ReplaceFull: { nodes: [] } }, turn_commit: null });
  const id = () => `m${crypto.randomUUID().replaceAll('-', '')}`;
  let batch: SessionNodeRecord[] = [];
  let leaf = '';
  const chains = total / PATH_LENGTH;
  for (let chain = 0; chain < chains; chain++) {
    const trunk = chain === chains - 1;
    let parent: string | null = null;
    for (let depth = 0; depth < PATH_LENGTH; depth++) {
      const nodeId = id();
      batch.push(
        trunk
          ? messageNode(nodeId, parent, depth % 2 ? 'Assistant' : 'User', 1024, depth)
          : { node_id: nodeId, ...(parent ? { parent_node_id: parent } : {}), timestamp: '2026-06-02T12:00:00Z', kind: 'event', event: { Protocol: { plugin_id: 'bench', payload: { text: prose(200, depth) } } } },
      );
      parent = nodeId;
      if (batch.length === 5_000) {
        await store.appendSessionGraphNodes(batch);
        batch = [];
      }
    }
    leaf = parent!;
  }
  if (batch.length > 0) await store.appendSessionGraphNodes(batch);
  const head = (await store.loadSessionHeadMeta())!;
  await store.commitRuntimeState({ ...turnCommit(0, head.head_revision, 'g'), graph: { Unchanged: { leaf_node_id: leaf } }, turn_commit: null });
  // Start from a checkpointed WAL, so no measured commit pays for copying the bulk load.
  conn.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  return { conn, store, leaf, path };
}

// ---- run ---------------------------------------------------------------------------

function row(operation: string, m: Measured): Record<string, string | number> {
  return { operation, 'ops/s': m.opsPerSecond, 'µs/op': m.microsPerOp };
}

export default async function sessionBench(ctx: BenchContext): Promise<void> {
  const rounds = ctx.quick ? 3 : 9;
  const roundMs = ctx.quick ? 150 : 600;
  const dir = ctx.tempDir('session');
  const rows: Array<Record<string, string | number>> = [];

  // Durable commits on node:sqlite files (synchronous=NORMAL, WAL).
  const balanced = await committer(openNodeSqlite(join(dir, 'balanced.db')), 's');
  const lowLatency = await committer(openNodeSqlite(join(dir, 'low-latency.db')), 's', 'LowLatency');
  const floorBalancedConn = openNodeSqlite(join(dir, 'floor-balanced.db'));
  const floorLowConn = openNodeSqlite(join(dir, 'floor-low.db'));
  for (const conn of [floorBalancedConn, floorLowConn]) (await Store.open(conn)).close();
  const floorBalanced = floorCommitter(rawNode(floorBalancedConn.raw), floorBytes(nodeCodecs, 'Balanced'));
  const floorLow = floorCommitter(rawNode(floorLowConn.raw), floorBytes(nodeCodecs, 'LowLatency'));
  const durable = await measureInterleaved(
    {
      'commit Balanced (store)': () => balanced.commit(),
      'commit Balanced (floor)': floorBalanced,
      'commit LowLatency (store)': () => lowLatency.commit(),
      'commit LowLatency (floor)': floorLow,
    },
    { rounds, roundMs },
  );
  for (const [name, m] of Object.entries(durable)) rows.push(row(name, m));

  // sql.js in memory (portable codecs; LowLatency by default in memory).
  const sqljs = await committer(await openSqlJs(), 's');
  const sqljsFloorConn = await openSqlJs();
  (await Store.open(sqljsFloorConn)).close();
  const sqljsFloor = floorCommitter(rawSqlJs(sqljsFloorConn), floorBytes(portableCodecs, 'LowLatency'));
  const inMemory = await measureInterleaved(
    { 'commit sql.js (store)': () => sqljs.commit(), 'commit sql.js (floor)': sqljsFloor },
    { rounds, roundMs },
  );
  for (const [name, m] of Object.entries(inMemory)) rows.push(row(name, m));

  // Where a commit's own time goes (per turn, outside SQL).
  const sample = turnCommit(7, 7, 's');
  const toolBytes = encodeMsgpack(sample.checkpoint.tool_state);
  const parts = await measureInterleaved(
    {
      'msgpack tool state 8 KiB': () => encodeMsgpack(sample.checkpoint.tool_state),
      // The library itself, as the issue asked to compare: a reused Encoder and encodeSharedRef (no copy).
      'msgpack tool state 8 KiB (@msgpack/msgpack)': () => libraryEncoder.encodeSharedRef(sample.checkpoint.tool_state),
      'msgpack plugin snapshot 2 KiB': () => encodeMsgpack(sample.checkpoint.plugin_snapshot),
      'msgpack plugin snapshot 2 KiB (@msgpack/msgpack)': () => libraryEncoder.encodeSharedRef(sample.checkpoint.plugin_snapshot),
      'sha256 8 KiB (node)': () => nodeCodecs.sha256Hex(toolBytes),
      'sha256 8 KiB (portable)': () => portableCodecs.sha256Hex(toolBytes),
      'deflate 8 KiB (node)': () => nodeCodecs.deflate(toolBytes),
      'JSON rows of the turn': () => {
        stringifyJsonRow((sample.graph as { Append: { nodes: unknown[] } }).Append.nodes[0]);
        stringifyJsonRow((sample.graph as { Append: { nodes: unknown[] } }).Append.nodes[1]);
      },
    },
    { rounds: ctx.quick ? 2 : 5, roundMs: ctx.quick ? 40 : 150 },
  );
  for (const [name, m] of Object.entries(parts)) rows.push(row(`  part: ${name}`, m));
  console.log(`tool state: ${toolBytes.length} bytes msgpack; plugin snapshot: ${encodeMsgpack(sample.checkpoint.plugin_snapshot).length} bytes; node JSON ${stringifyJsonRow(NODE_A).length} bytes`);

  // Scale: the same 200-node path on 1,000 and 100,000 nodes.
  const small = await graphStore(dir, 1_000);
  const large = await graphStore(dir, 100_000);
  const pathOps = await measureInterleaved(
    {
      'active path 200 of 1k (store)': () => small.store.loadSession({ kind: 'ActivePath', leaf_node_id: small.leaf }),
      'active path 200 of 100k (store)': () => large.store.loadSession({ kind: 'ActivePath', leaf_node_id: large.leaf }),
    },
    { rounds, roundMs: ctx.quick ? 100 : 300 },
  );
  const floorDb = new DatabaseSync(large.path, { readOnly: true });
  // The floor runs the store's own CTE text on a raw DatabaseSync statement.
  const cte = floorDb.prepare(SELECT_ACTIVE_PATH);
  const loadFloor = await measureInterleaved(
    {
      'active path 200 of 100k (store) ': () => large.store.loadSession({ kind: 'ActivePath', leaf_node_id: large.leaf }),
      'active path 200 of 100k (floor)': () => {
        const rows = cte.all(large.leaf, MAX_ACTIVE_PATH_LENGTH) as Array<{ node_json: string }>;
        return rows.map((r) => JSON.parse(r.node_json));
      },
    },
    { rounds, roundMs: ctx.quick ? 100 : 300 },
  );
  floorDb.close();
  const smallCommitter = await continueCommits(small.store, small.leaf);
  const largeCommitter = await continueCommits(large.store, large.leaf);
  const scaleCommits = await measureInterleaved(
    { 'commit on 1k graph': smallCommitter, 'commit on 100k graph': largeCommitter },
    { rounds, roundMs },
  );
  for (const [name, m] of Object.entries({ ...pathOps, ...loadFloor, ...scaleCommits })) rows.push(row(name.trim(), m));
  printTable('session store (median of interleaved rounds)', rows);

  const ratio = (a: Measured, b: Measured) => a.opsPerSecond / b.opsPerSecond;
  printRatio('commit_balanced_vs_floor', ratio(durable['commit Balanced (store)']!, durable['commit Balanced (floor)']!), '>=', 0.6);
  printRatio('commit_lowlatency_vs_floor', ratio(durable['commit LowLatency (store)']!, durable['commit LowLatency (floor)']!), '>=', 0.8);
  printRatio('commit_sqljs_vs_floor', ratio(inMemory['commit sql.js (store)']!, inMemory['commit sql.js (floor)']!), '>=', 0.5);
  printRatio('commit_scale_100k_vs_1k', scaleCommits['commit on 100k graph']!.microsPerOp / scaleCommits['commit on 1k graph']!.microsPerOp, '<=', 1.3);
  printRatio('active_path_scale_100k_vs_1k', pathOps['active path 200 of 100k (store)']!.microsPerOp / pathOps['active path 200 of 1k (store)']!.microsPerOp, '<=', 1.3);
  printRatio('active_path_load_vs_floor', ratio(loadFloor['active path 200 of 100k (store) ']!, loadFloor['active path 200 of 100k (floor)']!), '>=', 0.7);

  for (const conn of [balanced.store, lowLatency.store, sqljs.store]) conn.close();
  for (const conn of [floorBalancedConn, floorLowConn, sqljsFloorConn, small.conn, large.conn]) conn.close();
}

/** Typical turn commits appended to the active path of a graph store. */
async function continueCommits(store: Store, leaf: string): Promise<() => Promise<void>> {
  let revision = (await store.loadSessionHeadMeta())!.head_revision;
  let parent = leaf;
  let i = 0;
  return async () => {
    i += 1;
    const commit = turnCommit(i, revision, 'c');
    const append = (commit.graph as { Append: { nodes: SessionNodeRecord[] } }).Append;
    append.nodes[0] = { ...append.nodes[0]!, parent_node_id: parent };
    parent = append.nodes[1]!.node_id;
    revision = (await store.commitRuntimeState(commit)).head_revision;
  };
}
