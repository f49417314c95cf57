/**
 * Session store figures, each against floors measured in the same run:
 *
 * - commit: a typical turn commit (Append of 2 ~1 KiB message nodes, an
 *   8 KiB tool state, a 2 KiB plugin snapshot, one usage delta, a turn
 *   stamp) through `Store.commitRuntimeState`, under each blob profile on
 *   node:sqlite files and sql.js, against two floors: SQL-only (the same
 *   statements in the same transactions, bytes precomputed) and same-work
 *   (the same encoding, hashing and compression with the same codecs in
 *   straight-line code, then that SQL). Store / same-work is the store's
 *   overhead, same-work / SQL-only the codecs' cost. Snapshots change every
 *   turn here: the runtime only carries a snapshot in a commit when it
 *   changed, so a commit that carries one pays for encoding, hashing and
 *   (Balanced, Compact) compressing it.
 * - where a Balanced turn's time goes: validation, encode, hash, compress
 *   (each timed alone), SQL (the SQL-only floor) and the rest.
 * - scale: commit and `loadSession(ActivePath)` of a 200-node path on graphs
 *   of 1,000 and 100,000 nodes.
 * - active-path load at 200 and 2,000 messages vs an independent read floor:
 *   the simplest correct walk written here, not the store's CTE text.
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
import { decodeRuntimeCommit } from '../src/core/session/codecs.ts';
import { COMPRESSION_LEVEL, type BuiltinBlobProfile } from '../src/core/blobs/profile.ts';
import { portableCodecs, type Codecs } from '../src/core/codec/codecs.ts';
import { stringifyJsonRow } from '../src/core/codec/json-bytes.ts';
import { encodeMsgpack } from '../src/core/codec/msgpack.ts';

import { nodeCodecs, openNodeSqlite } from '../src/node.ts';
import { openSqlJs, type SqlJsConnection } from '../src/sqljs.ts';
import { measureInterleaved, printRatio, printTable, prose, type BenchContext, type Measured } from './lib.ts';

// ---- the typical turn ------------------------------------------------------------

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

/**
 * The same-work floor: what the store computes for a turn — msgpack, SHA-256
 * and (by the profile) zlib of each snapshot and of the manifest, the JSON
 * rows of the nodes, the head and the stored result — done with the same
 * codecs in straight-line code, then the SQL of the SQL-only floor. Store /
 * same-work is the store's own overhead; same-work / SQL-only is what the
 * codecs cost.
 */
function sameWorkCommitter(engine: RawEngine, codecs: Codecs, profile: BuiltinBlobProfile) {
  let i = 0;
  return () => {
    i += 1;
    const commit = turnCommit(i, i, 'w');
    const checkpoint = commit.checkpoint;
    const blob = (descriptor: ReturnType<typeof BlobDescriptors.generic>, value: unknown) => {
      const content = encodeMsgpack(value);
      const ref = codecs.sha256Hex(content);
      return { ref, envelope: encodeEnvelope(codecs, profile, descriptor, content) };
    };
    const tool = blob(BlobDescriptors.toolStateSnapshot(), checkpoint.tool_state);
    const plugin = blob(BlobDescriptors.pluginSessionSnapshot(), checkpoint.plugin_snapshot);
    const manifestValue = { turn_state: checkpoint.turn_state, tool_state_ref: tool.ref, plugin_snapshot_ref: plugin.ref, plugin_snapshot_revision: i };
    const manifest = blob(BlobDescriptors.checkpointManifest(), manifestValue);
    const nodes = (commit.graph as { Append: { nodes: SessionNodeRecord[] } }).Append.nodes;
    const rows = nodes.map((node) => stringifyJsonRow(node));
    const head = stringifyJsonRow({ session_id: 'root', head_revision: i, config: CONFIG, agent_frames: [FRAME], current_agent_frame_id: FRAME.frame_id, checkpoint_ref: manifest.ref, leaf_node_id: nodes[1]!.node_id, graph_node_count: 2 * i });
    const result = stringifyJsonRow({ head_revision: i, checkpoint_ref: manifest.ref, manifest: manifestValue });
    engine.exec('BEGIN IMMEDIATE');
    engine.get(SQL.selectHead, []);
    engine.get(SQL.selectTurn, ['root', `turn-w${i}`]);
    for (const { ref, envelope } of [tool, plugin, manifest]) engine.run(SQL.insertBlob, [ref, envelope]);
    engine.run(SQL.insertUsage, ['turn', 'gpt-5.4-mini', 1200, 300, 800, 50]);
    engine.run(SQL.insertNode, [nodes[0]!.node_id, i === 1 ? null : `w${i - 1}b`, rows[0]!]);
    engine.run(SQL.insertNode, [nodes[1]!.node_id, nodes[0]!.node_id, rows[1]!]);
    engine.run(SQL.upsertHead, ['root', head, i]);
    engine.run(SQL.insertTurn, ['root', `turn-w${i}`, STAMP_HASH, result, 1_780_000_000_000 + i]);
    engine.exec('COMMIT');
  };
}

