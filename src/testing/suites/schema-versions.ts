/** The schema version table: set-up, sharing, refusal (SQ-5), on any backend. */
import { SESSION_SCHEMA } from '../../core/schema/session.ts';
import { SchemaVersionError } from '../../core/contract/errors.ts';
import { ensureComponentSchema, type ComponentSchema } from '../../core/schema/versions.ts';
import { writeTransaction } from '../../core/driver/transaction.ts';
import { type SqliteConnection } from '../../core/driver/types.ts';
import type { ConformanceAssert, Kit } from '../harness.ts';

/** A second component sharing the database. */
export const OTHER: ComponentSchema = {
  component: 'other',
  label: 'other thing',
  version: 2,
  tables: ['other_rows'],
  ddl: 'CREATE TABLE IF NOT EXISTS other_rows (id INTEGER PRIMARY KEY)',
};

/** Every schema object, as `type:name`. */
export function objects(conn: SqliteConnection): string[] {
  return conn
    .all<{ type: string; name: string }>("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
    .map((row) => `${row.type}:${row.name}`);
}

/** The version table, as component → version. */
export function versions(conn: SqliteConnection): Record<string, number> {
  return Object.fromEntries(
    conn
      .all<{ component: string; version: number }>('SELECT component, version FROM lash_schema_versions')
      .map((row) => [row.component, row.version]),
  );
}

export function schemaVersionsSuite(kit: Kit): void {
  const { it, suite } = kit;
  const assert: ConformanceAssert = kit.assert;

  suite('schema versions', (driver) => {
    it('initialises an empty database with every session table and index, and its version row', async (t) => {
      const conn = await (await driver.fresh(t)).open();
      ensureComponentSchema(conn, SESSION_SCHEMA);
      assert.deepEqual(versions(conn), { session: 3 });
      const names = objects(conn);
      for (const table of SESSION_SCHEMA.tables) assert.ok(names.includes(`table:${table}`), `table ${table}`);
      for (const index of [
        'idx_queued_work_ready',
        'idx_queued_work_claim',
        'idx_attachment_manifest_session',
        'idx_attachment_manifest_uncommitted',
      ]) {
        assert.ok(names.includes(`index:${index}`), `index ${index}`);
      }
      assert.ok(names.includes('table:runtime_turn_commits'));
      assert.ok(!names.includes('table:runtime_turn_checkpoints'));
      assert.ok(!names.includes('table:runtime_effect_journal'));
    });

    it('reopens idempotently, from the same and from a second connection', async (t) => {
      const location = await driver.fresh(t);
      const first = await location.open();
      ensureComponentSchema(first, SESSION_SCHEMA);
      writeTransaction(first, () => first.run("INSERT INTO session_meta VALUES (1, 's', 's', 'now', 'm', NULL, NULL)"));
      ensureComponentSchema(first, SESSION_SCHEMA);
      const second = await location.open();
      ensureComponentSchema(second, SESSION_SCHEMA);
      assert.deepEqual(versions(second), { session: 3 });
      assert.equal(second.get<{ n: number }>('SELECT COUNT(*) AS n FROM session_meta')!.n, 1);
    });

    it('lets several components share one database, each with its own version row', async (t) => {
      const conn = await (await driver.fresh(t)).open();
      ensureComponentSchema(conn, SESSION_SCHEMA);
      ensureComponentSchema(conn, OTHER);
      ensureComponentSchema(conn, SESSION_SCHEMA);
      assert.deepEqual(versions(conn), { session: 3, other: 2 });
    });

    it('refuses another version, naming the component and both versions, and changes nothing (SQ-5)', async (t) => {
      const conn = await (await driver.fresh(t)).open();
      ensureComponentSchema(conn, SESSION_SCHEMA);
      writeTransaction(conn, () => conn.run("UPDATE lash_schema_versions SET version = 99 WHERE component = 'session'"));
      const before = objects(conn);
      assert.throws(
        () => ensureComponentSchema(conn, SESSION_SCHEMA),
        (error: unknown) => {
          assert.ok(error instanceof SchemaVersionError);
          assert.equal(error.component, 'session');
          assert.equal(error.found, 99);
          assert.equal(error.expected, 3);
          assert.match(error.message, /Unsupported lash session schema/);
          assert.match(error.message, /99/);
          assert.match(error.message, /schema version 3/);
          assert.doesNotMatch(error.message, /version 1 only/);
          return true;
        },
      );
      assert.deepEqual(objects(conn), before);
      assert.deepEqual(versions(conn), { session: 99 });
    });

    it('refuses tables of the component present without a version row (found 0), and changes nothing', async (t) => {
      const conn = await (await driver.fresh(t)).open();
      conn.exec('CREATE TABLE graph_nodes (seq INTEGER PRIMARY KEY, node_id TEXT, node_json TEXT)');
      assert.throws(
        () => ensureComponentSchema(conn, SESSION_SCHEMA),
        (error: unknown) => error instanceof SchemaVersionError && error.found === 0 && /version 0/.test(error.message),
      );
      assert.deepEqual(objects(conn), ['table:graph_nodes'], 'not even the version table was created');
    });

    it('ignores unrelated tables of the host application', async (t) => {
      const conn = await (await driver.fresh(t)).open();
      conn.exec('CREATE TABLE legacy (id INTEGER); PRAGMA user_version = 99');
      ensureComponentSchema(conn, SESSION_SCHEMA);
      assert.deepEqual(versions(conn), { session: 3 });
    });
  });
}
