/**
 * The bundler examples: builds examples/vite with Vite and examples/esbuild
 * with esbuild, serves each build on loopback, and loads it in Chromium
 * twice — the WASM file must come from the build (not a CDN, not a guess),
 * and the second visit must find the first one's turn on the target.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshotOnFailure, serve, skipWithoutChromium, tempProfile, type LaunchedChromium } from './harness.ts';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');

describe('bundler examples (headless Chromium)', { skip: skipWithoutChromium, timeout: 240_000 }, () => {
  let chromium: LaunchedChromium;
  const profile = tempProfile('examples');
  const out = tempProfile('examples-out');

  before(async () => {
    chromium = await launchChromium(profile.dir);
  });

  after(async () => {
    await chromium?.close();
    profile.dispose();
    out.dispose();
  });

  async function visitTwice(root: string, label: string) {
    const server = await serve({}, { root });
    const page = await chromium.newPage();
    const requests: string[] = [];
    const failed: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('requestfailed', (request) => failed.push(request.url()));
    page.on('response', (response) => response.status() >= 400 && failed.push(`${response.status()} ${response.url()}`));
    try {
      const results = [];
      for (let visit = 0; visit < 2; visit++) {
        await page.goto(`${server.origin}/`);
        await page.waitForSelector('body[data-result]', { timeout: 30_000 });
        results.push(JSON.parse((await page.getAttribute('body', 'data-result'))!) as Record<string, unknown>);
      }
      assert.deepEqual(failed, []);
      assert.deepEqual(
        requests.filter((url) => !url.startsWith(server.origin) && !url.startsWith(`blob:${server.origin}/`)),
        [],
        'no request leaves the local server (blob: is the OPFS helper worker)',
      );
      return { results, requests };
    } catch (error) {
      await screenshotOnFailure([page], label);
      throw error;
    } finally {
      await page.close();
      await server.close();
    }
  }

  it('Vite: the ?url import serves sql-wasm-browser.wasm from the build, and IndexedDB keeps the session', async () => {
    const { build } = await import('vite');
    const outDir = join(out.dir, 'vite');
    await build({ root: join(EXAMPLES, 'vite'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
    const wasm = readdirSync(join(outDir, 'assets')).filter((f) => f.endsWith('.wasm'));
    assert.equal(wasm.length, 1, 'the WASM file is an asset of the build');
    const { results, requests } = await visitTwice(outDir, 'vite-example');
    assert.equal(results[0]!.error, undefined, String(results[0]!.error));
    assert.equal(results[0]!.durability, 'durable');
    assert.equal(results[1]!.nodes, Number(results[0]!.nodes) + 1, 'the second visit found the first one on IndexedDB');
    assert.ok(requests.some((url) => url.endsWith(`/assets/${wasm[0]}`)), 'sql.js fetched the WASM asset');
  });

  it('esbuild: the file loader copies sql-wasm-browser.wasm next to the bundle, and OPFS keeps the session', async () => {
    const { buildExample } = (await import(join(EXAMPLES, 'esbuild', 'build.mjs'))) as { buildExample(outdir: string): Promise<string> };
    const outDir = await buildExample(join(out.dir, 'esbuild'));
    const wasm = readdirSync(outDir).filter((f) => f.endsWith('.wasm'));
    assert.equal(wasm.length, 1);
    const { results, requests } = await visitTwice(outDir, 'esbuild-example');
    assert.equal(results[0]!.error, undefined, String(results[0]!.error));
    assert.equal(results[1]!.nodes, Number(results[0]!.nodes) + 1, 'the second visit found the first one on OPFS');
    assert.ok(requests.some((url) => url.endsWith(`/${wasm[0]}`)));
  });
});
