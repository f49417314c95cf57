/**
 * Benchmark helpers. Every figure is a ratio against a raw-SQL floor measured
 * in the same run, interleaved round by round, so machine speed and noise
 * cancel out as far as possible. Benchmarks are never tests.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchContext {
  /** `npm run bench -- --quick`: shorter rounds for a smoke check. */
  readonly quick: boolean;
  /** A fresh temporary directory, removed when the benchmark file finishes. */
  tempDir(label: string): string;
}

export type Operation = () => unknown;

export interface Measured {
  /** Operations per second, median of the rounds. */
  opsPerSecond: number;
  /** Mean time per operation in microseconds (from the median). */
  microsPerOp: number;
  /** Operations per second of each round, in round order (for paired ratios). */
  rounds: number[];
}

/**
 * What a round is timed by. `wall`: elapsed time. `cpu`: CPU time of this
 * thread (`process.threadCpuUsage`), for operations that do not wait (WAL
 * with `synchronous = NORMAL` does not sync a commit): their cost is CPU
 * time, and it does not count the time the machine gives to other
 * processes, which on a loaded machine is most of the elapsed time.
 */
export type BenchClock = 'wall' | 'cpu';

/** Runs `op` repeatedly for about `durationMs` and returns operations per second (of elapsed time). */
export async function opsPerSecond(op: Operation, durationMs: number): Promise<number> {
  return runFor(op, durationMs, 'wall');
}

function cpuMicros(): number {
  const usage = process.threadCpuUsage?.() ?? process.cpuUsage();
  return usage.user + usage.system;
}

/** Runs `op` for about `durationMs` of elapsed time; operations per second of `clock`. */
async function runFor(op: Operation, durationMs: number, clock: BenchClock): Promise<number> {
  let count = 0;
  const started = performance.now();
  const cpuStarted = clock === 'cpu' ? cpuMicros() : 0;
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (let i = 0; i < 16; i++) {
      const result = op();
      if (result instanceof Promise) await result;
    }
    count += 16;
    elapsed = performance.now() - started;
  }
  if (clock === 'wall') return (count * 1000) / elapsed;
  return (count * 1e6) / Math.max(1, cpuMicros() - cpuStarted);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Measures several operations interleaved round by round; medians per
 * operation. Compare two of them with {@link pairedRatio}.
 */
export async function measureInterleaved(
  ops: Record<string, Operation>,
  options: { rounds: number; roundMs: number; warmupMs?: number; clock?: BenchClock },
): Promise<Record<string, Measured>> {
  const names = Object.keys(ops);
  const clock = options.clock ?? 'wall';
  for (const name of names) await runFor(ops[name]!, options.warmupMs ?? options.roundMs, clock);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < options.rounds; round++) {
    // Alternate the order so neither side always runs on a warmer cache.
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) samples[name]!.push(await runFor(ops[name]!, options.roundMs, clock));
  }
  return Object.fromEntries(
    names.map((name) => {
      const ops = median(samples[name]!);
      return [name, { opsPerSecond: ops, microsPerOp: 1e6 / ops, rounds: samples[name]! }];
    }),
  );
}

/**
 * `a`'s speed relative to `b`'s: the median of the per-round ratios. Each
 * round measures both within a fraction of a second, so a pair shares the
 * machine's load, and a round disturbed by a burst elsewhere is outvoted.
 */
export function pairedRatio(a: Measured, b: Measured): number {
  return median(a.rounds.map((value, round) => value / b.rounds[round]!));
}

/** Times one call (for one-off operations such as loading a large graph). */
export async function timeOnce(op: Operation): Promise<number> {
  const started = performance.now();
  const result = op();
  if (result instanceof Promise) await result;
  return performance.now() - started;
}

/** Median milliseconds of `repeats` calls. */
export async function medianMs(op: Operation, repeats: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) times.push(await timeOnce(op));
  return median(times);
}

/** One ratio a benchmark reported, with its target. */
export interface RatioResult {
  readonly name: string;
  readonly value: number;
  readonly op: '>=' | '<=';
  readonly target: number;
}

const reported: RatioResult[] = [];

/** Every ratio reported so far in this process, in order (for `bench/run.ts`'s summary and `--check`). */
export function reportedRatios(): readonly RatioResult[] {
  return reported;
}

/**
 * Whether `value` meets `target` relaxed by `tolerance` (≤ 1): a `>=` target
 * is multiplied by it, a `<=` target divided by it.
 */
