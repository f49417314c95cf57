/**
 * Issue 15's LangGraph workload, saver-agnostic, for `langgraph.bench.ts`
 * and for `langgraph-reference.ts` (LangGraph's own SqliteSaver, which may
 * have to run under another Node than this package's tests: its
 * better-sqlite3 is a native module built for one Node ABI). No node:sqlite
 * here, so both can load it.
 */
import { join } from 'node:path';
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { uuid6, type BaseCheckpointSaver, type Checkpoint } from '@langchain/langgraph-checkpoint';
import { Annotation, END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { databaseBytes } from './lib.ts';

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

export interface RunResult {
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

export type Turn = (turn: number) => Promise<void>;

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
    bytesPerTurn: databaseBytes(path) / turns,
  };
}

const THREAD = { configurable: { thread_id: '5f0c7e0a-2b51-4c1a-9a43-7d2e8b6f1c90' } };

/** One `graph.invoke` per turn. */
export function graphTurns(saver: BaseCheckpointSaver): Turn {
  const graph = buildGraph(saver);
  return async (turn) => {
    await graph.invoke({ messages: [new HumanMessage(prose(1024, turn))] }, THREAD);
  };
}

/** The saver calls of one `invoke` of that graph, with the same values, and nothing else. */
export function saverTurns(saver: BaseCheckpointSaver): Turn {
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export type Opened = { saver: BaseCheckpointSaver; close(): void };

export async function run(
  dir: string,
  name: string,
  open: (path: string) => Opened,
  kind: (saver: BaseCheckpointSaver) => Turn,
  turns: number,
): Promise<RunResult> {
  const path = join(dir, `${name}.db`);
  const opened = open(path);
  return timeTurns(turns, kind(opened.saver), path, opened.close);
}

export const KINDS = [
  ['graph', graphTurns],
  ['saver', saverTurns],
] as const;

export type KindName = (typeof KINDS)[number][0];

/** Both runs of one saver, each after a 30-turn warm-up on a throwaway database. */
export async function runBoth(dir: string, label: string, open: (path: string) => Opened, turns: number): Promise<Record<KindName, RunResult>> {
  const out = {} as Record<KindName, RunResult>;
  for (const [kind, turnsOf] of KINDS) {
    await run(dir, `${label}-${kind}-warmup`, open, turnsOf, 30);
    out[kind] = await run(dir, `${label}-${kind}`, open, turnsOf, turns);
  }
  return out;
}
