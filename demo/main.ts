/**
 * `npm run demo` — a multi-turn agent session on a node:sqlite file.
 *
 * The session lives under ./demo-data/sessions (one database per session).
 * Each run resumes the session from its head and adds three turns: user and
 * assistant messages appended to the graph, tool and plugin snapshots in the
 * checkpoint, an execution-state snapshot, token usage, and a turn stamp that
 * makes each commit idempotent. The first run also regenerates an answer on a
 * side branch and switches back. Then the store is reopened, garbage
 * collected, and summarised. Run it twice: the second run continues where the
 * first stopped.
 */
import { resolve } from 'node:path';
import {
  SessionGraph,
  applyCommitResult,
  graphDelta,
  newRuntimeSessionState,
  persistedStateWithGraphCommit,
  runtimeSessionStateFromRead,
  stampTurnCommit,
  type RuntimeSessionState,
  type SessionNodeRecord,
  type Store,
  type TokenLedgerEntry,
  type ToolState,
} from '../src/index.ts';
import { SqliteSessionStoreFactory, nodeCodecs, openNodeSqlite } from '../src/node.ts';

const SESSION_ID = 'demo/trip-planner';
const MODEL = { id: 'gpt-5.4-mini', limits: { context_window_tokens: 200_000 } };
const root = resolve('demo-data', 'sessions');

const QUESTIONS = [
  'Plan a three-day trip to Lisbon in May.',
  'Which neighbourhood should we stay in?',
  'Add a day trip to Sintra.',
  'What should we eat on the last evening?',
  'Make the second day slower.',
  'Book-worthy restaurants near Alfama?',
];

function message(id: string, parent: string | null, role: 'User' | 'Assistant', text: string): SessionNodeRecord {
  const node: SessionNodeRecord = {
    node_id: id,
    timestamp: new Date().toISOString(),
    kind: 'event',
    event: { Conversation: { id, role, parts: [{ id: `${id}.p0`, kind: 'Text', content: text, prune_state: 'Intact' }] } },
  };
  if (parent !== null) node.parent_node_id = parent;
  return node;
}

function tools(generation: number): ToolState {
  const names = generation > 1 ? ['search_web', 'read_page', 'book_table'] : ['search_web', 'read_page'];
  return {
    generation,
    tools: Object.fromEntries(
      names.map((name) => [name, { manifest: { name, description: `${name.replaceAll('_', ' ')} — ${'details '.repeat(80)}` } }]),
    ),
  };
}

const usageOf = (turn: number): TokenLedgerEntry => ({
  source: 'turn',
  model: MODEL.id,
  usage: { input_tokens: 900 + 40 * turn, output_tokens: 350, cached_input_tokens: 600, reasoning_tokens: 120 },
});

/** One turn: the user asks, the assistant answers; both nodes appended, snapshots updated, usage recorded. */
async function turn(store: Store, state: RuntimeSessionState, question: string): Promise<RuntimeSessionState> {
  const graph = state.session_graph as SessionGraph;
  const index = state.turn_index + 1;
  const userId = `m${index}-user`;
  const answerId = `m${index}-assistant`;
  const nodes = [message(userId, graph.leaf_node_id, 'User', question), message(answerId, userId, 'Assistant', `Here is a plan for: ${question.toLowerCase()}`)];
  graph.extendActivePath(nodes);
  // The tool surface changes on turns 1 and 3 (a booking tool appears).
  const toolsChanged = index === 1 || index === 3;
  const next: RuntimeSessionState = {
    ...state,
    turn_index: index,
    token_usage: { input_tokens: 900 * index, output_tokens: 350 * index, cached_input_tokens: 600 * index, reasoning_tokens: 120 * index },
    // Snapshots travel only when they changed; the store keeps the last ones by ref.
    tool_state_snapshot: toolsChanged ? tools(index >= 3 ? 2 : 1) : null,
    plugin_snapshot: { plugins: { memory: { meta: { plugin_id: 'memory', plugin_version: '1.0.0', revision: index, state: { facts: QUESTIONS.slice(0, index) } } } } },
    plugin_snapshot_revision: index,
    execution_state_snapshot: new TextEncoder().encode(JSON.stringify({ vm: 'lashlang', step: index })),
  };
  const delta = state.head_revision === null || state.graph_replace_required ? graphDelta.replaceFull(graph) : graphDelta.append(nodes, answerId);
  const commit = stampTurnCommit(persistedStateWithGraphCommit(next, delta, [usageOf(index)]), `turn-${index}`, nodeCodecs);
  const result = await store.commitRuntimeState(commit);
  // A retry of the same stamped commit (say, after a crash before the reply) returns the same result.
  const retry = await store.commitRuntimeState(commit);
  if (retry.head_revision !== result.head_revision) throw new Error('idempotent retry changed the head');
  console.log(`  turn ${index}: revision ${result.head_revision}, checkpoint ${result.checkpoint_ref.slice(0, 12)}…`);
  return applyCommitResult(next, result);
}

