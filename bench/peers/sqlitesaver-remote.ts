/**
 * The SqliteSaver side of `peers.bench.ts`, run in a child process under
 * another Node (`sqlitesaver.ts` says why). The child script is bundled with
 * esbuild (a dev dependency) into `node_modules/.cache`, where it finds the
 * same packages, as `langgraph.bench.ts` does for its reference run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { bundleForChild } from '../child-bundle.ts';
import type { ChildRequest } from './sqlitesaver-child.ts';
import type { PeerOpener, PeerSide, Took } from './workload.ts';

type Reply = Record<string, unknown> & { error?: string };

function bundleChild(): Promise<string> {
  return bundleForChild(join(import.meta.dirname, 'sqlitesaver-child.ts'), 'peers-sqlitesaver-child.mjs');
}

/** One child: each request waits for its one reply; the child's exit (or failing to start) rejects what is pending. */
function connect(child: ChildProcess) {
  const waiting: Array<{ resolve(reply: Reply): void; reject(error: Error): void }> = [];
  child.on('message', (reply: Reply) => {
    const next = waiting.shift();
    if (reply.error !== undefined) next?.reject(new Error(reply.error));
    else next?.resolve(reply);
  });
  const fail = (error: Error) => {
    for (const next of waiting.splice(0)) next.reject(error);
  };
  child.on('exit', (code, signal) => fail(new Error(`SqliteSaver child exited (${signal ?? code})`)));
  child.on('error', fail); // e.g. no such Node
  const next = () => new Promise<Reply>((resolve, reject) => waiting.push({ resolve, reject }));
  return {
    ready: next(),
    call(request: ChildRequest): Promise<Reply> {
      const reply = next();
      child.send(request);
      return reply;
    },
  };
}

async function start(node: string, script: string) {
  const child = fork(script, [], { execPath: node, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const channel = connect(child);
  try {
    await channel.ready;
  } catch (error) {
    child.kill();
    throw error;
  }
  return { child, call: channel.call };
}

/** Opens SqliteSavers in children of `node`; throws, with the child's reason, when the saver does not load there. */
export async function remoteSqliteSaver(node: string): Promise<PeerOpener> {
  const script = await bundleChild();
  const probe = await start(node, script);
  probe.child.disconnect();
  return async (path): Promise<PeerSide> => {
    const { child, call } = await start(node, script);
    await call({ op: 'open', path });
    return {
      path,
      turn: async (input) => (await call({ op: 'turn', n: input.n })) as unknown as Took,
      readHistory: async () => (await call({ op: 'read' })) as { messages: number; ms: number },
      settings: async () => `${String((await call({ op: 'settings' })).text)}; in a child under ${node}`,
      async close() {
        await call({ op: 'close' });
        child.disconnect();
      },
    };
  };
}
