import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BlobDescriptors, silentLogger, type SqliteConnection } from '../../src/index.ts';
import { SESSION_SCHEMA } from '../../src/core/schema/session.ts';
import { ensureComponentSchema } from '../../src/core/schema/versions.ts';
import { portableCodecs } from '../../src/core/codec/codecs.ts';
import { writeTransaction } from '../../src/core/driver/transaction.ts';
import { insertArtifactBlob, readBlob } from '../../src/core/blobs/blob-table.ts';
import { atomicFilePersistence, openNodeSqlite } from '../../src/node.ts';
import { openSqlJs } from '../../src/sqljs.ts';
import { tempDir } from '../support/drivers.ts';

const compressible = new TextEncoder().encode('checkpoint '.repeat(1000));

function write(conn: SqliteConnection): string {
  ensureComponentSchema(conn, SESSION_SCHEMA);
  const io = { conn, codecs: conn.codecs ?? portableCodecs, logger: silentLogger };
  return writeTransaction(conn, () => {
    conn.run('INSERT INTO graph_nodes (node_id, parent_node_id, node_json) VALUES (?, ?, ?)', ['n1', null, '{"node_id":"n1"}']);
    conn.run('INSERT INTO usage_deltas (source, model, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens) VALUES (?, ?, ?, ?, ?, ?)', [
      'agent',
      'model-x',
      Number.MAX_SAFE_INTEGER,
      2,
      3,
      4,
    ]);
    return insertArtifactBlob(io, 'Compact', BlobDescriptors.toolStateSnapshot(), compressible);
  });
}

function contents(conn: SqliteConnection, ref: string) {
  ensureComponentSchema(conn, SESSION_SCHEMA); // same version: accepted as is
  const io = { conn, codecs: conn.codecs ?? portableCodecs, logger: silentLogger };
  return {
    versions: conn.all('SELECT component, version FROM lash_schema_versions').map((r) => ({ ...r })),
    nodes: conn.all('SELECT seq, node_id, parent_node_id, node_json, tombstoned FROM graph_nodes').map((r) => ({ ...r })),
    usage: conn.all('SELECT * FROM usage_deltas').map((r) => ({ ...r })),
    blob: Buffer.from(readBlob(io, ref) ?? new Uint8Array()).toString(),
  };
}

describe('portability between drivers', () => {
  it('a database file written through node:sqlite opens in sql.js from its bytes, with the same rows', async (t) => {
    const path = join(tempDir(t), 'node-written.db');
    const writer = openNodeSqlite(path);
    const ref = write(writer);
    const expected = contents(writer, ref);
    writer.close(); // the last connection checkpoints the WAL into the file
    const reader = await openSqlJs({ data: new Uint8Array(readFileSync(path)) });
    t.after(() => reader.close());
    assert.deepEqual(contents(reader, ref), expected);
    assert.equal(expected.blob, new TextDecoder().decode(compressible));
  });

  it('an export() from sql.js written to a file opens in node:sqlite, with the same rows', async (t) => {
    const dir = tempDir(t);
    const writer = await openSqlJs();
    const ref = write(writer);
    const expected = contents(writer, ref);
    const path = join(dir, 'sqljs-written.db');
    writeFileSync(path, writer.export());
    writer.close();
    const reader = openNodeSqlite(path);
    t.after(() => reader.close());
    assert.deepEqual(contents(reader, ref), expected);
    assert.equal(reader.get<{ journal_mode: string }>('PRAGMA journal_mode')!.journal_mode, 'wal');
  });

  it('a sql.js database persisted with atomicFilePersistence opens in node:sqlite', async (t) => {
    const path = join(tempDir(t), 'persisted.db');
    const writer = await openSqlJs({ persistence: atomicFilePersistence(path) });
    const ref = write(writer);
    const expected = contents(writer, ref);
    await writer.close(); // writes the last image
    const reader = openNodeSqlite(path);
    t.after(() => reader.close());
    assert.deepEqual(contents(reader, ref), expected);
  });
});
