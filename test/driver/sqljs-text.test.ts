/**
 * Text round-trips exactly on both drivers (spec decision 20): sql.js decodes
 * TEXT with a TextDecoder that drops a leading U+FEFF unless told otherwise.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { it } from 'node:test';
import type { SqlJsStatic } from 'sql.js';
import { Store, type SessionMeta } from '../../src/index.ts';
import { writeTransaction } from '../../src/core/driver/transaction.ts';
import { openSqlJs } from '../../src/sqljs.ts';
import { describeEachDriver } from '../support/drivers.ts';

const TEXTS = ['\uFEFF', '\uFEFFsession', '\uFEFF\uFEFFtwo', `\uFEFF${'long '.repeat(100)}`, 'plain', 'mid\uFEFFdle', ''];

describeEachDriver('text round-trips exactly', (driver) => {
  it('keeps a leading U+FEFF through run/get/all, and in a stored session id', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    conn.exec('CREATE TABLE t (i INTEGER PRIMARY KEY, v TEXT)');
    writeTransaction(conn, () => TEXTS.forEach((text, i) => conn.run('INSERT INTO t VALUES (?, ?)', [i, text])));
    assert.deepEqual(conn.all<{ v: string }>('SELECT v FROM t ORDER BY i').map((r) => r.v), TEXTS);
    assert.equal(conn.get<{ v: string }>('SELECT v FROM t WHERE i = 1')!.v, '\uFEFFsession');
    assert.equal(conn.get<{ n: number }>('SELECT length(v) AS n FROM t WHERE i = 1')!.n, 8, 'stored with its U+FEFF');

    const store = await Store.open(conn);
    const meta: SessionMeta = {
      session_id: '\uFEFFbom-session',
      session_name: '\uFEFFnamed',
      created_at: 'unix:1780000000',
      model: 'model',
      cwd: null,
      relation: { kind: 'root' },
    };
    await store.saveSessionMeta(meta);
    assert.deepEqual(await store.loadSessionMeta(), meta);
    store.close();
  });
});

it('sql.js started elsewhere (without the exact decoder) still returns a leading U+FEFF', async () => {
  // A second copy of the sql.js module, started directly: its TextDecoder drops the mark.
  const require = createRequire(import.meta.url);
  const path = require.resolve('sql.js');
  delete require.cache[path];
  const initOther = require(path) as (config?: object) => Promise<SqlJsStatic>;
  const other = await initOther();
  const raw = new other.Database();
  assert.equal(raw.exec("SELECT char(65279) || 'x'")[0]!.values[0]![0], 'x', 'the module on its own drops it');
  raw.close();
  const conn = await openSqlJs({ sqlJs: other });
  conn.exec('CREATE TABLE t (v TEXT)');
  conn.run('INSERT INTO t VALUES (?)', ['\uFEFFkept']);
  assert.equal(conn.get<{ v: string }>('SELECT v FROM t')!.v, '\uFEFFkept');
  conn.close();
});
