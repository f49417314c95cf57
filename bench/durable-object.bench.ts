/**
 * The store inside a SQLite-backed Durable Object on a local workerd
 * (miniflare), against a raw-SQL floor inside an object in the same run.
 *
 * - Commits inside the object: each call makes many commits in the object —
 *   a turn through `Store.commitRuntimeState`, or the floor: the store's own
 *   statements for that turn (recorded from a sample commit) with the bytes
 *   made beforehand, in `transactionSync` — and, to show what the driver
 *   itself costs, the floor's statements through the driver (`driver`
 *   rows). Calls are timed from outside,
 *   store and floor alternately, by the CPU time of the workerd process
 *   (every thread, from /proc; elapsed time where there is none), and the
 *   cost of an empty call is subtracted; the ratio is the median of the
 *   per-round ratios (each round measures both within a second, so they
 *   share the machine's load). Local workerd's clock advances during
 *   synchronous work (production's does not), so the object's own clock is
 *   shown only beside. An object workerd reset is set up again.
 * - The objects keep their databases on tmpfs (/dev/shm, where there is
 *   one): a flush to this machine's disk at the end of every call would
 *   otherwise dominate both sides, and is not what production's durability
 *   (replication) costs anyway.
 * - The `chat` turn: two ~1 KiB messages, a usage delta, the turn stamp and
 *   the checkpoint manifest (tool state and plugin snapshot unchanged, which
 *   the runtime then does not send); the `full` turn also carries a new
 *   ~8 KiB tool state and ~2 KiB plugin snapshot.
 * - The RPC round trip: a Worker builds each chat turn and commits it with
 *   one Durable Object RPC call (`lashRpcClient`), on tmpfs and on disk.
 *
 * The Worker is test/durable-object/worker/bench-worker.ts.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Miniflare } from 'miniflare';
import { bundleWorker, ROOT, startWorker, type WorkerConfig } from '../test/durable-object/support/workerd.ts';
import { NOT_SET_UP } from '../test/durable-object/worker/bench-protocol.ts';
import { median, opsPerSecond, printRatio, printTable, type BenchContext } from './lib.ts';

interface Variant {
  label: string;
  turn: 'chat' | 'full';
  profile: 'LowLatency' | 'Balanced';
  codecs: 'builtin' | 'portable';
  target: number;
  ratioName: string;
}

const VARIANTS: Variant[] = [
  { label: 'chat turn, native codecs', turn: 'chat', profile: 'Balanced', codecs: 'builtin', target: 0.7, ratioName: 'do_commit_chat_vs_floor' },
  { label: 'chat turn, portable codecs', turn: 'chat', profile: 'Balanced', codecs: 'portable', target: 0.7, ratioName: 'do_commit_chat_portable_vs_floor' },
  { label: 'full turn, LowLatency, native', turn: 'full', profile: 'LowLatency', codecs: 'builtin', target: 0.7, ratioName: 'do_commit_full_lowlatency_vs_floor' },
  { label: 'full turn, Balanced, native', turn: 'full', profile: 'Balanced', codecs: 'builtin', target: 0.5, ratioName: 'do_commit_full_balanced_vs_floor' },
];

/** The store; the floor (its statements on the platform API, bytes made beforehand); the floor's statements through the driver. */
type Mode = 'store' | 'floor' | 'driver';
const MODES: readonly Mode[] = ['store', 'floor', 'driver'];

const CONFIG: WorkerConfig = {
  compatibilityDate: '2025-04-01',
  compatibilityFlags: ['nodejs_compat'],
  durableObjects: { BENCH: 'BenchObject' },
};

/**
 * Microseconds per call of `op`, called for about `roundMs`: of workerd's
 * CPU time when `cpu` can read it (the calls' work happens there, and CPU
 * time leaves out what the machine gives to other processes), else of
 * elapsed time.
 */
async function microsPerCall(op: () => Promise<void>, roundMs: number, cpu: (() => number) | undefined): Promise<number> {
  const started = performance.now();
  const cpuStarted = cpu?.() ?? 0;
  let calls = 0;
  do {
    await op();
    calls += 1;
  } while (performance.now() - started < roundMs);
  const spent = cpu === undefined ? (performance.now() - started) * 1000 : cpu() - cpuStarted;
  return spent / calls;
}

/**
 * The CPU time (µs, every thread) of the workerd processes under this
 * process, from Linux's per-thread `schedstat` (nanoseconds); `undefined`
 * where there is no /proc. Called right after a worker starts.
 */
