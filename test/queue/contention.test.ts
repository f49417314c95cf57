// Real contention on one node:sqlite file: several connections in one process
// and several OS processes claiming the same ready batches (SQ-4).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { QueuedWork, withMergeKey, type QueuedWorkClaim, type Store } from '../../src/index.ts';
import { openNodeSqlite } from '../../src/node.ts';
import { spawnChild, type ChildHandle } from '../support/child.ts';
import { nodeSqliteDriver } from '../support/drivers.ts';
import { openFresh } from '../session/helpers.ts';
import { TTL, draft, openQueue } from './helpers.ts';

const CLAIMER = join(import.meta.dirname, '../fixtures/queue-claimer.ts');

interface DrainReport {
  claims: Array<{ claim_id: string; fencing_token: number; batch_ids: string[]; outcome: 'completed' | 'abandoned' }>;
  completed: string[];
  abandoned: string[];
  errors: string[];
}

async function startWorkers(path: string, count: number, mode = 'transaction'): Promise<ChildHandle[]> {
  const workers = Array.from({ length: count }, (_, i) => spawnChild(CLAIMER, [path, `owner-${i}`, mode]));
  for (const worker of workers) assert.deepEqual(await worker.next(), { ready: true });
  return workers;
}

async function stopWorkers(workers: ChildHandle[]): Promise<void> {
  for (const worker of workers) worker.send({ op: 'exit' });
  for (const worker of workers) {
    const { code, stderr } = await worker.exited;
    assert.equal(code, 0, stderr);
  }
}

/** Sends one message to every worker at once and collects their replies. */
async function broadcast<T>(workers: ChildHandle[], message: unknown): Promise<T[]> {
  for (const worker of workers) worker.send(message);
  return Promise.all(workers.map((worker) => worker.next<T>()));
}

describe('queued work contention [node-sqlite]', () => {
  it('a claim on one connection holds against another connection; the other can renew it', async (t) => {
    const h = await openQueue(nodeSqliteDriver, t);
    await h.queue.enqueueQueuedWork(draft('root', 'work'));
    const second = await h.reopen();
    const claim = await h.queue.claimReadyQueuedWork('root', 'owner-a', 'idle', TTL, 10);
    assert.ok(claim);
    assert.equal(await second.claimReadyQueuedWork('root', 'owner-b', 'idle', TTL, 10), null);
    await second.renewQueuedWorkClaim(claim, TTL);
  });

  it('SQ-4 concurrent claims from several processes never double-own a batch', async (t) => {
    const h = await openQueue(nodeSqliteDriver, t);
    const workers = await startWorkers(h.location.id, 3);
    try {
      for (let round = 0; round < 5; round++) {
        await h.queue.enqueueQueuedWork(draft('root', `work ${round}`));
        const replies = await broadcast<{ claim?: QueuedWorkClaim | null; error?: string }>(workers, { op: 'claimOnce' });
        assert.deepEqual(replies.filter((r) => r.error !== undefined), [], 'no claim may fail');
        const winners = replies.filter((r) => r.claim).map((r) => r.claim!);
        assert.equal(winners.length, 1, 'exactly one process wins the only ready batch');
        // A fresh connection proves the winner really owns the row.
        const freshConn = openNodeSqlite(h.location.id);
        t.after(() => freshConn.close());
        const fresh = new QueuedWork(freshConn);
        const renewed = await fresh.renewQueuedWorkClaim(winners[0]!, TTL);
        assert.equal(renewed.lease_token, winners[0]!.lease_token);
        await fresh.abandonQueuedWorkClaim(renewed);
        assert.ok(await h.queue.cancelQueuedWorkBatch('root', winners[0]!.batches[0]!.batch_id));
      }
    } finally {
      await stopWorkers(workers);
    }
  });

  it('SQ-4 many rounds: several processes drain one queue; every batch is completed exactly once', async (t) => {
    await drainRounds(t, { workers: 4, rounds: 3, batches: 60, mode: 'transaction' });
  });

  it('SQ-4 many rounds completing through commitRuntimeState: one commit per completed claim', async (t) => {
    const { store, completions } = await drainRounds(t, { workers: 3, rounds: 2, batches: 40, mode: 'commit' });
    const head = await store.loadSession({ kind: 'FullGraph' });
    assert.equal(head?.head_revision, completions, 'every completing commit landed, each exactly once');
  });
});

/**
 * Seeds `batches` batches per round (exclusive ones and join groups) and lets
 * `workers` processes drain them at once, completing each claim (or
 * abandoning every fourth) in `mode`; checks that ownership never overlapped.
 */
async function drainRounds(
  t: TestContext,
  options: { workers: number; rounds: number; batches: number; mode: 'transaction' | 'commit' },
): Promise<{ store: Store; completions: number }> {
  const opened = await openFresh(nodeSqliteDriver, t);
  const { store } = opened;
  const workers = await startWorkers(opened.location.id, options.workers, options.mode);
  const completedBy = new Map<number, number>();
  let completions = 0;
  try {
    for (let round = 0; round < options.rounds; round++) {
      const seeded: string[] = [];
      for (let i = 0; i < options.batches; i++) {
        const text = `r${round}-${i}`;
        const batch =
          i % 4 === 0
            ? draft('root', text)
            : withMergeKey(draft('root', text, 'earliest_safe_boundary', 'join'), { group: `g${i % 3}` });
        seeded.push((await store.enqueueQueuedWork(batch)).batch_id);
      }
      const startAt = Date.now() + 50;
      const reports = await broadcast<DrainReport>(workers, { op: 'drain', abandonEvery: 4, startAt });
      reports.forEach((r, worker) => completedBy.set(worker, (completedBy.get(worker) ?? 0) + r.completed.length));
      assert.deepEqual(reports.flatMap((r) => r.errors), [], 'no error (busy or otherwise) escapes');
      const completed = reports.flatMap((r) => r.completed);
      assert.equal(new Set(completed).size, completed.length, 'no batch completed twice');
      assert.deepEqual([...completed].sort(), [...seeded].sort(), 'every batch completed');
      assert.deepEqual(await store.listQueuedWork('root'), []);

      // Ownership never overlapped: every claim of a batch but the completing
      // one was abandoned (no claim expired: the TTL is a minute).
      const claims = reports.flatMap((r) => r.claims);
      const abandoned = reports.flatMap((r) => r.abandoned);
      for (const batchId of seeded) {
        const held = claims.filter((c) => c.batch_ids.includes(batchId)).length;
        const released = abandoned.filter((id) => id === batchId).length;
        assert.equal(held, released + 1, `batch ${batchId}: ${held} claims, ${released} abandons`);
      }
      // Claim ids (first batch + its fencing counter) never repeat within a round.
      const claimIds = claims.map((c) => c.claim_id);
      assert.equal(new Set(claimIds).size, claimIds.length);
      assert.ok(abandoned.length > 0, 'some batches went through abandon and reclaim');
      completions += claims.filter((c) => c.outcome === 'completed').length;
    }
    const busy = [...completedBy.values()].filter((n) => n > 0).length;
    assert.ok(busy >= 2, `the work really was shared (completions per worker: ${[...completedBy.values()]})`);
  } finally {
    await stopWorkers(workers);
  }
  return { store, completions };
}
