// Catalogue §5.3 (RP-07..RP-12, RP-14) and SQ-3, with their exact values,
// against the QueuedWork component on both drivers. RP-13 and RP-15 need a
// real turn commit and live with the Store tests.
import { claimCompletion } from '../../core/contract/queue.ts';
import { processWakeBatchDraft, withAvailableAtMs, withMergeKey, withSourceKey } from '../../core/queue/drafts.ts';
import { FAR_FUTURE_MS, TTL, WAKE, batchText, completeClaims, draft, ids, openQueue } from '../fixtures/queue.ts';
import type { ConformanceAssert, Kit } from '../harness.ts';

export function queuedWorkSuite(kit: Kit): void {
  const { it, suite } = kit;
  const assert: ConformanceAssert = kit.assert;

  suite('queued work conformance', (driver) => {
    it('RP-07 source keys are idempotent and the list is ordered', async (t) => {
      const { queue } = await openQueue(driver, t);
      const first = await queue.enqueueQueuedWork(
        withSourceKey(draft('root', 'first', 'earliest_safe_boundary', 'join'), 'source:first'),
      );
      const replay = await queue.enqueueQueuedWork(
        withSourceKey(draft('root', 'different replay payload', 'earliest_safe_boundary', 'join'), 'source:first'),
      );
      const second = await queue.enqueueQueuedWork(draft('root', 'second', 'earliest_safe_boundary', 'exclusive'));
      await queue.enqueueQueuedWork(draft('other', 'other session', 'earliest_safe_boundary', 'exclusive'));

      assert.equal(first.batch_id, replay.batch_id);
      assert.equal(first.items[0]!.item_id, replay.items[0]!.item_id);
      assert.equal(batchText(replay), 'first');
      const listed = await queue.listQueuedWork('root');
      assert.deepEqual(ids(listed), [first.batch_id, second.batch_id]);
      assert.ok(listed[0]!.enqueue_seq < listed[1]!.enqueue_seq);
    });

    it('RP-08 cancel removes only unclaimed batches', async (t) => {
      const { queue } = await openQueue(driver, t);
      const cancellable = await queue.enqueueQueuedWork(draft('root', 'cancel me', 'after_current_turn_commit', 'exclusive'));
      const cancelled = await queue.cancelQueuedWorkBatch('root', cancellable.batch_id);
      assert.equal(cancelled?.batch_id, cancellable.batch_id);
      assert.equal(batchText(cancelled!), 'cancel me');
      assert.deepEqual(await queue.listQueuedWork('root'), []);

      const claimed = await queue.enqueueQueuedWork(draft('root', 'claimed', 'after_current_turn_commit', 'exclusive'));
      const claim = await queue.claimReadyQueuedWork('root', 'owner', 'idle', TTL, 1);
      assert.ok(claim);
      assert.equal(claim.batches[0]!.batch_id, claimed.batch_id);
      assert.deepEqual(await queue.listPendingQueuedWork('root'), []);
      assert.equal((await queue.listQueuedWork('root')).length, 1);
      assert.equal(await queue.cancelQueuedWorkBatch('root', claimed.batch_id), null);

      await queue.abandonQueuedWorkClaim(claim);
      assert.equal((await queue.listPendingQueuedWork('root')).length, 1);
      assert.ok(await queue.cancelQueuedWorkBatch('root', claimed.batch_id));
    });

    it('RP-09 an exact claim uses the selected batch ids and cannot skip earlier work', async (t) => {
      const { queue } = await openQueue(driver, t);
      const first = await queue.enqueueQueuedWork(draft('root', 'first', 'after_current_turn_commit', 'exclusive'));
      const second = await queue.enqueueQueuedWork(draft('root', 'second', 'after_current_turn_commit', 'exclusive'));

      assert.equal(await queue.claimReadyQueuedWorkByBatchIds('root', 'owner', 'idle', TTL, [second.batch_id]), null);
      assert.deepEqual(ids(await queue.listPendingQueuedWork('root')), [first.batch_id, second.batch_id]);
      const exact = await queue.claimReadyQueuedWorkByBatchIds('root', 'owner', 'idle', TTL, [first.batch_id]);
      assert.deepEqual(ids(exact?.batches), [first.batch_id]);
      assert.deepEqual(ids(await queue.listPendingQueuedWork('root')), [second.batch_id]);
    });

    it('RP-10 claims respect boundaries, renewal and abandon', async (t) => {
      const { queue } = await openQueue(driver, t);
      const afterCommit = await queue.enqueueQueuedWork(
        draft('root', 'after current commit', 'after_current_turn_commit', 'exclusive'),
      );
      const earliest = await queue.enqueueQueuedWork(draft('root', 'earliest', 'earliest_safe_boundary', 'exclusive'));

      assert.equal(await queue.claimReadyQueuedWork('root', 'owner-a', 'active_turn_checkpoint', TTL, 10), null);
      const idleClaim = await queue.claimReadyQueuedWork('root', 'owner-a', 'idle', TTL, 10);
      assert.equal(idleClaim?.batches.length, 1);
      assert.equal(idleClaim.batches[0]!.batch_id, afterCommit.batch_id);
      const checkpoint = await queue.claimReadyQueuedWork('root', 'owner-b', 'active_turn_checkpoint', TTL, 10);
      assert.equal(checkpoint?.batches[0]!.batch_id, earliest.batch_id);

      await queue.abandonQueuedWorkClaim(idleClaim);
      const reclaimed = await queue.claimReadyQueuedWork('root', 'owner-c', 'idle', TTL, 10);
      assert.ok(reclaimed);
      assert.equal(reclaimed.batches[0]!.batch_id, afterCommit.batch_id);
      assert.ok(reclaimed.fencing_token > idleClaim.fencing_token);

      const renewed = await queue.renewQueuedWorkClaim(reclaimed, TTL);
      assert.equal(renewed.claim_id, reclaimed.claim_id);
      assert.equal(renewed.lease_token, reclaimed.lease_token);
      assert.equal(renewed.batches[0]!.batch_id, reclaimed.batches[0]!.batch_id);
      assert.ok(renewed.expires_at_epoch_ms >= reclaimed.expires_at_epoch_ms);
    });

    it('RP-11 claims respect availability, limits, exclusivity, reclaim and sessions', async (t) => {
      const { queue } = await openQueue(driver, t);
      await queue.enqueueQueuedWork(withAvailableAtMs(draft('root', 'not ready'), FAR_FUTURE_MS));
      const exclusive = await queue.enqueueQueuedWork(draft('root', 'exclusive'));
      const joined = await queue.enqueueQueuedWork(
        withMergeKey(draft('root', 'joined', 'earliest_safe_boundary', 'join'), { group: 'root' }),
      );
      const other = await queue.enqueueQueuedWork(draft('other', 'other session'));

      assert.deepEqual(ids((await queue.claimReadyQueuedWork('root', 'owner-a', 'idle', TTL, 10))?.batches), [
        exclusive.batch_id,
      ]);
      assert.equal((await queue.claimReadyQueuedWork('root', 'owner-b', 'idle', TTL, 10))?.batches[0]!.batch_id, joined.batch_id);
      assert.equal((await queue.claimReadyQueuedWork('other', 'owner-c', 'idle', TTL, 10))?.batches[0]!.batch_id, other.batch_id);

      const reclaimSource = await queue.enqueueQueuedWork(draft('reclaim', 'expired claim'));
      const expired = await queue.claimReadyQueuedWork('reclaim', 'owner-a', 'idle', 0, 1);
      assert.ok(expired);
      const reclaimed = await queue.claimReadyQueuedWork('reclaim', 'owner-b', 'idle', TTL, 1);
      assert.equal(reclaimed?.batches[0]!.batch_id, reclaimSource.batch_id);
      assert.ok(reclaimed.fencing_token > expired.fencing_token);

      const limited = [];
      for (const text of ['one', 'two', 'three']) {
        limited.push(
          await queue.enqueueQueuedWork(
            withMergeKey(draft('limited', text, 'earliest_safe_boundary', 'join'), { group: 'limited' }),
          ),
        );
      }
      assert.deepEqual(ids((await queue.claimReadyQueuedWork('limited', 'owner', 'idle', TTL, 2))?.batches), [
        limited[0]!.batch_id,
        limited[1]!.batch_id,
      ]);
      assert.equal(
        (await queue.claimReadyQueuedWork('limited', 'owner-next', 'idle', TTL, 10))?.batches[0]!.batch_id,
        limited[2]!.batch_id,
      );
    });

    it('RP-12 join groups by delivery policy and merge key', async (t) => {
      const { queue } = await openQueue(driver, t);
      const join = (text: string, delivery: 'earliest_safe_boundary' | 'after_current_turn_commit', group: string) =>
        queue.enqueueQueuedWork(withMergeKey(draft('root', text, delivery, 'join'), { group }));
      const first = await join('group a one', 'earliest_safe_boundary', 'a');
      const second = await join('group a two', 'earliest_safe_boundary', 'a');
      const differentMerge = await join('group b', 'earliest_safe_boundary', 'b');
      const differentDelivery = await join('after commit', 'after_current_turn_commit', 'a');

      assert.deepEqual(ids((await queue.claimReadyQueuedWork('root', 'owner-a', 'idle', TTL, 10))?.batches), [
        first.batch_id,
        second.batch_id,
      ]);
      assert.equal((await queue.claimReadyQueuedWork('root', 'owner-b', 'idle', TTL, 10))?.batches[0]!.batch_id, differentMerge.batch_id);
      assert.equal(
        (await queue.claimReadyQueuedWork('root', 'owner-c', 'idle', TTL, 10))?.batches[0]!.batch_id,
        differentDelivery.batch_id,
      );
    });

    it('RP-14 a wake delivery is source-key idempotent and claimed once', async (t) => {
      const { queue, conn } = await openQueue(driver, t);
      const first = await queue.enqueueQueuedWork(processWakeBatchDraft(WAKE));
      const replay = await queue.enqueueQueuedWork(processWakeBatchDraft(WAKE));
      assert.equal(first.batch_id, replay.batch_id);
      assert.equal(first.source_key, 'process:process-1:event:7:wake');
      assert.equal((await queue.listQueuedWork('root')).length, 1);

      const claim = await queue.claimReadyQueuedWork('root', 'wake-owner', 'idle', TTL, 10);
      assert.equal(claim?.batches.length, 1);
      assert.equal(claim.batches[0]!.items.length, 1);
      const payload = claim.batches[0]!.items[0]!.payload;
      assert.equal(payload.type, 'process_wake');
      assert.deepEqual(payload.type === 'process_wake' ? payload.wake : null, WAKE);

      completeClaims(conn, 'root', [claimCompletion(claim)]);
      assert.deepEqual(await queue.listQueuedWork('root'), []);
    });

    it('SQ-3 a second claim on a held batch is not won', async (t) => {
      const { queue } = await openQueue(driver, t);
      await queue.enqueueQueuedWork(draft('root', 'work'));
      const claimA = await queue.claimReadyQueuedWork('root', 'owner-a', 'idle', TTL, 10);
      assert.equal(claimA?.batches.length, 1);
      assert.equal(await queue.claimReadyQueuedWork('root', 'owner-b', 'idle', TTL, 10), null);
      await queue.renewQueuedWorkClaim(claimA, TTL);
    });
  });
}