function workerdCpuClock(): (() => number) | undefined {
  if (!existsSync('/proc/self/task')) return undefined;
  const pids = descendants(process.pid).filter((pid) => readProc(`/proc/${pid}/comm`)?.trim().startsWith('workerd'));
  if (pids.length === 0) return undefined;
  return () => {
    let ns = 0;
    for (const pid of pids) {
      for (const tid of readdirSafe(`/proc/${pid}/task`)) ns += Number(readProc(`/proc/${pid}/task/${tid}/schedstat`)?.split(' ')[0] ?? 0);
    }
    return ns / 1000;
  };
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSafe('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(`/proc/${entry}/stat`);
    // pid (comm) state ppid …: the comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = stat === undefined ? NaN : Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid)!.push(Number(entry));
  }
  const out: number[] = [];
  for (let queue = [root]; queue.length > 0; ) {
    for (const child of children.get(queue.pop()!) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function readdirSafe(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

async function get<T>(worker: Miniflare, path: string): Promise<T> {
  const response = await worker.dispatchFetch(`http://bench${path}`);
  const text = await response.text();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

export default async function durableObjectBench(ctx: BenchContext): Promise<void> {
  const rounds = ctx.quick ? 7 : 15;
  const roundMs = ctx.quick ? 150 : 400;
  const perCall = ctx.quick ? 40 : 100;
  const script = await bundleWorker(join(ROOT, 'test/durable-object/worker/bench-worker.ts'));
  const rows: Array<Record<string, string | number>> = [];
  const ratios: Record<string, number> = {};

  const memoryDir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'lash-bench-do-'));
  const worker = await startWorker(script, CONFIG, memoryDir);
  const cpu = workerdCpuClock();
  try {
    let objects = 0;
    for (const variant of VARIANTS) {
      const ids = {} as Record<Mode, string>;
      const setUp = async (mode: Mode) => {
        ids[mode] = `${mode}-${++objects}`;
        await get(worker, `/setup?id=${ids[mode]}&mode=${mode}&turn=${variant.turn}&profile=${variant.profile}&codecs=${variant.codecs}`);
      };
      for (const mode of MODES) await setUp(mode);
      const clocks: Record<Mode, number[]> = { store: [], floor: [], driver: [] };
      const call = (mode: Mode, n: number) => async () => {
        let ms: number;
        try {
          ({ ms } = await get<{ ms: number }>(worker, `/run?id=${ids[mode]}&n=${n}`));
        } catch (error) {
          // A reset object lost its setup: a new one takes its place (the call is timed a little longer once).
          if (!String((error as Error).message).includes(NOT_SET_UP)) throw error;
          await setUp(mode);
          ({ ms } = await get<{ ms: number }>(worker, `/run?id=${ids[mode]}&n=${n}`));
        }
        if (n > 0) clocks[mode].push((ms * 1000) / n);
      };
      const ops = { store: call('store', perCall), floor: call('floor', perCall), driver: call('driver', perCall), empty: call('store', 0) };
      for (const op of Object.values(ops)) await microsPerCall(op, roundMs, cpu);
      const perCommit: Record<Mode, number[]> = { store: [], floor: [], driver: [] };
      const paired: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const order: Mode[] = round % 2 === 0 ? ['store', 'floor', 'driver'] : ['driver', 'floor', 'store'];
        const emptyMicros = await microsPerCall(ops.empty, roundMs / 4, cpu);
        const micros = {} as Record<Mode, number>;
        for (const mode of order) micros[mode] = ((await microsPerCall(ops[mode], roundMs, cpu)) - emptyMicros) / perCall;
        for (const mode of order) perCommit[mode].push(micros[mode]);
        paired.push(micros.floor / micros.store);
      }
      for (const mode of MODES) {
        const micros = median(perCommit[mode]);
        rows.push({
          operation: `${variant.label} (${mode})`,
          'commits/s': 1e6 / micros,
          'µs/commit': micros,
          'µs/commit, object clock': median(clocks[mode]),
        });
      }
      ratios[variant.label] = median(paired);
    }

    // One commit per RPC call from a Worker.
    const rpcPerCall = ctx.quick ? 20 : 50;
    const rpcCommitsPerSecond = async (target: Miniflare, id: string) => {
      await get(target, `/setup?id=${id}&mode=store&turn=chat&profile=Balanced&codecs=builtin`);
      const op = () => get(target, `/rpc?id=${id}&n=${rpcPerCall}`);
      await opsPerSecond(op, roundMs);
      const samples: number[] = [];
      for (let round = 0; round < rounds; round++) samples.push((await opsPerSecond(op, roundMs)) * rpcPerCall);
      return median(samples);
    };
    const inMemory = await rpcCommitsPerSecond(worker, `rpc-${++objects}`);
    rows.push({ operation: 'chat turn, one RPC per commit, Worker → object (tmpfs)', 'commits/s': inMemory, 'µs/commit': 1e6 / inMemory, 'µs/commit, object clock': '-' });
    await worker.dispose();
    rmSync(memoryDir, { recursive: true, force: true });

    // The same on disk: every commit waits for its write to reach this machine's disk.
    const dir = mkdtempSync(join(tmpdir(), 'lash-bench-do-'));
    const onDisk = await startWorker(script, CONFIG, dir);
    try {
      const commits = await rpcCommitsPerSecond(onDisk, 'rpc-disk');
      rows.push({ operation: 'chat turn, one RPC per commit, Worker → object (disk)', 'commits/s': commits, 'µs/commit': 1e6 / commits, 'µs/commit, object clock': '-' });
    } finally {
      await onDisk.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  } catch (error) {
    await worker.dispose().catch(() => undefined);
    rmSync(memoryDir, { recursive: true, force: true });
    throw error;
  }

  printTable(
    `Durable Object on local workerd, databases on tmpfs (${perCall} commits per call, less an empty call; medians of ${rounds} rounds; ${cpu ? 'CPU time of workerd' : 'elapsed time'})`,
    rows,
  );
  for (const variant of VARIANTS) printRatio(variant.ratioName, ratios[variant.label]!, '>=', variant.target);
}
