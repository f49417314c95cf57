/**
 * Builds the playground with esbuild (the project's bundler) into routes
 * for the static server: the page, its CSS, the bundle and sql.js's WASM
 * file, all served locally.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Body } from './server.ts';

const here = import.meta.dirname;

export async function buildPlayground(options: { minify?: boolean } = {}): Promise<Record<string, Body>> {
  const result = await build({
    entryPoints: [join(here, 'src', 'main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    minify: options.minify ?? false,
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  const wasm = readFileSync(createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm-browser.wasm'));
  const page = readFileSync(join(here, 'index.html'), 'utf8');
  return {
    '/': page,
    '/index.html': page,
    '/styles.css': readFileSync(join(here, 'styles.css'), 'utf8'),
    '/main.js': result.outputFiles[0]!.text,
    '/sql-wasm-browser.wasm': wasm,
  };
}
