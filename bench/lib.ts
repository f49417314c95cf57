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
}

/** Runs `op` repeatedly for about `durationMs` and returns operations per second. */
export async function opsPerSecond(op: Operation, durationMs: number): Promise<number> {
  let count = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (let i = 0; i < 16; i++) {
      const result = op();
      if (result instanceof Promise) await result;
    }
    count += 16;
    elapsed = performance.now() - started;
  }
  return (count * 1000) / elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Measures several operations interleaved round by round; medians per operation. */
export async function measureInterleaved(
  ops: Record<string, Operation>,
  options: { rounds: number; roundMs: number; warmupMs?: number },
): Promise<Record<string, Measured>> {
  const names = Object.keys(ops);
  for (const name of names) await opsPerSecond(ops[name]!, options.warmupMs ?? options.roundMs);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < options.rounds; round++) {
    // Alternate the order so neither side always runs on a warmer cache.
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) samples[name]!.push(await opsPerSecond(ops[name]!, options.roundMs));
  }
  return Object.fromEntries(
    names.map((name) => {
      const ops = median(samples[name]!);
      return [name, { opsPerSecond: ops, microsPerOp: 1e6 / ops }];
    }),
  );
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

/** Prints the machine-readable line: `RATIO <name> <value> target <op><value> <met|missed>`. */
export function printRatio(name: string, value: number, op: '>=' | '<=', target: number): boolean {
  const met = op === '>=' ? value >= target : value <= target;
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
