/**
 * The example of docs/testing.md is examples/conformance/driver.test.ts,
 * verbatim, and it passes: it runs here as written (its
 * `lash-sqlite-store/...` imports pointed at this repository's sources, as
 * its tsconfig's `paths` do for the type check), in a child `node --test`,
 * against both built-in drivers.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE = 'examples/conformance/driver.test.ts';
const example = readFileSync(join(ROOT, EXAMPLE), 'utf8');
const doc = readFileSync(join(ROOT, 'docs/testing.md'), 'utf8');

/** The package's entries, as the example imports them, and the sources they are built from. */
const ENTRIES: Record<string, string> = {
  'lash-sqlite-store': 'src/index.ts',
  'lash-sqlite-store/node': 'src/node.ts',
  'lash-sqlite-store/sqljs': 'src/sqljs.ts',
  'lash-sqlite-store/testing': 'src/testing.ts',
};

it('docs/testing.md shows the example file verbatim', () => {
  const marker = `<!-- ${EXAMPLE} -->`;
  const at = doc.indexOf(marker);
  assert.ok(at >= 0, `docs/testing.md has the marker ${marker}`);
  const block = /```ts\n([\s\S]*?)```/.exec(doc.slice(at));
  assert.ok(block !== null, 'a ts block follows the marker');
  assert.equal(block[1], example);
});

it('runs every suite of the kit on both drivers, and every case passes', { timeout: 600_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lash-conformance-example-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const specifiers = new Set<string>();
  const source = example.replace(/from '(lash-sqlite-store[^']*)'/g, (_all, specifier: string) => {
    const path = ENTRIES[specifier];
    assert.ok(path !== undefined, `the example imports ${specifier}`);
    specifiers.add(specifier);
    return `from '${pathToFileURL(join(ROOT, path)).href}'`;
  });
  assert.deepEqual([...specifiers].sort(), Object.keys(ENTRIES).sort());
  const file = join(dir, 'driver.test.ts');
  writeFileSync(file, source);
  const { stdout } = await promisify(execFile)(process.execPath, ['--test', '--test-reporter=tap', file], {
    cwd: dir,
    // Without this, the child would report to this runner instead of printing TAP.
    env: { ...process.env, NODE_TEST_CONTEXT: undefined },
    maxBuffer: 64 * 1024 * 1024,
  });
  const total = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(stdout)?.[1]);
  assert.equal(total('fail'), 0);
  assert.ok(total('pass') > 200, `${total('pass')} passed`);
  // The file-backed driver declares read-only connections; the in-memory one does not.
  assert.equal(total('skipped'), 1);
  for (const driver of ['node:sqlite file', 'sql.js memory']) {
    assert.match(stdout, new RegExp(`# Subtest: runtime persistence conformance \\[${driver}\\]`));
    assert.match(stdout, new RegExp(`# Subtest: process registry conformance \\[${driver}\\]`));
  }
});
