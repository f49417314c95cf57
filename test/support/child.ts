/**
 * Child processes for real contention tests: each child is a Node process
 * running a TypeScript script, talking to the parent in JSON lines (the
 * child writes to stdout, the parent writes to its stdin).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ChildHandle {
  readonly process: ChildProcess;
  /** Sends one JSON message to the child's stdin. */
  send(message: unknown): void;
  /** The next JSON message from the child (rejects if it exits first). */
  next<T = Record<string, unknown>>(): Promise<T>;
  /** Resolves when the child exits. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export function spawnChild(script: string, args: readonly string[] = []): ChildHandle {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const queue: unknown[] = [];
  const waiters: Array<{ resolve(v: unknown): void; reject(e: Error): void }> = [];
  let stderr = '';
  let done = false;
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (stderr += chunk));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      return; // not a protocol line (stray console output)
    }
    const waiter = waiters.shift();
    if (waiter) waiter.resolve(message);
    else queue.push(message);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('exit', (code, signal) => {
      done = true;
      // Let buffered stdout lines drain before failing waiters.
      setImmediate(() => {
        for (const waiter of waiters.splice(0)) {
          waiter.reject(new Error(`child exited (code ${code}, signal ${signal}) before replying; stderr:\n${stderr}`));
        }
        resolve({ code, signal, stderr });
      });
    });
  });
  return {
    process: child,
    send(message) {
      child.stdin!.write(`${JSON.stringify(message)}\n`);
    },
    next<T>() {
      if (queue.length > 0) return Promise.resolve(queue.shift() as T);
      if (done) return Promise.reject(new Error(`child already exited; stderr:\n${stderr}`));
      return new Promise<T>((resolve, reject) => waiters.push({ resolve: resolve as (v: unknown) => void, reject }));
    },
    exited,
  };
}

/** In a child script: reads JSON lines from stdin, one at a time. */
export function childInbox(): { next<T = Record<string, unknown>>(): Promise<T> } {
  const queue: unknown[] = [];
  const waiters: Array<(v: unknown) => void> = [];
  createInterface({ input: process.stdin }).on('line', (line) => {
    const message = JSON.parse(line);
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  return {
    next<T>() {
      if (queue.length > 0) return Promise.resolve(queue.shift() as T);
      return new Promise<T>((resolve) => waiters.push(resolve as (v: unknown) => void));
    },
  };
}

/** In a child script: writes one JSON line to the parent. */
export function reply(message: unknown): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}
