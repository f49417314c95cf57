// The browser benchmark's page code (in a window or a Worker, see
// test/browser/rpc.ts): opens a session database of a given size on a
// target (in-memory sql.js, OPFS, IndexedDB) and times turn commits, each
// until acknowledged (the store resolved and whenDurable() resolved).
import {
  Store,
  applyCommitResult,
  graphDelta,
  newRuntimeSessionState,
  persistedStateWithGraphCommit,
  stampTurnCommit,
  type RuntimeSessionState,
} from '../src/index.ts';
import { writeTransaction } from '../src/core/driver/transaction.ts';
import {
  deleteIndexedDbDatabase,
  deleteOpfsDatabase,
  indexedDbPersistence,
  openSqlJs,
  opfsPersistence,
  type SqlJsConnection,
} from '../src/sqljs.ts';
import { serveCalls } from '../test/browser/rpc.ts';

export type Target = 'memory' | 'opfs' | 'indexeddb';
export type BenchCommand =
  | { op: 'open'; key: string; target: Target; megabytes: number }
  | { op: 'commits'; key: string; count: number }
  | { op: 'fold'; key: string }
  | { op: 'close'; key: string };

interface Open {
  readonly target: Target;
  readonly name: string;
  readonly conn: SqlJsConnection;
  readonly store: Store;
  state: RuntimeSessionState;
  leaf: string | null;
  turn: number;
}

const open = new Map<string, Open>();
const images = new Map<number, Uint8Array>();
const POLICY = { provider_id: 'bench', model: { id: 'model', limits: { context_window_tokens: 8192 } } };

/** A session database padded to `megabytes` with a filler table (built once per size, in memory). */
async function image(megabytes: number): Promise<Uint8Array> {
  let bytes = images.get(megabytes);
  if (bytes === undefined) {
    const conn = await openSqlJs({ locateFile: (file) => `/${file}` });
    const store = await Store.open(conn);
    store.close();
    conn.exec('CREATE TABLE bench_filler (id INTEGER PRIMARY KEY, data BLOB NOT NULL)');
    const chunk = new Uint8Array(64 * 1024);
    let x = 12345;
    writeTransaction(conn, () => {
      for (let i = 0; i < megabytes * 16; i++) {
        for (let j = 0; j < chunk.length; j++) chunk[j] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
        conn.run('INSERT INTO bench_filler (data) VALUES (?)', [chunk]);
      }
    });
    bytes = conn.export();
    conn.close();
    images.set(megabytes, bytes);
  }
  return bytes;
}

async function persistence(target: Target, name: string) {
  if (target === 'opfs') return opfsPersistence(name);
  if (target === 'indexeddb') return indexedDbPersistence(name);
  return undefined;
}

function commit(o: Open) {
  o.turn += 1;
  const nodeId = `turn-${o.turn}`;
  const node = {
    node_id: nodeId,
    timestamp: new Date(1_700_000_000_000 + o.turn * 1000).toISOString(),
    kind: 'event' as const,
    event: { Conversation: { id: nodeId, role: 'Assistant' as const, parts: [{ id: `${nodeId}.p0`, kind: 'Text' as const, content: `reply ${o.turn} `.repeat(80), prune_state: 'Intact' as const }] } },
    ...(o.leaf === null ? {} : { parent_node_id: o.leaf }),
  };
  const state = { ...o.state, turn_index: o.turn, tool_state_snapshot: { generation: o.turn, tools: { shell: { manifest: { turn: o.turn, notes: 'state '.repeat(150) } } } } };
  o.leaf = nodeId;
  return { state, commit: stampTurnCommit(persistedStateWithGraphCommit(state, graphDelta.append([node], nodeId), []), nodeId) };
}

async function run(command: BenchCommand): Promise<unknown> {
  switch (command.op) {
    case 'open': {
      const name = `bench-${command.key}-${Date.now()}`;
      const target = await persistence(command.target, name);
      const conn = await openSqlJs({ data: (await image(command.megabytes)).slice(), persistence: target, locateFile: (file) => `/${file}` });
      const store = await Store.open(conn, { gcPolicy: { autoRunEveryCommits: null } });
      open.set(command.key, { target: command.target, name, conn, store, state: newRuntimeSessionState('bench', POLICY), leaf: null, turn: 0 });
      return { databaseBytes: (await conn.storageReport())?.databaseBytes ?? conn.export().length };
    }
    case 'commits': {
      const o = open.get(command.key)!;
      const times: number[] = [];
      for (let i = 0; i < command.count; i++) {
        const next = commit(o);
        const started = performance.now();
        const result = await o.store.commitRuntimeState(next.commit);
        await o.conn.whenDurable();
        times.push(performance.now() - started);
        o.state = applyCommitResult(next.state, result);
      }
      return times;
    }
    case 'fold': {
      const o = open.get(command.key)!;
      const started = performance.now();
      await o.conn.flush();
      return performance.now() - started;
    }
    case 'close': {
      const o = open.get(command.key)!;
      open.delete(command.key);
      o.store.close();
      await o.conn.close();
      if (o.target === 'opfs') await deleteOpfsDatabase(o.name);
      if (o.target === 'indexeddb') await deleteIndexedDbDatabase(o.name);
      return true;
    }
  }
}

serveCalls<BenchCommand>('/bench.js', (command) => run(command));
