/**
 * Blobs longer than a connection's `info.maxValueBytes` (a Durable Object's
 * row limit) are stored in chunks. Checked here on both Node drivers with the
 * limit lowered to a few KiB, so every path runs without megabytes of data;
 * the Durable Object tests check the real limit on workerd.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BlobDescriptors, Store, persistedStateCommit, type SqliteConnection } from '../../src/index.ts';
import { writeTransaction } from '../../src/core/driver/transaction.ts';
import { defaultState } from '../session/helpers.ts';
import { describeEachDriver } from '../support/drivers.ts';
import { CapturingLogger } from '../support/logger.ts';

const LIMIT = 4096;

/** The same connection, claiming a row limit of `limit` bytes. */
function limited(conn: SqliteConnection, limit = LIMIT): SqliteConnection {
  const info = Object.freeze({ ...conn.info, maxValueBytes: limit });
  return new Proxy(conn, {
    get(target, key) {
      if (key === 'info') return info;
      const value = Reflect.get(target, key, target);
      // Drivers keep their state in private fields: call methods on the real connection.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Bytes that do not compress, so the stored envelope stays longer than the limit. */
function noise(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

function chunkRows(conn: SqliteConnection): Array<{ hash: string; seq: number; length: number }> {
  return conn.all('SELECT hash, seq, length(content) AS length FROM blob_chunks ORDER BY hash, seq');
}

describeEachDriver('chunked blobs (info.maxValueBytes)', (driver) => {
  it('stores a long blob as a first chunk plus chunk rows, each within the limit, and reads it back verified', async (t) => {
    const conn = limited(await (await driver.fresh(t)).open());
    const store = await Store.open(conn);
    const content = noise(3 * LIMIT + 100);
    const ref = await store.putBlob(content);
    const head = conn.get<{ length: number }>('SELECT length(content) AS length FROM blobs WHERE hash = ?', [ref])!;
    assert.equal(head.length, LIMIT);
    assert.deepEqual(
      chunkRows(conn).map((row) => [row.seq, row.length]),
      [
        [1, LIMIT],
        [2, LIMIT],
        [3, 100],
      ],
    );
    assert.deepEqual(await store.getBlob(ref), content);
  });

  it('keeps short blobs in one row, and leaves a blob of exactly the limit unchunked', async (t) => {
    const conn = limited(await (await driver.fresh(t)).open());
    const store = await Store.open(conn);
    const ref = await store.putBlob(noise(LIMIT));
    await store.putArtifactBlob(BlobDescriptors.generic(), noise(10));
    assert.deepEqual(chunkRows(conn), []);
    assert.equal((await store.getBlob(ref))?.length, LIMIT);
  });

  it('writes the chunks once: a second insert of the same content changes nothing', async (t) => {
    const conn = limited(await (await driver.fresh(t)).open());
    const store = await Store.open(conn, { blobProfile: 'LowLatency' });
    const content = noise(2 * LIMIT + 1);
    const ref = await store.putArtifactBlob(BlobDescriptors.toolStateSnapshot(), content);
    const before = chunkRows(conn);
    assert.equal(before.length, 2);
    await store.putArtifactBlob(BlobDescriptors.toolStateSnapshot(), content);
    await store.putBlob(content);
    assert.deepEqual(chunkRows(conn), before);
    assert.deepEqual(await store.getBlob(ref), content);
  });

  it('reports a missing or damaged chunk as a corrupt blob (logged), never as data', async (t) => {
    const conn = limited(await (await driver.fresh(t)).open());
    const logger = new CapturingLogger();
    const store = await Store.open(conn, { logger });
    const ref = await store.putBlob(noise(2 * LIMIT + 5));
    writeTransaction(conn, () => conn.run('UPDATE blob_chunks SET content = ? WHERE hash = ? AND seq = 2', [noise(5, 9), ref]));
    assert.equal(await store.getBlob(ref), null);
    writeTransaction(conn, () => conn.run('DELETE FROM blob_chunks WHERE hash = ? AND seq = 2', [ref]));
    assert.equal(await store.getBlob(ref), null);
    assert.equal(logger.warnings.length, 2);
    assert.match(logger.warnings[0]!.message, /corrupt/);
  });

  it('round-trips a checkpoint larger than the limit through the store, and GC takes its chunks with it', async (t) => {
    const location = await driver.fresh(t);
    const conn = limited(await location.open());
    const store = await Store.open(conn, { blobProfile: 'LowLatency' });
    const big = Array.from(noise(6 * LIMIT), (b) => b.toString(16).padStart(2, '0')).join('');
    const state = defaultState('root', { tool_state_snapshot: { generation: 1, tools: { big: { manifest: { blob: big } } } } as never });
    const first = await store.commitRuntimeState(persistedStateCommit(state));
    assert.ok(chunkRows(conn).length >= 3, 'the tool state was chunked');

    // A second handle (without the limit) reads the chunked blob back too.
    const reader = await Store.open(await location.open());
    const read = await reader.loadSession({ kind: 'FullGraph' });
    assert.equal((read!.checkpoint!.tool_state as unknown as { tools: { big: { manifest: { blob: string } } } }).tools.big.manifest.blob, big);

    // Replace the tool state; GC deletes the old blob row and its chunks, without relying on
    // foreign keys (the driver interface does not promise them).
    const next = { ...state, head_revision: first.head_revision, tool_state_snapshot: { generation: 2, tools: {} } as never };
    await store.commitRuntimeState(persistedStateCommit(next));
    conn.exec('PRAGMA foreign_keys = OFF');
    const report = await store.gcUnreachable();
    assert.ok(report.deleted_blob_count >= 1);
    assert.deepEqual(chunkRows(conn), []);
  });
});
