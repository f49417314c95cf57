/**
 * LangGraph's SqliteSaver in a child process, driven turn by turn by
 * `sqlitesaver-remote.ts` over the IPC channel (bundled, so another Node —
 * `LASH_SQLITESAVER_NODE` — runs it). Each request gets one reply; a turn's
 * reply is the milliseconds the saver took, timed here.
 */
import { loadSqliteSaver } from './sqlitesaver.ts';
import { peerTurn, type PeerSide } from './workload.ts';

export type ChildRequest = { op: 'open'; path: string } | { op: 'turn'; n: number } | { op: 'read' } | { op: 'settings' } | { op: 'close' };

const reply = (message: Record<string, unknown>): void => {
  process.send!(message);
};
const reason = (error: unknown) => (error instanceof Error ? error.message.split('\n')[0]! : String(error));

async function serve(): Promise<void> {
  const open = await loadSqliteSaver();
  let side: PeerSide | undefined;
  const handle = async (request: ChildRequest): Promise<Record<string, unknown>> => {
    if (request.op === 'open') {
      side = await open(request.path);
      return {};
    }
    if (side === undefined) throw new Error('no saver open');
    if (request.op === 'turn') return { ...(await side.turn(peerTurn(request.n))) };
    if (request.op === 'read') return await side.readHistory();
    if (request.op === 'settings') return { text: await side.settings?.() };
    await side.close();
    return {};
  };
  let queue: Promise<void> = Promise.resolve();
  process.on('message', (request: ChildRequest) => {
    queue = queue.then(() => handle(request).then(reply, (error: unknown) => reply({ error: reason(error) })));
  });
  reply({ ready: true });
}

if (process.send !== undefined) await serve().catch((error: unknown) => reply({ error: reason(error) }));
