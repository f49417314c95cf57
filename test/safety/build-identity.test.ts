/**
 * Spec decision 19 on the built package: two copies of the build loaded in
 * one process (a package installed twice in node_modules) share one identity
 * per error class (an error thrown by one is `instanceof` the other's class,
 * through the `Symbol.for` brand), and class names survive the minified
 * build (`keepNames`, identifiers not mangled). One copy is imported, the
 * other loaded with `require()` (require(esm), as a CommonJS consumer does).
 * Builds with the project's own tsup config into a temporary directory
 * inside the repository, so the dependencies resolve.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { it } from 'node:test';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..', '..');

it('two copies of the build share one error identity and keep class names, and stack traces name functions', async (t) => {
  const dir = mkdtempSync(join(root, '.build-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'one');
  const built = spawnSync(process.execPath, [join(root, 'node_modules/tsup/dist/cli-default.js'), '--out-dir', out, '--no-dts', '--no-sourcemap'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(built.status, 0, built.stderr);
  cpSync(out, join(dir, 'two'), { recursive: true });
  type Entry = typeof import('../../src/index.ts');
  const esm = (await import(pathToFileURL(join(out, 'index.js')).href)) as Entry;
  const cjs = createRequire(import.meta.url)(join(dir, 'two', 'index.js')) as Entry;
  assert.notEqual(esm.StoreError, cjs.StoreError, 'two copies of the class');
  const fromCjs = new cjs.StoreError({ kind: 'Busy', message: 'm', waited_ms: 1 });
  assert.ok(fromCjs instanceof esm.StoreError);
  assert.ok(new esm.StoreError({ kind: 'Backend', message: 'm' }) instanceof cjs.StoreError);
  assert.ok(!(fromCjs instanceof esm.PluginError));
  assert.ok(new cjs.SqliteBusyError('locked', 5) instanceof esm.SqliteError, 'subclasses too');
  assert.ok(!(new cjs.SqliteError('x', 1) instanceof esm.SqliteBusyError));
  for (const name of ['StoreError', 'PluginError', 'RuntimeEffectControllerError', 'ArtifactStoreError', 'InvalidInputError', 'SqliteBusyError'] as const) {
    assert.equal(esm[name].name, name, `first copy: ${name}`);
    assert.equal(cjs[name].name, name, `second copy: ${name}`);
  }
  assert.equal(fromCjs.name, 'StoreError');
  assert.equal(fromCjs.constructor.name, 'StoreError');
  // A real error from one build, caught with the other's class.
  const conn = new esm.InvalidInputError('x');
  assert.ok(conn instanceof cjs.InvalidInputError && conn instanceof TypeError);
  const thrown = await cjs.Store.open(null as never).then(
    () => assert.fail('Store.open(null) resolved'),
    (error: unknown) => error,
  );
  assert.ok(thrown instanceof esm.InvalidInputError);
  // The minified build keeps the sources' names: the trace reads like the sources.
  const stack = (thrown as Error).stack ?? '';
  assert.match(stack, /^InvalidInputError: Store\.open needs a SqliteConnection/, stack);
  assert.match(stack, /\bat Store\.open \(/, stack);
  // Node prints the source line of an uncaught error: minified lines stay short (esbuild's lineLimit).
  for (const file of readdirSync(out).filter((name) => name.endsWith('.js'))) {
    const longest = Math.max(...readFileSync(join(out, file), 'utf8').split('\n').map((line) => line.length));
    assert.ok(longest < 2_000, `${file}: a line of ${longest} characters`);
  }
});
