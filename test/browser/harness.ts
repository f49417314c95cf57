/**
 * Shared by the Chromium tests and the browser benchmark: bundling page code
 * with esbuild, serving it (and sql.js's WASM) on loopback, and driving
 * Debian's Chromium with playwright-core over CDP — launched by us, so a test
 * can SIGKILL the whole browser and start it again on the same profile.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { startStaticServer, type Body, type StaticServer } from '../../playground/server.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const required = process.env.LASH_REQUIRE_BROWSER === '1';
export const chromiumAvailable = existsSync(CHROMIUM);

/** `describe(…, { skip })`: skipped with instructions when Chromium is missing, unless LASH_REQUIRE_BROWSER=1 (CI). */
export const skipWithoutChromium: string | false =
  !chromiumAvailable && !required
    ? `Chromium not found at ${CHROMIUM}: install it (sudo apt-get install chromium) or set CHROMIUM_PATH to run the browser tests`
    : false;

export function assertChromium(): void {
  if (!chromiumAvailable) throw new Error(`Chromium is required (LASH_REQUIRE_BROWSER=1) but missing at ${CHROMIUM}`);
}

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Bundles a browser entry point (ESM, no Node built-ins). */
export async function bundle(entry: string, define: Record<string, string> = {}): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    define,
  });
  return result.outputFiles[0]!.text;
}

const require = createRequire(import.meta.url);
/** sql.js's browser WASM build, as a bundled page asks for it. */
export const SQL_WASM = readFileSync(require.resolve('sql.js/dist/sql-wasm-browser.wasm'));

export type { StaticServer } from '../../playground/server.ts';

/**
 * Serves `routes` (path → content) and the files under `root` on 127.0.0.1.
 * With `anyWasm` (the default without a root), any other `*.wasm` request
 * gets sql.js's WASM.
 */
export function serve(routes: Record<string, Body>, options: { root?: string; anyWasm?: boolean } = {}): Promise<StaticServer> {
  const { root, anyWasm = root === undefined } = options;
  return startStaticServer({ routes, root, fallback: (path) => (anyWasm && path.endsWith('.wasm') ? SQL_WASM : undefined) });
}

/** A Chromium we launched ourselves, on a profile directory that outlives it. */
export interface LaunchedChromium {
  readonly browser: Browser;
  readonly process: ChildProcess;
  /** A new tab. */
  newPage(): Promise<Page>;
  /** SIGKILL to the browser's whole process group: no shutdown, no flush. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

export async function launchChromium(profileDir: string): Promise<LaunchedChromium> {
  assertChromium();
  mkdirSync(profileDir, { recursive: true });
  const child = spawn(CHROMIUM, [...CHROMIUM_FLAGS, `--user-data-dir=${profileDir}`, '--remote-debugging-port=0', 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start:\n${stderr}`)), 30_000);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited (${code}) before listening:\n${stderr}`));
    });
  });
  child.stderr!.resume();
  const { chromium } = await import('playwright-core');
  const browser = await chromium.connectOverCDP(endpoint);
  const killGroup = async () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
  };
  return {
    browser,
    process: child,
    newPage: () => browser.contexts()[0]!.newPage(),
    kill: killGroup,
    async close() {
      await browser.close().catch(() => undefined);
      const timer = setTimeout(() => void killGroup(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A temporary directory, removed by `dispose()`. */
export function tempProfile(label: string): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), `lash-${label}-`));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Where failure screenshots go (gitignored). */
export const SCREENSHOT_DIR = join(import.meta.dirname, '..', '..', '.browser-artifacts');

/** Saves a screenshot of every open page, named after the test; never throws. */
export async function screenshotOnFailure(pages: readonly Page[], label: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  let i = 0;
  for (const page of pages) {
    const file = join(SCREENSHOT_DIR, `${label.replace(/[^a-z0-9]+/gi, '-')}-${i++}.png`);
    await page.screenshot({ path: file, fullPage: true, timeout: 5000 }).catch(() => undefined);
  }
}
