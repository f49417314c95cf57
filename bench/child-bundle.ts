/**
 * Bundles a bench script for a child process under another Node (a peer
 * whose native addon is built for that Node): esbuild (a dev dependency)
 * writes it into `node_modules/.cache/lash-bench`, where it finds the same
 * packages.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Bundles `entry` (a path) to `node_modules/.cache/lash-bench/<name>` and returns the output path. */
export async function bundleForChild(entry: string, name: string): Promise<string> {
  const esbuild = await import('esbuild');
  const out = join(import.meta.dirname, '..', 'node_modules', '.cache', 'lash-bench', name);
  mkdirSync(join(out, '..'), { recursive: true });
  esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: out, logLevel: 'silent' });
  return out;
}
