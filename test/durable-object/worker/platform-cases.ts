/**
 * Cases that only a Durable Object has: what the platform refuses or does
 * differently, and how the driver answers. They run inside the object next
 * to the shared contract cases (bundled with them; not a `.test.ts` file, so
 * Node never runs them).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  SessionGraph,
  SqliteError,
  SqliteValueError,
  Store,
  StoreError,
  graphDelta,
  persistedStateCommit,
  persistedStateWithGraphCommit,
  type SqliteConnection,
} from '../../../src/index.ts';
import { writeTransaction } from '../../../src/core/driver/transaction.ts';
import { DURABLE_OBJECT_MAX_VALUE_BYTES, builtinCodecs } from '../../../src/durable-object.ts';
import { portableCodecs } from '../../../src/core/codec/codecs.ts';
import { defaultState, sampleNode } from '../../session/helpers.ts';
import { describeEachDriver } from '../../support/drivers.ts';

const MB = 1024 * 1024;

function sqliteCode(error: unknown): string | undefined {
  return error instanceof SqliteError ? error.code : undefined;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Text of `length` random hex digits: half of it survives compression. */
function noiseText(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(65_536));
  const parts: string[] = [];
  for (let made = 0; made < length; made += 2 * bytes.length) {
    crypto.getRandomValues(bytes);
    let part = '';
    for (const b of bytes) part += HEX[b];
    parts.push(part);
  }
  return parts.join('').slice(0, length);
}

function count(conn: SqliteConnection, table: string): number {
  return conn.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)!.n;
}

