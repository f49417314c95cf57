/**
 * The session API against the contract API, same turn, same run.
 *
 * One turn is what a host commits after a model reply: a user message and
 * an assistant message of ~1 KiB each, a ~8 KiB tool state and a ~2 KiB
 * plugin snapshot that changed this turn, one usage entry, a turn stamp.
 *
 * - contract: the calls a host writes today — nodes built by hand,
 *   `graphDelta.append` → `persistedStateWithGraphCommit` →
 *   `stampTurnCommit` → `commitRuntimeState` → `applyCommitResult`, with the
 *   graph kept in memory.
 * - api: `session.commitTurn({ turnId, messages, usage, toolState, pluginSnapshot })`.
 *
 * Each side has its own database, opened with the same driver settings
 * (node:sqlite file: WAL, synchronous=NORMAL, Balanced blobs; sql.js: in
 * memory, LowLatency), measured in pairs of turns (see `pairedRatio`).
 * Target: api ≥ 0.9 × contract on node:sqlite.
 */
import { join } from 'node:path';
import {
  SessionGraph,
  Sessions,
  Store,
  applyCommitResult,
  graphDelta,
  newRuntimeSessionState,
  persistedStateWithGraphCommit,
  runtimeSessionStateFromRead,
  stampTurnCommit,
  type PluginSessionSnapshot,
  type RuntimeSessionState,
  type SessionNodeRecord,
  type SqliteConnection,
  type ToolState,
} from '../src/index.ts';
import { portableCodecs } from '../src/core/codec/codecs.ts';
import { openNodeSqlite } from '../src/node.ts';
import { openSqlJs } from '../src/sqljs.ts';
import { printRatio, printTable, type BenchContext } from './lib.ts';

const MODEL = { id: 'gpt-5.4-mini', limits: { context_window_tokens: 200_000 } };
const VOCABULARY = 'the agent reads the file then calls a tool and writes a short plan with steps for the next turn of the session'.split(' ');

/** About `chars` characters of text that varies with `seed` (so blobs are not all alike). */
function text(chars: number, seed: number): string {
  const words: string[] = [];
  let length = 0;
  for (let i = 0; length < chars; i++) {
    const word = VOCABULARY[(i * 7 + seed * 13) % VOCABULARY.length]!;
    words.push(word);
    length += word.length + 1;
  }
  return words.join(' ').slice(0, chars);
}

// Built once: building the workload is not what is measured.
const TOOLS: ToolState['tools'] = Object.fromEntries(
  Array.from({ length: 10 }, (_, t) => [
    `tool_${t}`,
    { manifest: { name: `tool_${t}`, description: text(600, t), parameters: { type: 'object', properties: { path: { type: 'string' } } } } },
  ]),
);
const NOTES = Array.from({ length: 5 }, (_, n) => text(1800, n));

/** The tool state of a turn: a new generation each time, so its blob is new. */
function toolState(generation: number): ToolState {
  return { generation, tools: TOOLS };
}

function pluginSnapshot(revision: number): PluginSessionSnapshot {
  return { plugins: { memory: { meta: { plugin_id: 'memory', plugin_version: '1.0.0', revision, state: { notes: [NOTES[revision % 5]!] } } } } };
}

const QUESTION = text(1000, 1);
const ANSWER = text(1000, 2);
const usage = { input_tokens: 1200, output_tokens: 300, cached_input_tokens: 800, reasoning_tokens: 50 };

/** A message node exactly as the session API writes it. */
function messageNode(id: string, parent: string | null, role: 'User' | 'Assistant', content: string, timestamp: string): SessionNodeRecord {
  const node = {
    node_id: id,
    ...(parent === null ? {} : { parent_node_id: parent }),
    timestamp,
    kind: 'event' as const,
    event: { Conversation: { id, role, parts: [{ id: `${id}.p0`, kind: 'Text' as const, content, prune_state: 'Intact' as const }] } },
  };
  return node as SessionNodeRecord;
}

