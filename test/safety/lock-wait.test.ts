/**
 * Spec decisions 19 and 21: a lock held by another OS process never freezes
 * the event loop (short engine attempts, async retry), the waiter succeeds
 * once the lock is released, and a wait past the bound is the component's
 * retryable `Busy` — on every component. And decision 19's `NotPersisted`:
 * a persistence target that fails after COMMIT is reported as such by every
 * component's write methods, while the data stays committed.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import {
  EffectScope,
  PluginError,
  QueuedWork,
  RuntimeEffectControllerError,
  SqliteHostEventStore,
  SqliteProcessRegistry,
  SqliteRuntimeEffectController,
  Store,
  StoreError,
  type SqliteConnection,
} from '../../src/index.ts';
import { openNodeSqlite, type NodeSqliteConnection } from '../../src/node.ts';
import { openSqlJs } from '../../src/sqljs.ts';
import { execEnvelope, returningExecutor } from '../effects/samples.ts';
import { sampleDraft } from '../host-events/samples.ts';
import { registration } from '../process/support.ts';
import { draft } from '../queue/helpers.ts';
import { commitAt } from '../session/helpers.ts';
import { spawnChild, type ChildHandle } from '../support/child.ts';
import { tempDir } from '../support/drivers.ts';

const HOLD = join(import.meta.dirname, '../fixtures/hold-write-lock.ts');

/** A database with every component's schema and the fixture's table `t`. */
async function preparedDatabase(t: TestContext): Promise<string> {
  const path = join(tempDir(t, 'lash-lock'), 'shared.db');
  const conn = openNodeSqlite(path);
  conn.exec('CREATE TABLE t (v)');
  await Store.open(conn);
  await SqliteProcessRegistry.open(conn);
  await SqliteHostEventStore.open(conn);
  await SqliteRuntimeEffectController.open(conn, EffectScope.turn('s', 'turn'));
  conn.close();
  return path;
}

/** Another OS process takes the write lock and keeps it until told. */
async function holdLock(t: TestContext, path: string): Promise<ChildHandle> {
  const child = spawnChild(HOLD, [path]);
  t.after(() => child.process.kill('SIGKILL'));
  assert.deepEqual(await child.next(), { locked: true });
  return child;
}

async function release(child: ChildHandle): Promise<void> {
  child.send({ release: 'rollback' });
  await child.next();
  await child.exited;
}

describe('lock waits end in a retryable Busy [node-sqlite]', () => {
  it('every component fails with its retryable Busy once the bound runs out, writing nothing', async (t) => {
    const path = await preparedDatabase(t);
    const conn = openNodeSqlite(path, { busyTimeoutMs: 300 });
    t.after(() => conn.close());
    const store = await Store.open(conn);
    const queue = new QueuedWork(conn);
    const registry = await SqliteProcessRegistry.open(conn);
    const hostEvents = await SqliteHostEventStore.open(conn);
    const controller = await SqliteRuntimeEffectController.open(conn, EffectScope.turn('s', 'turn'));
    const child = await holdLock(t, path);
    const storeBusy = (error: unknown) => {
      assert.ok(error instanceof StoreError, String(error));
      assert.equal(error.detail.kind, 'Busy');
      assert.equal(error.retryable, true);
      assert.match(error.message, /^store busy: another connection held the database lock for more than 300 ms/);
      return true;
    };
    const pluginBusy = (error: unknown) => {
      assert.ok(error instanceof PluginError, String(error));
      assert.equal(error.condition, 'Busy');
      assert.equal(error.retryable, true);
      assert.match(error.message, /^plugin session error: another connection held the database lock/);
      return true;
    };
    try {
      const started = performance.now();
      await assert.rejects(store.commitRuntimeState(commitAt('root', 0)), storeBusy);
      const waited = performance.now() - started;
      assert.ok(waited >= 280 && waited < 2_000, `gave up after about the bound (${Math.round(waited)} ms)`);
      await assert.rejects(store.putBlob(new Uint8Array([1])), storeBusy);
      await assert.rejects(queue.enqueueQueuedWork(draft('root', 'x')), storeBusy);
      await assert.rejects(registry.registerProcess(registration('p1')), pluginBusy);
      await assert.rejects(hostEvents.registerSubscription(sampleDraft('s', 'k', 'p')), pluginBusy);
      await assert.rejects(controller.executeEffect(execEnvelope('k1', 'code'), returningExecutor('x')), (error: unknown) => {
        assert.ok(error instanceof RuntimeEffectControllerError, String(error));
        assert.equal(error.code, 'sqlite_effect_replay_busy');
        assert.equal(error.retryable, true);
        return true;
      });
    } finally {
      await release(child);
    }
    // Nothing was written; the same calls now succeed.
    assert.equal(conn.get<{ n: number }>('SELECT COUNT(*) AS n FROM session_head')!.n, 0);
    assert.equal((await store.commitRuntimeState(commitAt('root', 0))).head_revision, 1);
    assert.equal((await registry.registerProcess(registration('p1'))).id, 'p1');
  });
});

