import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteValueError, TransactionError } from '../../src/index.ts';
import { writeTransaction } from '../../src/core/driver/transaction.ts';
import { atomicFilePersistence } from '../../src/node.ts';
import { deleteSqlJsDatabase, hasSqlJsDatabase, openSqlJs } from '../../src/sqljs.ts';
import { tempDir } from '../support/drivers.ts';

let n = 0;
const uniqueName = () => `sqljs-test-${process.pid}-${++n}`;

describe('sql.js driver', () => {
  it('gives each unnamed open a private database with an inline tier', async () => {
    const a = await openSqlJs();
    const b = await openSqlJs();
    a.exec('CREATE TABLE only_in_a (x)');
    assert.equal(b.get("SELECT name FROM sqlite_master WHERE name = 'only_in_a'"), undefined);
    assert.deepEqual({ ...a.info }, { engine: 'sqljs', location: null, memory: true, readOnly: false, durability: 'inline' });
    assert.equal(a.codecs, undefined, 'components fall back to the portable codecs');
    assert.equal(a.recovery, null, 'no persistence target');
    assert.equal(await a.storageReport(), null);
    await a.whenDurable();
    await a.flush();
    a.close();
    b.close();
  });

  it('shares a named database between handles, and keeps it after every handle closed', async () => {
    const name = uniqueName();
    const a = await openSqlJs({ name });
    const b = await openSqlJs({ name });
    a.exec('CREATE TABLE t (v)');
    writeTransaction(a, () => a.run('INSERT INTO t VALUES (?)', ['shared']));
    assert.equal(b.get<{ v: string }>('SELECT v FROM t')!.v, 'shared');
    a.close();
    b.close();
    assert.equal(hasSqlJsDatabase(name), true);
    const c = await openSqlJs({ name });
    assert.equal(c.get<{ v: string }>('SELECT v FROM t')!.v, 'shared', 'reopened after close');
    assert.equal(deleteSqlJsDatabase(name), true);
    assert.equal(deleteSqlJsDatabase(name), false);
    assert.throws(() => c.get('SELECT 1'), /was deleted/);
    const fresh = await openSqlJs({ name });
    assert.equal(fresh.get("SELECT name FROM sqlite_master WHERE name = 't'"), undefined);
    deleteSqlJsDatabase(name);
  });

  it('opens from file bytes, and refuses bytes for a name that is already open', async () => {
    const source = await openSqlJs();
    source.exec("CREATE TABLE t (v); INSERT INTO t VALUES ('from bytes')");
    const bytes = source.export();
    source.close();
    const name = uniqueName();
    const copy = await openSqlJs({ name, data: bytes });
    assert.equal(copy.get<{ v: string }>('SELECT v FROM t')!.v, 'from bytes');
    await assert.rejects(openSqlJs({ name, data: bytes }), SqliteValueError);
    deleteSqlJsDatabase(name);
  });

  it('re-applies pragmas and keeps working after export()', async () => {
    const conn = await openSqlJs();
    conn.exec(`CREATE TABLE p (id TEXT PRIMARY KEY);
      CREATE TABLE c (pid TEXT NOT NULL REFERENCES p(id) ON DELETE CASCADE)`);
    conn.run('INSERT INTO p VALUES (?)', ['x']); // caches a statement
    conn.export();
    assert.equal(conn.get<{ foreign_keys: number }>('PRAGMA foreign_keys')!.foreign_keys, 1);
    conn.run('INSERT INTO p VALUES (?)', ['y']); // the cached statement was dropped, not reused freed
    assert.throws(() => conn.run('INSERT INTO c VALUES (?)', ['nope']), /FOREIGN KEY/);
    conn.close();
  });

  it('refuses to export inside an open transaction, leaving the transaction intact', async () => {
    const conn = await openSqlJs();
    conn.exec('CREATE TABLE t (v)');
    writeTransaction(conn, () => {
      conn.run('INSERT INTO t VALUES (1)');
      assert.throws(() => conn.export(), TransactionError);
      conn.run('INSERT INTO t VALUES (2)');
    });
    assert.equal(conn.get<{ n: number }>('SELECT COUNT(*) AS n FROM t')!.n, 2);
    conn.close();
  });

  it('with atomicFilePersistence is durable, writes a complete image after each commit, and reopens from it', async (t) => {
    const path = join(tempDir(t), 'sqljs.db');
    const conn = await openSqlJs({ persistence: atomicFilePersistence(path) });
    assert.equal(conn.info.durability, 'durable');
    assert.equal(conn.recovery?.target, 'file');
    conn.exec('CREATE TABLE t (v)');
    writeTransaction(conn, () => conn.run('INSERT INTO t VALUES (?)', ['on disk']));
    assert.throws(() => writeTransaction(conn, () => { conn.run('INSERT INTO t VALUES (?)', ['rolled back']); throw new Error('no'); }));
    await conn.whenDurable();
    const again = await openSqlJs({ data: new Uint8Array(readFileSync(path)) });
    assert.deepEqual(again.all<{ v: string }>('SELECT v FROM t').map((r) => r.v), ['on disk']);
    again.close();
    await conn.close();
    const reopened = await openSqlJs({ persistence: atomicFilePersistence(path) });
    assert.deepEqual(reopened.all<{ v: string }>('SELECT v FROM t').map((r) => r.v), ['on disk'], 'opens what the file holds');
    assert.equal(reopened.recovery?.integrity, 'ok');
    await reopened.close();
  });

  it('closes a private database with its handle', async () => {
    const conn = await openSqlJs();
    conn.close();
    assert.throws(() => conn.get('SELECT 1'), TransactionError);
  });
});