export function meetsTarget(result: RatioResult, tolerance = 1): boolean {
  return result.op === '>=' ? result.value >= result.target * tolerance : result.value <= result.target / tolerance;
}

/**
 * Targets not met yet on a quiet run (issues 16 and 17; figures in
 * `docs/performance.md`). `--check` cannot hold these at their target without
 * failing every run, and must not pretend they are met: it holds each at its
 * guard instead — the level measured on a quiet machine, so a regression still
 * fails — and the summary marks the ratio `open`. A ratio leaves this list the
 * day it meets its target.
 */
export const OPEN_TARGETS: Readonly<Record<string, { readonly guard: number }>> = {
  // Quiet full run of 2026-12-03 19:02 UTC (load 0.1–1.4), figure → guard (about 0.85 of it;
  // CI's --tolerance 0.5 comes on top, for a shared machine).
  do_commit_chat_vs_floor: { guard: 0.5 }, // 0.59, target ≥ 0.7
  do_commit_chat_portable_vs_floor: { guard: 0.49 }, // 0.57
  do_commit_full_lowlatency_vs_floor: { guard: 0.54 }, // 0.64
  effect_replay_vs_floor: { guard: 0.54 }, // 0.63, target ≥ 0.7
  append_event_vs_floor: { guard: 0.58 }, // 0.68, target ≥ 0.8
  queue_cycle_vs_floor: { guard: 0.54 }, // 0.63, target ≥ 0.8
  commit_balanced_vs_floor: { guard: 0.49 }, // 0.57, target ≥ 0.6
  commit_lowlatency_vs_floor: { guard: 0.65 }, // 0.77, target ≥ 0.8
  'active_path_load_vs_floor[200]': { guard: 0.68 }, // 0.795, target ≥ 0.8
};

/** What `--check` holds a ratio to: its target, or its guard while the target is open. */
export function passesCheck(result: RatioResult, tolerance = 1): boolean {
  if (meetsTarget(result, tolerance)) return true;
  const open = OPEN_TARGETS[result.name];
  if (open === undefined) return false;
  return meetsTarget({ ...result, target: open.guard }, tolerance);
}

/**
 * Prints the machine-readable line `RATIO <name> <value> target <op><value>
 * <met|missed>` and records the ratio for the run's summary. Every
 * benchmark reports its figures through here, so `--check` sees them all.
 */
export function printRatio(name: string, value: number, op: '>=' | '<=', target: number): boolean {
  const result = { name, value, op, target };
  reported.push(result);
  const met = meetsTarget(result);
  console.log(`RATIO ${name} ${value.toFixed(3)} target ${op}${target} ${met ? 'met' : 'missed'}`);
  return met;
}

/** Prints an aligned table. */
export function printTable(title: string, rows: Array<Record<string, string | number>>): void {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const cells = rows.map((row) => columns.map((c) => format(row[c]!)));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  console.log(`\n${title}`);
  console.log(columns.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of cells) console.log(row.map((v, i) => v.padEnd(widths[i]!)).join('  '));
}

function format(value: string | number): string {
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  return value >= 100 ? value.toFixed(0) : value.toFixed(2);
}

export function createContext(quick: boolean): BenchContext & { dispose(): void } {
  const dirs: string[] = [];
  return {
    quick,
    tempDir(label) {
      const dir = mkdtempSync(join(tmpdir(), `lash-bench-${label}-`));
      dirs.push(dir);
      return dir;
    },
    dispose() {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

const PROSE_WORDS = 'agent tool call result session branch commit lease token plugin snapshot graph node message reply plan search file read write shell test build deploy cache index query'.split(' ');

/** Deterministic prose of about `length` characters (workload text that varies with `seed`). */
export function prose(length: number, seed: number): string {
  let out = '';
  let x = seed * 2654435761;
  while (out.length < length) {
    x = (x * 1103515245 + 12345) >>> 0;
    out += `${PROSE_WORDS[x % PROSE_WORDS.length]} `;
  }
  return out.slice(0, length);
}

/** Bytes of a database file and its WAL, as they are on disk now. */
export function databaseBytes(path: string): number {
  let total = 0;
  for (const suffix of ['', '-wal']) {
    try {
      total += statSync(path + suffix).size;
    } catch {
      // no such file
    }
  }
  return total;
}