describeEachDriver('Durable Object platform', (driver) => {
  it('refuses transaction SQL and restricted pragmas as SQLITE_AUTH, and still commits through transactionSync', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    for (const sql of ['BEGIN', 'BEGIN IMMEDIATE', 'SAVEPOINT s', 'PRAGMA journal_mode = WAL', 'PRAGMA user_version = 1']) {
      assert.throws(() => conn.exec(sql), (error: unknown) => sqliteCode(error) === 'SQLITE_AUTH', sql);
    }
    conn.exec('CREATE TABLE t (v)');
    writeTransaction(conn, () => conn.run('INSERT INTO t VALUES (?)', [1]));
    assert.equal(count(conn, 't'), 1);
  });

  it('counts changed rows, not index entries, and refuses a RunResult read after the next statement', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    conn.exec('CREATE TABLE t (a TEXT UNIQUE, b TEXT, c TEXT); CREATE INDEX tb ON t (b); CREATE INDEX tc ON t (c)');
    assert.equal(conn.run('INSERT INTO t VALUES (?, ?, ?), (?, ?, ?)', ['1', 'x', 'y', '2', 'x', 'y']).changes, 2);
    assert.equal(conn.run('INSERT OR IGNORE INTO t VALUES (?, ?, ?)', ['1', 'x', 'y']).changes, 0);
    assert.equal(conn.run('UPDATE t SET b = ? WHERE a = ?', ['z', '2']).changes, 1);
    const stale = conn.run('DELETE FROM t WHERE a = ?', ['1']);
    conn.get('SELECT 1');
    assert.throws(() => stale.changes, (error: unknown) => sqliteCode(error) === 'SQLITE_MISUSE');
  });

  it('checks values both ways: what the platform would bind silently is refused, a rounded integer is not returned', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    conn.exec('CREATE TABLE t (v)');
    for (const value of [undefined, true, 2 ** 53 + 2]) {
      assert.throws(() => conn.run('INSERT INTO t VALUES (?)', [value as never]), SqliteValueError);
    }
    assert.equal(count(conn, 't'), 0);
    assert.throws(() => conn.get('SELECT 9007199254740993 AS v'), SqliteValueError);
    conn.run('INSERT INTO t VALUES (?)', [new Uint8Array([1, 2, 3]).subarray(1)]);
    const row = conn.get<{ v: unknown }>('SELECT v FROM t')!;
    assert.ok(row.v instanceof Uint8Array);
    assert.deepEqual([...(row.v as Uint8Array)], [2, 3]);
  });

  it('binds 100 parameters and refuses 101 as a typed error', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    const sql = (n: number) => `SELECT count(*) AS n FROM (SELECT 1 AS x) WHERE x IN (${Array(n).fill('?').join(', ')})`;
    const params = (n: number) => Array.from({ length: n }, (_, i) => i);
    assert.equal(conn.get<{ n: number }>(sql(100), params(100))!.n, 1);
    assert.throws(() => conn.get(sql(101), params(101)), (error: unknown) => sqliteCode(error) === 'SQLITE_ERROR');
  });

  it('refuses SQL VACUUM, while the store vacuum (deleting tombstoned nodes) works', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    assert.throws(() => conn.exec('VACUUM'), SqliteError);
    const store = await Store.open(conn);
    const graph = SessionGraph.fromNodes([sampleNode('a'), sampleNode('b', 'a')], 'b');
    await store.commitRuntimeState(persistedStateCommit(defaultState('root', { session_graph: graph })));
    await store.tombstoneNodes(['b']);
    assert.deepEqual(await store.vacuum(), { removed_node_count: 1 });
    assert.equal(count(conn, 'graph_nodes'), 1);
  });

  it('refuses a value over the row limit with SQLITE_TOOBIG and a clear message, writing nothing', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    conn.exec('CREATE TABLE t (v)');
    assert.throws(
      () => writeTransaction(conn, () => conn.run('INSERT INTO t VALUES (?)', [new Uint8Array(3 * MB)])),
      (error: unknown) => sqliteCode(error) === 'SQLITE_TOOBIG' && /at most about 2 MB in one row/.test((error as Error).message),
    );
    assert.equal(count(conn, 't'), 0);
  });

  it('refuses a node body over the row limit as a typed StoreError, the head unchanged', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    const store = await Store.open(conn);
    const first = await store.commitRuntimeState(persistedStateCommit(defaultState('root')));
    const big = { ...sampleNode('big'), event: { Protocol: { plugin_id: 'p', payload: { text: noiseText(3 * MB) } } } };
    const state = { ...defaultState('root'), head_revision: first.head_revision };
    const error = await store.commitRuntimeState(persistedStateWithGraphCommit(state, graphDelta.append([big as never], 'big'))).then(
      () => assert.fail('the commit must fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof StoreError);
    assert.equal(error.detail.kind, 'Backend');
    assert.equal(sqliteCode(error.cause), 'SQLITE_TOOBIG');
    assert.equal((await store.loadSessionHeadMeta())!.head_revision, first.head_revision);
    assert.equal(count(conn, 'graph_nodes'), 0);
  });

  it('stores a checkpoint over 2 MB in chunks of the row limit and loads it back', async (t) => {
    const location = await driver.fresh(t);
    const conn = await location.open();
    // LowLatency stores the tool state uncompressed: 3 MB of text is over 2 MB stored.
    const store = await Store.open(conn, { blobProfile: 'LowLatency' });
    const big = noiseText(3 * MB);
    const tools = { big: { manifest: { blob: big } } };
    await store.commitRuntimeState(persistedStateCommit(defaultState('root', { tool_state_snapshot: { generation: 1, tools } as never })));
    // The stored tool state is over 2 MB: a first row and its chunks, none over the limit.
    const rows = conn.all<{ length: number }>(
      `SELECT length(content) AS length FROM blobs WHERE hash IN (SELECT hash FROM blob_chunks)
       UNION ALL SELECT length(content) FROM blob_chunks`,
    );
    assert.ok(rows.length >= 3, `${rows.length} rows`);
    assert.ok(rows.reduce((sum, row) => sum + row.length, 0) > 2 * MB);
    assert.ok(rows.every((row) => row.length <= DURABLE_OBJECT_MAX_VALUE_BYTES));
    const reader = await Store.open(await location.open());
    const read = await reader.loadSession({ kind: 'FullGraph' });
    assert.equal((read!.checkpoint!.tool_state as unknown as { tools: typeof tools }).tools.big.manifest.blob, big);
  });

  it('uses the native codecs under nodejs_compat, interchangeable with the portable ones', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    const native = builtinCodecs()!;
    assert.equal(conn.codecs, native);
    const bytes = crypto.getRandomValues(new Uint8Array(10_000));
    const text = 'héllo 🌍 '.repeat(500);
    for (const value of [bytes, text, new Uint8Array(0), '']) assert.equal(native.sha256Hex(value), portableCodecs.sha256Hex(value));
    const compressible = new TextEncoder().encode(text);
    const deflated = native.deflate(compressible);
    assert.ok(deflated instanceof Uint8Array && deflated.constructor === Uint8Array);
    assert.deepEqual(portableCodecs.inflate(deflated), compressible);
    assert.deepEqual(native.inflate(portableCodecs.deflate(compressible)), compressible);
  });
});

