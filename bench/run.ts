/**
 * `npm run bench [-- options] [-- <filter>…]`: runs every `bench/*.bench.ts`
 * file (each exports `default async function (ctx)`), in name order, then
 * prints a summary of every ratio against its target.
 *
 * - `--quick`: shorter rounds, for a smoke check (CI).
 * - `--check`: exit 1 when a ratio misses its target (or, while its target is
 *   open — `OPEN_TARGETS` in lib.ts — the guard it is held at).
 * - `--tolerance <t>` (0 < t ≤ 1): relax every target for `--check` — a `>=`
 *   target is multiplied by t, a `<=` target divided by it.
 * - `--markdown`: print the summary as a Markdown table (for `docs/performance.md`).
 * - `--browser`: run the Chromium benchmark (`bench/browser.ts`) instead.
 * - any other word: run only the files whose name contains it.
 */
import { readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createContext,
  meetsTarget,
  OPEN_TARGETS,
  passesCheck,
  printTable,
  reportedRatios,
  type BenchContext,
  type RatioResult,
} from './lib.ts';

const VALUE_OPTIONS = new Set(['--tolerance']);
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const check = args.includes('--check');
const markdown = args.includes('--markdown');
const tolerance = parseTolerance(args);
const filters = args.filter((a, i) => !a.startsWith('--') && !VALUE_OPTIONS.has(args[i - 1] ?? ''));
const dir = import.meta.dirname;
const files = args.includes('--browser') ? ['browser.ts'] : readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((filter) => f.includes(filter)))
  .sort();

console.log(`lash-sqlite-store benchmarks — node ${process.version}, ${quick ? 'quick' : 'full'} run`);
console.log(`machine: ${machine()}`);
for (const file of files) {
  const module = (await import(pathToFileURL(join(dir, file)).href)) as {
    default: (ctx: BenchContext) => Promise<void>;
  };
  const ctx = createContext(quick);
  console.log(`\n=== ${file} ===`);
  try {
    await module.default(ctx);
  } finally {
    ctx.dispose();
  }
}

const results = reportedRatios();
const misses = results.filter((r) => !passesCheck(r, tolerance));
const open = results.filter((r) => !meetsTarget(r, tolerance) && passesCheck(r, tolerance));
printTable(
  `summary: ${results.length} ratios, ${misses.length} missed, ${open.length} open (target not met, guard held)${tolerance === 1 ? '' : ` (relaxed by tolerance ${tolerance})`}`,
  results.map((r) => summaryRow(r)),
);
if (markdown) printMarkdown(results);
console.log(`\nmachine at the end: ${machine()}`);
if (check && misses.length > 0) {
  console.log(`\nbench --check: ${misses.length} ratio(s) missed: ${misses.map((r) => r.name).join(', ')}`);
  process.exitCode = 1;
}

function summaryRow(r: RatioResult): Record<string, string> {
  const guard = OPEN_TARGETS[r.name]?.guard;
  const row: Record<string, string> = {
    ratio: r.name,
    figure: r.value.toFixed(3),
    target: `${r.op} ${r.target}`,
    'open, guard': guard === undefined ? '' : `${r.op} ${guard}`,
  };
  if (tolerance !== 1) row['checked against'] = `${r.op} ${relaxed(r).toFixed(3)}`;
  row.result = meetsTarget(r, tolerance) ? 'pass' : passesCheck(r, tolerance) ? 'open' : 'MISS';
  return row;
}

function relaxed(r: RatioResult): number {
  return r.op === '>=' ? r.target * tolerance : r.target / tolerance;
}

function printMarkdown(rows: readonly RatioResult[]): void {
  console.log(`\nMachine: ${machine()}.\n`);
  console.log(`| ratio | figure | target | result |\n| --- | ---: | --- | --- |`);
  for (const r of rows) {
    console.log(`| \`${r.name}\` | ${r.value.toFixed(2)} | ${r.op === '>=' ? '≥' : '≤'} ${r.target} | ${meetsTarget(r) ? 'met' : OPEN_TARGETS[r.name] ? `missed (open; CI guard ${OPEN_TARGETS[r.name]!.guard})` : 'missed'} |`);
  }
}

/** What the figures came from: cores, CPU model, node, load average. */
function machine(): string {
  const [one, five] = loadavg();
  return `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}, load average ${one!.toFixed(2)} (1 min) ${five!.toFixed(2)} (5 min)`;
}

function parseTolerance(argv: readonly string[]): number {
  const at = argv.indexOf('--tolerance');
  if (at === -1) return 1;
  const value = Number(argv[at + 1]);
  if (!(value > 0 && value <= 1)) {
    console.error(`--tolerance takes a number in (0, 1] (got ${String(argv[at + 1])})`);
    process.exit(2);
  }
  return value;
}
