/**
 * Issue 17's agent turn, as every side of `peers.bench.ts` sees it: a user
 * and an assistant message of about 1 KiB, an ~8 KiB tool state with one
 * entry changed, and every 10th turn a ~2 KiB plugin state.
 *
 * `agent-turn.bench.ts` builds its turns here too.
 */
import type { PluginSessionSnapshot, ToolState } from '../../src/core/contract/session-model.ts';
import { prose } from '../lib.ts';

const BASE_TOOLS = Array.from({ length: 10 }, (_, t) => ({
  name: `tool_${t}`,
  description: prose(620, t),
  parameters: { type: 'object', properties: { path: { type: 'string', description: prose(90, t + 50) }, limit: { type: 'integer' } } },
}));

/** Turn `n`'s tool state: entry `n % 10` has a new description, the others are as they were. */
function toolStateOf(n: number): ToolState {
  const changed = n % BASE_TOOLS.length;
  const entry = (manifest: (typeof BASE_TOOLS)[number], t: number) =>
    t === changed ? { ...manifest, description: `${prose(600, n + 1000)} #${n}` } : manifest;
  return { generation: n, tools: Object.fromEntries(BASE_TOOLS.map((manifest, t) => [manifest.name, { manifest: entry(manifest, t) }])) };
}

function pluginStateOf(n: number): PluginSessionSnapshot {
  const notes = Array.from({ length: 12 }, (_, k) => prose(150, n + k));
  return { plugins: { memory: { meta: { plugin_id: 'memory', plugin_version: '1.4.0', revision: n, state: { notes } } } } };
}

export interface PeerTurn {
  readonly n: number;
  readonly question: string;
  readonly answer: string;
  readonly tool: ToolState;
  /** Set on every 10th turn: the plugin state changed. */
  readonly plugin: PluginSessionSnapshot | undefined;
}

/** The inputs of turn `n` (built before the timed part). */
export function peerTurn(n: number): PeerTurn {
  return {
    n,
    question: `${prose(1000, 2 * n)}?`,
    answer: prose(1024, 2 * n + 1),
    tool: toolStateOf(n),
    plugin: n % 10 === 0 ? pluginStateOf(n) : undefined,
  };
}

/** One store under the workload, each on a database file of its own. */
export interface PeerSide {
  /** The database file (its `-wal` beside it), for the bytes on disk. */
  readonly path: string;
  /** Writes one turn; resolves to how long it took (timed where the store runs). */
  turn(input: PeerTurn): Promise<Took>;
  /** Reads the last 2,000 messages the way a host rebuilds its prompt: how many it got, in how many ms. */
  readHistory(): Promise<{ messages: number; ms: number }>;
  /** What the store runs its connection with (journal mode, synchronous), as it reports them. */
  settings?(): Promise<string>;
  /** Closes the store; the file is checkpointed after this. */
  close(): Promise<void>;
}

/** Opens a side on a fresh file, or says why it cannot (the peer is not installed). */
export type PeerOpener = (path: string) => Promise<PeerSide>;

/** Elapsed and CPU milliseconds of one call. */
export interface Took {
  readonly ms: number;
  /**
   * CPU time of the process that ran it (`process.cpuUsage`: every side's
   * driver works synchronously on the calling thread, so it is all there),
   * which leaves out the time the machine gives to other processes.
   */
  readonly cpuMs: number;
}

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** How long `body` takes, and what it returns. */
export async function timed<T>(body: () => Promise<T>): Promise<Took & { value: T }> {
  const cpuStarted = cpuMs();
  const started = performance.now();
  const value = await body();
  return { value, ms: performance.now() - started, cpuMs: cpuMs() - cpuStarted };
}

/** How many messages the history read asks for (all of them after 1,000 turns). */
export const HISTORY_MESSAGES = 2_000;
