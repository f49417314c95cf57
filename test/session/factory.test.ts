/** Session store factories (catalogue §7, SF-1..SF-4) for node:sqlite, and the sql.js equivalents. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { InvalidInputError, StoreError, persistedStateCommit, safeSessionDbFileName, type SessionStoreFactory, type Store } from '../../src/index.ts';
import { SqliteSessionStoreFactory } from '../../src/node.ts';
import { SqlJsSessionStoreFactory } from '../../src/sqljs.ts';
import { ManualClock } from '../support/clock.ts';
import { tempDir } from '../support/drivers.ts';
import { defaultState, model, rejection } from './helpers.ts';

const request = (sessionId: string, modelId: string, relation: { kind: 'root' } | { kind: 'child'; parent_session_id: string } = { kind: 'root' }) => ({
  session_id: sessionId,
  relation,
  policy: { provider_id: 'openai', model: model(modelId) },
});

const UNSAFE_IDS: Array<[string, RegExp]> = [
  ['', /must not be empty/],
  ['a\0b', /NUL/],
  ['lone\uD800', /well-formed Unicode/],
];

describe('SqliteSessionStoreFactory', () => {
  it('SF-1 uses deterministic safe session paths', (t) => {
    const root = tempDir(t, 'lash-factory');
    const factory = new SqliteSessionStoreFactory(root);
    const path = factory.pathForSession('../weird/session');
    assert.equal(factory.pathForSession('../weird/session'), path);
    assert.equal(dirname(path), root);
    assert.ok(basename(path).endsWith('.db'));
    assert.ok(!basename(path).includes('/'));
    assert.equal(basename(path), 'weird_session-7a2d2bada3f30bfe.db');
    assert.equal(basename(factory.pathForSession('chat/alpha')), 'chat_alpha-d8d20168f855065d.db');
    assert.equal(basename(factory.pathForSession('explicit')), 'explicit-3b283e93debf035e.db');
    assert.equal(basename(factory.pathForSession('delete/me')), 'delete_me-cc812727fc741128.db');
    assert.equal(factory.durabilityTier(), 'durable');
  });

  it('SF-2 creates metadata once and preserves it on reopen', async (t) => {
    const clock = new ManualClock(1_780_000_000_123);
    const factory = new SqliteSessionStoreFactory(join(tempDir(t, 'lash-factory'), 'nested', 'dir'), { clock: clock.clock });
    t.after(() => factory.close());
    const first = await factory.createStore(request('chat/alpha', 'first-model', { kind: 'child', parent_session_id: 'parent' }));
    const meta = (await first.loadSessionMeta())!;
    assert.equal(meta.session_id, 'chat/alpha');
    assert.equal(meta.model, 'first-model');
    assert.deepEqual(meta, {
      session_id: 'chat/alpha',
      session_name: 'chat/alpha',
      created_at: 'unix:1780000000',
      model: 'first-model',
      cwd: process.cwd(),
      relation: { kind: 'child', parent_session_id: 'parent' },
    });
    await first.saveSessionMeta({
      session_id: 'chat/alpha',
      session_name: 'Renamed',
      created_at: 'original',
      model: 'preserved-model',
      cwd: '/srv/original',
      relation: { kind: 'child', parent_session_id: 'parent' },
    });
    const second = await factory.createStore(request('chat/alpha', 'second-model', { kind: 'child', parent_session_id: 'parent' }));
    assert.notEqual(second, first);
    const reopened = (await second.loadSessionMeta())!;
    assert.equal(reopened.session_name, 'Renamed');
    assert.equal(reopened.model, 'preserved-model');
    assert.equal(reopened.created_at, 'original');
  });

  it('SF-3 is usable through the generic factory interface', async (t) => {
    const factory: SessionStoreFactory<Store> = new SqliteSessionStoreFactory(tempDir(t, 'lash-factory'));
    t.after(() => (factory as SqliteSessionStoreFactory).close());
    const store = await factory.createStore(request('explicit', 'model'));
    assert.ok((await store.loadSessionMeta()) !== null);
    assert.equal(factory.durabilityTier(), 'durable');
    assert.equal(store.durabilityTier(), 'durable');
  });

  it('SF-4 deleteSession removes the database and its sidecars, idempotently', async (t) => {
    const root = tempDir(t, 'lash-factory');
    const factory = new SqliteSessionStoreFactory(root);
    const db = factory.pathForSession('delete/me');
    mkdirSync(root, { recursive: true });
    writeFileSync(db, 'db');
    writeFileSync(`${db}-wal`, 'wal');
    writeFileSync(`${db}-shm`, 'shm');
    await factory.deleteSession('delete/me');
    await factory.deleteSession('delete/me');
    for (const file of [db, `${db}-wal`, `${db}-shm`]) assert.equal(existsSync(file), false, file);
  });

  it('closes the connections it opened when a session is deleted, and on close()', async (t) => {
    const factory = new SqliteSessionStoreFactory(tempDir(t, 'lash-factory'));
    const store = await factory.createStore(request('s1', 'm'));
    await store.commitRuntimeState(persistedStateCommit(defaultState('s1')));
    const path = factory.pathForSession('s1');
    assert.ok(existsSync(path));
    await factory.deleteSession('s1');
    assert.equal(existsSync(path), false);
    assert.ok((await rejection(store.loadSessionMeta())) instanceof StoreError);
    const other = await factory.createStore(request('s2', 'm'));
    await factory.close();
    assert.equal(other.closed, true);
    await assert.rejects(factory.createStore(request('s3', 'm')), /closed/);
  });

  it('a session created again after delete starts empty', async (t) => {
    const factory = new SqliteSessionStoreFactory(tempDir(t, 'lash-factory'));
    t.after(() => factory.close());
    const store = await factory.createStore(request('again', 'm'));
    await store.commitRuntimeState(persistedStateCommit(defaultState('again')));
    await factory.deleteSession('again');
    const fresh = await factory.createStore(request('again', 'm'));
    assert.equal(await fresh.loadSession({ kind: 'FullGraph' }), null);
    assert.ok((await fresh.loadSessionMeta()) !== null);
  });

  it('refuses unsafe and empty session ids, creating no file', async (t) => {
    const root = tempDir(t, 'lash-factory');
    const factory = new SqliteSessionStoreFactory(root);
    for (const [id, message] of UNSAFE_IDS) {
      assert.throws(() => factory.pathForSession(id), (e: unknown) => e instanceof InvalidInputError && message.test(e.message));
      await assert.rejects(factory.createStore(request(id, 'm')), InvalidInputError);
      await assert.rejects(factory.deleteSession(id), InvalidInputError);
    }
    await assert.rejects(factory.createStore({ ...request('ok', 'm'), policy: { provider_id: 'p', model: { id: 'm' } as never } }), InvalidInputError);
    assert.equal(existsSync(root) && existsSync(join(root, safeSessionDbFileName('ok'))), false);
  });
});

describe('SqlJsSessionStoreFactory', () => {
  it('gives one in-memory database per session id, the same store on repeated create', async (t) => {
    const clock = new ManualClock(1_780_000_000_999);
    const factory = new SqlJsSessionStoreFactory({ clock: clock.clock });
    t.after(() => factory.close());
    assert.equal(factory.durabilityTier(), 'inline');
    const [a, again] = await Promise.all([
      factory.createStore(request('chat/alpha', 'first-model', { kind: 'child', parent_session_id: 'parent' })),
      factory.createStore(request('chat/alpha', 'second-model')),
    ]);
    assert.equal(a, again);
    assert.equal(a.durabilityTier(), 'inline');
    assert.deepEqual(await a.loadSessionMeta(), {
      session_id: 'chat/alpha',
      session_name: 'chat/alpha',
      created_at: 'unix:1780000000',
      model: 'first-model',
      cwd: null,
      relation: { kind: 'child', parent_session_id: 'parent' },
    });
    const b = await factory.createStore(request('explicit', 'model'));
    assert.notEqual(b, a);
    await a.commitRuntimeState(persistedStateCommit(defaultState('chat/alpha')));
    assert.equal(await b.loadSession({ kind: 'FullGraph' }), null);
  });

  it('preserves edited metadata on repeated create (SF-2 equivalent)', async (t) => {
    const factory = new SqlJsSessionStoreFactory({ cwd: '/browser' });
    t.after(() => factory.close());
    const store = await factory.createStore(request('s', 'first-model'));
    assert.equal((await store.loadSessionMeta())!.cwd, '/browser');
    await store.saveSessionMeta({ ...(await store.loadSessionMeta())!, session_name: 'Renamed', model: 'preserved-model' });
    const again = await factory.createStore(request('s', 'second-model'));
    assert.equal((await again.loadSessionMeta())!.model, 'preserved-model');
  });

  it('deletes sessions idempotently, closing their databases; exports a session as file bytes', async (t) => {
    const factory = new SqlJsSessionStoreFactory();
    const store = await factory.createStore(request('delete/me', 'm'));
    await store.commitRuntimeState(persistedStateCommit(defaultState('delete/me')));
    const bytes = (await factory.exportSession('delete/me'))!;
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 15)), 'SQLite format 3');
    await factory.deleteSession('delete/me');
    await factory.deleteSession('delete/me');
    assert.equal(store.closed, true);
    assert.equal(await factory.exportSession('delete/me'), null);
    const fresh = await factory.createStore(request('delete/me', 'm'));
    assert.equal(await fresh.loadSession({ kind: 'FullGraph' }), null);
    for (const [id] of UNSAFE_IDS) {
      await assert.rejects(factory.createStore(request(id, 'm')), InvalidInputError);
      await assert.rejects(factory.deleteSession(id), InvalidInputError);
    }
    await factory.close();
    assert.equal(fresh.closed, true);
    await assert.rejects(factory.createStore(request('x', 'm')), /closed/);
  });
});
