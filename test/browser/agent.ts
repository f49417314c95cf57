// Runs in headless Chromium, in the page or in a dedicated Worker (the same
// bundle): opens a persisted sql.js database (OPFS or IndexedDB), commits
// turns through the session Store and reports each acknowledged one, reads
// back what survived. The Node side drives it with `lashAgent.call(command)`.
//
// Page URL `/?worker=1` runs the agent in a Worker and proxies calls to it.
import { indexedDbPersistence, openSqlJs, opfsPersistence, type SqlJsConnection } from '../../src/sqljs.ts';
import { TurnWriter, readBack } from './workload.ts';

export type Command =
  | { op: 'open'; target: 'opfs' | 'indexeddb'; name: string; checkpointLogBytes?: number; ifLocked?: 'fail' | 'wait'; access?: 'auto' | 'sync' | 'writable' }
  | { op: 'commit'; from: number; count: number; minPayload: number; maxPayload: number }
  | { op: 'verify' }
  | { op: 'storage' }
  | { op: 'close' };

let conn: SqlJsConnection | undefined;
let writer: TurnWriter | undefined;

async function run(command: Command, ack: (id: string) => void): Promise<unknown> {
  switch (command.op) {
    case 'open': {
      const options = { ifLocked: command.ifLocked };
      const persistence =
        command.target === 'opfs'
          ? await opfsPersistence(command.name, { ...options, access: command.access })
          : await indexedDbPersistence(command.name, options);
      conn = await openSqlJs({ persistence, checkpointLogBytes: command.checkpointLogBytes });
      writer = await TurnWriter.open(conn, command.name);
      return { recovery: conn.recovery, durability: conn.info.durability, kind: persistence.kind };
    }
    case 'commit': {
      let seed = command.from * 7919;
      for (let turn = command.from; turn < command.from + command.count; turn++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const size = command.minPayload + (seed % Math.max(1, command.maxPayload - command.minPayload));
        ack(await writer!.commitTurn(turn, size));
      }
      return { done: true };
    }
    case 'verify':
      return readBack(conn!);
    case 'storage':
      return conn!.storageReport();
    case 'close':
      writer?.store.close();
      await conn?.close();
      conn = undefined;
      writer = undefined;
      return { closed: true };
  }
}

function serialiseError(error: unknown) {
  const e = error as Error;
  return { name: e?.name ?? 'Error', message: e?.message ?? String(error), code: (e as { code?: string })?.code };
}

const scope = globalThis as unknown as {
  document?: unknown;
  location: { search: string };
  postMessage(message: unknown): void;
  onmessage: ((event: { data: { id: number; command: Command } }) => void) | null;
  lashAgent?: { call(command: Command): Promise<unknown> };
  __agentReady?: boolean;
};

if (scope.document === undefined) {
  // In the Worker: answer calls, report acks as messages.
  scope.onmessage = (event) => {
    const { id, command } = event.data;
    run(command, (ack) => scope.postMessage({ ack })).then(
      (result) => scope.postMessage({ id, result }),
      (error: unknown) => scope.postMessage({ id, error: serialiseError(error) }),
    );
  };
  scope.postMessage({ ready: true });
} else if (scope.location.search.includes('worker=1')) {
  // In the page, proxying to the Worker.
  const Worker = (globalThis as unknown as { Worker: new (url: string, options: object) => { postMessage(m: unknown): void; onmessage: ((e: { data: unknown }) => void) | null } }).Worker;
  const worker = new Worker('/agent.js', { type: 'module' });
  const pending = new Map<number, (reply: { result?: unknown; error?: unknown }) => void>();
  let next = 0;
  worker.onmessage = (event) => {
    const data = event.data as { id?: number; ack?: string; ready?: boolean; result?: unknown; error?: unknown };
    if (data.ready) scope.__agentReady = true;
    else if (data.ack !== undefined) console.log(`lash-ack ${data.ack}`);
    else pending.get(data.id!)?.(data), pending.delete(data.id!);
  };
  scope.lashAgent = {
    call: (command) =>
      new Promise((resolve) => {
        const id = ++next;
        pending.set(id, (reply) => resolve(reply));
        worker.postMessage({ id, command });
      }),
  };
} else {
  scope.lashAgent = {
    call: (command) =>
      run(command, (ack) => console.log(`lash-ack ${ack}`)).then(
        (result) => ({ result }),
        (error: unknown) => ({ error: serialiseError(error) }),
      ),
  };
  scope.__agentReady = true;
}
