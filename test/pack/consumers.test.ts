/**
 * The pack smoke test: the tarball a user installs (`npm pack` of a fresh
 * build, see test/support/packed.ts), installed into fresh projects of each
 * kind, which open, commit and load on every driver with both APIs.
 *
 * Three projects install in parallel, once each:
 * The package is ESM only: CommonJS loads it with require(esm).
 *
 * - `node`: the package, sql.js, @types/node 22 (the oldest Node the package
 *   supports) and @types/sql.js. Runs the scenario as ESM and as CommonJS
 *   (`require()` of the ES module, on the tests' Node 24), and type-checks
 *   it (strict, no `skipLibCheck`, `lib` ES2022 without DOM and without
 *   `esnext.disposable`) under `nodenext` and `node16` (ESM and CJS files:
 *   a `.cts` types the package by `typeof import()`, under `node16` with
 *   `resolution-mode: 'import'`), and every entry under `node10`
 *   (typesVersions);
 * - `browser`: the package and sql.js, no `@types/*` at all. Type-checks a
 *   browser app under `bundler` with `lib` ES2022 + DOM, bundles it with
 *   esbuild (sql.js's WASM file as an asset) and runs it in Chromium; and
 *   measures the bundle of the whole `./sqljs` entry against its budget;
 * - `bare`: the package alone (sql.js is an optional peer): node:sqlite
 *   works, `./sqljs` imports, and opening sql.js says what to install;
 * - `frameworks`: the package with the frameworks its adapter entries are
 *   for (optional peers): programs using those entries type-check (nodenext,
 *   strict) and load and open as ESM and CommonJS.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { launchChromium, screenshotOnFailure, serve, skipWithoutChromium, tempProfile } from '../browser/harness.ts';
import { REPO_ROOT, execCommand, installConsumerProject, packedTarball, type ConsumerProject } from '../support/packed.ts';
import {
  BROWSER_LABELS,
  CORE_SPECIFIERS,
  FRAMEWORK_ENTRIES,
  NODE_LABELS,
  NODE_ONLY,
  PACKAGE,
  browserScenario,
  devDependency,
  everyEntry,
  expectedReport,
  frameworkScenario,
  nodeScenario,
  peer,
  withoutPeerScenario,
} from './sources.ts';

/**
 * The minified ESM browser bundle of everything `lash-sqlite-store/sqljs`
 * exports (sql.js's JavaScript included, its WASM file not), in bytes.
 * Measured at 319,807 raw / 99,898 gzip (esbuild 0.27, sql.js 1.16); of
 * that, about 20 kB raw / 7 kB gzip is the build's `keepNames`, whose
 * top-level `__name(…)` calls also keep a bundler from dropping what an app
 * does not import (`openSqlJs` + `Store` alone: 320 kB with it, 200 kB
 * without). Raise it only for code that earns its bytes.
 */
const BUNDLE_BUDGET = { raw: 335_000, gzip: 105_000 };
/**
 * The packed tarball, in bytes (issue 14: under 250 kB). Measured at 244,556:
 * ESM only, minified (names kept), no docs/, with the TSDoc'd declarations and
 * the conformance kit (523,111 before; see docs/design.md, "Packaging").
 */
const TARBALL_BUDGET = 250_000;

const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

function tsconfig(compilerOptions: Record<string, unknown>, files: readonly string[]): string {
  const strict = { strict: true, noEmit: true, skipLibCheck: false, target: 'es2022', forceConsistentCasingInFileNames: true };
  return JSON.stringify({ compilerOptions: { ...strict, ...compilerOptions }, files }, null, 2);
}

