/** The session schema on open: SQ-7, and refusal of other versions with nothing changed. */
import { SESSION_SCHEMA_VERSION } from '../../core/schema/session.ts';
import { SchemaVersionError } from '../../core/contract/errors.ts';
import { Store } from '../../core/stores/session-store.ts';
import { writeTransaction } from '../../core/driver/transaction.ts';
import { snapshot } from '../fixtures/session.ts';
import type { ConformanceAssert, Kit } from '../harness.ts';

export function sessionSchemaSuite(kit: Kit): void {
  const { it, suite } = kit;
  const assert: ConformanceAssert = kit.assert;

  suite('session schema', (driver) => {
    it('SQ-7 has no embedded turn-replay tables and exactly one runtime_turn_commits table', async (t) => {
      const location = await driver.fresh(t);
      const conn = await location.open();
      (await Store.open(conn)).close();
      conn.close();
      const raw = await location.open();
      const tables = (name: string) =>
        raw.get<{ n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?", [name])!.n;
      assert.equal(tables('runtime_turn_checkpoints'), 0);
      assert.equal(tables('runtime_effect_journal'), 0);
      assert.equal(tables('runtime_turn_commits'), 1);
      assert.equal(
        raw.get<{ version: number }>("SELECT version FROM lash_schema_versions WHERE component = 'session'")!.version,
        SESSION_SCHEMA_VERSION,
      );
    });

    it('refuses a database of another session schema version, naming both versions, and changes nothing', async (t) => {
      const location = await driver.fresh(t);
      const conn = await location.open();
      writeTransaction(conn, () => {
        conn.exec('CREATE TABLE lash_schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)');
        conn.run("INSERT INTO lash_schema_versions VALUES ('session', 99)");
        conn.exec('CREATE TABLE legacy (id INTEGER)');
      });
      const before = snapshot(conn);
      const error = await Store.open(conn).then(
        () => assert.fail('open must fail'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof SchemaVersionError);
      assert.match(error.message, /99/);
      assert.match(error.message, /version 3/);
      assert.match(error.message, /Unsupported lash session schema/);
      assert.equal(snapshot(conn), before);
    });

    it('refuses session tables without a version row (found 0)', async (t) => {
      const conn = await (await driver.fresh(t)).open();
      writeTransaction(conn, () => conn.exec('CREATE TABLE session_head (singleton INTEGER PRIMARY KEY)'));
      const error = await Store.open(conn).then(() => null, (e: unknown) => e);
      assert.ok(error instanceof SchemaVersionError);
      assert.equal(error.found, 0);
    });

    it('opens next to another component sharing the file', async (t) => {
      const conn = await (await driver.fresh(t)).open();
      writeTransaction(conn, () => conn.exec('CREATE TABLE host_app_table (x)'));
      const store = await Store.open(conn);
      assert.equal(await store.loadSession({ kind: 'FullGraph' }), null);
      const again = await Store.open(conn);
      assert.equal(await again.loadSessionMeta(), null);
    });

    it('refuses bad options with a clear error', async (t) => {
      const conn = await (await driver.fresh(t)).open();
      await assert.rejects(Store.open(conn, { blobProfile: 'Fast' as never }), /blobProfile must be/);
      await assert.rejects(Store.open(conn, { gcPolicy: { autoRunEveryCommits: -1 } }), /autoRunEveryCommits/);
      await assert.rejects(Store.open(conn, { clock: 5 as never }), /clock must be a function/);
    });

    it(`defaults the blob profile by connection kind`, async (t) => {
      const conn = await (await driver.fresh(t)).open();
      const store = await Store.open(conn);
      assert.equal(store.blobProfile, conn.info.memory ? 'LowLatency' : 'Balanced');
      assert.equal((await Store.open(conn, { blobProfile: 'Compact' })).blobProfile, 'Compact');
    });
  });
}
