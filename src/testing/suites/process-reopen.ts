/**
 * Reopen: PR-23 (two handles open at once) and PR-24 (close, then reopen),
 * plus schema versioning of the `process` component and sharing one
 * connection with another component.
 */
import { ensureComponentSchema } from '../../core/schema/versions.ts';
import { PluginError, SchemaVersionError } from '../../core/contract/errors.ts';
import { SqliteReadOnlyError } from '../../core/driver/errors.ts';
import { PROCESS_SCHEMA_VERSION } from '../../core/process/schema.ts';
import { processScope } from '../../core/process/model.ts';
import { SESSION_SCHEMA } from '../../core/schema/session.ts';
import { SqliteProcessRegistry } from '../../core/stores/process-registry.ts';
import { writeTransaction } from '../../core/driver/transaction.ts';
import { dump, openOn, registration, rejection, wakeEventType } from '../fixtures/process.ts';
import type { ConformanceAssert, Kit } from '../harness.ts';

export function processReopenSuite(kit: Kit): void {
  const { it, suite } = kit;
  const assert: ConformanceAssert = kit.assert;

  suite('process registry reopen', (driver) => {
    it('PR-23 a second handle sees everything and replays keyed appends', async (t) => {
      const location = await driver.fresh(t);
      const open = await openOn(t, location);
      const reopen = await openOn(t, location); // opened before any write
      const scope = processScope('reopen-session');
      await open.registry.registerProcess(registration('proc-reopen', [wakeEventType('producer.reopen_wake')]));
      await open.registry.grantHandle(scope, 'proc-reopen', { kind: 'test', label: 'reopen' });
      const request = {
        event_type: 'producer.reopen_wake',
        payload: { wake_input: 'survived reopen' },
        replay: { key: 'producer:reopen' },
        wake_target_scope: scope,
      };
      const appended = await open.registry.appendEvent('proc-reopen', request);
      assert.equal(appended.event.sequence, 1);

      const record = await reopen.registry.getProcess('proc-reopen');
      assert.equal(record?.id, 'proc-reopen');
      const events = await reopen.registry.eventsAfter('proc-reopen', 0);
      assert.equal(events.length, 1);
      assert.equal(events[0]!.sequence, appended.event.sequence);
      assert.equal((await reopen.registry.listHandleGrants(scope)).length, 1);
      const replayed = await reopen.registry.appendEvent('proc-reopen', request);
      assert.equal(replayed.event.sequence, appended.event.sequence);
      assert.deepEqual(replayed.event, events[0]);
      assert.deepEqual(replayed.wake_delivery, appended.wake_delivery);
    });

    it('PR-24 rows persist after the handle is closed and a new one opened', async (t) => {
      const location = await driver.fresh(t);
      const first = await openOn(t, location);
      const owner = processScope('session');
      const reg = { ...registration('proc-persist'), provenance: { owner_scope: owner, host_profile_id: 'test-host' } };
      await first.registry.registerProcess(reg);
      await first.registry.grantHandle(owner, 'proc-persist', { kind: 'tool', label: 'demo' });
      await first.registry.completeProcess('proc-persist', { type: 'success', value: { ok: true } });
      first.registry.close();
      first.conn.close();

      const second = await openOn(t, location);
      const record = (await second.registry.getProcess('proc-persist'))!;
      assert.equal(second.conn.get<{ owner_scope_id: string }>('SELECT owner_scope_id FROM processes')!.owner_scope_id, 'session:session');
      assert.equal(record.provenance.owner_scope.session_id, 'session');
      assert.deepEqual(await second.registry.awaitProcess('proc-persist'), { type: 'success', value: { ok: true } });
      assert.equal((await second.registry.listHandleGrants(owner)).length, 1);
    });

    it('keeps leases, acks and fencing tokens across handles', async (t) => {
      const location = await driver.fresh(t);
      const a = await openOn(t, location);
      const b = await openOn(t, location);
      await a.registry.registerProcess(registration('proc-shared', [wakeEventType('w')]));
      await a.registry.appendEvent('proc-shared', { event_type: 'w', payload: { wake_input: 'x' }, wake_target_scope: processScope('s') });
      await a.registry.ackWake('proc-shared', 1);
      assert.deepEqual(await b.registry.wakeEventsAfter('proc-shared', 0), []);
      const lease = await a.registry.claimProcessLease('proc-shared', 'owner-a', 60_000);
      assert.match(String(await b.registry.claimProcessLease('proc-shared', 'owner-b', 1).catch((e) => e)), /already leased/);
      await b.registry.completeProcessLease(lease);
      const next = await b.registry.claimProcessLease('proc-shared', 'owner-b', 1);
      assert.equal(next.fencing_token, lease.fencing_token + 1);
    });

    it('registers schema component `process` version 6 and refuses other versions unchanged', async (t) => {
      const location = await driver.fresh(t);
      const { conn } = await openOn(t, location);
      assert.equal(
        conn.get<{ version: number }>("SELECT version FROM lash_schema_versions WHERE component = 'process'")!.version,
        PROCESS_SCHEMA_VERSION,
      );
      assert.equal(PROCESS_SCHEMA_VERSION, 6);
      writeTransaction(conn, () => conn.run("UPDATE lash_schema_versions SET version = 5 WHERE component = 'process'"));
      const before = dump(conn);
      const error = await SqliteProcessRegistry.open(conn).catch((e: unknown) => e);
      assert.ok(error instanceof SchemaVersionError);
      assert.match(
        error.message,
        /^Unsupported lash process registry schema: this build supports schema version 6, but the database reports version 5\./,
      );
      assert.deepEqual(dump(conn), before);
    });

    it('shares one connection with another component', async (t) => {
      const location = await driver.fresh(t);
      const conn = await location.open();
      ensureComponentSchema(conn, SESSION_SCHEMA);
      const registry = await SqliteProcessRegistry.open(conn);
      t.after(() => registry.close());
      await registry.registerProcess(registration('proc-shared-file'));
      const components = conn.all<{ component: string }>('SELECT component FROM lash_schema_versions ORDER BY component');
      assert.deepEqual(components.map((row) => row.component), ['process', 'session']);
      assert.equal((await registry.getProcess('proc-shared-file'))?.id, 'proc-shared-file');
      // Closing the registry leaves the connection it was given open.
      registry.close();
      assert.equal(conn.closed, false);
    });

    it('on a read-only connection reads work and writes are refused with a typed cause', kit.needs('readOnly'), async (t) => {
      const location = await driver.fresh(t);
      const writer = await openOn(t, location);
      await writer.registry.registerProcess(registration('proc-ro'));
      const conn = await location.open({ readOnly: true });
      const reader = await SqliteProcessRegistry.open(conn);
      t.after(() => reader.close());
      assert.equal((await reader.getProcess('proc-ro'))?.id, 'proc-ro');
      assert.deepEqual(await reader.eventsAfter('proc-ro', 0), []);
      const error = await rejection(reader.grantHandle(processScope('s'), 'proc-ro', {}));
      assert.ok(error instanceof PluginError);
      assert.ok(error.cause instanceof SqliteReadOnlyError);
      assert.deepEqual(await writer.registry.listHandleGrants(processScope('s')), []);
    });
  });
}
