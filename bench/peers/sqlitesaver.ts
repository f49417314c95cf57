/**
 * LangGraph's `SqliteSaver` (`@langchain/langgraph-checkpoint-sqlite`, on
 * better-sqlite3) under the agent turn of `peers.bench.ts`. Not a dependency
 * of this package. It runs in a child process (`sqlitesaver-child.ts`)
 * under the Node named by `LASH_SQLITESAVER_NODE`, for which its native
 * better-sqlite3 (version 12) is built — e.g. the system's Node 20, which
 * npm builds native modules for. Not in this process: better-sqlite3 12 built
 * for Node 24 loads, then aborts the process (`RemoveEnvironmentCleanupHook:
 * Assertion failed: (env) != nullptr`) when a garbage collection frees one of
 * its statements (Node 24's `ObjectWrap` destructor wants a current context);
 * the saver prepares a statement on every `put`, so that comes within a few
 * hundred turns.
 *
 * Settings: the saver sets `journal_mode=WAL` itself and leaves
 * better-sqlite3's `synchronous=FULL`; it is set to NORMAL here, as the
 * other sides run.
 *
 * One turn is the least a LangGraph host writes: one `put` of the thread's
 * checkpoint after the turn, whose channel values are the whole state — the
 * messages so far (LangChain `HumanMessage`/`AIMessage`), the tool state and
 * the plugin state — with the versions of the channels that changed. (A real
 * `graph.invoke` of a one-node graph makes three `put`s and two `putWrites`
 * a turn, `langgraph.bench.ts`; one `put` is what this workload cannot do
 * with less, so the comparison leans the saver's way.) A checkpoint holds
 * the channel values themselves, so every turn writes the whole history
 * again.
 *
 * The history read is `getTuple` of the thread: the latest checkpoint,
 * deserialised, and its newest 2,000 messages.
 */
import { AIMessage, HumanMessage, type BaseMessage } from '@langchain/core/messages';
import { uuid6, type BaseCheckpointSaver, type Checkpoint } from '@langchain/langgraph-checkpoint';
import { HISTORY_MESSAGES, timed, type PeerSide, type PeerTurn } from './workload.ts';

const THREAD = { configurable: { thread_id: 'agent', checkpoint_ns: '' } };

/** The channels turn `input` changes. */
const changedChannels = (input: PeerTurn) => ['messages', 'tools', ...(input.plugin === undefined ? [] : ['plugins'])];

interface BetterSqlite3Database {
  pragma(source: string, options?: { simple: boolean }): unknown;
  close(): void;
}

interface SqliteSaverModule {
  SqliteSaver: { fromConnString(path: string): BaseCheckpointSaver & { db: BetterSqlite3Database } };
}

/** Loads the saver; throws (with the reason in the message) when it does not load here. */
export async function loadSqliteSaver(): Promise<(path: string) => Promise<PeerSide>> {
  const specifier = '@langchain/langgraph-checkpoint-sqlite';
  const { SqliteSaver } = (await import(specifier)) as SqliteSaverModule;
  // Load the native addon now, so a mismatch shows here and not mid-run.
  SqliteSaver.fromConnString(':memory:').db.close();
  return async (path) => {
    const saver = SqliteSaver.fromConnString(path);
    const db = saver.db;
    db.pragma('synchronous = NORMAL');
    const messages: BaseMessage[] = [];
    const values: Record<string, unknown> = {};
    const versions: Record<string, number> = {};
    let config: typeof THREAD & { configurable: { checkpoint_id?: string } } = THREAD;
    /** The checkpoint after turn `input` (built untimed: a host has its messages as LangChain messages already). */
    const checkpointAfter = (input: PeerTurn): Checkpoint => {
      messages.push(
        new HumanMessage({ content: input.question, id: `turn-${input.n}.0` }),
        new AIMessage({ content: input.answer, id: `turn-${input.n}.1` }),
      );
      for (const channel of changedChannels(input)) versions[channel] = (versions[channel] ?? 0) + 1;
      Object.assign(values, { messages, tools: input.tool }, input.plugin === undefined ? {} : { plugins: input.plugin });
      return {
        v: 4,
        id: uuid6(-1),
        ts: new Date().toISOString(),
        channel_values: values,
        channel_versions: { ...versions },
        versions_seen: { agent: { messages: versions.messages! } },
      };
    };
    return {
      path,
      async turn(input) {
        const checkpoint = checkpointAfter(input);
        const changed = Object.fromEntries(changedChannels(input).map((c) => [c, versions[c]!]));
        const { value, ms, cpuMs } = await timed(() => saver.put(config, checkpoint, { source: 'loop', step: input.n, parents: {} }, changed));
        config = value as typeof config;
        return { ms, cpuMs };
      },
      async readHistory() {
        const { value, ms } = await timed(async () => {
          const tuple = await saver.getTuple(THREAD);
          return ((tuple?.checkpoint.channel_values.messages ?? []) as BaseMessage[]).slice(-HISTORY_MESSAGES);
        });
        return { messages: value.length, ms };
      },
      async settings() {
        const read = (name: string) => String(db.pragma(name, { simple: true }));
        return `journal_mode=${read('journal_mode')}, synchronous=${read('synchronous')} (1 = NORMAL, 2 = FULL)`;
      },
      async close() {
        db.close();
      },
    };
  };
}
