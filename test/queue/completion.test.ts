// Queue completion as `commitRuntimeState` runs it (validate before writing,
// delete after), driven here through a plain write transaction. The cases
// that go through a real turn commit live with the Store tests.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Store, StoreError, claimCompletion, withMergeKey, type QueuedWorkCompletion } from '../../src/index.ts';
import { commitAt } from '../session/helpers.ts';
import { describeEachDriver } from '../support/drivers.ts';
import { TTL, completeClaims, draft, ids, openQueue, snapshot } from './helpers.ts';

function claimExpired(sessionId: string, claimId: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof StoreError);
    assert.deepEqual(error.detail, { kind: 'QueuedWorkClaimExpired', session_id: sessionId, claim_id: claimId });
    assert.match(error.message, /^queued work claim `.*` for session `.*` is missing or expired$/);
    return true;
  };
}

const joinDraft = (text: string) => withMergeKey(draft('root', text, 'earliest_safe_boundary', 'join'), { group: 'joined' });

describeEachDriver('queued work completion', (driver) => {
  it('deletes the claimed batches and their items', async (t) => {
    const { queue, conn } = await openQueue(driver, t);
    await queue.enqueueQueuedWork(joinDraft('join one'));
    await queue.enqueueQueuedWork(joinDraft('join two'));
    const keep = await queue.enqueueQueuedWork(draft('root', 'keep'));
    const claim = (await queue.claimReadyQueuedWork('root', 'owner-a', 'idle', TTL, 10))!;
    assert.equal(claim.batches.length, 2);
    completeClaims(conn, 'root', [claimCompletion(claim)]);
    assert.deepEqual(ids(await queue.listQueuedWork('root')), [keep.batch_id]);
    const items = conn.all<{ batch_id: string }>('SELECT batch_id FROM queued_work_items');
    assert.deepEqual(items.map((row) => row.batch_id), [keep.batch_id]);
  });

  it('refuses a completion that names the wrong batches, even with the right count', async (t) => {
    const { queue, conn } = await openQueue(driver, t);
    await queue.enqueueQueuedWork(joinDraft('one'));
    await queue.enqueueQueuedWork(joinDraft('two'));
    const other = await queue.enqueueQueuedWork(draft('root', 'not in the claim'));
    const claim = (await queue.claimReadyQueuedWork('root', 'owner', 'idle', TTL, 10))!;
    const completion = claimCompletion(claim);
    const [a, b] = completion.batch_ids as [string, string];
    const before = snapshot(conn);
    const variants: QueuedWorkCompletion[] = [
      { ...completion, batch_ids: [a, other.batch_id] },
      { ...completion, batch_ids: [a, a] },
      { ...completion, batch_ids: [a] },
      { ...completion, batch_ids: [a, b, other.batch_id] },
      { ...completion, batch_ids: [] },
      { ...completion, lease_token: `${completion.lease_token}:stale` },
      { ...completion, claim_id: 'qwc:0:0' },
    ];
    for (const variant of variants) {
      assert.throws(() => completeClaims(conn, 'root', [variant]), claimExpired('root', variant.claim_id));
    }
    assert.throws(() => completeClaims(conn, 'elsewhere', [completion]), claimExpired('root', completion.claim_id));
    assert.deepEqual(snapshot(conn), before);
    // Order of the listed ids does not matter.
    completeClaims(conn, 'root', [{ ...completion, batch_ids: [b, a] }]);
    assert.deepEqual(ids(await queue.listQueuedWork('root')), [other.batch_id]);
  });

  it('one lost claim among several fails them all, before anything is deleted', async (t) => {
    const { queue, conn } = await openQueue(driver, t);
    await queue.enqueueQueuedWork(draft('root', 'first'));
    await queue.enqueueQueuedWork(draft('root', 'second'));
    const first = (await queue.claimReadyQueuedWork('root', 'a', 'idle', TTL, 1))!;
    const second = (await queue.claimReadyQueuedWork('root', 'b', 'idle', TTL, 1))!;
    const stale = { ...claimCompletion(second), lease_token: 'stale' };
    const before = snapshot(conn);
    assert.throws(() => completeClaims(conn, 'root', [claimCompletion(first), stale]), claimExpired('root', second.claim_id));
    assert.deepEqual(snapshot(conn), before);
    completeClaims(conn, 'root', [claimCompletion(first), claimCompletion(second)]);
    assert.deepEqual(await queue.listQueuedWork('root'), []);
  });

  it('an expired claim completes until someone reclaims; then only the new owner does', async (t) => {
    const { queue, conn, clock } = await openQueue(driver, t);
    await queue.enqueueQueuedWork(draft('root', 'x'));
    await queue.enqueueQueuedWork(draft('root', 'y'));
    const lapsed = (await queue.claimReadyQueuedWork('root', 'a', 'idle', 10, 1))!;
    clock.advance(1_000);
    completeClaims(conn, 'root', [claimCompletion(lapsed)]);

    const dead = (await queue.claimReadyQueuedWork('root', 'a', 'idle', 10, 1))!;
    clock.advance(10);
    const alive = (await queue.claimReadyQueuedWork('root', 'b', 'idle', TTL, 1))!;
    assert.deepEqual(ids(alive.batches), ids(dead.batches));
    assert.ok(alive.fencing_token > dead.fencing_token);
    assert.throws(() => completeClaims(conn, 'root', [claimCompletion(dead)]), claimExpired('root', dead.claim_id));
    completeClaims(conn, 'root', [claimCompletion(alive)]);
    assert.deepEqual(await queue.listQueuedWork('root'), []);
  });

  it('refuses malformed completions in a commit with InvalidInput naming the path, writing nothing', async (t) => {
    const { conn } = await openQueue(driver, t);
    const store = await Store.open(conn);
    const base = { session_id: 'root', claim_id: 'qwc:1:1', lease_token: 'tok', batch_ids: ['qwb:1'] };
    const before = snapshot(conn);
    for (const [value, pattern, path] of [
      [[null], /completed_queue_claims\[0\] must be an object/, '$.completed_queue_claims[0]'],
      [[{ ...base, batch_ids: 'qwb:1' }], /batch_ids must be an array/, '$.completed_queue_claims[0].batch_ids'],
      [[{ ...base, batch_ids: [''] }], /batch_ids\[0\] must not be empty/, '$.completed_queue_claims[0].batch_ids[0]'],
      [[{ ...base, lease_token: 1 }], /lease_token must be a string/, '$.completed_queue_claims[0].lease_token'],
    ] as const) {
      const commit = { ...commitAt('root', 0), completed_queue_claims: value as unknown as QueuedWorkCompletion[] };
      await assert.rejects(store.commitRuntimeState(commit), (error) => {
        assert.ok(error instanceof StoreError);
        assert.deepEqual({ kind: error.detail.kind, path: (error.detail as { path?: string }).path }, { kind: 'InvalidInput', path });
        assert.match(error.message, pattern);
        return true;
      });
    }
    assert.deepEqual(snapshot(conn), before);
  });
});