/** Runs `node file` in the project and parses the JSON report it prints. */
async function report(project: ConsumerProject, file: string): Promise<unknown> {
  const { code, stdout, output } = await execCommand(process.execPath, [file], project.dir, 90_000);
  assert.equal(code, 0, output);
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

async function typeCheck(project: ConsumerProject, config: string): Promise<void> {
  const { code, output } = await execCommand(process.execPath, [TSC, '-p', join(project.dir, config)], project.dir, 90_000);
  assert.equal(code, 0, `tsc -p ${config}:\n${output}`);
}

describe('the packed package in fresh consumer projects', { timeout: 240_000, concurrency: true }, () => {
  let node: ConsumerProject;
  let browser: ConsumerProject;
  let bare: ConsumerProject;
  let frameworks: ConsumerProject;

  before(async () => {
    const sqlJs = peer('sql.js');
    const frameworkPeers = [...new Set(Object.values(FRAMEWORK_ENTRIES))].map(peer);
    [node, browser, bare, frameworks] = await Promise.all([
      installConsumerProject({ extraDependencies: [sqlJs, '@types/node@22', devDependency('@types/sql.js')] }),
      installConsumerProject({ extraDependencies: [sqlJs] }),
      installConsumerProject(),
      installConsumerProject({ extraDependencies: [...frameworkPeers, '@types/node@22'] }),
    ]);
    const noDisposable = { lib: ['es2022'], noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true };
    writeFiles(node.dir, {
      'esm.mjs': nodeScenario('esm'),
      'cjs.cjs': nodeScenario('cjs'),
      'ts/esm.mts': nodeScenario('esm'),
      'ts/cjs.cts': nodeScenario('cts'),
      'ts/cjs16.cts': nodeScenario('cts16'),
      'ts/entries.mts': everyEntry(CORE_SPECIFIERS),
      'ts/entries.cts': everyEntry(CORE_SPECIFIERS, 'cts'),
      'ts/entries16.cts': everyEntry(CORE_SPECIFIERS, 'cts16'),
      // A module from the user's own sql.js is accepted where the driver takes one (the package declares its sql.js types).
      'ts/own-sqljs.mts': `import initSqlJs from 'sql.js';\nimport { openSqlJs } from '${PACKAGE}/sqljs';\nexport const conn = await openSqlJs({ sqlJs: await initSqlJs() });\n`,
      'ts/node10.ts': everyEntry(CORE_SPECIFIERS),
      // TypeScript >= 5.8 types require(esm) under `nodenext` (and `node20`): a .cts imports the package as it is.
      'tsconfig.nodenext.json': tsconfig({ ...noDisposable, module: 'nodenext', moduleResolution: 'nodenext', types: ['node'] }, [
        'ts/esm.mts',
        'ts/cjs.cts',
        'ts/entries.mts',
        'ts/entries.cts',
      ]),
      // Under `node16` (and `node18`) a .cts asks for the ESM declarations with `resolution-mode`.
      'tsconfig.node16.json': tsconfig({ ...noDisposable, module: 'node16', moduleResolution: 'node16', types: ['node'] }, [
        'ts/esm.mts',
        'ts/cjs16.cts',
        'ts/entries.mts',
        'ts/entries16.cts',
      ]),
      // @types/sql.js needs the DOM lib (through @types/emscripten): one reason the package declares its own sql.js types.
      'tsconfig.own-sqljs.json': tsconfig({ module: 'node16', moduleResolution: 'node16', lib: ['es2022', 'dom'], types: ['node'] }, [
        'ts/own-sqljs.mts',
      ]),
      'tsconfig.node10.json': tsconfig({ ...noDisposable, module: 'commonjs', moduleResolution: 'node10', types: ['node'] }, ['ts/node10.ts']),
    });
    writeFiles(browser.dir, {
      'src/app.ts': browserScenario(),
      'src/entries.ts': everyEntry(CORE_SPECIFIERS.filter((specifier) => !NODE_ONLY.has(specifier))),
      // What a bundler's asset import gives (Vite has `?url`; esbuild's file loader gives the path).
      'src/assets.d.ts': "declare module '*.wasm' {\n  const path: string;\n  export default path;\n}\n",
      'index.html': '<!doctype html><meta charset="utf-8"><title>lash-sqlite-store pack test</title><script type="module" src="./app.js"></script>\n',
      'tsconfig.json': tsconfig({ module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom', 'dom.iterable'], types: [] }, [
        'src/app.ts',
        'src/entries.ts',
        'src/assets.d.ts',
      ]),
    });
    writeFiles(bare.dir, { 'esm.mjs': withoutPeerScenario('esm'), 'cjs.cjs': withoutPeerScenario('cjs') });
    const entries = Object.keys(FRAMEWORK_ENTRIES);
    writeFiles(frameworks.dir, {
      'esm.mjs': frameworkScenario('esm'),
      'cjs.cjs': frameworkScenario('cjs'),
      'ts/esm.mts': frameworkScenario('esm'),
      'ts/cjs.cts': frameworkScenario('cts'),
      'ts/entries.mts': everyEntry(entries),
      'ts/entries.cts': everyEntry(entries, 'cts'),
      // skipLibCheck here only: checking the frameworks' own declarations takes ~22 s (574 files), and
      // @langchain/core's CJS declarations fail under node16 by themselves (they import an ESM-only
      // package). The programs are still checked against this package's declarations.
      'tsconfig.json': tsconfig({ lib: ['es2022'], module: 'nodenext', moduleResolution: 'nodenext', types: ['node'], skipLibCheck: true }, [
        'ts/esm.mts',
        'ts/cjs.cts',
        'ts/entries.mts',
        'ts/entries.cts',
      ]),
    });
  });

  after(() => {
    for (const project of [node, browser, bare, frameworks]) project?.dispose();
  });

  it('ESM (import): both drivers, the contract API and the session API', async () => {
    assert.deepEqual(await report(node, 'esm.mjs'), expectedReport(NODE_LABELS));
  });

  it(`CommonJS: require() of the ES module (require(esm), Node ${process.versions.node}), both drivers, the contract API and the session API`, async () => {
    const { code, stdout, stderr } = await execCommand(process.execPath, ['cjs.cjs'], node.dir, 90_000);
    assert.equal(code, 0, stderr);
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').at(-1)!), expectedReport(NODE_LABELS));
    assert.doesNotMatch(stderr, /ES Module|require\(\) of|ERR_REQUIRE/i, 'require(esm) loads it without a warning');
  });

  for (const resolution of ['nodenext', 'node16']) {
    it(`TypeScript ${resolution}, strict, no skipLibCheck, lib ES2022 (no DOM, no esnext.disposable), @types/node 22: ESM and CJS (.cts) files type-check and run`, async () => {
      await typeCheck(node, `tsconfig.${resolution}.json`);
      // Node runs the TypeScript itself (type stripping): the .cts as CommonJS (require(esm)), the .mts as ESM.
      const cts = resolution === 'nodenext' ? 'ts/cjs.cts' : 'ts/cjs16.cts';
      for (const file of ['ts/esm.mts', cts]) assert.deepEqual(await report(node, file), expectedReport(NODE_LABELS), file);
    });
  }

  it('TypeScript node10: every entry resolves to its declarations (typesVersions)', async () => {
    await typeCheck(node, 'tsconfig.node10.json');
  });

  it("TypeScript: a module from the user's own sql.js (typed by @types/sql.js) is accepted as { sqlJs }", async () => {
    await typeCheck(node, 'tsconfig.own-sqljs.json');
  });

  it('TypeScript bundler, a browser app: lib ES2022 + DOM, no @types/node, no esnext.disposable', async () => {
    assert.equal(existsSync(join(browser.dir, 'node_modules', '@types')), false, 'the browser project has no @types');
    await typeCheck(browser, 'tsconfig.json');
  });

  it(`esbuild bundle of all of ./sqljs for browsers: within ${BUNDLE_BUDGET.raw} B raw / ${BUNDLE_BUDGET.gzip} B gzip, no node: imports`, async (t) => {
    const result = await build({
      stdin: { contents: `export * from '${PACKAGE}/sqljs';`, resolveDir: browser.dir, loader: 'js' },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.contents;
    const text = result.outputFiles[0]!.text;
    const sizes = { raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
    const inputs = Object.keys(result.metafile.inputs);
    assert.deepEqual(
      inputs.filter((input) => input.startsWith('node:') || /^(fs|path|crypto|os|url|zlib)$/.test(input)),
      [],
      'no Node built-in is bundled',
    );
    assert.deepEqual(Object.values(result.metafile.outputs).flatMap((output) => output.imports), [], 'nothing is left to import at run time');
    assert.doesNotMatch(text, /(?:from|import|require)\s*\(?\s*["']node:/, 'no node: import in the bundle');
    assert.ok(inputs.some((input) => input.includes(`${PACKAGE}/dist/sqljs.js`)), 'bundled from the installed package');
    t.diagnostic(`./sqljs bundle: ${sizes.raw} B raw, ${sizes.gzip} B gzip (budget ${BUNDLE_BUDGET.raw} / ${BUNDLE_BUDGET.gzip})`);
    assert.ok(sizes.raw <= BUNDLE_BUDGET.raw, `bundle ${sizes.raw} B raw is over the ${BUNDLE_BUDGET.raw} B budget`);
    assert.ok(sizes.gzip <= BUNDLE_BUDGET.gzip, `bundle ${sizes.gzip} B gzip is over the ${BUNDLE_BUDGET.gzip} B budget`);
  });

  describe('the bundled browser app in Chromium', { skip: skipWithoutChromium, timeout: 120_000 }, () => {
    it('loads sql-wasm-browser.wasm from the build and opens, commits and loads with both APIs', async () => {
      const outDir = join(browser.dir, 'dist');
      await build({
        entryPoints: [join(browser.dir, 'src', 'app.ts')],
        absWorkingDir: browser.dir,
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        outfile: join(outDir, 'app.js'),
        loader: { '.wasm': 'file' },
        logLevel: 'silent',
      });
      writeFileSync(join(outDir, 'index.html'), readFileSync(join(browser.dir, 'index.html')));
      const wasm = readdirSync(outDir).filter((file) => file.endsWith('.wasm'));
      assert.equal(wasm.length, 1, 'the file loader emitted the WASM file');
      const shipped = readFileSync(join(browser.dir, 'node_modules', 'sql.js', 'dist', 'sql-wasm-browser.wasm'));
      assert.ok(readFileSync(join(outDir, wasm[0]!)).equals(shipped), "it is sql.js's browser WASM build");

      const profile = tempProfile('pack');
      const chromium = await launchChromium(profile.dir);
      const server = await serve({}, { root: outDir });
      const page = await chromium.newPage();
      const failed: string[] = [];
      page.on('response', (response) => response.status() >= 400 && failed.push(`${response.status()} ${response.url()}`));
      try {
        await page.goto(`${server.origin}/`);
        await page.waitForSelector('body[data-result]', { state: 'attached', timeout: 30_000 });
        const result = JSON.parse((await page.getAttribute('body', 'data-result'))!) as Record<string, unknown>;
        assert.deepEqual(result, { ...expectedReport(BROWSER_LABELS), asked: ['sql-wasm-browser.wasm'] });
        assert.deepEqual(failed, []);
      } catch (error) {
        await screenshotOnFailure([page], 'pack-browser-app');
        throw error;
      } finally {
        await page.close();
        await server.close();
        await chromium.close();
        profile.dispose();
      }
    });
  });

  it('without sql.js (an optional peer): node:sqlite works, and opening sql.js names the fix', async () => {
    assert.equal(existsSync(join(bare.dir, 'node_modules', 'sql.js')), false, 'npm did not install the optional peer');
    for (const file of ['esm.mjs', 'cjs.cjs']) {
      const result = (await report(bare, file)) as Record<string, { code?: string; message?: string } | string[]>;
      assert.deepEqual(result.node, ['node:sqlite needs no sql.js'], file);
      for (const opener of ['openSqlJs', 'openSqlJsSessions']) {
        const failure = result[opener] as { code?: string; message?: string };
        assert.equal(failure.code, 'LASH_SQLJS_MISSING', `${file} ${opener}: ${JSON.stringify(failure)}`);
        assert.match(failure.message ?? '', /npm install sql\.js/, `${file} ${opener}`);
      }
    }
    const cli = await execCommand(process.execPath, [join(bare.dir, 'node_modules', '.bin', 'lash-store'), '--help'], bare.dir);
    assert.equal(cli.code, 0, `the lash-store bin runs without sql.js:\n${cli.output}`);
  });

  it('the framework entries with their frameworks installed: type-check (nodenext, strict), load and open as ESM and CJS', async () => {
    await typeCheck(frameworks, 'tsconfig.json');
    const expected = { checkpoint: null, sessionId: 'pack', items: [] };
    for (const file of ['esm.mjs', 'cjs.cjs', 'ts/esm.mts', 'ts/cjs.cts']) assert.deepEqual(await report(frameworks, file), expected, file);
  });

  it(`the tarball: at most ${TARBALL_BUDGET} B, ESM and declarations only, LICENSE in, no docs, tests, sources, maps or examples`, async (t) => {
    const tarball = packedTarball();
    const size = statSync(tarball).size;
    // `tar -tv`: mode, owner, size, date, time, path.
    const listing = await execCommand('tar', ['-tvzf', tarball], REPO_ROOT);
    assert.equal(listing.code, 0, listing.output);
    const entries = listing.stdout
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .map((fields) => ({ size: Number(fields[2]), path: fields.slice(5).join(' ').replace(/^package\//, '') }));
    const files = entries.map((entry) => entry.path);
    for (const required of ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/cli.js']) {
      assert.ok(files.includes(required), `${required} is packed`);
    }
    assert.deepEqual(
      files.filter((path) => !/^dist\/[\w.-]+\.(js|d\.ts)$/.test(path) && !['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json'].includes(path)),
      [],
      'only the build (ESM and declarations: no .cjs, .d.cts or maps) and the README, CHANGELOG and LICENSE',
    );
    assert.ok(!files.includes('dist/cli.d.ts'), 'the bin has no declarations');
    const unpacked = entries.reduce((sum, entry) => sum + entry.size, 0);
    const largest = entries
      .toSorted((a, b) => b.size - a.size)
      .slice(0, 3)
      .map((entry) => `${entry.path} ${entry.size}`);
    t.diagnostic(`tarball: ${size} B packed, ${unpacked} B unpacked, ${files.length} files (budget ${TARBALL_BUDGET}); largest: ${largest.join(', ')}`);
    assert.ok(size <= TARBALL_BUDGET, `tarball ${size} B is over the ${TARBALL_BUDGET} B budget`);
  });
});
