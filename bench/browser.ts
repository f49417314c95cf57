/**
 * `npm run bench -- --browser [--quick]`: per-commit latency of a typical
 * turn commit in headless Chromium, until acknowledged (durable), with OPFS
 * and IndexedDB, as a ratio of in-memory sql.js measured in the same run and
 * the same context (a Worker, and a window), at 1 MB and 20 MB databases.
 * The figure that matters: 20 MB / 1 MB per target (the cost must follow
 * the write, not the database; target ≤ 1.5).
 *
 * Every target and size is open at once and gets its commits in every round,
 * the order alternating, so drift and noise hit them alike; medians are
 * reported. A fold (image checkpoint) is timed once
 * per database: it runs in the background, off the commit path.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { bundle, launchChromium, serve, tempProfile } from '../test/browser/harness.ts';
import type { BenchCommand, Target } from './browser-page.ts';
import { printRatio, printTable, type BenchContext } from './lib.ts';

const SIZES = [1, 20];

export default async function browserBench(ctx: BenchContext): Promise<void> {
  const rounds = ctx.quick ? 3 : 8;
  const perRound = ctx.quick ? 15 : 40;
  const server = await serve({
    '/': '<!doctype html><meta charset="utf-8"><title>bench</title><script type="module" src="/bench.js"></script>',
    '/bench.js': await bundle(join(import.meta.dirname, 'browser-page.ts')),
  });
  const profile = tempProfile('bench');
  const chromium = await launchChromium(profile.dir);
  try {
    console.log(`Chromium ${chromium.browser.version()}; ${rounds} rounds × ${perRound} commits per target and size`);
    const rows: Record<string, string | number>[] = [];
    const growth: { name: string; value: number }[] = [];
    for (const context of ['worker', 'window'] as const) {
      const page = await chromium.newPage();
      await page.goto(`${server.origin}/${context === 'worker' ? '?worker=1' : ''}`);
      await page.waitForFunction(() => (globalThis as { __agentReady?: boolean }).__agentReady === true);
      const call = async <T>(command: BenchCommand): Promise<T> => {
        const reply = (await page.evaluate((c) => (globalThis as unknown as { lashAgent: { call(c: unknown): Promise<unknown> } }).lashAgent.call(c), command)) as {
          result?: T;
          error?: { message: string };
        };
        if (reply.error) throw new Error(reply.error.message);
        return reply.result as T;
      };
      const medians = new Map<string, number>();
      const targets: Target[] = ['memory', 'opfs', 'indexeddb'];
      const keys = SIZES.flatMap((megabytes) => targets.map((target) => ({ key: `${target}-${megabytes}`, target, megabytes })));
      const samples = new Map<string, number[]>(keys.map(({ key }) => [key, []]));
      const sizes = new Map<string, number>();
      for (const { key, target, megabytes } of keys) {
        sizes.set(key, (await call<{ databaseBytes: number }>({ op: 'open', key, target, megabytes })).databaseBytes);
        await call({ op: 'commits', key, count: 10 }); // warm-up
      }
      // Every target and size in every round, the order alternating, so drift and noise hit all alike.
      for (let round = 0; round < rounds; round++) {
        for (const { key } of round % 2 === 0 ? keys : [...keys].reverse()) {
          samples.get(key)!.push(...(await call<number[]>({ op: 'commits', key, count: perRound })));
        }
      }
      for (const { key, target, megabytes } of keys) {
        const times = samples.get(key)!;
        const fold = target === 'memory' ? null : await call<number>({ op: 'fold', key });
        await call({ op: 'close', key });
        const value = median(times);
        medians.set(key, value);
        const memory = median(samples.get(`memory-${megabytes}`)!);
        rows.push({
          context,
          target,
          database: `${(sizes.get(key)! / 1024 / 1024).toFixed(1)} MB`,
          'median ms': value,
          'p90 ms': percentile(times, 0.9),
          'vs memory': target === 'memory' ? '1.00' : `${(value / memory).toFixed(2)}x`,
          'fold ms': fold === null ? '—' : fold,
        });
      }
      for (const target of ['memory', 'opfs', 'indexeddb'] as const) {
        growth.push({ name: `browser_${context}_${target}_commit_20mb_over_1mb`, value: medians.get(`${target}-20`)! / medians.get(`${target}-1`)! });
      }
      await page.close();
    }
    printTable('per-commit latency until durable (turn commit through Store; the database padded to its size)', rows);
    console.log('');
    for (const { name, value } of growth) printRatio(name, value, '<=', 1.5);
  } finally {
    await chromium.close();
    await server.close();
    profile.dispose();
  }
}

function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}
