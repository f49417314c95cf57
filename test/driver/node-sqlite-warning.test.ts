/**
 * Node 22's "SQLite is an experimental feature" warning: the node driver
 * loads node:sqlite on the first open (not on import), and
 * `silenceSqliteExperimentalWarning()` drops that one warning and no other.
 *
 * These run in child processes (warnings are per process). The Node that
 * runs the tests (24) no longer prints the warning, so the filter is fed
 * the warning exactly as Node 22's experimental-feature check emits it:
 * `process.emitWarning(message, 'ExperimentalWarning')`, synchronously, as
 * node:sqlite loads (checked by hand on Node 22.23: docs/node-sqlite-warning.md).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

const NODE_ENTRY = pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'node.ts')).href;
const SQLITE_MESSAGE = 'SQLite is an experimental feature and might change at any time';

function runModule(source: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--input-type=module', '--eval', source], { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("node:sqlite's ExperimentalWarning (Node 22)", () => {
  it('importing lash-sqlite-store/node does not load node:sqlite; the first open does', () => {
    const { status, stdout, stderr } = runModule(`
      const loaded = () => process.moduleLoadList.includes('NativeModule sqlite');
      const { openNodeSqlite, nodeCodecs } = await import(${JSON.stringify(NODE_ENTRY)});
      const afterImport = loaded();
      openNodeSqlite(':memory:').close();
      console.log(JSON.stringify({ afterImport, afterOpen: loaded(), codecs: typeof nodeCodecs }));
    `);
    assert.equal(status, 0, stderr);
    assert.deepEqual(JSON.parse(stdout), { afterImport: false, afterOpen: true, codecs: 'object' });
  });

  it('silenceSqliteExperimentalWarning drops the SQLite warning in every emitWarning form, and nothing else', () => {
    const { status, stdout, stderr } = runModule(`
      const { silenceSqliteExperimentalWarning, openNodeSqlite } = await import(${JSON.stringify(NODE_ENTRY)});
      const seen = [];
      process.on('warning', (warning) => seen.push(warning.name + ': ' + warning.message));
      silenceSqliteExperimentalWarning();
      silenceSqliteExperimentalWarning(); // idempotent: one wrapper
      const message = ${JSON.stringify(SQLITE_MESSAGE)};
      process.emitWarning(message, 'ExperimentalWarning');
      process.emitWarning(message, { type: 'ExperimentalWarning' });
      const error = new Error(message);
      error.name = 'ExperimentalWarning';
      process.emitWarning(error);
      openNodeSqlite(':memory:').close();
      process.emitWarning('WebSocket is an experimental feature and might change at any time', 'ExperimentalWarning');
      process.emitWarning(message, 'DeprecationWarning');
      process.emitWarning('plain warning');
      setImmediate(() => console.log(JSON.stringify(seen)));
    `);
    assert.equal(status, 0, stderr);
    assert.deepEqual(JSON.parse(stdout), [
      'ExperimentalWarning: WebSocket is an experimental feature and might change at any time',
      `DeprecationWarning: ${SQLITE_MESSAGE}`,
      'Warning: plain warning',
    ]);
    assert.doesNotMatch(stderr, /ExperimentalWarning: SQLite/, 'not printed by Node either');
    assert.match(stderr, /WebSocket is an experimental feature/, 'other warnings still print');
  });

  it('without the filter the warning reaches listeners and stderr (the test above is not vacuous)', () => {
    const { status, stdout, stderr } = runModule(`
      const seen = [];
      process.on('warning', (warning) => seen.push(warning.name));
      process.emitWarning(${JSON.stringify(SQLITE_MESSAGE)}, 'ExperimentalWarning');
      setImmediate(() => console.log(JSON.stringify(seen)));
    `);
    assert.equal(status, 0, stderr);
    assert.deepEqual(JSON.parse(stdout), ['ExperimentalWarning']);
    assert.match(stderr, /ExperimentalWarning: SQLite is an experimental feature/);
  });
});
