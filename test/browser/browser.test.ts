/**
 * Browser smoke test: bundles the `./sqljs` entry and the core for the
 * browser and runs them in headless Chromium (Debian's `chromium`, driven by
 * playwright-core). Skipped with instructions when Chromium is missing,
 * unless LASH_REQUIRE_BROWSER=1 (as in CI), where a missing browser fails.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const required = process.env.LASH_REQUIRE_BROWSER === '1';
const available = existsSync(CHROMIUM);
const skip = !available && !required
  ? `Chromium not found at ${CHROMIUM}: install it (sudo apt-get install chromium) or set CHROMIUM_PATH to run the browser smoke test`
  : false;

describe('browser smoke test (headless Chromium)', { skip }, () => {
  let bundle = '';
  let server: Server;
  let origin = '';

  before(async () => {
    const result = await build({
      entryPoints: [join(import.meta.dirname, 'page.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    bundle = result.outputFiles[0]!.text;
    const require = createRequire(import.meta.url);
    const wasm = readFileSync(require.resolve('sql.js/dist/sql-wasm-browser.wasm'));
    server = createServer((request, response) => {
      if (request.url === '/') {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<!doctype html><script type="module" src="/bundle.js"></script>');
      } else if (request.url === '/bundle.js') {
        response.writeHead(200, { 'content-type': 'text/javascript' });
        response.end(bundle);
      } else if (request.url?.endsWith('.wasm')) {
        response.writeHead(200, { 'content-type': 'application/wasm' });
        response.end(wasm);
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  after(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('bundles without any node: import', () => {
    assert.ok(bundle.length > 10_000);
    assert.doesNotMatch(bundle, /["'`]node:[a-z_]+["'`]/, 'no node: specifier in the browser bundle');
    assert.doesNotMatch(bundle, /from\s*["'](fs|path|crypto|zlib)["']/, 'no bare Node built-in import');
  });

  it('opens a database, writes and reads a blob, commits and loads a turn in Chromium', async () => {
    assert.ok(available, `Chromium is required (LASH_REQUIRE_BROWSER=1) but missing at ${CHROMIUM}`);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.goto(`${origin}/`);
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
      await browser.close();
    }
  });
});
