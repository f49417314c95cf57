/**
 * Runs Workers on a local workerd through miniflare (its `workerd` binary
 * is an npm package): bundles a TypeScript entry with esbuild, the way
 * wrangler would, and starts it with SQLite-backed Durable Objects on a
 * persist folder, so a second start on the same folder is a restart.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { Miniflare } from 'miniflare';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const EXAMPLE_DIR = join(ROOT, 'examples/cloudflare');

/** The package's entry points, as the example imports them. */
const PACKAGE_ALIASES: Record<string, string> = {
  'lash-sqlite-store/durable-object': join(ROOT, 'src/durable-object.ts'),
  'lash-sqlite-store': join(ROOT, 'src/index.ts'),
};

export interface BundleOptions {
  /** esbuild plugins (the contract runner swaps Node-only test helpers for in-object ones). */
  plugins?: Plugin[];
}

/** One ES module holding the Worker and everything it imports but `cloudflare:` and `node:` modules. */
export async function bundleWorker(entry: string, options: BundleOptions = {}): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    external: ['cloudflare:*', 'node:*'],
    alias: PACKAGE_ALIASES,
    sourcemap: 'inline',
    logLevel: 'silent',
    plugins: options.plugins ?? [],
  });
  return result.outputFiles[0]!.text;
}

export interface WorkerConfig {
  compatibilityDate: string;
  compatibilityFlags: string[];
  /** Binding name to class name; every class SQLite-backed unless listed in `kvClasses`. */
  durableObjects: Record<string, string>;
  kvClasses?: string[];
}

/** The Worker settings of `examples/cloudflare/wrangler.jsonc`, so the tests run what would be deployed. */
export function exampleConfig(): WorkerConfig {
  const config = parseJsonc(readFileSync(join(EXAMPLE_DIR, 'wrangler.jsonc'), 'utf8')) as {
    compatibility_date: string;
    compatibility_flags?: string[];
    durable_objects: { bindings: Array<{ name: string; class_name: string }> };
    migrations: Array<{ new_sqlite_classes?: string[]; new_classes?: string[] }>;
  };
  const sqlite = new Set(config.migrations.flatMap((m) => m.new_sqlite_classes ?? []));
  const bindings = config.durable_objects.bindings;
  return {
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags ?? [],
    durableObjects: Object.fromEntries(bindings.map((b) => [b.name, b.class_name])),
    kvClasses: bindings.map((b) => b.class_name).filter((name) => !sqlite.has(name)),
  };
}

/** Starts workerd with `script`; Durable Object data lives in `persistDir`. */
export async function startWorker(script: string, config: WorkerConfig, persistDir: string): Promise<Miniflare> {
  const kv = new Set(config.kvClasses ?? []);
  const mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: config.compatibilityDate,
    compatibilityFlags: config.compatibilityFlags,
    durableObjects: Object.fromEntries(
      Object.entries(config.durableObjects).map(([binding, className]) => [binding, { className, useSQLite: !kv.has(className) }]),
    ),
    durableObjectsPersist: persistDir,
  });
  await mf.ready;
  return mf;
}

/** POSTs JSON to the Worker and returns the JSON reply (throwing on a non-2xx status). */
export async function postJson<T>(mf: Miniflare, path: string, body: unknown): Promise<T> {
  const response = await mf.dispatchFetch(`http://worker${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** JSON with `//` and `/* *\/` comments and trailing commas, as wrangler reads it. */
export function parseJsonc(text: string): unknown {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end - 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2) + 1;
    } else {
      out += c;
    }
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
}

function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}
