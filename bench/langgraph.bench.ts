/**
 * The LangGraph checkpointer on issue 15's workload: one thread, every turn
 * adding a ~1 KiB user message and a ~1 KiB assistant message and replacing
 * an ~8 KiB tool state; 1,000 turns (100 with `--quick`) on a file-backed
 * database (node:sqlite, WAL, synchronous=NORMAL). Two runs of it:
 *
 * - **graph**: a real `StateGraph` (messages channel + tool-state channel),
 *   one `graph.invoke` per turn. Its turn time includes LangGraph's own
 *   work, part of which grows with the thread whatever the saver: the
 *   messages reducer coerces and re-indexes the whole list at every step.
 * - **saver**: the same turns as the saver sees them — the calls one
 *   `invoke` makes (read the latest checkpoint; put the input checkpoint,
 *   its writes, the checkpoint after the input, the agent's writes, the
 *   checkpoint after the agent) with the same values — without LangGraph
 *   around them: the saver's own per-turn cost.
 *
 * Printed per run: turns per second, the per-turn time of turns 991–1000
 * over turns 1–10 (medians of each window, in CPU time of this process so
 * the other processes on the machine weigh less; target ≤ 1.2), and bytes
 * on disk per turn (target ≤ 16 KiB).
 *
 * When `@langchain/langgraph-checkpoint-sqlite` (and its native
 * better-sqlite3) can be loaded, LangGraph's own `SqliteSaver` runs the same
 * workload in the same run for comparison; it is not a dependency of this
 * package (`npm install --no-save @langchain/langgraph-checkpoint-sqlite
 * better-sqlite3@12` brings it).
 *
 * Run alone: `npm run bench:langgraph` (add `-- --quick` for 100 turns).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { uuid6, type BaseCheckpointSaver, type Checkpoint } from '@langchain/langgraph-checkpoint';
import { Annotation, END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { LashCheckpointSaver } from '../src/langgraph.ts';
import { openNodeSqlite } from '../src/node.ts';
import { printRatio, printTable, type BenchContext } from './lib.ts';

const WORDS =
  'agent tool call result session branch commit lease token plugin snapshot graph node message reply plan search file read write shell test build deploy cache index query'.split(
    ' ',
  );

/** Deterministic prose of `length` characters. */
function prose(length: number, seed: number): string {
  let out = '';
  let x = (seed * 2654435761) >>> 0;
  while (out.length < length) {
    x = (x * 1103515245 + 12345) >>> 0;
    out += `${WORDS[x % WORDS.length]} `;
  }
  return out.slice(0, length);
}

/** An ~8 KiB tool state that changes every turn (a counter, recent calls, tool manifests). */
function toolState(turn: number): Record<string, unknown> {
  return {
    turn,
    recent_calls: Array.from({ length: 8 }, (_, i) => ({ tool: `tool_${(turn + i) % 10}`, args: prose(120, turn * 31 + i) })),
    manifests: Array.from({ length: 10 }, (_, t) => ({ name: `tool_${t}`, description: prose(560, t + (turn % 3)) })),
  };
}

const State = Annotation.Root({
  ...MessagesAnnotation.spec,
  tools: Annotation<Record<string, unknown>>(),
});

function buildGraph(saver: BaseCheckpointSaver) {
  return new StateGraph(State)
    .addNode('agent', (state: typeof State.State) => {
      const turn = state.messages.length / 2 + 0.5;
      return { messages: [new AIMessage(prose(1024, turn * 7 + 1))], tools: toolState(Math.ceil(turn)) };
    })
    .addEdge(START, 'agent')
    .addEdge('agent', END)
    .compile({ checkpointer: saver });
}

interface RunResult {
  turnsPerSecond: number;
  /** Median CPU time of a turn over the first and the last ten turns, ms. */
  firstMs: number;
  lastMs: number;
  bytesPerTurn: number;
}

/** CPU time (user + system) of this process, ms. */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

type Turn = (turn: number) => Promise<void>;

async function timeTurns(turns: number, runTurn: Turn, path: string, close: () => void): Promise<RunResult> {
  const times: number[] = [];
  const started = performance.now();
  for (let turn = 1; turn <= turns; turn++) {
    const t0 = cpuMs();
    await runTurn(turn);
    times.push(cpuMs() - t0);
  }
  const elapsed = performance.now() - started;
  close(); // the last connection to close checkpoints the WAL into the file
  return {
    turnsPerSecond: (turns * 1000) / elapsed,
    firstMs: median(times.slice(0, 10)),
    lastMs: median(times.slice(-10)),
    bytesPerTurn: fileBytes(path) / turns,
  };
}

const THREAD = { configurable: { thread_id: '5f0c7e0a-2b51-4c1a-9a43-7d2e8b6f1c90' } };

/** One `graph.invoke` per turn. */
function graphTurns(saver: BaseCheckpointSaver): Turn {
  const graph = buildGraph(saver);
  return async (turn) => {
    await graph.invoke({ messages: [new HumanMessage(prose(1024, turn))] }, THREAD);
  };
}