function blobStats(path: string): { count: number; bytes: number } {
  const conn = openNodeSqlite(path, { readOnly: true });
  try {
    const row = conn.get<{ count: number; bytes: number | null }>('SELECT COUNT(*) AS count, SUM(LENGTH(content)) AS bytes FROM blobs')!;
    return { count: row.count, bytes: row.bytes ?? 0 };
  } finally {
    conn.close();
  }
}

const request = { session_id: SESSION_ID, relation: { kind: 'root' as const }, policy: { provider_id: 'openai', model: MODEL } };
let factory = new SqliteSessionStoreFactory(root);
const path = factory.pathForSession(SESSION_ID);
console.log(`session database: ${path}`);
let store = await factory.createStore(request);

const read = await store.loadSession({ kind: 'ActivePath', leaf_node_id: null });
let state = read === null ? newRuntimeSessionState(SESSION_ID, { provider_id: 'openai', model: MODEL }) : runtimeSessionStateFromRead(read);
console.log(read === null ? 'new session' : `resuming at revision ${read.head_revision} after ${state.turn_index} turns`);
const firstRun = read === null;

for (let i = 0; i < 3; i++) state = await turn(store, state, QUESTIONS[(state.turn_index) % QUESTIONS.length]!);

if (firstRun) {
  // Regenerate the answer to turn 2 on a side branch, then switch back to the main line.
  const graph = state.session_graph as SessionGraph;
  const mainLeaf = graph.leaf_node_id;
  const alternative = message('m2-assistant-alt', 'm2-user', 'Assistant', 'Alternatively: stay in Príncipe Real.');
  graph.extendActivePath([alternative]);
  state = applyCommitResult(state, await store.commitRuntimeState(persistedStateWithGraphCommit(state, graphDelta.append([alternative], alternative.node_id))));
  const side = await store.loadSession({ kind: 'ActivePath', leaf_node_id: null });
  console.log(`  branch: active path now ${side!.graph.nodes.map((n) => n.node_id).join(' → ')}`);
  graph.branchTo(mainLeaf);
  state = applyCommitResult(state, await store.commitRuntimeState(persistedStateWithGraphCommit(state, graphDelta.unchanged(mainLeaf))));
  console.log(`  switched back to ${mainLeaf} (revision ${state.head_revision})`);
}

// Reopen through a new factory, as a restarted host would, and collect garbage.
await factory.close();
factory = new SqliteSessionStoreFactory(root);
store = await factory.createStore(request);
const before = blobStats(path);
const report = await store.gcUnreachable();
const after = blobStats(path);
const full = (await store.loadSession({ kind: 'FullGraph' }))!;
const active = (await store.loadSession({ kind: 'ActivePath', leaf_node_id: null }))!;
const picker = (await store.loadPickerInfo())!;

console.log('\nsummary');
console.log(`  head revision      ${full.head_revision} (turn ${full.checkpoint?.turn_state.turn_index})`);
console.log(`  graph              ${full.graph.nodes.length} nodes, ${active.graph.nodes.length} on the active path, ${full.graph.orphanedNodeIds().length} off it`);
console.log(`  active path        ${active.graph.nodes.slice(-4).map((n) => n.node_id).join(' → ')}${active.graph.nodes.length > 4 ? ' (last 4)' : ''}`);
console.log(`  checkpoint         tools generation ${full.checkpoint?.tool_state?.generation}, plugin revision ${full.checkpoint?.plugin_snapshot_revision}, execution state ${full.checkpoint?.execution_state?.length} bytes`);
console.log(`  usage              ${full.token_ledger.map((e) => `${e.source}/${e.model}: ${e.usage.input_tokens} in, ${e.usage.output_tokens} out`).join('; ')}`);
console.log(`  picker             "${picker.first_user_message}" (${picker.user_message_count} user messages)`);
console.log(`  blobs              ${before.count} (${before.bytes} bytes) before GC, ${after.count} (${after.bytes} bytes) after; GC kept ${report.retained_blob_count} from ${report.root_count} roots, deleted ${report.deleted_blob_count}`);
console.log(`  durability         ${store.durabilityTier()}`);
await factory.close();
