/**
 * Browser smoke test: bundles the `./sqljs` entry and the core for the
 * browser and runs them in headless Chromium (Debian's `chromium`, driven by
 * playwright-core). Skipped with instructions when Chromium is missing,
 * unless LASH_REQUIRE_BROWSER=1 (as in CI), where a missing browser fails.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bundle, launchChromium, serve, skipWithoutChromium, tempProfile, type StaticServer } from './harness.ts';

describe('browser smoke test (headless Chromium)', { skip: skipWithoutChromium }, () => {
  let code = '';
  let server: StaticServer;
  const profile = tempProfile('smoke');

  before(async () => {
    code = await bundle(join(import.meta.dirname, 'page.ts'));
    server = await serve({
      '/': '<!doctype html><script type="module" src="/bundle.js"></script>',
      '/bundle.js': code,
    });
  });

  after(async () => {
    await server?.close();
    profile.dispose();
  });

  it('bundles without any node: import', () => {
    assert.ok(code.length > 10_000);
    assert.doesNotMatch(code, /["'`]node:[a-z_]+["'`]/, 'no node: specifier in the browser bundle');
    assert.doesNotMatch(code, /from\s*["'](fs|path|crypto|zlib)["']/, 'no bare Node built-in import');
  });

  it('opens a database, writes and reads a blob, commits and loads a turn in Chromium', async () => {
    const chromium = await launchChromium(profile.dir);
    try {
      const page = await chromium.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.goto(`${server.origin}/`);
      await page.waitForFunction(() => (globalThis as { __result?: unknown }).__result !== undefined, null, {
        timeout: 30_000,
      });
      const outcome = (await page.evaluate(() => (globalThis as { __result?: unknown }).__result)) as {
        ok: boolean;
        error?: string;
        result?: Record<string, unknown>;
      };
      assert.deepEqual(errors, []);
      assert.equal(outcome.ok, true, outcome.error);
      const result = outcome.result!;
      assert.match(String(result.ref), /^[0-9a-f]{64}$/);
      assert.equal(result.roundTrip, true);
      assert.ok(Number(result.storedBytes) < Number(result.logicalBytes) / 4, 'compressed in the browser (fflate)');
      assert.equal(result.headRevision, 1);
      assert.equal(result.loadedRevision, 1, 'a second handle sees the commit');
      assert.deepEqual(result.loadedNodes, ['m1']);
      assert.equal(result.imageHeader, 'SQLite format 3');
      assert.equal(result.durability, 'inline');
    } finally {
      await chromium.close();
    }
  });
});
