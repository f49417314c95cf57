/**
 * Mastra's `LibSQLStore` (`@mastra/libsql`, on `@libsql/client`'s local
 * SQLite) under the agent turn of `peers.bench.ts`. Not a dependency of this
 * package: `npm install --no-save @mastra/libsql @mastra/core` brings it.
 *
 * Settings: a `file:` URL. On a local file the store sets `journal_mode=WAL`
 * and `synchronous=NORMAL` itself (with busy_timeout, temp_store=MEMORY,
 * cache_size and mmap_size), so nothing is set here; `peers.bench.ts` prints
 * what the connection reports after the run.
 *
 * One turn is what a Mastra agent host writes after a turn:
 * - `memory.saveMessages` of the user and the assistant message (Mastra's
 *   v2 message format, one text part each): one batch transaction for the
 *   rows, then an `UPDATE` of the thread's `updatedAt` on its own;
 * - one `threadState.setState` of the agent's state (the tool state and the
 *   latest plugin state as one JSON value), an upsert in its own commit.
 *   `threadState` is the store Mastra's own agent keeps per-thread tool state
 *   in (the task list, the objective, the workspace's file-read tracker), so
 *   it is the closest match to a session's tool and plugin state.
 *   `updateResource({ workingMemory })` is per resource (user), not per
 *   thread, and meant for text the model reads; `persistWorkflowSnapshot`
 *   holds a workflow run's suspended state — neither is a session's state.
 * So a Mastra turn is three commits, not atomic; this package's is one.
 *
 * The history read is `memory.listMessages` of the thread's newest 2,000
 * messages (`createdAt` descending, as `Memory`'s `lastMessages` asks),
 * reversed into prompt order.
 */
import type { PeerSide, PeerTurn } from './workload.ts';
import { HISTORY_MESSAGES, timed } from './workload.ts';

interface MastraMessage {
  id: string;
  threadId: string;
  resourceId: string;
  role: 'user' | 'assistant';
  type: 'v2';
  createdAt: Date;
  content: { format: 2; parts: Array<{ type: 'text'; text: string }> };
}

interface MemoryDomain {
  saveThread(args: { thread: { id: string; resourceId: string; title: string; metadata: Record<string, unknown>; createdAt: Date; updatedAt: Date } }): Promise<unknown>;
  saveMessages(args: { messages: MastraMessage[] }): Promise<unknown>;
  listMessages(args: {
    threadId: string;
    perPage: number;
    orderBy: { field: 'createdAt'; direction: 'DESC' };
  }): Promise<{ messages: unknown[] }>;
}

interface ThreadStateDomain {
  setState(args: { threadId: string; type: string; value: unknown }): Promise<void>;
}

interface LibSQLStoreLike {
  init(): Promise<void>;
  getStore(domain: string): Promise<unknown>;
  close(): Promise<void>;
  /** The store's `@libsql/client` (a TypeScript-private field), read only to report the pragmas. */
  client?: { execute(sql: string): Promise<{ rows: Array<Record<string, unknown>> }> };
}

interface LibSQLModule {
  LibSQLStore: new (config: { id: string; url: string }) => LibSQLStoreLike;
}

const THREAD = 'agent';
const RESOURCE = 'user-1';
/** Message times one millisecond apart, so `createdAt` orders them as they were said. */
const EPOCH = Date.parse('2026-01-01T00:00:00Z');

function message(input: PeerTurn, index: 0 | 1): MastraMessage {
  return {
    id: `turn-${input.n}.${index}`,
    threadId: THREAD,
    resourceId: RESOURCE,
    role: index === 0 ? 'user' : 'assistant',
    type: 'v2',
    createdAt: new Date(EPOCH + 2 * input.n + index),
    content: { format: 2, parts: [{ type: 'text', text: index === 0 ? input.question : input.answer }] },
  };
}

/** Loads `@mastra/libsql`; throws when it (or its native libsql binary) does not load here. */
export async function loadMastra(): Promise<(path: string) => Promise<PeerSide>> {
  const specifier = '@mastra/libsql';
  const { LibSQLStore } = (await import(specifier)) as LibSQLModule;
  return async (path) => {
    const store = new LibSQLStore({ id: 'peers-bench', url: `file:${path}` });
    await store.init();
    const memory = (await store.getStore('memory')) as MemoryDomain;
    const threadState = (await store.getStore('threadState')) as ThreadStateDomain;
    const now = new Date(EPOCH);
    await memory.saveThread({ thread: { id: THREAD, resourceId: RESOURCE, title: 'agent', metadata: {}, createdAt: now, updatedAt: now } });
    let plugin: PeerTurn['plugin'];
    return {
      path,
      async turn(input) {
        plugin = input.plugin ?? plugin;
        const messages = [message(input, 0), message(input, 1)];
        const value = { toolState: input.tool, pluginState: plugin ?? null };
        const { ms, cpuMs } = await timed(async () => {
          await memory.saveMessages({ messages });
          await threadState.setState({ threadId: THREAD, type: 'agent', value });
        });
        return { ms, cpuMs };
      },
      async readHistory() {
        const { value, ms } = await timed(async () => {
          const page = await memory.listMessages({ threadId: THREAD, perPage: HISTORY_MESSAGES, orderBy: { field: 'createdAt', direction: 'DESC' } });
          return page.messages.reverse();
        });
        return { messages: value.length, ms };
      },
      close: () => store.close(),
      async settings() {
        if (store.client === undefined) return 'unknown (no client)';
        const read = async (name: string) => Object.values((await store.client!.execute(`PRAGMA ${name}`)).rows[0] ?? {})[0];
        return `journal_mode=${String(await read('journal_mode'))}, synchronous=${String(await read('synchronous'))} (1 = NORMAL, 2 = FULL)`;
      },
    };
  };
}