/** The saver calls of one `invoke` of that graph, with the same values, and nothing else. */
function saverTurns(saver: BaseCheckpointSaver): Turn {
  let step = -1;
  return async (turn) => {
    const latest = await saver.getTuple(THREAD);
    const values = (latest?.checkpoint.channel_values ?? {}) as { messages?: unknown[]; tools?: unknown };
    const versions = { ...(latest?.checkpoint.channel_versions ?? {}) } as Record<string, number>;
    const bump = (...channels: string[]) => {
      const changed: Record<string, number> = {};
      for (const channel of channels) changed[channel] = versions[channel] = (versions[channel] ?? 0) + 1;
      return changed;
    };
    const checkpoint = (channelValues: Record<string, unknown>): Checkpoint => ({
      v: 4,
      id: uuid6(-1),
      ts: new Date().toISOString(),
      channel_values: channelValues,
      channel_versions: { ...versions },
      versions_seen: { __input__: {}, __start__: { __start__: versions.__start__ ?? 0 }, agent: { 'branch:to:agent': versions['branch:to:agent'] ?? 0 } },
    });
    const human = new HumanMessage({ content: prose(1024, turn), id: crypto.randomUUID() });
    const messages = values.messages ?? [];
    let config = latest?.config ?? THREAD;
    let changed = bump('__start__');
    config = await saver.put(config, checkpoint({ ...values, __start__: { messages: [human] } }), { source: 'input', step: ++step, parents: {} }, changed);
    await saver.putWrites(config, [['messages', [human]], ['branch:to:agent', null]], crypto.randomUUID());
    changed = bump('messages', 'branch:to:agent');
    const afterInput = [...messages, human];
    config = await saver.put(config, checkpoint({ ...values, messages: afterInput, 'branch:to:agent': null }), { source: 'loop', step: ++step, parents: {} }, changed);
    const ai = new AIMessage({ content: prose(1024, turn * 7 + 1), id: crypto.randomUUID() });
    const tools = toolState(turn);
    await saver.putWrites(config, [['messages', [ai]], ['tools', tools]], crypto.randomUUID());
    changed = bump('messages', 'tools');
    await saver.put(config, checkpoint({ messages: [...afterInput, ai], tools }), { source: 'loop', step: ++step, parents: {} }, changed);
  };
}

function fileBytes(path: string): number {
  let total = 0;
  for (const suffix of ['', '-wal']) {
    try {
      total += statSync(path + suffix).size;
    } catch {
      // no such file
    }
  }
  return total;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

type Opened = { saver: BaseCheckpointSaver; close(): void };

function openLash(path: string): Opened {
  const conn = openNodeSqlite(path);
  return { saver: new LashCheckpointSaver(conn), close: () => conn.close() };
}

async function run(dir: string, name: string, open: (path: string) => Opened, kind: (saver: BaseCheckpointSaver) => Turn, turns: number): Promise<RunResult> {
  const path = join(dir, `${name}.db`);
  const opened = open(path);
  return timeTurns(turns, kind(opened.saver), path, opened.close);
}

/** LangGraph's own SqliteSaver, when it and better-sqlite3 load on this machine. */
async function loadSqliteSaver(): Promise<((path: string) => Opened) | string> {
  try {
    const specifier = '@langchain/langgraph-checkpoint-sqlite';
    const module = (await import(specifier)) as { SqliteSaver: { fromConnString(path: string): BaseCheckpointSaver & { db: { close(): void } } } };
    return (path) => {
      const saver = module.SqliteSaver.fromConnString(path);
      return { saver, close: () => saver.db.close() };
    };
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0]! : String(error);
  }
}

export default async function langgraphBench(ctx: BenchContext): Promise<void> {
  const turns = ctx.quick ? 100 : 1000;
  const dir = ctx.tempDir('langgraph');
  const reference = await loadSqliteSaver();
  const savers: Array<[string, (path: string) => Opened]> = [['LashCheckpointSaver', openLash]];
  if (typeof reference === 'string') console.log(`LangGraph SqliteSaver not run: ${reference}`);
  else savers.push(['SqliteSaver (LangGraph)', reference]);
  const results = new Map<string, RunResult>();
  for (const [kindName, kind] of [['graph', graphTurns], ['saver', saverTurns]] as const) {
    const rows: Array<Record<string, string | number>> = [];
    for (const [name, open] of savers) {
      // Warm the JIT on a throwaway database, so turn 1 is not measured cold.
      await run(dir, `${kindName}-${rows.length}-warmup`, open, kind, 30);
      const result = await run(dir, `${kindName}-${rows.length}`, open, kind, turns);
      results.set(`${kindName}:${name}`, result);
      rows.push(row(name, result));
    }
    printTable(`${kindName === 'graph' ? 'StateGraph.invoke' : 'saver calls only'}: ${turns} turns on one thread (2 × 1 KiB messages + 8 KiB tool state per turn), file-backed`, rows);
  }
  const last = turns === 1000 ? '991–1000' : `${turns - 9}–${turns}`;
  console.log(`turn time: CPU ms, median of turns 1–10 and of turns ${last}; bytes: database file (+ WAL) / turns`);
  const saver = results.get('saver:LashCheckpointSaver')!;
  const graph = results.get('graph:LashCheckpointSaver')!;
  printRatio(`langgraph.saver_turn_growth_${turns}_turns`, saver.lastMs / saver.firstMs, '<=', 1.2);
  printRatio(`langgraph.graph_turn_growth_${turns}_turns`, graph.lastMs / graph.firstMs, '<=', 1.2);
  printRatio('langgraph.kib_on_disk_per_turn', graph.bytesPerTurn / 1024, '<=', 16);
}

function row(saver: string, result: RunResult): Record<string, string | number> {
  return {
    saver,
    'turns/s': result.turnsPerSecond,
    'ms turns 1–10': result.firstMs,
    'ms last 10': result.lastMs,
    growth: result.lastMs / result.firstMs,
    'KiB/turn': result.bytesPerTurn / 1024,
  };
}

// Exported for one-off analysis scripts.
export { buildGraph as buildGraphForTest, prose as proseForTest };