/** The contract API, as a host writes it: its own state, graph and builders. */
async function contractHost(conn: SqliteConnection) {
  // The codecs the session API hashes with: the connection's, else the portable ones.
  const codecs = conn.codecs ?? portableCodecs;
  const store = await Store.open(conn);
  const created = persistedStateWithGraphCommit(newRuntimeSessionState('bench', { provider_id: 'openai', model: MODEL }), graphDelta.unchanged(null));
  await store.commitRuntimeState({ ...created, expected_head_revision: 0 });
  let state: RuntimeSessionState = runtimeSessionStateFromRead((await store.loadSession({ kind: 'ActivePath', leaf_node_id: null }))!);
  let turn = 0;
  return async (): Promise<void> => {
    turn += 1;
    const graph = state.session_graph as SessionGraph;
    const turnId = `contract-${turn}`;
    const timestamp = new Date().toISOString();
    const nodes = [messageNode(`${turnId}.0`, graph.leaf_node_id, 'User', QUESTION, timestamp), messageNode(`${turnId}.1`, `${turnId}.0`, 'Assistant', ANSWER, timestamp)];
    const next: RuntimeSessionState = {
      ...state,
      turn_index: state.turn_index + 1,
      token_usage: {
        input_tokens: state.token_usage.input_tokens + usage.input_tokens,
        output_tokens: state.token_usage.output_tokens + usage.output_tokens,
        cached_input_tokens: state.token_usage.cached_input_tokens + usage.cached_input_tokens,
        reasoning_tokens: state.token_usage.reasoning_tokens + usage.reasoning_tokens,
      },
      tool_state_snapshot: toolState(turn),
      plugin_snapshot: pluginSnapshot(turn),
      plugin_snapshot_revision: turn,
    };
    const delta = graphDelta.append(nodes, `${turnId}.1`);
    const commit = stampTurnCommit(persistedStateWithGraphCommit(next, delta, [{ source: 'turn', model: MODEL.id, usage }]), turnId, codecs);
    const result = await store.commitRuntimeState(commit);
    graph.extendActivePath(nodes);
    state = applyCommitResult(next, result);
  };
}

/** The session API. */
async function apiHost(conn: SqliteConnection) {
  const sessions = await Sessions.open(conn);
  const session = await sessions.session('bench', { config: { provider: 'openai', model: MODEL } });
  let turn = 0;
  return async (): Promise<void> => {
    turn += 1;
    await session.commitTurn({
      turnId: `api-${turn}`,
      messages: [
        { role: 'user', text: QUESTION },
        { role: 'assistant', text: ANSWER },
      ],
      usage: { inputTokens: 1200, outputTokens: 300, cachedInputTokens: 800, reasoningTokens: 50 },
      toolState: toolState(turn),
      pluginSnapshot: pluginSnapshot(turn),
      pluginSnapshotRevision: turn,
    });
  };
}

/**
 * Turns committed in pairs — one contract, one api, the order alternating —
 * with each side's time summed per block of pairs; the ratio is the median
 * over blocks. Pairing turn by turn cancels the load other processes put on
 * a shared machine far better than rounds of one side at a time.
 */
async function pairedRatio(contract: () => Promise<void>, api: () => Promise<void>, blocks: number, pairs: number, warmupPairs: number) {
  const time = async (op: () => Promise<void>) => {
    const started = performance.now();
    await op();
    return performance.now() - started;
  };
  // Long enough for both paths to be optimised before anything counts.
  for (let i = 0; i < warmupPairs; i++) {
    await contract();
    await api();
  }
  const ratios: number[] = [];
  let contractMs = 0;
  let apiMs = 0;
  for (let block = 0; block < blocks; block++) {
    let c = 0;
    let a = 0;
    for (let i = 0; i < pairs; i++) {
      if (i % 2 === 0) {
        c += await time(contract);
        a += await time(api);
      } else {
        a += await time(api);
        c += await time(contract);
      }
    }
    ratios.push(c / a);
    contractMs += c;
    apiMs += a;
  }
  ratios.sort((x, y) => x - y);
  const turns = blocks * pairs;
  return { ratio: ratios[Math.floor(ratios.length / 2)]!, contractMicros: (1000 * contractMs) / turns, apiMicros: (1000 * apiMs) / turns };
}

export default async function (ctx: BenchContext): Promise<void> {
  const [blocks, pairs, warmupPairs] = ctx.quick ? [5, 20, 20] : [21, 40, 300];
  const rows: Array<Record<string, string | number>> = [];
  const dir = ctx.tempDir('api');
  const nodeConns = [openNodeSqlite(join(dir, 'contract.db')), openNodeSqlite(join(dir, 'api.db'))];
  const sqlJsConns = [await openSqlJs(), await openSqlJs()];
  try {
    for (const [driver, [contractConn, apiConn]] of [
      ['node-sqlite', nodeConns],
      ['sqljs', sqlJsConns],
    ] as const) {
      const measured = await pairedRatio(await contractHost(contractConn!), await apiHost(apiConn!), blocks, pairs, warmupPairs);
      rows.push({
        driver: driver === 'sqljs' ? 'sql.js' : 'node:sqlite file',
        'contract µs/turn': measured.contractMicros,
        'api µs/turn': measured.apiMicros,
        'api / contract (median of blocks)': measured.ratio,
      });
      printRatio(`api.commitTurn_vs_contract[${driver}]`, measured.ratio, '>=', 0.9);
    }
  } finally {
    for (const conn of [...nodeConns, ...sqlJsConns]) conn.close();
  }
  printTable(`a turn through the session API vs the contract API (same turn, same run; ${blocks} blocks of ${pairs} paired turns)`, rows);
}
