/**
 * Schema versions. The cases any backend must pass are the `schema-versions`
 * suite of the conformance kit (src/testing/suites/schema-versions.ts), run
 * here on both drivers; the node:sqlite file cases (read-only, 16 processes)
 * stay here.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SESSION_SCHEMA, ensureComponentSchema, writeTransaction } from '../../src/advanced.ts';
import { SchemaVersionError } from '../../src/index.ts';
import { openNodeSqlite } from '../../src/node.ts';
import { runConformance } from '../../src/testing.ts';
import { OTHER, versions } from '../../src/testing/suites/schema-versions.ts';
import { spawnChild } from '../support/child.ts';
import { DRIVERS, tempDir } from '../support/drivers.ts';

const OPEN_SCHEMA = join(import.meta.dirname, '../fixtures/open-schema.ts');

for (const driver of DRIVERS) runConformance(driver, { suites: ['schema-versions'] });

describe('schema versions on node:sqlite files', () => {
  it('on a read-only connection sets nothing up but still refuses another version', (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'ro.db');
    const writer = openNodeSqlite(path);
    ensureComponentSchema(writer, SESSION_SCHEMA);
    const reader = openNodeSqlite(path, { readOnly: true });
    ensureComponentSchema(reader, SESSION_SCHEMA);
    ensureComponentSchema(reader, OTHER); // absent component: nothing to check, nothing written
    assert.deepEqual(versions(reader), { session: 3 });
    writeTransaction(writer, () => writer.run("UPDATE lash_schema_versions SET version = 4 WHERE component = 'session'"));
    assert.throws(() => ensureComponentSchema(reader, SESSION_SCHEMA), SchemaVersionError);
    reader.close();
    writer.close();
  });

  it('survives 16 processes opening a new file at the same moment (SQ-6)', async (t) => {
    const path = join(tempDir(t), 'concurrent.db');
    const children = Array.from({ length: 16 }, () => spawnChild(OPEN_SCHEMA, [path]));
    for (const child of children) assert.deepEqual(await child.next(), { ready: true });
    for (const child of children) child.send({ go: true });
    const results = await Promise.all(children.map((child) => child.next()));
    assert.deepEqual(results, Array.from({ length: 16 }, () => ({ ok: true })));
    await Promise.all(children.map((child) => child.exited));
    const conn = openNodeSqlite(path);
    assert.deepEqual(versions(conn), { session: 3 });
    assert.equal(conn.get<{ journal_mode: string }>('PRAGMA journal_mode')!.journal_mode, 'wal');
    conn.close();
  });
});
