// The queue's hot queries use their indexes: pinned by EXPLAIN QUERY PLAN on
// both engines, so a schema or query change that brings back a sort or a
// table scan fails here (no timing involved).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DELETE_HELD } from '../../src/core/queue/completion.ts';
import { SELECT_HELD, SELECT_READY, SELECT_SESSION_ITEMS, selectReadySql } from '../../src/core/queue/rows.ts';
import type { SqliteConnection } from '../../src/index.ts';
import { describeEachDriver } from '../support/drivers.ts';
import { openQueue } from './helpers.ts';

function plan(conn: SqliteConnection, sql: string, params: Array<string | number>): string[] {
  return conn.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params).map((row) => row.detail);
}

describeEachDriver('queued work query plans', (driver) => {
  it('a claim walks idx_queued_work_ready in queue order, without sorting', async (t) => {
    const { conn } = await openQueue(driver, t);
    assert.deepEqual(plan(conn, SELECT_READY, ['root', 1, 1, 1]), [
      'SEARCH queued_work_batches USING INDEX idx_queued_work_ready (session_id=?)',
    ]);
  });

  it('the claim statements with a literal limit keep that plan; a limit past 64 binds', async (t) => {
    const { conn } = await openQueue(driver, t);
    for (const limit of [1, 2, 64]) {
      assert.match(selectReadySql(limit), new RegExp(`LIMIT ${limit}$`));
      assert.deepEqual(plan(conn, selectReadySql(limit), ['root', 1, 1]), [
        'SEARCH queued_work_batches USING INDEX idx_queued_work_ready (session_id=?)',
      ]);
    }
    assert.equal(selectReadySql(65), SELECT_READY);
  });

  it('lists read items by primary key per batch, and held batches by the claim index', async (t) => {
    const { conn } = await openQueue(driver, t);
    const items = plan(conn, SELECT_SESSION_ITEMS, ['root', 1, 1000]);
    assert.equal(items.length, 2);
    // A page is a range of the ready index: (session_id, enqueue_seq).
    assert.match(items[0]!, /^SEARCH b USING INDEX idx_queued_work_ready \(session_id=\? AND enqueue_seq>\? AND enqueue_seq<\?\)$/);
    assert.match(items[1]!, /^SEARCH i USING INDEX sqlite_autoindex_queued_work_items_1 \(batch_id=\?\)$/);
    assert.deepEqual(plan(conn, SELECT_HELD, ['root', 'c', 't']), [
      'SEARCH queued_work_batches USING INDEX idx_queued_work_claim (session_id=? AND claim_id=? AND claim_token=?)',
    ]);
  });

  it('a completion finds the batches it deletes by the claim index, and their items (the cascade) by key', async (t) => {
    const { conn } = await openQueue(driver, t);
    assert.deepEqual(plan(conn, DELETE_HELD, ['root', 'c', 't']), [
      'SEARCH queued_work_batches USING COVERING INDEX idx_queued_work_claim (session_id=? AND claim_id=? AND claim_token=?)',
      'SEARCH queued_work_items USING COVERING INDEX sqlite_autoindex_queued_work_items_1 (batch_id=?)',
    ]);
  });
});
