// Queued work through the session Store: the cases that need a real turn
// commit (RP-13, RP-15, RP-14 and RP-19's queue part through the Store) and
// completion atomicity with the head and the turn stamp.
import { QUEUE_METHOD_NAMES, type RuntimePersistence } from '../../core/contract/session.ts';
import { StoreError } from '../../core/contract/errors.ts';
import { claimCompletion, type QueuedWorkCompletion } from '../../core/contract/queue.ts';
import { completingQueueClaim, persistedStateCommit, turnCommitHash, turnCommitStamp, withTurnCommit } from '../../core/session/turn-commit.ts';
import { processWakeBatchDraft, withMergeKey } from '../../core/queue/drafts.ts';
import { type RuntimeCommit } from '../../core/contract/session-records.ts';
import { ManualClock } from '../fixtures/clock.ts';
import { commitAt, defaultState, openFresh, snapshot } from '../fixtures/session.ts';
import { TTL, WAKE, draft, ids } from '../fixtures/queue.ts';
import type { ConformanceAssert, Kit } from '../harness.ts';

export function queuedWorkStoreSuite(kit: Kit): void {
  const { it, suite } = kit;
  const assert: ConformanceAssert = kit.assert;

  const stale = (completion: QueuedWorkCompletion): QueuedWorkCompletion => ({
    ...completion,
    lease_token: `${completion.lease_token}:stale`,
  });

  function claimExpired(error: unknown): boolean {
    return error instanceof StoreError && error.detail.kind === 'QueuedWorkClaimExpired';
  }

  const rootCommit = (): RuntimeCommit => persistedStateCommit(defaultState('root'));

  suite('queued work through the Store', (driver) => {
    it('implements every queue method of RuntimePersistence', async (t) => {
      const { store } = await openFresh(driver, t);
      const persistence: RuntimePersistence = store;
      for (const name of QUEUE_METHOD_NAMES) assert.equal(typeof persistence[name], 'function', name);
    });

    it('RP-13 completion is lease guarded', async (t) => {
      const { store } = await openFresh(driver, t);
      const join = (text: string) => withMergeKey(draft('root', text, 'earliest_safe_boundary', 'join'), { group: 'joined' });
      const first = await store.enqueueQueuedWork(join('join one'));
      const second = await store.enqueueQueuedWork(join('join two'));
      const claim = await store.claimReadyQueuedWork('root', 'owner-a', 'idle', TTL, 10);
      assert.deepEqual(ids(claim?.batches), [first.batch_id, second.batch_id]);

      await assert.rejects(store.commitRuntimeState(completingQueueClaim(rootCommit(), stale(claimCompletion(claim!)))), claimExpired);
      assert.equal((await store.listQueuedWork('root')).length, 2);
      await store.commitRuntimeState(completingQueueClaim(rootCommit(), claimCompletion(claim!)));
      assert.deepEqual(await store.listQueuedWork('root'), []);
    });

    it('RP-14 a wake is claimed once and completed by a turn commit', async (t) => {
      const { store } = await openFresh(driver, t);
      const first = await store.enqueueQueuedWork(processWakeBatchDraft(WAKE));
      const replay = await store.enqueueQueuedWork(processWakeBatchDraft(WAKE));
      assert.equal(first.batch_id, replay.batch_id);
      assert.equal((await store.listQueuedWork('root')).length, 1);
      const claim = await store.claimReadyQueuedWork('root', 'wake-owner', 'idle', TTL, 10);
      assert.equal(claim?.batches.length, 1);
      assert.equal(claim.batches[0]!.items.length, 1);
      assert.equal(claim.batches[0]!.items[0]!.payload.type, 'process_wake');
      await store.commitRuntimeState(completingQueueClaim(rootCommit(), claimCompletion(claim)));
      assert.deepEqual(await store.listQueuedWork('root'), []);
    });

    it('RP-15 queue completion and the turn commit stamp are atomic', async (t) => {
      const { store, conn } = await openFresh(driver, t);
      const batch = await store.enqueueQueuedWork(draft('root', 'atomic queue'));
      const claim = await store.claimReadyQueuedWork('root', 'queue-owner', 'idle', TTL, 1);
      assert.equal(claim?.batches[0]!.batch_id, batch.batch_id);
      const base = persistedStateCommit(defaultState('root', { turn_index: 41 }));
      const hash = turnCommitHash(base);
      const stamped = withTurnCommit(base, turnCommitStamp('root', 'turn-atomic', hash));

      await assert.rejects(store.commitRuntimeState(completingQueueClaim(stamped, stale(claimCompletion(claim)))), claimExpired);
      assert.equal(await store.loadSession({ kind: 'FullGraph' }), null);
      assert.equal((await store.listQueuedWork('root')).length, 1);
      assert.equal(conn.get<{ n: number }>('SELECT COUNT(*) AS n FROM runtime_turn_commits')!.n, 0);

      const first = await store.commitRuntimeState(completingQueueClaim(stamped, claimCompletion(claim)));
      const retry = await store.commitRuntimeState(
        completingQueueClaim(withTurnCommit(base, turnCommitStamp('root', 'turn-atomic', hash)), claimCompletion(claim)),
      );
      assert.equal(retry.head_revision, first.head_revision);
      assert.equal(retry.checkpoint_ref, first.checkpoint_ref);
      assert.ok(await store.loadSession({ kind: 'FullGraph' }));
      assert.deepEqual(await store.listQueuedWork('root'), []);
    });

    it('a stale completion leaves a later head, its graph and its stamp unwritten', async (t) => {
      const { store, conn } = await openFresh(driver, t);
      await store.commitRuntimeState(commitAt('root', 0));
      const a = await store.enqueueQueuedWork(draft('root', 'a'));
      const claim = (await store.claimReadyQueuedWork('root', 'o', 'idle', TTL, 1))!;
      const other = await store.enqueueQueuedWork(draft('root', 'not claimed'));
      const before = snapshot(conn);
      const next = withTurnCommit(commitAt('root', 1), turnCommitStamp('root', 'turn-2', 'h2'));
      for (const completion of [
        stale(claimCompletion(claim)),
        { ...claimCompletion(claim), batch_ids: [other.batch_id] },
        { ...claimCompletion(claim), batch_ids: [a.batch_id, a.batch_id] },
        { ...claimCompletion(claim), session_id: 'other' },
      ]) {
        await assert.rejects(store.commitRuntimeState(completingQueueClaim(next, completion)), claimExpired);
        assert.equal(snapshot(conn), before);
      }
      // One good and one lost claim in the same commit: nothing of either.
      const b = await store.enqueueQueuedWork(draft('root', 'b'));
      const second = (await store.claimReadyQueuedWork('root', 'p', 'idle', TTL, 1))!;
      assert.deepEqual(ids(second.batches), [other.batch_id]);
      const withBoth = completingQueueClaim(completingQueueClaim(next, claimCompletion(claim)), stale(claimCompletion(second)));
      const beforeBoth = snapshot(conn);
      await assert.rejects(store.commitRuntimeState(withBoth), claimExpired);
      assert.equal(snapshot(conn), beforeBoth);

      const result = await store.commitRuntimeState(
        completingQueueClaim(completingQueueClaim(next, claimCompletion(claim)), claimCompletion(second)),
      );
      assert.equal(result.head_revision, 2);
      assert.deepEqual(ids(await store.listQueuedWork('root')), [b.batch_id]);
    });

    it('a claim reclaimed after expiry completes only for its new owner', async (t) => {
      const clock = new ManualClock();
      const { store } = await openFresh(driver, t, { clock: clock.clock });
      await store.enqueueQueuedWork(draft('root', 'x'));
      const dead = (await store.claimReadyQueuedWork('root', 'crashed', 'idle', TTL, 1))!;
      clock.advance(TTL);
      const alive = (await store.claimReadyQueuedWork('root', 'alive', 'idle', TTL, 1))!;
      assert.ok(alive.fencing_token > dead.fencing_token);
      await assert.rejects(store.commitRuntimeState(completingQueueClaim(rootCommit(), claimCompletion(dead))), claimExpired);
      await store.commitRuntimeState(completingQueueClaim(rootCommit(), claimCompletion(alive)));
      assert.deepEqual(await store.listQueuedWork('root'), []);
    });

    it('RP-19 queued batches survive reopen with their ids and payloads; live claims too', async (t) => {
      const opened = await openFresh(driver, t);
      const kept = await opened.store.enqueueQueuedWork(processWakeBatchDraft(WAKE));
      const held = await opened.store.enqueueQueuedWork(draft('root', 'held'));
      const claim = (await opened.store.claimReadyQueuedWork('root', 'o', 'idle', TTL, 2))!;
      assert.deepEqual(ids(claim.batches), [kept.batch_id]);
      const reopened = await opened.reopen();
      assert.deepEqual(await reopened.listQueuedWork('root'), [kept, held]);
      assert.deepEqual(ids(await reopened.listPendingQueuedWork('root')), [held.batch_id]);
      await reopened.commitRuntimeState(completingQueueClaim(rootCommit(), claimCompletion(claim)));
      assert.deepEqual(ids(await opened.store.listQueuedWork('root')), [held.batch_id]);
    });

    it('queue methods refuse after close()', async (t) => {
      const { store } = await openFresh(driver, t);
      store.close();
      await assert.rejects(store.listQueuedWork('root'), (error) => error instanceof StoreError && error.detail.kind === 'Backend');
      await assert.rejects(store.enqueueQueuedWork(draft('root', 'x')), StoreError);
    });
  });
}