// ---- the independent read floor ------------------------------------------------------

/**
 * The simplest correct active-path query, written here on its own (not the
 * store's CTE): walk up the parent column from the leaf, live rows only,
 * depth-capped, root first. Each row's JSON is parsed once.
 */
const INDEPENDENT_PATH = `
WITH RECURSIVE up(node_id, parent_node_id, node_json, depth) AS (
  SELECT node_id, parent_node_id, node_json, 0 FROM graph_nodes WHERE node_id = ? AND tombstoned = 0
  UNION ALL
  SELECT g.node_id, g.parent_node_id, g.node_json, up.depth + 1
    FROM up JOIN graph_nodes g ON g.node_id = up.parent_node_id
   WHERE g.tombstoned = 0 AND up.depth < 1000000
)
SELECT node_json FROM up ORDER BY depth DESC`;

function independentReadFloor(path: string, leaf: string) {
  const db = new DatabaseSync(path, { readOnly: true });
  const statement = db.prepare(INDEPENDENT_PATH);
  return {
    db,
    load: () => (statement.all(leaf) as Array<{ node_json: string }>).map((row) => JSON.parse(row.node_json) as unknown),
  };
}

// ---- scale -------------------------------------------------------------------------

const PATH_LENGTH = 200;

/** A store whose graph has `total` nodes in chains of 200; the last chain (1 KiB messages) is the active path. */
async function graphStore(dir: string, total: number, pathLength = PATH_LENGTH) {
  const path = join(dir, `graph-${total}-${pathLength}.db`);
  const conn = openNodeSqlite(path);
  const store = await Store.open(conn);
  await store.commitRuntimeState({ ...turnCommit(0, 0, 'g'), graph: { ReplaceFull: { nodes: [] } }, turn_commit: null });
  const id = () => `m${crypto.randomUUID().replaceAll('-', '')}`;
  let batch: SessionNodeRecord[] = [];
  let leaf = '';
  const chains = total / pathLength;
  for (let chain = 0; chain < chains; chain++) {
    const trunk = chain === chains - 1;
    let parent: string | null = null;
    for (let depth = 0; depth < pathLength; depth++) {
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

  // Commits under every profile on both drivers, each against its two floors:
  // node:sqlite files (synchronous=NORMAL, WAL) and sql.js in memory.
  const PROFILES: BuiltinBlobProfile[] = ['Balanced', 'LowLatency', 'Compact'];
  const commitGroups: Record<string, Record<string, Measured>> = {};
  const opened: Array<{ close(): void }> = [];
  for (const driver of ['node-sqlite', 'sqljs'] as const) {
    const ops: Record<string, () => unknown> = {};
    for (const profile of PROFILES) {
      const open = async (name: string) => {
        const conn = driver === 'node-sqlite' ? openNodeSqlite(join(dir, `${name}-${profile}.db`)) : await openSqlJs();
        opened.push(conn);
        return conn;
      };
      const raw = async (name: string) => {
        const conn = await open(name);
        (await Store.open(conn)).close();
        return driver === 'node-sqlite' ? rawNode((conn as ReturnType<typeof openNodeSqlite>).raw) : rawSqlJs(conn as SqlJsConnection);
      };
      const codecs = driver === 'node-sqlite' ? nodeCodecs : portableCodecs;
      const store = await committer(await open('store'), 's', profile);
      opened.push(store.store);
      ops[`${profile} store`] = () => store.commit();
      ops[`${profile} same-work`] = sameWorkCommitter(await raw('same-work'), codecs, profile);
      ops[`${profile} SQL-only`] = floorCommitter(await raw('sql-only'), floorBytes(codecs, profile));
    }
    commitGroups[driver] = await measureInterleaved(ops, { rounds, roundMs: ctx.quick ? roundMs : 400 });
    for (const [name, m] of Object.entries(commitGroups[driver]!)) rows.push(row(`commit ${driver} ${name}`, m));
  }
  const durable = commitGroups['node-sqlite']!;

  // Where a Balanced turn's time goes on node:sqlite: each part of the commit
  // path timed on its own for the same turn; SQL is the SQL-only floor, and
  // "else" what the store spends beyond the parts (its bookkeeping).
  const sample = turnCommit(7, 7, 's');
  const toolBytes = encodeMsgpack(sample.checkpoint.tool_state);
  const pluginBytes = encodeMsgpack(sample.checkpoint.plugin_snapshot);
  const appended = (sample.graph as { Append: { nodes: SessionNodeRecord[] } }).Append.nodes;
  const parts = await measureInterleaved(
    {
      validation: () => decodeRuntimeCommit(sample),
      encode: () => {
        encodeMsgpack(sample.checkpoint.tool_state);
        encodeMsgpack(sample.checkpoint.plugin_snapshot);
        encodeMsgpack({ turn_state: sample.checkpoint.turn_state, tool_state_ref: STAMP_HASH, plugin_snapshot_ref: STAMP_HASH, plugin_snapshot_revision: 7 });
        for (const node of appended) stringifyJsonRow(node);
        stringifyJsonRow({ session_id: 'root', head_revision: 7, config: CONFIG, agent_frames: [FRAME], checkpoint_ref: STAMP_HASH, graph_node_count: 14 });
      },
      hash: () => {
        nodeCodecs.sha256Hex(toolBytes);
        nodeCodecs.sha256Hex(pluginBytes);
      },
      // At the level the Balanced profile writes (COMPRESSION_LEVEL).
      compress: () => nodeCodecs.deflate(toolBytes, COMPRESSION_LEVEL.Balanced),
    },
    { rounds: ctx.quick ? 2 : 5, roundMs: ctx.quick ? 40 : 150 },
  );
  const storeMicros = durable['Balanced store']!.microsPerOp;
  const sqlMicros = durable['Balanced SQL-only']!.microsPerOp;
  const partMicros = Object.fromEntries(Object.entries(parts).map(([name, m]) => [name, m.microsPerOp]));
  const accounted = Object.values(partMicros).reduce((a, b) => a + b, 0) + sqlMicros;
  const breakdown = { ...partMicros, SQL: sqlMicros, else: Math.max(0, storeMicros - accounted) };
  printTable(
    `where a Balanced turn commit goes (node:sqlite, ${storeMicros.toFixed(0)} µs; parts timed alone)`,
    Object.entries(breakdown).map(([part, micros]) => ({ part, 'µs': micros, '% of turn': (100 * micros) / storeMicros })),
  );
  console.log(`tool state: ${toolBytes.length} bytes msgpack; plugin snapshot: ${pluginBytes.length} bytes; node JSON ${stringifyJsonRow(NODE_A).length} bytes`);

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
  // Active-path load at 200 and 2,000 messages against the independent read floor.
  const long = await graphStore(dir, 2_000, 2_000);
  const floor200 = independentReadFloor(large.path, large.leaf);
  const floor2000 = independentReadFloor(long.path, long.leaf);
  const loadFloor = await measureInterleaved(
    {
      'active path 200 (store)': () => large.store.loadSession({ kind: 'ActivePath', leaf_node_id: large.leaf }),
      'active path 200 (independent floor)': floor200.load,
      'active path 2,000 (store)': () => long.store.loadSession({ kind: 'ActivePath', leaf_node_id: long.leaf }),
      'active path 2,000 (independent floor)': floor2000.load,
    },
    { rounds, roundMs: ctx.quick ? 100 : 300 },
  );
  floor200.db.close();
  floor2000.db.close();
  const smallCommitter = await continueCommits(small.store, small.leaf);
  const largeCommitter = await continueCommits(large.store, large.leaf);
  const scaleCommits = await measureInterleaved(
    { 'commit on 1k graph': smallCommitter, 'commit on 100k graph': largeCommitter },
    { rounds, roundMs },
  );
  for (const [name, m] of Object.entries({ ...pathOps, ...loadFloor, ...scaleCommits })) rows.push(row(name.trim(), m));
  printTable('session store (median of interleaved rounds)', rows);

  const ratio = (a: Measured, b: Measured) => a.opsPerSecond / b.opsPerSecond;
  for (const [driver, group] of Object.entries(commitGroups)) {
    for (const profile of PROFILES) {
      const store = group[`${profile} store`]!;
      const sameWork = group[`${profile} same-work`]!;
      const sqlOnly = group[`${profile} SQL-only`]!;
      printRatio(`commit_store_vs_same_work[${driver},${profile}]`, ratio(store, sameWork), '>=', 0.85);
      console.log(`codec cost [${driver},${profile}]: same-work / SQL-only = ${ratio(sameWork, sqlOnly).toFixed(3)}`);
    }
  }
  printRatio('commit_balanced_vs_floor', ratio(durable['Balanced store']!, durable['Balanced SQL-only']!), '>=', 0.6);
  printRatio('commit_lowlatency_vs_floor', ratio(durable['LowLatency store']!, durable['LowLatency SQL-only']!), '>=', 0.8);
  const inMemory = commitGroups.sqljs!;
  printRatio('commit_sqljs_vs_floor', ratio(inMemory['LowLatency store']!, inMemory['LowLatency SQL-only']!), '>=', 0.5);
  printRatio('commit_scale_100k_vs_1k', scaleCommits['commit on 100k graph']!.microsPerOp / scaleCommits['commit on 1k graph']!.microsPerOp, '<=', 1.3);
  printRatio('active_path_scale_100k_vs_1k', pathOps['active path 200 of 100k (store)']!.microsPerOp / pathOps['active path 200 of 1k (store)']!.microsPerOp, '<=', 1.3);
  printRatio('active_path_load_vs_floor[200]', ratio(loadFloor['active path 200 (store)']!, loadFloor['active path 200 (independent floor)']!), '>=', 0.8);
  printRatio('active_path_load_vs_floor[2000]', ratio(loadFloor['active path 2,000 (store)']!, loadFloor['active path 2,000 (independent floor)']!), '>=', 0.8);

  for (const conn of [...opened, small.conn, large.conn, long.conn]) conn.close();
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
