/**
 * The store inside a SQLite-backed Durable Object on a local workerd
 * (miniflare), against a raw-SQL floor inside an object in the same run.
 *
 * - commits inside the object: each call makes many commits in the object
 *   (a turn through `Store.commitRuntimeState`, or the same statements with
 *   bytes made beforehand), timed from outside by repeated calls, less the
 *   time of an empty call measured alongside (local workerd's clock advances
 *   during synchronous work, production's does not, so the object's own
 *   clock is only shown for comparison); the writes of one call reach disk
 *   when it returns, so that cost is in the figures, spread over its commits;
 * - the `chat` turn: two ~1 KiB messages, a usage delta, the turn stamp and
 *   the checkpoint manifest (tool state and plugin snapshot unchanged, as
 *   the runtime sends them only when they changed); the `full` turn also
 *   carries a new ~8 KiB tool state and ~2 KiB plugin snapshot;
 * - the RPC round trip: a Worker builds each turn and commits it with one
 *   Durable Object RPC call (`lashRpcClient`).
 *
 * The test Worker is test/durable-object/worker/bench-worker.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Miniflare } from 'miniflare';
import { bundleWorker, ROOT, startWorker } from '../test/durable-object/support/workerd.ts';
import { measureInterleaved, printRatio, printTable, type BenchContext } from './lib.ts';

type Turn = 'chat' | 'full';
type Codecs = 'builtin' | 'portable';

interface Variant {
  label: string;
  turn: Turn;
  profile: 'LowLatency' | 'Balanced';
  codecs: Codecs;
}

const VARIANTS: Variant[] = [
  { label: 'chat turn, native codecs', turn: 'chat', profile: 'Balanced', codecs: 'builtin' },
  { label: 'chat turn, portable codecs', turn: 'chat', profile: 'Balanced', codecs: 'portable' },
  { label: 'full turn, LowLatency, native', turn: 'full', profile: 'LowLatency', codecs: 'builtin' },
  { label: 'full turn, Balanced, native', turn: 'full', profile: 'Balanced', codecs: 'builtin' },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Number.NaN;
}

async function get<T>(worker: Miniflare, path: string): Promise<T> {
  const response = await worker.dispatchFetch(`http://bench${path}`);
  const text = await response.text();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

export default async function durableObjectBench(ctx: BenchContext): Promise<void> {
  const rounds = ctx.quick ? 3 : 7;
  const roundMs = ctx.quick ? 200 : 800;
  const perCall = ctx.quick ? 25 : 100;
  const dir = mkdtempSync(join(tmpdir(), 'lash-bench-do-'));
  const script = await bundleWorker(join(ROOT, 'test/durable-object/worker/bench-worker.ts'));
  const worker = await startWorker(
    script,
    { compatibilityDate: '2025-04-01', compatibilityFlags: ['nodejs_compat'], durableObjects: { BENCH: 'BenchObject' } },
    dir,
  );
  try {
    const rows: Array<Record<string, string | number>> = [];
    const ratios: Record<string, number> = {};
    let objects = 0;
    for (const variant of VARIANTS) {
      const ids = { store: `store-${++objects}`, floor: `floor-${objects}` };
      for (const [mode, id] of Object.entries(ids)) {
        await get(worker, `/setup?id=${id}&mode=${mode}&turn=${variant.turn}&profile=${variant.profile}&codecs=${variant.codecs}`);
      }
      const inObject: Record<string, number[]> = { store: [], floor: [] };
      const call = (mode: 'store' | 'floor', n: number) => async () => {
        const { ms } = await get<{ ms: number }>(worker, `/run?id=${ids[mode]}&n=${n}`);
        if (n > 0) inObject[mode]!.push(ms);
      };
      // An empty call measures what a call costs besides its commits (dispatch, RPC, the reply).
      const measured = await measureInterleaved(
        { store: call('store', perCall), floor: call('floor', perCall), empty: call('store', 0) },
        { rounds, roundMs },
      );
      const callMicros = measured.empty!.microsPerOp;
      const perCommit: Record<string, number> = {};
      for (const mode of ['store', 'floor'] as const) {
        perCommit[mode] = (measured[mode]!.microsPerOp - callMicros) / perCall;
        const clock = median(inObject[mode]!);
        rows.push({
          operation: `${variant.label} (${mode})`,
          'commits/s': 1e6 / perCommit[mode]!,
          'µs/commit': perCommit[mode]!,
          'µs/call (incl. commits)': measured[mode]!.microsPerOp,
          'µs/commit, object clock': (clock * 1000) / perCall,
        });
      }
      rows.push({ operation: `${variant.label} (empty call)`, 'commits/s': '-', 'µs/commit': '-', 'µs/call (incl. commits)': callMicros, 'µs/commit, object clock': '-' });
      ratios[variant.label] = perCommit.floor! / perCommit.store!;
    }

    // One commit per RPC call, from a Worker.
    const rpcId = `rpc-${++objects}`;
    await get(worker, `/setup?id=${rpcId}&mode=store&turn=chat&profile=Balanced&codecs=builtin`);
    const rpcPerCall = ctx.quick ? 20 : 50;
    const rpc = await measureInterleaved({ rpc: () => get(worker, `/rpc?id=${rpcId}&n=${rpcPerCall}`) }, { rounds, roundMs });
    const rpcCommits = rpc.rpc!.opsPerSecond * rpcPerCall;
    rows.push({
      operation: 'chat turn, one RPC per commit (Worker → object)',
      'commits/s': rpcCommits,
      'µs/commit': 1e6 / rpcCommits,
      'µs/call (incl. commits)': rpc.rpc!.microsPerOp,
      'µs/commit, object clock': '-',
    });

    printTable(
      `Durable Object on local workerd (${perCall} commits per call, less the cost of an empty call; median of ${rounds} interleaved rounds)`,
      rows,
    );
    printRatio('do_commit_chat_vs_floor', ratios['chat turn, native codecs']!, '>=', 0.7);
    printRatio('do_commit_chat_portable_vs_floor', ratios['chat turn, portable codecs']!, '>=', 0.5);
    printRatio('do_commit_full_lowlatency_vs_floor', ratios['full turn, LowLatency, native']!, '>=', 0.5);
    printRatio('do_commit_full_balanced_vs_floor', ratios['full turn, Balanced, native']!, '>=', 0.4);
  } finally {
    await worker.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
