/**
 * Issue 10 item 9: the clock is read after the lock is taken and validated;
 * GC deletes in bounded batches that release the lock and re-check the live
 * set; auto-GC runs after the commit's transaction; blobs written on their
 * own survive a GC until their grace period ends; the core does not rely on
 * foreign keys; `eventsAfter` and the queue lists are bounded and page.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  EffectScope,
  PluginError,
  RuntimeEffectControllerError,
  SchemaVersionError,
  SqliteHostEventStore,
  SqliteProcessRegistry,
  SqliteRuntimeEffectController,
  Store,
  StoreError,
  anySchema,
  claimCompletion,
  completingQueueClaim,
  externalInput,
  processRegistration,
} from '../../src/index.ts';
import { writeTransaction } from '../../src/core/driver/transaction.ts';
import { DEFAULT_BLOB_GRACE_MS } from '../../src/core/blobs/pins.ts';
import { GC_BATCH_SIZE } from '../../src/core/session/gc.ts';
import { SqliteSessionStoreFactory, openNodeSqlite } from '../../src/node.ts';
import { execEnvelope, returningExecutor } from '../effects/samples.ts';
import { buttonRequest } from '../host-events/samples.ts';
import { registration } from '../process/support.ts';
import { draft, TTL } from '../queue/helpers.ts';
import { commitAt, defaultState, openFresh } from '../session/helpers.ts';
import { spawnChild } from '../support/child.ts';
import { ManualClock } from '../support/clock.ts';
import { describeEachDriver, tempDir } from '../support/drivers.ts';
import { spyConnection } from '../support/spy.ts';
import { persistedStateCommit } from '../../src/index.ts';

const HOLD = join(import.meta.dirname, '../fixtures/hold-write-lock.ts');
const bytes = (text: string) => new TextEncoder().encode(text);

describeEachDriver('maintenance and bounds', (driver) => {
  it('refuses a clock that is not non-negative integer epoch ms, on every component, writing nothing', async (t) => {
    for (const bad of [Number.NaN, -1, 1.5, Number.MAX_SAFE_INTEGER + 2]) {
      const conn = await (await driver.fresh(t)).open();
      const clock = () => bad;
      const store = await Store.open(conn, { clock });
      await assert.rejects(store.commitRuntimeState(commitAt('root', 0)), (e: unknown) => e instanceof StoreError && /the clock returned/.test(e.message));
      await assert.rejects(store.putBlob(bytes('x')), (e: unknown) => e instanceof StoreError && /the clock returned/.test(e.message));
      const registry = await SqliteProcessRegistry.open(conn, { clock });
      await assert.rejects(registry.registerProcess(registration('p')), (e: unknown) => e instanceof PluginError && /the clock returned/.test(e.message));
      const hostEvents = await SqliteHostEventStore.open(conn, { clock });
      await assert.rejects(hostEvents.recordOccurrence(buttonRequest('k', 'i')), (e: unknown) => e instanceof PluginError && /the clock returned/.test(e.message));
      const controller = await SqliteRuntimeEffectController.open(conn, EffectScope.turn('s', 't'), { clock });
      await assert.rejects(controller.executeEffect(execEnvelope('k', 'c'), returningExecutor('x')), (e: unknown) => e instanceof RuntimeEffectControllerError && /the clock returned/.test(e.message));
      for (const table of ['session_head', 'blobs', 'processes', 'host_event_occurrences', 'runtime_effect_replay']) {
        assert.equal(conn.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)!.n, 0, `${table} with clock ${bad}`);
      }
    }
  });

  it('keeps a blob written on its own through a GC until its grace period ends', async (t) => {
    const clock = new ManualClock();
    const { store } = await openFresh(driver, t, { clock: clock.clock });
    await store.commitRuntimeState(commitAt('root', 0));
    const raw = await store.putBlob(bytes('attachment-ish'));
    const typed = await store.putTypedBlob({ some: 'state' });
    const checkpoint = await store.putCheckpoint({ ...commitAt('root', 0).checkpoint, tool_state: { generation: 9, tools: {} } });
    assert.equal((await store.gcUnreachable()).deleted_blob_count, 0, 'nothing committed references them yet, but they are pinned');
    for (const ref of [raw, typed, checkpoint.checkpoint_ref, checkpoint.manifest.tool_state_ref!]) assert.ok((await store.getBlob(ref)) !== null);
    clock.advance(DEFAULT_BLOB_GRACE_MS - 1);
    assert.equal((await store.gcUnreachable()).deleted_blob_count, 0);
    clock.advance(2);
    assert.equal((await store.gcUnreachable()).deleted_blob_count, 4);
    assert.equal(await store.getBlob(raw), null);
    // A committed reference protects a blob for good: the grace period does not matter.
    const committed = await store.commitRuntimeState(persistedStateCommit(defaultState('root', { head_revision: 1, tool_state_snapshot: { generation: 1, tools: {} } })));
    clock.advance(10 * DEFAULT_BLOB_GRACE_MS);
    await store.gcUnreachable();
    assert.ok((await store.getBlob(committed.manifest.tool_state_ref!)) !== null);
  });

  it('sweeps in bounded batches, each its own transaction, keeping what a commit between batches references again', async (t) => {
    const location = await driver.fresh(t);
    const clock = new ManualClock();
    const spy = spyConnection(await location.open());
    const store = await Store.open(spy, { clock: clock.clock });
    const other = await Store.open(await location.open(), { clock: clock.clock });
    const toolState = (generation: number) => persistedStateCommit(defaultState('root', { head_revision: generation - 1, tool_state_snapshot: { generation: 1, tools: { t: { manifest: generation === 2 ? 'second' : 'first' } } as never } }));
    const first = await store.commitRuntimeState(toolState(1));
    await store.commitRuntimeState(toolState(2)); // the first tool state is garbage now
    const orphans = GC_BATCH_SIZE * 2 + 10;
    for (let i = 0; i < orphans; i++) await store.putBlob(bytes(`orphan ${i}`));
    clock.advance(DEFAULT_BLOB_GRACE_MS + 1);
    spy.statements.length = 0;
    let reReferenced = false;
    spy.before = (sql) => {
      // After the mark, before the first batch: another connection commits the first tool state again.
      if (sql === 'BEGIN IMMEDIATE' && !reReferenced) {
        reReferenced = true;
        void other.commitRuntimeState({ ...toolState(1), expected_head_revision: 2 });
      }
    };
    const report = await store.gcUnreachable();
    spy.before = undefined;
    assert.ok(reReferenced);
    const transactions = spy.statements.filter((sql) => sql === 'BEGIN IMMEDIATE').length;
    assert.ok(transactions >= 3, `${transactions} write transactions for ${orphans} blobs`);
    assert.ok(report.deleted_blob_count >= orphans, `deleted ${report.deleted_blob_count}`);
    assert.ok((await store.getBlob(first.manifest.tool_state_ref!)) !== null, 'the re-referenced blob survived its batch');
    assert.equal((await store.getCheckpoint((await store.loadSessionHeadMeta())!.checkpoint_ref!))?.tool_state?.tools.t?.manifest, 'first');
  });

  it('runs auto-GC after the commit transaction has committed, never inside it', async (t) => {
    const spy = spyConnection(await (await driver.fresh(t)).open());
    const store = await Store.open(spy, { gcPolicy: { autoRunEveryCommits: 1 } });
    spy.statements.length = 0;
    await store.commitRuntimeState(commitAt('root', 0));
    const commit = spy.statements.indexOf('COMMIT');
    const gcStart = spy.statements.findIndex((sql) => sql.startsWith('SELECT hash FROM blobs'));
    assert.ok(commit >= 0 && gcStart > commit, `commit at ${commit}, GC's first read at ${gcStart}`);
    assert.ok(spy.statements.slice(commit + 1, gcStart).includes('BEGIN'), 'the GC opened its own transaction');
  });

  it('does not rely on foreign keys: cancelled and completed batches leave no items behind', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    conn.exec('PRAGMA foreign_keys = OFF');
    const store = await Store.open(conn);
    const cancelled = await store.enqueueQueuedWork(draft('root', 'cancel me'));
    await store.enqueueQueuedWork(draft('root', 'complete me'));
    assert.ok((await store.cancelQueuedWorkBatch('root', cancelled.batch_id)) !== null);
    const claim = (await store.claimReadyQueuedWork('root', 'o', 'idle', TTL, 1))!;
    await store.commitRuntimeState(completingQueueClaim(commitAt('root', 0), claimCompletion(claim)));
    assert.equal(conn.get<{ n: number }>('SELECT COUNT(*) AS n FROM queued_work_batches')!.n, 0);
    assert.equal(conn.get<{ n: number }>('SELECT COUNT(*) AS n FROM queued_work_items')!.n, 0);
  });

  it('bounds eventsAfter and the queue lists by default, and pages them', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    const registry = await SqliteProcessRegistry.open(conn);
    await registry.registerProcess(processRegistration('p', externalInput(null), [{ name: 'n', payload_schema: anySchema(), semantics: {} }]));
    for (let i = 0; i < 1005; i++) await registry.appendEvent('p', { event_type: 'n', payload: i });
    assert.equal((await registry.eventsAfter('p', 0)).length, 1000);
    const page = await registry.eventsAfter('p', 1000, { limit: 3 });
    assert.deepEqual(page.map((event) => event.sequence), [1001, 1002, 1003]);
    assert.deepEqual((await registry.eventsAfter('p', 1003)).map((event) => event.payload), [1003, 1004]);
    await assert.rejects(registry.eventsAfter('p', 0, { limit: 0 }), (e: unknown) => e instanceof PluginError && e.condition === 'InvalidInput');

    const store = await Store.open(conn);
    writeTransaction(conn, () => {
      // 1003 batches in one go (the API would take a transaction each).
      for (let i = 0; i < 1003; i++) {
        conn.run(
          `INSERT INTO queued_work_batches (batch_id, session_id, delivery_policy, slot_policy, merge_key_json, available_at_ms, enqueued_at_ms)
           VALUES (?, 'root', 'earliest_safe_boundary', 'exclusive', '"never"', 0, 0)`,
          [`qwb:${i}`],
        );
      }
    });
    await store.enqueueQueuedWork(draft('root', 'with items'));
    const all = await store.listQueuedWork('root');
    assert.equal(all.length, 1000);
    const rest = await store.listQueuedWork('root', { afterEnqueueSeq: all[all.length - 1]!.enqueue_seq });
    assert.equal(rest.length, 4);
    assert.equal(rest[3]!.items.length, 1, 'items come with their page');
    assert.equal((await store.listPendingQueuedWork('root', { limit: 2 })).length, 2);
    await assert.rejects(store.listQueuedWork('root', { limit: -1 }), (e: unknown) => e instanceof StoreError && e.detail.kind === 'InvalidInput');
  });
});

describe('locks and connections [node-sqlite]', () => {
  it('reads the clock after the write lock is taken (a lock wait does not age the times written)', async (t) => {
    const path = join(tempDir(t), 'clock.db');
    const setup = openNodeSqlite(path);
    setup.exec('CREATE TABLE t (v)');
    await SqliteProcessRegistry.open(setup);
    await SqliteHostEventStore.open(setup);
    setup.close();
    const conn = openNodeSqlite(path);
    t.after(() => conn.close());
    const registry = await SqliteProcessRegistry.open(conn);
    const hostEvents = await SqliteHostEventStore.open(conn);
    for (const write of [
      async () => (await registry.registerProcess(registration('p'))).created_at_ms,
      async () => (await hostEvents.recordOccurrence(buttonRequest('k', 'i'))).occurred_at_ms,
    ]) {
      const child = spawnChild(HOLD, [path]);
      t.after(() => child.process.kill('SIGKILL'));
      assert.deepEqual(await child.next(), { locked: true });
      child.send({ release: 'rollback', afterMs: 300 });
      const started = Date.now();
      const written = await write();
      assert.ok(written >= started + 250, `written at +${written - started} ms, after the lock came free`);
      await child.exited;
    }
  });

  it('the node session factory closes its connection when opening a store fails half-way', async (t) => {
    const root = tempDir(t);
    const factory = new SqliteSessionStoreFactory(root);
    t.after(() => factory.close());
    // A database of another schema version: the connection opens, the store refuses.
    const conn = openNodeSqlite(factory.pathForSession('s'));
    conn.exec("CREATE TABLE lash_schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL); INSERT INTO lash_schema_versions VALUES ('session', 99)");
    conn.close();
    const openFiles = () => readdirSync('/proc/self/fd').length;
    const before = openFiles();
    const request = { session_id: 's', relation: { kind: 'root' as const }, policy: { provider_id: 'p', model: { id: 'm', limits: { context_window_tokens: 1 } } } };
    for (let i = 0; i < 5; i++) await assert.rejects(factory.createStore(request), SchemaVersionError);
    assert.ok(openFiles() <= before, `open files ${before} → ${openFiles()}`);
    // A factory closed while a store is being opened closes that connection too.
    const racing = new SqliteSessionStoreFactory(tempDir(t));
    const pending = racing.createStore(request);
    await racing.close();
    await assert.rejects(pending, /closed/);
    assert.ok(openFiles() <= before, `open files ${before} → ${openFiles()}`);
  });
});