/** A connection whose persistence target fails after every COMMIT (what the sql.js driver reports via `whenDurable`). */
function failingTarget(conn: SqliteConnection): SqliteConnection & { failures: number } {
  const wrapper = {
    failures: 0,
    info: conn.info,
    codecs: conn.codecs,
    exec: (sql: string) => conn.exec(sql),
    run: conn.run.bind(conn),
    get: conn.get.bind(conn),
    all: conn.all.bind(conn),
    get closed() {
      return conn.closed;
    },
    close: () => conn.close(),
    async whenDurable(): Promise<void> {
      wrapper.failures += 1;
      throw new Error('disk full');
    },
  };
  return wrapper as SqliteConnection & { failures: number };
}

describe('a failing persistence target is NotPersisted on every component, and the write stays committed', () => {
  for (const engine of ['node-sqlite', 'sqljs'] as const) {
    it(`[${engine}]`, async (t) => {
      let raw: SqliteConnection;
      if (engine === 'node-sqlite') {
        const node: NodeSqliteConnection = openNodeSqlite(join(tempDir(t), 'target.db'));
        raw = node;
      } else {
        raw = await openSqlJs();
      }
      t.after(() => raw.close());
      const conn = failingTarget(raw);
      // Opening checks the schema in a transaction but acknowledges no write: it succeeds.
      const store = await Store.open(conn);
      const notPersisted = (error: unknown) => {
        assert.ok(error instanceof StoreError, String(error));
        assert.equal(error.detail.kind, 'NotPersisted');
        assert.equal(error.retryable, false);
        assert.match(error.message, /^store write not persisted: the write committed, but .* disk full/);
        return true;
      };
      await assert.rejects(store.commitRuntimeState(commitAt('root', 0)), notPersisted);
      // Committed in memory: a reader of the connection sees it.
      assert.equal((await store.loadSession({ kind: 'FullGraph' }))!.head_revision, 1);
      await assert.rejects(store.putBlob(new Uint8Array([1])), notPersisted);
      await assert.rejects(new QueuedWork(conn).enqueueQueuedWork(draft('root', 'x')), notPersisted);
      const pluginNotPersisted = (error: unknown) => {
        assert.ok(error instanceof PluginError && error.condition === 'NotPersisted', String(error));
        return true;
      };
      const registry = await SqliteProcessRegistry.open(conn);
      await assert.rejects(registry.registerProcess(registration('p1')), pluginNotPersisted);
      assert.equal((await registry.getProcess('p1'))?.id, 'p1');
      const hostEvents = await SqliteHostEventStore.open(conn);
      await assert.rejects(hostEvents.registerSubscription(sampleDraft('s', 'k', 'p')), pluginNotPersisted);
      const controller = await SqliteRuntimeEffectController.open(conn, EffectScope.turn('s', 'turn'));
      await assert.rejects(controller.executeEffect(execEnvelope('k1', 'code'), returningExecutor('x')), (error: unknown) => {
        assert.ok(error instanceof RuntimeEffectControllerError && error.code === 'sqlite_effect_replay_not_persisted', String(error));
        return true;
      });
      assert.ok(conn.failures >= 5);
    });
  }
});
