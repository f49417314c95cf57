import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  RuntimePersistenceBase,
  StoreError,
  UNSUPPORTED_QUEUED_WORK,
  type QueuedWorkClaim,
  type RuntimePersistence,
  type Store,
} from '../../src/index.ts';
import { describeEachDriver } from '../support/drivers.ts';
import { draft, TTL } from '../queue/helpers.ts';
import { openFresh, rejection } from './helpers.ts';

/** A host's own store: everything but the defaulted methods comes from a real Store. */
class HostStore extends RuntimePersistenceBase {
  readonly #inner: Store;
  constructor(inner: Store) {
    super();
    this.#inner = inner;
  }
  loadSession: RuntimePersistence['loadSession'] = (scope) => this.#inner.loadSession(scope);
  loadNode: RuntimePersistence['loadNode'] = (id) => this.#inner.loadNode(id);
  commitRuntimeState: RuntimePersistence['commitRuntimeState'] = (c) => this.#inner.commitRuntimeState(c);
  enqueueQueuedWork: RuntimePersistence['enqueueQueuedWork'] = (d) => this.#inner.enqueueQueuedWork(d);
  claimReadyQueuedWork: RuntimePersistence['claimReadyQueuedWork'] = (...a) => this.#inner.claimReadyQueuedWork(...a);
  renewQueuedWorkClaim: RuntimePersistence['renewQueuedWorkClaim'] = (c, ttl) => this.#inner.renewQueuedWorkClaim(c, ttl);
  abandonQueuedWorkClaim: RuntimePersistence['abandonQueuedWorkClaim'] = (c) => this.#inner.abandonQueuedWorkClaim(c);
  cancelQueuedWorkBatch: RuntimePersistence['cancelQueuedWorkBatch'] = (s, b) => this.#inner.cancelQueuedWorkBatch(s, b);
  listQueuedWork: RuntimePersistence['listQueuedWork'] = (s) => this.#inner.listQueuedWork(s);
  saveSessionMeta: RuntimePersistence['saveSessionMeta'] = (m) => this.#inner.saveSessionMeta(m);
  loadSessionMeta: RuntimePersistence['loadSessionMeta'] = () => this.#inner.loadSessionMeta();
  tombstoneNodes: RuntimePersistence['tombstoneNodes'] = (ids) => this.#inner.tombstoneNodes(ids);
  vacuum: RuntimePersistence['vacuum'] = () => this.#inner.vacuum();
  gcUnreachable: RuntimePersistence['gcUnreachable'] = () => this.#inner.gcUnreachable();
  recordIntent: RuntimePersistence['recordIntent'] = (i) => this.#inner.recordIntent(i);
  commitRefs: RuntimePersistence['commitRefs'] = (s, ids) => this.#inner.commitRefs(s, ids);
  listUncommitted: RuntimePersistence['listUncommitted'] = (t) => this.#inner.listUncommitted(t);
  forget: RuntimePersistence['forget'] = (id) => this.#inner.forget(id);
}

describeEachDriver('RuntimePersistenceBase defaults', (driver) => {
  it('reports the inline tier by default', async (t) => {
    const { store } = await openFresh(driver, t);
    assert.equal(new HostStore(store).durabilityTier(), 'inline');
  });

  it('claims exact batch ids by claim, compare and abandon', async (t) => {
    const { store } = await openFresh(driver, t);
    const host = new HostStore(store);
    const first = await host.enqueueQueuedWork(draft('root', 'first', 'earliest_safe_boundary', 'join'));
    const second = await host.enqueueQueuedWork(draft('root', 'second', 'earliest_safe_boundary', 'join'));
    assert.equal(await host.claimReadyQueuedWorkByBatchIds('root', 'owner', 'idle', TTL, []), null);
    // Asking for the second alone would skip earlier work: refused, and the group is free again.
    assert.equal(await host.claimReadyQueuedWorkByBatchIds('root', 'owner', 'idle', TTL, [second.batch_id]), null);
    assert.equal((await host.listPendingQueuedWork('root')).length, 2);
    const exact = await host.claimReadyQueuedWorkByBatchIds('root', 'owner', 'idle', TTL, [first.batch_id, second.batch_id]);
    assert.deepEqual(exact?.batches.map((b) => b.batch_id), [first.batch_id, second.batch_id]);
  });

  it('lists pending work as all work (the trait default, claimed batches included)', async (t) => {
    const { store } = await openFresh(driver, t);
    const host = new HostStore(store);
    await host.enqueueQueuedWork(draft('root', 'work'));
    await host.claimReadyQueuedWork('root', 'owner', 'idle', TTL, 1);
    assert.equal((await host.listPendingQueuedWork('root')).length, 1);
    assert.equal((await store.listPendingQueuedWork('root')).length, 0, 'the SQLite store overrides it');
  });
});

describe('UNSUPPORTED_QUEUED_WORK', () => {
  const claim: QueuedWorkClaim = {
    session_id: 's',
    claim_id: 'c',
    owner_id: 'o',
    lease_token: 't',
    fencing_token: 1,
    claimed_at_epoch_ms: 0,
    expires_at_epoch_ms: 0,
    batches: [],
  };

  it('fails enqueue and claims, expires renewals, and finds nothing', async () => {
    const queue = UNSUPPORTED_QUEUED_WORK;
    const enqueue = await rejection(queue.enqueueQueuedWork(draft('s', 'x')));
    assert.ok(enqueue instanceof StoreError);
    assert.equal(enqueue.message, 'store backend error: queued work is not supported by this test store');
    const claimError = await rejection(queue.claimReadyQueuedWork('s', 'o', 'idle', 1, 1));
    assert.equal((claimError as Error).message, 'store backend error: queued work is not supported for session `s` by this test store');
    assert.equal(await queue.claimReadyQueuedWorkByBatchIds('s', 'o', 'idle', 1, []), null);
    await assert.rejects(queue.claimReadyQueuedWorkByBatchIds('s', 'o', 'idle', 1, ['b']), /not supported for session `s`/);
    const renew = await rejection(queue.renewQueuedWorkClaim(claim, 1));
    assert.deepEqual((renew as StoreError).detail, { kind: 'QueuedWorkClaimExpired', session_id: 's', claim_id: 'c' });
    await queue.abandonQueuedWorkClaim(claim);
    assert.equal(await queue.cancelQueuedWorkBatch('s', 'b'), null);
    assert.deepEqual(await queue.listQueuedWork('s'), []);
    assert.deepEqual(await queue.listPendingQueuedWork('s'), []);
  });
});
