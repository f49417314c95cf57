/**
 * `npm run bench [-- --quick] [-- <filter>]`: runs every `bench/*.bench.ts`
 * file (each exports `default async function (ctx)`), in name order;
 * `-- --browser` runs the Chromium benchmark (`bench/browser.ts`) instead.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createContext, type BenchContext } from './lib.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const filters = args.filter((a) => !a.startsWith('--'));
const dir = import.meta.dirname;
const files = args.includes('--browser') ? ['browser.ts'] : readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((filter) => f.includes(filter)))
  .sort();

console.log(`lash-sqlite-store benchmarks — node ${process.version}, ${quick ? 'quick' : 'full'} run`);
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
