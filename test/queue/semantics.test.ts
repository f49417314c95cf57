// Queued-work behaviour beyond the catalogue floor: id formats, the join rule
// against non-ready neighbours, fencing, lease tokens, TTLs, atomic renewal,
// source-key lifetime, payload round trips, reopen.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  QueuedWork,
  StoreError,
  claimCompletion,
  claimIsEmpty,
  newQueuedWorkDraft,
  processWakeBatchDraft,
  sessionCommandSourceKey,
  withAvailableAtMs,
  withMergeKey,
  withSourceKey,
  type QueuedWorkPayload,
} from '../../src/index.ts';
import { writeTransaction } from '../../src/core/driver/transaction.ts';
import { describeEachDriver } from '../support/drivers.ts';
import { FAR_FUTURE_MS, TTL, WAKE, completeClaims, draft, ids, openQueue, snapshot } from './helpers.ts';

const joinDraft = (session: string, text: string, group: string) =>
  withMergeKey(draft(session, text, 'earliest_safe_boundary', 'join'), { group });

function isClaimExpired(error: unknown): boolean {
  return error instanceof StoreError && error.detail.kind === 'QueuedWorkClaimExpired';
}

describeEachDriver('queued work semantics', (driver) => {
  it('stamps ids and times the reference way, from the injected clock', async (t) => {
    const { queue, clock } = await openQueue(driver, t);
    const batch = await queue.enqueueQueuedWork(withAvailableAtMs(draft('root', 'x'), 5));
    assert.match(batch.batch_id, /^qwb:[0-9a-f]{64}$/);
    assert.equal(batch.items[0]!.item_id, `${batch.batch_id}:item:0`);
    assert.equal(batch.enqueued_at_ms, clock.now);
    assert.equal(batch.available_at_ms, 5);
    assert.equal(batch.merge_key, 'never');
    assert.equal('source_key' in batch, false);

    clock.advance(250);
    const claim = await queue.claimReadyQueuedWork('root', 'owner', 'idle', TTL, 1);
    assert.ok(claim);
    assert.equal(claim.claim_id, `qwc:${batch.enqueue_seq}:1`);
    assert.equal(claim.fencing_token, 1);
    assert.match(claim.lease_token, /^[0-9a-f]{64}$/);
    assert.equal(claim.owner_id, 'owner');
    assert.equal(claim.claimed_at_epoch_ms, clock.now);
    assert.equal(claim.expires_at_epoch_ms, clock.now + TTL);
    assert.deepEqual(claim.batches, [batch]);
    assert.deepEqual(claimCompletion(claim), {
      session_id: 'root',
      claim_id: claim.claim_id,
      lease_token: claim.lease_token,
      batch_ids: [batch.batch_id],
    });
  });

  it('returns from enqueue exactly what a reload returns', async (t) => {
    const { queue } = await openQueue(driver, t);
    const payloads: QueuedWorkPayload[] = [
      {
        type: 'turn_input',
        input: {
          items: [
            { type: 'text', text: 'look 🌍' },
            { type: 'image_ref', id: 'img-1' },
          ],
          image_blobs: { 'img-1': new Uint8Array([0, 1, 254, 255]) },
          protocol_turn_options: { payload: { effort: 'high', nested: [1, null, true] } },
          trace_turn_id: 'trace-1',
        },
      },
      { type: 'session_command', command: { kind: 'refresh_tool_surface', reason: 'tools', expected_generation: 3 } },
      { type: 'session_command', command: { kind: 'reset_session', reason: 'user' } },
      { type: 'process_wake', wake: WAKE },
    ];
    const enqueued = await queue.enqueueQueuedWork(
      withSourceKey(newQueuedWorkDraft('root', 'earliest_safe_boundary', 'join', payloads), 'host:1'),
    );
    assert.deepEqual(
      enqueued.items.map((item) => item.item_id),
      [0, 1, 2, 3].map((i) => `${enqueued.batch_id}:item:${i}`),
    );
    assert.deepEqual(
      enqueued.items.map((item) => item.payload),
      payloads,
    );
    const image = enqueued.items[0]!.payload.type === 'turn_input' ? enqueued.items[0]!.payload.input.image_blobs['img-1'] : null;
    assert.ok(image instanceof Uint8Array);
    assert.deepEqual(await queue.listQueuedWork('root'), [enqueued]);
  });

  it('keeps an image id of "__proto__" as a key', async (t) => {
    const { queue } = await openQueue(driver, t);
    const image_blobs = JSON.parse('{"__proto__":[1,2,3]}') as Record<string, Uint8Array>;
    const payload: QueuedWorkPayload = { type: 'turn_input', input: { items: [], image_blobs } };
    await queue.enqueueQueuedWork(newQueuedWorkDraft('root', 'earliest_safe_boundary', 'exclusive', [payload]));
    const [listed] = await queue.listQueuedWork('root');
    const stored = listed!.items[0]!.payload;
    assert.ok(stored.type === 'turn_input');
    assert.deepEqual(Object.keys(stored.input.image_blobs), ['__proto__']);
    assert.deepEqual(Array.from(Object.getOwnPropertyDescriptor(stored.input.image_blobs, '__proto__')!.value), [1, 2, 3]);
  });

  it('fills reference defaults when reading rows that leave them out', async (t) => {
    const { queue, conn } = await openQueue(driver, t);
    const batch = await queue.enqueueQueuedWork(draft('root', 'x'));
    writeTransaction(conn, () =>
      conn.run('UPDATE queued_work_items SET payload_json = ? WHERE batch_id = ?', [
        '{"type":"turn_input","input":{"items":[{"type":"text","text":"x"}],"protocol_turn_options":{},"trace_turn_id":null,"extra":1}}',
        batch.batch_id,
      ]),
    );
    const [listed] = await queue.listQueuedWork('root');
    assert.deepEqual(listed!.items[0]!.payload, {
      type: 'turn_input',
      input: { items: [{ type: 'text', text: 'x' }], image_blobs: {}, protocol_turn_options: { payload: {} } },
    });
  });

  it('reads a wake written without event_type / event_invocation with the reference defaults', async (t) => {
    const { queue, conn } = await openQueue(driver, t);
    const batch = await queue.enqueueQueuedWork(processWakeBatchDraft(WAKE));
    const { event_type: _type, event_invocation: _invocation, ...bare } = WAKE;
    writeTransaction(conn, () =>
      conn.run('UPDATE queued_work_items SET payload_json = ? WHERE batch_id = ?', [
        JSON.stringify({ type: 'process_wake', wake: { ...bare, process_caused_by: null } }),
        batch.batch_id,
      ]),
    );
    const [listed] = await queue.listQueuedWork('root');
    assert.deepEqual(listed!.items[0]!.payload, {
      type: 'process_wake',
      wake: {
        ...bare,
        event_type: 'process.wake',
        event_invocation: {
          scope: { session_id: '' },
          subject: { type: 'process_event', process_id: '', sequence: 0, event_type: 'process.wake' },
        },
      },
    });
  });

  it('pins the join rule: a group steps over batches that are not ready (not yet available)', async (t) => {
    const { queue } = await openQueue(driver, t);
    const a = await queue.enqueueQueuedWork(joinDraft('root', 'a', 'g'));
    await queue.enqueueQueuedWork(withAvailableAtMs(joinDraft('root', 'later', 'g'), FAR_FUTURE_MS));
    await queue.enqueueQueuedWork(draft('other', 'another session in between'));
    const c = await queue.enqueueQueuedWork(joinDraft('root', 'c', 'g'));
    const claim = await queue.claimReadyQueuedWork('root', 'owner', 'idle', TTL, 10);
    assert.deepEqual(ids(claim?.batches), [a.batch_id, c.batch_id]);
  });

  it('pins the join rule: a group steps over a batch leased by another owner', async (t) => {
    const { queue, clock } = await openQueue(driver, t);
    const start = clock.now;
    const a = await queue.enqueueQueuedWork(withAvailableAtMs(joinDraft('root', 'a', 'g'), start + 10));
    const b = await queue.enqueueQueuedWork(joinDraft('root', 'b', 'g'));
    const c = await queue.enqueueQueuedWork(withAvailableAtMs(joinDraft('root', 'c', 'g'), start + 10));
    assert.deepEqual(ids((await queue.claimReadyQueuedWork('root', 'owner-1', 'idle', TTL, 10))?.batches), [b.batch_id]);
    clock.advance(10);
    assert.deepEqual(ids((await queue.claimReadyQueuedWork('root', 'owner-2', 'idle', TTL, 10))?.batches), [
      a.batch_id,
      c.batch_id,
    ]);
  });

  it('closes a group at the first ready batch that does not match, and never joins behind an exclusive head', async (t) => {
    const { queue } = await openQueue(driver, t);
    const head = await queue.enqueueQueuedWork(draft('root', 'exclusive head'));
    const j1 = await queue.enqueueQueuedWork(draft('root', 'never 1', 'earliest_safe_boundary', 'join'));
    const j2 = await queue.enqueueQueuedWork(draft('root', 'never 2', 'earliest_safe_boundary', 'join'));
    const pd = await queue.enqueueQueuedWork(
      withMergeKey(draft('root', 'payload default', 'earliest_safe_boundary', 'join'), 'payload_default'),
    );
    const j3 = await queue.enqueueQueuedWork(draft('root', 'never 3', 'earliest_safe_boundary', 'join'));
    const claimIds = async () => ids((await queue.claimReadyQueuedWork('root', 'o', 'idle', TTL, 10))?.batches);
    assert.deepEqual(await claimIds(), [head.batch_id]);
    // 'never' joins 'never' (merge keys compare by value only, spec hazard 5).
    assert.deepEqual(await claimIds(), [j1.batch_id, j2.batch_id]);
    assert.deepEqual(await claimIds(), [pd.batch_id]);
    assert.deepEqual(await claimIds(), [j3.batch_id]);
    assert.equal(await queue.claimReadyQueuedWork('root', 'o', 'idle', TTL, 10), null);
  });

  it('a checkpoint claim groups only batches of the head delivery policy', async (t) => {
    const { queue } = await openQueue(driver, t);
    const early = await queue.enqueueQueuedWork(joinDraft('root', 'early', 'g'));
    await queue.enqueueQueuedWork(
      withMergeKey(draft('root', 'after', 'after_current_turn_commit', 'join'), { group: 'g' }),
    );
    const claim = await queue.claimReadyQueuedWork('root', 'o', 'active_turn_checkpoint', TTL, 10);
    assert.deepEqual(ids(claim?.batches), [early.batch_id]);
    assert.equal(await queue.claimReadyQueuedWork('root', 'o', 'active_turn_checkpoint', TTL, 10), null);
  });

  it('fencing tokens only grow across abandon, expiry and reclaim', async (t) => {
    const { queue, clock } = await openQueue(driver, t);
    await queue.enqueueQueuedWork(draft('root', 'x'));
    const tokens: number[] = [];
    let previous = null;
    for (let round = 0; round < 6; round++) {
      const claim = await queue.claimReadyQueuedWork('root', `owner-${round}`, 'idle', round % 2 ? 5 : TTL, 1);
      assert.ok(claim);
      tokens.push(claim.fencing_token);
      if (previous) await assert.rejects(queue.renewQueuedWorkClaim(previous, TTL), isClaimExpired);
      if (round % 2) clock.advance(5); // let it expire
      else await queue.abandonQueuedWorkClaim(claim);
      previous = claim;
    }
    assert.deepEqual(tokens, [1, 2, 3, 4, 5, 6]);
  });

  it('lease tokens are unique even when claim id, owner and time repeat', async (t) => {
    const harness = await openQueue(driver, t);
    const { queue, conn } = harness;
    const first = await queue.enqueueQueuedWork(draft('root', 'x'));
    const oldClaim = await queue.claimReadyQueuedWork('root', 'owner', 'idle', TTL, 1);
    assert.ok(oldClaim);
    await queue.abandonQueuedWorkClaim(oldClaim);
    assert.ok(await queue.cancelQueuedWorkBatch('root', first.batch_id));
    // The deleted max rowid is reused: same enqueue_seq, fencing counter back at 0.
    const second = await queue.enqueueQueuedWork(draft('root', 'y'));
    assert.equal(second.enqueue_seq, first.enqueue_seq);
    const other = await harness.reopen();
    const newClaim = await other.claimReadyQueuedWork('root', 'owner', 'idle', TTL, 1);
    assert.ok(newClaim);
    assert.equal(newClaim.claim_id, oldClaim.claim_id);
    assert.equal(newClaim.claimed_at_epoch_ms, oldClaim.claimed_at_epoch_ms);
    assert.notEqual(newClaim.lease_token, oldClaim.lease_token);
    // The old claim, replayed against the new batch, holds nothing.
    const stale = { ...claimCompletion(oldClaim), batch_ids: [second.batch_id] };
    assert.throws(() => completeClaims(conn, 'root', [stale]), isClaimExpired);
    assert.notEqual(second.batch_id, first.batch_id);
  });

  it('saturates now + ttl at Number.MAX_SAFE_INTEGER', async (t) => {
    const { queue, clock } = await openQueue(driver, t);
    await queue.enqueueQueuedWork(draft('root', 'x'));
    const claim = await queue.claimReadyQueuedWork('root', 'o', 'idle', Number.MAX_SAFE_INTEGER, 1);
    assert.equal(claim?.expires_at_epoch_ms, Number.MAX_SAFE_INTEGER);
    clock.advance(10 ** 12);
    assert.equal(await queue.claimReadyQueuedWork('root', 'p', 'idle', TTL, 1), null);
    const renewed = await queue.renewQueuedWorkClaim(claim, Number.MAX_SAFE_INTEGER - 1);
    assert.equal(renewed.expires_at_epoch_ms, Number.MAX_SAFE_INTEGER);
  });

  it('a TTL of 0 expires at once; an expired claim nobody took can still renew', async (t) => {
    const { queue, clock } = await openQueue(driver, t);
    const batch = await queue.enqueueQueuedWork(draft('root', 'x'));
    const claim = await queue.claimReadyQueuedWork('root', 'o', 'idle', 0, 1);
    assert.ok(claim);
    assert.equal(claim.expires_at_epoch_ms, claim.claimed_at_epoch_ms);
    assert.deepEqual(ids(await queue.listPendingQueuedWork('root')), [batch.batch_id]);
    clock.advance(1000);
    const renewed = await queue.renewQueuedWorkClaim(claim, TTL);
    assert.equal(renewed.expires_at_epoch_ms, clock.now + TTL);
    assert.deepEqual(await queue.listPendingQueuedWork('root'), []);
    assert.equal(await queue.claimReadyQueuedWork('root', 'p', 'idle', TTL, 1), null);
  });

  it('renewal is all or nothing: a claim that lost one batch renews none', async (t) => {
    const { queue, conn, clock } = await openQueue(driver, t);
    const a = await queue.enqueueQueuedWork(joinDraft('root', 'a', 'g'));
    const b = await queue.enqueueQueuedWork(joinDraft('root', 'b', 'g'));
    const claim = await queue.claimReadyQueuedWork('root', 'owner-1', 'idle', 10, 10);
    assert.deepEqual(ids(claim?.batches), [a.batch_id, b.batch_id]);
    clock.advance(10);
    const thief = await queue.claimReadyQueuedWork('root', 'owner-2', 'idle', TTL, 1);
    assert.deepEqual(ids(thief?.batches), [a.batch_id]);
    const before = snapshot(conn);
    clock.advance(1);
    await assert.rejects(queue.renewQueuedWorkClaim(claim!, TTL), (error) => {
      assert.ok(isClaimExpired(error));
      assert.deepEqual((error as StoreError).detail, {
        kind: 'QueuedWorkClaimExpired',
        session_id: 'root',
        claim_id: claim!.claim_id,
      });
      return true;
    });
    assert.deepEqual(snapshot(conn), before);
  });

  it('renewal checks which batches the claim lists, not only how many', async (t) => {
    const { queue, conn } = await openQueue(driver, t);
    const a = await queue.enqueueQueuedWork(draft('root', 'a'));
    const b = await queue.enqueueQueuedWork(draft('root', 'b'));
    const claim = await queue.claimReadyQueuedWork('root', 'o', 'idle', TTL, 1);
    assert.ok(claim);
    const before = snapshot(conn);
    const forged = { ...claim, batches: [{ ...claim.batches[0]!, batch_id: b.batch_id }] };
    await assert.rejects(queue.renewQueuedWorkClaim(forged, TTL * 2), isClaimExpired);
    const doubled = { ...claim, batches: [claim.batches[0]!, claim.batches[0]!] };
    await assert.rejects(queue.renewQueuedWorkClaim(doubled, TTL * 2), isClaimExpired);
    assert.deepEqual(snapshot(conn), before);
    assert.equal(a.batch_id, claim.batches[0]!.batch_id);
  });

  it('abandon of a stale or foreign claim changes nothing', async (t) => {
    const { queue, conn } = await openQueue(driver, t);
    await queue.enqueueQueuedWork(draft('root', 'x'));
    const claim = await queue.claimReadyQueuedWork('root', 'o', 'idle', TTL, 1);
    assert.ok(claim);
    const before = snapshot(conn);
    await queue.abandonQueuedWorkClaim({ ...claim, lease_token: `${claim.lease_token}:stale` });
    await queue.abandonQueuedWorkClaim({ ...claim, session_id: 'other' });
    await queue.abandonQueuedWorkClaim({ ...claim, claim_id: 'qwc:999:1' });
    assert.deepEqual(snapshot(conn), before);
    await assert.rejects(queue.renewQueuedWorkClaim({ ...claim, session_id: 'other' }, TTL), isClaimExpired);
  });

  it('cancel: missing, foreign and live-claimed batches give null; an expired claim does not protect', async (t) => {
    const { queue, clock } = await openQueue(driver, t);
    const batch = await queue.enqueueQueuedWork(draft('root', 'x'));
    assert.equal(await queue.cancelQueuedWorkBatch('root', 'qwb:missing'), null);
    assert.equal(await queue.cancelQueuedWorkBatch('other', batch.batch_id), null);
    const claim = await queue.claimReadyQueuedWork('root', 'o', 'idle', 100, 1);
    assert.ok(claim);
    assert.equal(await queue.cancelQueuedWorkBatch('root', batch.batch_id), null);
    clock.advance(100);
    assert.deepEqual(await queue.cancelQueuedWorkBatch('root', batch.batch_id), batch);
    assert.deepEqual(await queue.listQueuedWork('root'), []);
    await assert.rejects(queue.renewQueuedWorkClaim(claim, TTL), isClaimExpired);
  });

  it('pending lists include not-yet-available batches and hide only live claims', async (t) => {
    const { queue } = await openQueue(driver, t);
    const later = await queue.enqueueQueuedWork(withAvailableAtMs(draft('root', 'later'), FAR_FUTURE_MS));
    const now = await queue.enqueueQueuedWork(draft('root', 'now'));
    const claim = await queue.claimReadyQueuedWork('root', 'o', 'idle', TTL, 1);
    assert.deepEqual(ids(claim?.batches), [now.batch_id]);
    assert.deepEqual(ids(await queue.listPendingQueuedWork('root')), [later.batch_id]);
    assert.deepEqual(ids(await queue.listQueuedWork('root')), [later.batch_id, now.batch_id]);
    assert.deepEqual(await queue.listPendingQueuedWork('nobody'), []);
  });

  it('source-key idempotency lasts while the batch exists, claimed or not, and is per session', async (t) => {
    const { queue, conn } = await openQueue(driver, t);
    const key = sessionCommandSourceKey({ kind: 'reset_session', reason: 'r' }, 'k1');
    assert.equal(key, 'command:reset_session:k1');
    const first = await queue.enqueueQueuedWork(withSourceKey(draft('root', 'first'), key));
    const claim = await queue.claimReadyQueuedWork('root', 'o', 'idle', TTL, 1);
    assert.ok(claim);
    assert.deepEqual(await queue.enqueueQueuedWork(withSourceKey(draft('root', 'replay'), key)), first);
    const elsewhere = await queue.enqueueQueuedWork(withSourceKey(draft('other', 'other'), key));
    assert.notEqual(elsewhere.batch_id, first.batch_id);

    completeClaims(conn, 'root', [claimCompletion(claim)]);
    const again = await queue.enqueueQueuedWork(withSourceKey(draft('root', 'again'), key));
    assert.notEqual(again.batch_id, first.batch_id);
    assert.ok(await queue.cancelQueuedWorkBatch('root', again.batch_id));
    const third = await queue.enqueueQueuedWork(withSourceKey(draft('root', 'third'), key));
    assert.notEqual(third.batch_id, again.batch_id);
    // Batches without a key never deduplicate.
    const x = await queue.enqueueQueuedWork(draft('root', 'same'));
    const y = await queue.enqueueQueuedWork(draft('root', 'same'));
    assert.notEqual(x.batch_id, y.batch_id);
  });

  it('processWakeBatchDraft and claimIsEmpty', async (t) => {
    const { queue } = await openQueue(driver, t);
    assert.deepEqual(processWakeBatchDraft(WAKE), {
      session_id: 'root',
      source_key: 'process:process-1:event:7:wake',
      delivery_policy: 'earliest_safe_boundary',
      slot_policy: 'exclusive',
      merge_key: 'never',
      available_at_ms: 0,
      payloads: [{ type: 'process_wake', wake: WAKE }],
    });
    const empty = await queue.enqueueQueuedWork(newQueuedWorkDraft('root', 'earliest_safe_boundary', 'exclusive', []));
    assert.deepEqual(empty.items, []);
    const claim = await queue.claimReadyQueuedWork('root', 'o', 'idle', TTL, 1);
    assert.ok(claim && claimIsEmpty(claim));
    await queue.enqueueQueuedWork(draft('root', 'full'));
    const full = await queue.claimReadyQueuedWork('root', 'o', 'idle', TTL, 1);
    assert.ok(full && !claimIsEmpty(full));
  });

  it('a failed exact claim releases what it took (with bumped fencing)', async (t) => {
    const { queue } = await openQueue(driver, t);
    const a = await queue.enqueueQueuedWork(joinDraft('root', 'a', 'g'));
    const b = await queue.enqueueQueuedWork(joinDraft('root', 'b', 'g'));
    assert.equal(await queue.claimReadyQueuedWorkByBatchIds('root', 'o', 'idle', TTL, [b.batch_id, a.batch_id]), null);
    assert.equal(await queue.claimReadyQueuedWorkByBatchIds('root', 'o', 'idle', TTL, []), null);
    assert.deepEqual(ids(await queue.listPendingQueuedWork('root')), [a.batch_id, b.batch_id]);
    const exact = await queue.claimReadyQueuedWorkByBatchIds('root', 'o', 'idle', TTL, [a.batch_id, b.batch_id]);
    assert.deepEqual(ids(exact?.batches), [a.batch_id, b.batch_id]);
    assert.equal(exact!.fencing_token, 2);
  });

  it('an exact claim, kept or released, is one write transaction', async (t) => {
    const { queue, conn } = await openQueue(driver, t);
    const a = await queue.enqueueQueuedWork(joinDraft('root', 'a', 'g'));
    const b = await queue.enqueueQueuedWork(joinDraft('root', 'b', 'g'));
    // Write transactions start with BEGIN, or go through the engine's own hook (Durable Objects).
    let begins = 0;
    const exec = conn.exec;
    conn.exec = (sql: string) => {
      if (sql.startsWith('BEGIN')) begins++;
      exec.call(conn, sql);
    };
    const transaction = conn.transaction;
    if (transaction !== undefined) {
      conn.transaction = <T>(kind: 'read' | 'write', body: () => T): T => {
        if (kind === 'write') begins++;
        return transaction.call(conn, kind, body) as T;
      };
    }
    t.after(() => {
      conn.exec = exec;
      if (transaction !== undefined) conn.transaction = transaction;
    });
    assert.equal(await queue.claimReadyQueuedWorkByBatchIds('root', 'o', 'idle', TTL, [b.batch_id]), null);
    assert.equal(begins, 1, 'a released attempt');
    assert.ok(await queue.claimReadyQueuedWorkByBatchIds('root', 'o', 'idle', TTL, [a.batch_id, b.batch_id]));
    assert.equal(begins, 2, 'a kept claim');
  });

  it('a second connection sees the batches and the live claims (reopen)', async (t) => {
    const harness = await openQueue(driver, t);
    const batch = await harness.queue.enqueueQueuedWork(withSourceKey(draft('root', 'durable'), 'k'));
    const claim = await harness.queue.claimReadyQueuedWork('root', 'o', 'idle', TTL, 1);
    assert.ok(claim);
    const reopened = await harness.reopen();
    assert.deepEqual(await reopened.listQueuedWork('root'), [batch]);
    assert.deepEqual(await reopened.listPendingQueuedWork('root'), []);
    assert.equal(await reopened.claimReadyQueuedWork('root', 'p', 'idle', TTL, 1), null);
    assert.deepEqual(await reopened.enqueueQueuedWork(withSourceKey(draft('root', 'replay'), 'k')), batch);
    const renewed = await reopened.renewQueuedWorkClaim(claim, TTL * 2);
    assert.equal(renewed.expires_at_epoch_ms, harness.clock.now + TTL * 2);
  });

  it('builds a standalone component over a connection whose schema is already set up', async (t) => {
    const harness = await openQueue(driver, t);
    const plain = new QueuedWork(await harness.location.open(), { clock: harness.clock.clock });
    await plain.enqueueQueuedWork(draft('root', 'x'));
    assert.equal((await harness.queue.listQueuedWork('root')).length, 1);
  });
});
