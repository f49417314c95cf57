/**
 * Spec decision 21, measured: a 10 ms interval keeps ticking (no gap over
 * 100 ms) while another OS process holds the write lock for 2 s, and the
 * waiting commit then succeeds. A timing test, so it runs on its own after
 * the main suite (`npm run test:timing`), not beside the heavy
 * multi-process tests; the bound-exceeded half (`Busy`) is in
 * `test/safety/lock-wait.test.ts`.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Store } from '../../src/index.ts';
import { openNodeSqlite } from '../../src/node.ts';
import { commitAt } from '../session/helpers.ts';
import { spawnChild } from '../support/child.ts';
import { tempDir } from '../support/drivers.ts';

const HOLD = join(import.meta.dirname, '../fixtures/hold-write-lock.ts');

describe('lock waits never freeze the event loop [node-sqlite]', () => {
  it('a 10 ms interval keeps ticking while another process holds the write lock for 2 s; the commit then succeeds', async (t) => {
    const path = join(tempDir(t, 'lash-timing'), 'session.db');
    const conn = openNodeSqlite(path);
    t.after(() => conn.close());
    conn.exec('CREATE TABLE t (v)');
    const store = await Store.open(conn);
    const child = spawnChild(HOLD, [path]);
    t.after(() => child.process.kill('SIGKILL'));
    assert.deepEqual(await child.next(), { locked: true });
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(performance.now()), 10);
    const started = performance.now();
    child.send({ release: 'commit', afterMs: 2_000 });
    let result;
    try {
      result = await store.commitRuntimeState(commitAt('root', 0));
    } finally {
      clearInterval(timer);
    }
    const waited = performance.now() - started;
    assert.equal(result.head_revision, 1);
    assert.ok(waited >= 1_800, `the commit waited for the lock (${Math.round(waited)} ms)`);
    const gaps = ticks.slice(1).map((tick, i) => tick - ticks[i]!);
    const worst = Math.max(...gaps);
    assert.ok(ticks.length > waited / 50, `the interval ran ${ticks.length} times in ${Math.round(waited)} ms`);
    assert.ok(worst <= 100, `the longest gap between ticks was ${Math.round(worst)} ms`);
    assert.deepEqual(await child.next(), { released: true });
  });

});
