// The same bundle runs in the page or in a dedicated Worker: `serveCalls`
// makes `globalThis.lashAgent.call(command)` answer with `handler`'s result,
// either directly (page) or through a Worker started from `scriptUrl` (page
// URL with `?worker=1`). `notify(text)` reaches the Node side as a console
// line of the page, from either context.

type Handler<C> = (command: C, notify: (text: string) => void) => Promise<unknown>;
type Reply = { result?: unknown; error?: { name: string; message: string; code?: string } };

interface Scope {
  document?: unknown;
  location: { search: string };
  postMessage(message: unknown): void;
  onmessage: ((event: { data: { id: number; command: unknown } }) => void) | null;
  lashAgent?: { call(command: unknown): Promise<Reply> };
  __agentReady?: boolean;
}

interface WorkerLike {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: { id?: number; note?: string; ready?: boolean } & Reply }) => void) | null;
}

const scope = globalThis as unknown as Scope;

export function serveCalls<C>(scriptUrl: string, handler: Handler<C>): void {
  const answer = (command: C, notify: (text: string) => void): Promise<Reply> =>
    handler(command, notify).then(
      (result) => ({ result }),
      (error: unknown) => ({ error: serialiseError(error) }),
    );
  if (scope.document === undefined) {
    scope.onmessage = (event) => {
      const { id, command } = event.data;
      void answer(command as C, (note) => scope.postMessage({ note })).then((reply) => scope.postMessage({ id, ...reply }));
    };
    scope.postMessage({ ready: true });
  } else if (scope.location.search.includes('worker=1')) {
    const Worker = (globalThis as unknown as { Worker: new (url: string, options: object) => WorkerLike }).Worker;
    const worker = new Worker(scriptUrl, { type: 'module' });
    const pending = new Map<number, (reply: Reply) => void>();
    let next = 0;
    worker.onmessage = (event) => {
      const data = event.data;
      if (data.ready) scope.__agentReady = true;
      else if (data.note !== undefined) console.log(data.note);
      else {
        pending.get(data.id!)?.(data);
        pending.delete(data.id!);
      }
    };
    scope.lashAgent = {
      call: (command) =>
        new Promise((resolve) => {
          const id = ++next;
          pending.set(id, resolve);
          worker.postMessage({ id, command });
        }),
    };
  } else {
    scope.lashAgent = { call: (command) => answer(command as C, (note) => console.log(note)) };
    scope.__agentReady = true;
  }
}

function serialiseError(error: unknown): { name: string; message: string; code?: string } {
  const e = error as Error & { code?: string };
  return { name: e?.name ?? 'Error', message: e?.message ?? String(error), code: e?.code };
}
