// Bad input and corrupt rows: a typed error (or the contract's null), the
// corruption logged, and nothing changed.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  QueuedWork,
  StoreError,
  SqliteReadOnlyError,
  newQueuedWorkDraft,
  withAvailableAtMs,
  withMergeKey,
  withSourceKey,
  type QueuedWorkBatchDraft,
  type QueuedWorkClaim,
} from '../../src/index.ts';
import { writeTransaction } from '../../src/core/driver/transaction.ts';
import { describeEachDriver, nodeSqliteDriver } from '../support/drivers.ts';
import { TTL, draft, openQueue, snapshot, type QueueHarness } from './helpers.ts';

function storeError(kind: 'Backend' | 'InvalidInput', pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof StoreError, `expected a StoreError, got ${String(error)}`);
    assert.equal(error.detail.kind, kind, error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

/** Runs `attempt`, expecting `InvalidInput` (bad input) matching `pattern`, and checks that no row changed. */
async function refusedWithoutChange(h: QueueHarness, attempt: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  await failsWithoutChange(h, attempt, pattern, 'InvalidInput');
}

/** Runs `attempt`, expecting `Backend` (a corrupt row, a bad clock) matching `pattern`; no row changed. */
async function corruptWithoutChange(h: QueueHarness, attempt: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  await failsWithoutChange(h, attempt, pattern, 'Backend');
}

async function failsWithoutChange(
  h: QueueHarness,
  attempt: () => Promise<unknown>,
  pattern: RegExp,
  kind: 'Backend' | 'InvalidInput',
): Promise<void> {
  const before = snapshot(h.conn);
  await assert.rejects(attempt(), storeError(kind, pattern));
  assert.deepEqual(snapshot(h.conn), before);
}

function corrupt(h: QueueHarness, sql: string, params: Array<string | number>): void {
  writeTransaction(h.conn, () => h.conn.run(sql, params));
}

describeEachDriver('queued work input checks', (driver) => {
  it('refuses malformed drafts with InvalidInput and writes nothing', async (t) => {
    const h = await openQueue(driver, t);
    await h.queue.enqueueQueuedWork(draft('root', 'existing'));
    const base = draft('root', 'x');
    const bad: Array<[unknown, RegExp]> = [
      [{ ...base, delivery_policy: 'whenever' }, /unknown queued-work delivery policy `whenever`/],
      [{ ...base, slot_policy: 'shared' }, /unknown queued-work slot policy `shared`/],
      [{ ...base, session_id: '' }, /session_id must not be empty/],
      [{ ...base, session_id: 'a\0b' }, /session_id must not contain NUL/],
      [{ ...base, session_id: '\uD800' }, /session_id must be well-formed Unicode/],
      [withSourceKey(base, ''), /source_key must not be empty/],
      [withAvailableAtMs(base, -1), /available_at_ms must be a non-negative safe integer/],
      [withAvailableAtMs(base, 1.5), /available_at_ms must be a non-negative safe integer/],
      [withAvailableAtMs(base, 2 ** 53), /available_at_ms must be a non-negative safe integer/],
      [withMergeKey(base, { group: 1 } as never), /merge_key.group must be a string/],
      [withMergeKey(base, 'always' as never), /merge_key must be "never", "payload_default" or \{"group": string\}/],
      [{ ...base, payloads: 'x' }, /payloads must be an array/],
      [{ ...base, payloads: [{ type: 'telepathy' }] }, /payloads\[0\]\.type must be/],
      [{ ...base, payloads: [{ type: 'turn_input', input: { items: [{ type: 'text', text: 3 }] } }] }, /payloads\[0\]\.input\.items\[0\]\.text must be a string/],
      [
        { ...base, payloads: [{ type: 'turn_input', input: { items: [], image_blobs: { a: [256] } } }] },
        /image_blobs\.a must be bytes/,
      ],
      [{ ...base, payloads: [{ type: 'process_wake', wake: { wake_id: 'w' } }] }, /payloads\[0\]\.wake\.target_session_id must be a string/],
      [
        { ...base, payloads: [{ type: 'session_command', command: { kind: 'refresh_tool_surface', reason: 'r', expected_generation: -1 } }] },
        /expected_generation must be a non-negative safe integer/,
      ],
      [null, /draft must be an object/],
    ];
    for (const [candidate, pattern] of bad) {
      await refusedWithoutChange(h, () => h.queue.enqueueQueuedWork(candidate as QueuedWorkBatchDraft), pattern);
    }
  });

  it('refuses bad claim arguments; maxBatches 0 is null', async (t) => {
    const h = await openQueue(driver, t);
    await h.queue.enqueueQueuedWork(draft('root', 'x'));
    const claim = (ttl: unknown, max: unknown, boundary: unknown = 'idle', session: unknown = 'root', owner: unknown = 'o') =>
      h.queue.claimReadyQueuedWork(session as string, owner as string, boundary as 'idle', ttl as number, max as number);
    const before = snapshot(h.conn);
    assert.equal(await claim(TTL, 0), null);
    assert.deepEqual(snapshot(h.conn), before);
    await refusedWithoutChange(h, () => claim(-1, 1), /leaseTtlMs must be a non-negative safe integer \(got -1\)/);
    await refusedWithoutChange(h, () => claim(1.5, 1), /leaseTtlMs must be a non-negative safe integer \(got 1.5\)/);
    await refusedWithoutChange(h, () => claim(Number.NaN, 1), /leaseTtlMs/);
    await refusedWithoutChange(h, () => claim('60000', 1), /leaseTtlMs/);
    await refusedWithoutChange(h, () => claim(TTL, -1), /maxBatches must be a non-negative safe integer/);
    await refusedWithoutChange(h, () => claim(TTL, 2.5), /maxBatches/);
    await refusedWithoutChange(h, () => claim(TTL, 1, 'whenever'), /claim boundary must be/);
    await refusedWithoutChange(h, () => claim(TTL, 1, 'idle', ''), /sessionId must not be empty/);
    await refusedWithoutChange(h, () => claim(TTL, 1, 'idle', 'root', 7), /ownerId must be a string/);
    await refusedWithoutChange(
      h,
      () => h.queue.claimReadyQueuedWorkByBatchIds('root', 'o', 'idle', TTL, 'qwb:x' as never),
      /batchIds must be an array/,
    );
    await refusedWithoutChange(
      h,
      () => h.queue.claimReadyQueuedWorkByBatchIds('root', 'o', 'idle', TTL, ['qwb:x', '']),
      /batchIds\[1\] must not be empty/,
    );
  });

  it('refuses malformed claims on renew and abandon; a claim of another session is not matched', async (t) => {
    const h = await openQueue(driver, t);
    await h.queue.enqueueQueuedWork(draft('root', 'x'));
    const claim = (await h.queue.claimReadyQueuedWork('root', 'o', 'idle', TTL, 1))!;
    await refusedWithoutChange(h, () => h.queue.renewQueuedWorkClaim(claim, -5), /leaseTtlMs/);
    await refusedWithoutChange(h, () => h.queue.renewQueuedWorkClaim({ ...claim, lease_token: '' }, TTL), /claim.lease_token/);
    await refusedWithoutChange(h, () => h.queue.renewQueuedWorkClaim({ ...claim, batches: 'x' } as never, TTL), /claim.batches/);
    await refusedWithoutChange(h, () => h.queue.abandonQueuedWorkClaim(null as unknown as QueuedWorkClaim), /claim must be an object/);
    await refusedWithoutChange(h, () => h.queue.abandonQueuedWorkClaim({ ...claim, claim_id: 5 } as never), /claim.claim_id/);
    const before = snapshot(h.conn);
    await assert.rejects(h.queue.renewQueuedWorkClaim({ ...claim, session_id: 'other' }, TTL), (error) => {
      assert.ok(error instanceof StoreError);
      assert.deepEqual(error.detail, { kind: 'QueuedWorkClaimExpired', session_id: 'other', claim_id: claim.claim_id });
      return true;
    });
    await h.queue.abandonQueuedWorkClaim({ ...claim, session_id: 'other' });
    assert.equal(await h.queue.cancelQueuedWorkBatch('other', claim.batches[0]!.batch_id), null);
    assert.deepEqual(snapshot(h.conn), before);
    await refusedWithoutChange(h, () => h.queue.cancelQueuedWorkBatch('root', '\0'), /batchId must not contain NUL/);
    await refusedWithoutChange(h, () => h.queue.listQueuedWork(''), /sessionId must not be empty/);
  });

  it('refuses a clock that is not integer epoch milliseconds', async (t) => {
    const h = await openQueue(driver, t);
    const fractional = new QueuedWork(h.conn, { clock: () => 1.5 });
    await corruptWithoutChange(h, () => fractional.enqueueQueuedWork(draft('root', 'x')), /the clock returned 1.5/);
    await corruptWithoutChange(h, () => fractional.claimReadyQueuedWork('root', 'o', 'idle', TTL, 1), /the clock returned/);
  });

  it('reads corrupt policy strings as Backend errors, logged, changing nothing', async (t) => {
    const h = await openQueue(driver, t);
    const batch = await h.queue.enqueueQueuedWork(draft('root', 'x'));
    corrupt(h, 'UPDATE queued_work_batches SET delivery_policy = ? WHERE batch_id = ?', ['bogus', batch.batch_id]);
    const delivery = /unknown queued-work delivery policy `bogus`/;
    await corruptWithoutChange(h, () => h.queue.listQueuedWork('root'), delivery);
    await corruptWithoutChange(h, () => h.queue.claimReadyQueuedWork('root', 'o', 'idle', TTL, 1), delivery);
    await corruptWithoutChange(h, () => h.queue.cancelQueuedWorkBatch('root', batch.batch_id), delivery);
    assert.ok(h.logger.warnings.some((w) => w.message === 'corrupt queued-work row' && w.details?.batch_id === batch.batch_id));

    corrupt(h, 'UPDATE queued_work_batches SET delivery_policy = ?, slot_policy = ? WHERE batch_id = ?', [
      'earliest_safe_boundary',
      'shared',
      batch.batch_id,
    ]);
    await corruptWithoutChange(h, () => h.queue.listPendingQueuedWork('root'), /unknown queued-work slot policy `shared`/);
    await corruptWithoutChange(h, () => h.queue.claimReadyQueuedWork('root', 'o', 'idle', TTL, 1), /slot policy/);
  });

  it('reads malformed merge keys and payloads as Backend errors', async (t) => {
    const h = await openQueue(driver, t);
    const head = await h.queue.enqueueQueuedWork(draft('root', 'head', 'earliest_safe_boundary', 'join'));
    const next = await h.queue.enqueueQueuedWork(draft('root', 'next', 'earliest_safe_boundary', 'join'));
    corrupt(h, 'UPDATE queued_work_batches SET merge_key_json = ? WHERE batch_id = ?', ['{"group":', next.batch_id]);
    // The corrupt neighbour is examined while building the head's join group.
    await corruptWithoutChange(
      h,
      () => h.queue.claimReadyQueuedWork('root', 'o', 'idle', TTL, 10),
      /failed to decode queued-work merge key: /,
    );
    // A claim that never looks at it is unaffected.
    const single = await h.queue.claimReadyQueuedWork('root', 'o', 'idle', TTL, 1);
    assert.equal(single?.batches[0]!.batch_id, head.batch_id);

    corrupt(h, 'UPDATE queued_work_batches SET merge_key_json = ? WHERE batch_id = ?', ['{"group":"a","x":1}', next.batch_id]);
    await corruptWithoutChange(h, () => h.queue.listQueuedWork('root'), /failed to decode queued-work merge key/);
    corrupt(h, 'UPDATE queued_work_batches SET merge_key_json = ? WHERE batch_id = ?', ['"never"', next.batch_id]);

    corrupt(h, 'UPDATE queued_work_items SET payload_json = ? WHERE batch_id = ?', ['{"type":"turn_input",', next.batch_id]);
    await corruptWithoutChange(h, () => h.queue.listQueuedWork('root'), /failed to decode queued-work payload: /);
    corrupt(h, 'UPDATE queued_work_items SET payload_json = ? WHERE batch_id = ?', ['{"type":"turn_input","input":{}}', next.batch_id]);
    await corruptWithoutChange(
      h,
      () => h.queue.claimReadyQueuedWork('root', 'p', 'idle', TTL, 1),
      /failed to decode queued-work payload: payload.input.items must be an array/,
    );
    corrupt(h, 'UPDATE queued_work_items SET payload_json = ? WHERE batch_id = ?', ['[1,2]', next.batch_id]);
    await corruptWithoutChange(h, () => h.queue.listPendingQueuedWork('root'), /failed to decode queued-work payload/);
    corrupt(h, 'UPDATE queued_work_items SET payload_json = ? WHERE batch_id = ?', ['{"type":"turn_input","input":{"items":[]}}', next.batch_id]);
    assert.equal((await h.queue.listQueuedWork('root')).length, 2);
    corrupt(h, 'UPDATE queued_work_batches SET available_at_ms = ? WHERE batch_id = ?', ['soon', next.batch_id]);
    await corruptWithoutChange(h, () => h.queue.listQueuedWork('root'), /corrupt queued-work row: available_at_ms/);
    assert.ok(h.logger.warnings.length >= 5);
  });

  it('reads a corrupt fencing counter as Backend', async (t) => {
    const h = await openQueue(driver, t);
    const batch = await h.queue.enqueueQueuedWork(draft('root', 'x'));
    corrupt(h, 'UPDATE queued_work_batches SET claim_fencing_token = ? WHERE batch_id = ?', ['many', batch.batch_id]);
    await corruptWithoutChange(
      h,
      () => h.queue.claimReadyQueuedWork('root', 'o', 'idle', TTL, 1),
      /corrupt queued-work row: claim_fencing_token/,
    );
  });

  it('accepts an empty draft payload list but not a missing one', async (t) => {
    const h = await openQueue(driver, t);
    const empty = newQueuedWorkDraft('root', 'earliest_safe_boundary', 'exclusive', []);
    assert.deepEqual((await h.queue.enqueueQueuedWork(empty)).items, []);
    const { payloads: _dropped, ...missing } = empty;
    await refusedWithoutChange(h, () => h.queue.enqueueQueuedWork(missing as QueuedWorkBatchDraft), /payloads must be an array/);
  });
});

it('refuses writes on a read-only connection with Backend, and still reads [node-sqlite]', async (t) => {
  const h = await openQueue(nodeSqliteDriver, t);
  await h.queue.enqueueQueuedWork(draft('root', 'x'));
  const readOnly = new QueuedWork(await h.location.open({ readOnly: true }), { clock: h.clock.clock });
  assert.equal((await readOnly.listQueuedWork('root')).length, 1);
  await assert.rejects(readOnly.enqueueQueuedWork(draft('root', 'y')), (error) => {
    assert.ok(error instanceof StoreError && error.detail.kind === 'Backend');
    assert.ok(error.cause instanceof SqliteReadOnlyError);
    return true;
  });
  await assert.rejects(readOnly.claimReadyQueuedWork('root', 'o', 'idle', TTL, 1), StoreError);
  assert.equal((await h.queue.listPendingQueuedWork('root')).length, 1);
});
