// Runs in headless Chromium, in the page or in a dedicated Worker (the same
// bundle, see rpc.ts): opens a persisted sql.js database (OPFS or
// IndexedDB), commits turns through the session Store and reports each
// acknowledged one, reads back what survived. The Node side drives it with
// `lashAgent.call(command)`; page URL `/?worker=1` runs it in a Worker.
import { indexedDbPersistence, openSqlJs, opfsPersistence, type SqlJsConnection } from '../../src/sqljs.ts';
import { serveCalls } from './rpc.ts';
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
        // A fold now and then, in the background, so crashes also land in the middle of checkpoints.
        if (seed % 5 === 0) conn!.flush().catch(() => undefined);
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

serveCalls<Command>('/agent.js', (command, notify) => run(command, (id) => notify(`lash-ack ${id}`)));
