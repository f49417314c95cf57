/**
 * Bundles the contract test files into the Durable Object test Worker.
 *
 * The files are the very ones `npm test` runs under Node: every test file
 * with a `describeEachDriver` suite, plus the conformance kit's suites (the
 * cases the contract test files run through `runConformance`), which
 * worker/conformance-kit.ts runs against the object. esbuild swaps what only Node has for
 * in-object stand-ins (test/durable-object/worker/): `node:test`, the driver
 * matrix, `src/node.ts`, `src/sqljs.ts`, child processes and `node:fs`
 * (fixture files are embedded). `import.meta.dirname` / `url` become the
 * file's real location, so paths computed from them still name the file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { bundleWorker, ROOT } from './workerd.ts';

const WORKER_DIR = join(ROOT, 'test/durable-object/worker');
const SUITE_MODULE = 'lash:contract-suite';
const ASSERT = join(WORKER_DIR, 'assert.ts');
/** Cases only a Durable Object has, run with the shared ones. */
const PLATFORM_CASES = join(WORKER_DIR, 'platform-cases.ts');
/** The conformance kit, run against the object (the kit's cases are no longer in test files). */
const KIT_CASES = join(WORKER_DIR, 'conformance-kit.ts');

/** Modules of the Node test setup, by absolute path, and what replaces them in the object. */
const STAND_INS: Record<string, string> = {
  [join(ROOT, 'test/support/drivers.ts')]: join(WORKER_DIR, 'drivers.ts'),
  [join(ROOT, 'test/support/child.ts')]: join(WORKER_DIR, 'child.ts'),
  [join(ROOT, 'src/node.ts')]: join(WORKER_DIR, 'node-entry.ts'),
  [join(ROOT, 'src/sqljs.ts')]: join(WORKER_DIR, 'sqljs-entry.ts'),
};

/**
 * Test folders left out of the in-object run: the framework adapters' tests
 * pull Node-only modules of the frameworks into the bundle (the OpenAI
 * Agents SDK: child_process, tty; LangGraph's test graph: node:fs).
 */
const NOT_BUNDLED = [join(ROOT, 'test/adapters')];

/** Test files with a `describeEachDriver` suite, in path order. */
export function contractTestFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!NOT_BUNDLED.includes(path)) walk(path);
      }
      else if (entry.name.endsWith('.test.ts') && readFileSync(path, 'utf8').includes('describeEachDriver(')) files.push(path);
    }
  };
  walk(join(ROOT, 'test'));
  return files.sort();
}

function fixtureFiles(): string[] {
  const dir = join(ROOT, 'test/fixtures');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => join(dir, name));
}

function contractPlugin(files: readonly string[]): Plugin {
  const testFiles = new Set(files);
  return {
    name: 'lash-contract-suite',
    setup(build) {
      build.onResolve({ filter: /^lash:contract-suite$/ }, () => ({ path: SUITE_MODULE, namespace: 'lash-suite' }));
      build.onLoad({ filter: /.*/, namespace: 'lash-suite' }, () => ({
        contents: files.map((file) => `import ${JSON.stringify(file)};`).join('\n'),
        resolveDir: ROOT,
        loader: 'ts',
      }));
      // The package says `"sideEffects": false`; test files are nothing but side effects.
      build.onResolve({ filter: /\.ts$/ }, (args) =>
        args.namespace === 'lash-suite' ? { path: args.path, sideEffects: true } : undefined,
      );
      build.onResolve({ filter: /^node:assert(\/strict)?$/ }, (args) =>
        args.importer === ASSERT ? undefined : { path: ASSERT },
      );
      build.onResolve({ filter: /^node:test$/ }, () => ({ path: join(WORKER_DIR, 'node-test.ts') }));
      build.onResolve({ filter: /^node:fs$/ }, (args) =>
        testFiles.has(args.importer) ? { path: 'node:fs', namespace: 'lash-fs' } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'lash-fs' }, () => ({ contents: fsModule(), resolveDir: WORKER_DIR, loader: 'ts' }));
      build.onResolve({ filter: /\.ts$/ }, (args) => {
        if (args.importer === '' || args.namespace !== 'file') return undefined;
        const target = STAND_INS[join(dirname(args.importer), args.path)];
        return target === undefined ? undefined : { path: target };
      });
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (!testFiles.has(args.path)) return undefined;
        const source = readFileSync(args.path, 'utf8')
          .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
          .replaceAll('import.meta.filename', JSON.stringify(args.path))
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
        const enter = `import { enterFile as __lashEnterFile } from ${JSON.stringify(join(WORKER_DIR, 'node-test.ts'))};\n__lashEnterFile(${JSON.stringify(relative(ROOT, args.path))});\n`;
        return { contents: enter + source, loader: 'ts', resolveDir: dirname(args.path) };
      });
    },
  };
}

/** `node:fs` for test files: `readFileSync` of the embedded fixtures, nothing else. */
function fsModule(): string {
  const embedded = Object.fromEntries(fixtureFiles().map((path) => [pathToFileURL(path).href, readFileSync(path, 'utf8')]));
  return `
import { notApplicable } from './not-applicable.ts';
const FILES: Record<string, string> = ${JSON.stringify(embedded)};
export function readFileSync(path: string | URL, encoding?: string): string | Uint8Array {
  const href = typeof path === 'string' ? new URL('file://' + path).href : path.href;
  const text = FILES[href];
  if (text === undefined) return notApplicable('reading ' + href);
  return encoding === undefined ? new TextEncoder().encode(text) : text;
}
export const existsSync = (): never => notApplicable('the file system');
export const writeFileSync = (): never => notApplicable('the file system');
export const mkdirSync = (): never => notApplicable('the file system');
export const mkdtempSync = (): never => notApplicable('the file system');
export const rmSync = (): never => notApplicable('the file system');
export const readdirSync = (): never => notApplicable('the file system');
export default { readFileSync, existsSync, writeFileSync, mkdirSync, mkdtempSync, rmSync, readdirSync };
`;
}

/** The contract Worker with every contract test file in it. */
export async function bundleContractWorker(): Promise<{ script: string; files: string[] }> {
  const files = [...contractTestFiles(), KIT_CASES, PLATFORM_CASES];
  const script = await bundleWorker(join(WORKER_DIR, 'contract-worker.ts'), { plugins: [contractPlugin(files)] });
  return { script, files: files.map((file) => relative(ROOT, file)) };
}
