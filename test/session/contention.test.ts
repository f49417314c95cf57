/**
 * Real contention and crash safety on node:sqlite files: SQ-1 across two
 * connections and across two OS processes, and a committing child killed
 * with SIGKILL at random points (sql.js has neither files nor processes).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Store, StoreError, persistedStateCommit } from '../../src/index.ts';
import { nodeCodecs, openNodeSqlite } from '../../src/node.ts';
import { spawnChild } from '../support/child.ts';
import { nodeSqliteDriver, tempDir } from '../support/drivers.ts';
import { CapturingLogger } from '../support/logger.ts';
import { commitAt, defaultState, usage } from './helpers.ts';

const fixture = (name: string) => join(import.meta.dirname, '..', 'fixtures', name);

describe('session store contention [node-sqlite]', () => {
  it('SQ-1 CAS holds across two connections: one winner, one HeadRevisionConflict', async (t) => {
    const location = await nodeSqliteDriver.fresh(t);
    const a = await Store.open(await location.open());
    const b = await Store.open(await location.open());
    const results = await Promise.allSettled([a.commitRuntimeState(commitAt('root', 0)), b.commitRuntimeState(commitAt('root', 0))]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(losers.length, 1);
    assert.ok(losers[0]!.reason instanceof StoreError);
    assert.deepEqual(losers[0]!.reason.detail, { kind: 'HeadRevisionConflict', expected: 0, actual: 1 });
    const reopened = await Store.open(await location.open());
    assert.equal((await reopened.loadSession({ kind: 'FullGraph' }))!.head_revision, 1);
  });

  it('SQ-1 CAS holds across two OS processes committing at the same instant, round after round', async (t) => {
    const path = join(tempDir(t, 'lash-race'), 'session.db');
    (await Store.open(openNodeSqlite(path))).close(); // create the schema up front
    const children = [spawnChild(fixture('session-commit-race.ts'), [path]), spawnChild(fixture('session-commit-race.ts'), [path])];
    t.after(() => children.forEach((child) => child.process.kill('SIGKILL')));
    for (const child of children) assert.deepEqual(await child.next(), { ready: true });
    const rounds = 5;
    for (let round = 0; round < rounds; round++) {
      const at = Date.now() + 100;
      for (const child of children) child.send({ expected: round, at });
      const replies = await Promise.all(children.map((child) => child.next<{ ok?: number; error?: string }>()));
      assert.equal(replies.filter((r) => r.ok === round + 1).length, 1, `round ${round}: ${JSON.stringify(replies)}`);
      assert.equal(replies.filter((r) => r.error === 'HeadRevisionConflict').length, 1, `round ${round}: ${JSON.stringify(replies)}`);
    }
    for (const child of children) child.send({ done: true });
    for (const child of children) assert.equal((await child.exited).code, 0);
    const conn = openNodeSqlite(path);
    t.after(() => conn.close());
    assert.equal((await (await Store.open(conn)).loadSession({ kind: 'FullGraph' }))!.head_revision, rounds);
  });

  it('loadSession reads one snapshot while another connection commits in the middle of it', async (t) => {
    const location = await nodeSqliteDriver.fresh(t);
    const writer = await Store.open(await location.open());
    const turn = (n: number) =>
      persistedStateCommit(defaultState('root', { turn_index: n, head_revision: n - 1, tool_state_snapshot: { generation: n, tools: {} } }), [usage('turn', 'm', n, 0, 0, 0)]);
    await writer.commitRuntimeState(turn(1));
    // The reader's codecs hash blobs while hydrating the checkpoint: commit from the other connection right then.
    let interleaved = false;
    const codecs = {
      ...nodeCodecs,
      sha256Hex(data: Uint8Array | string) {
        if (!interleaved) {
          interleaved = true;
          void writer.commitRuntimeState(turn(2)); // runs its transaction synchronously
        }
        return nodeCodecs.sha256Hex(data);
      },
    };
    const reader = await Store.open(await location.open(), { codecs });
    const read = (await reader.loadSession({ kind: 'FullGraph' }))!;
    assert.ok(interleaved);
    assert.equal(read.head_revision, 1);
    assert.equal(read.checkpoint?.turn_state.turn_index, 1);
    assert.deepEqual(read.token_ledger, [usage('turn', 'm', 1, 0, 0, 0)]);
    const after = (await reader.loadSession({ kind: 'FullGraph' }))!;
    assert.equal(after.head_revision, 2);
    assert.deepEqual(after.token_ledger, [usage('turn', 'm', 3, 0, 0, 0)]);
  });

  it('a child killed with SIGKILL mid-commit leaves a consistent head every time', async (t) => {
    const path = join(tempDir(t, 'lash-crash'), 'session.db');
    let acked = 0;
    for (let kill = 0; kill < 4; kill++) {
      const child = spawnChild(fixture('session-crash-loop.ts'), [path]);
      t.after(() => child.process.kill('SIGKILL'));
      // Let it commit at least once, then kill it at a random point.
      acked = Math.max(acked, (await child.next<{ acked: number }>()).acked);
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(Math.random() * 60)));
      child.process.kill('SIGKILL');
      const exit = await child.exited;
      assert.equal(exit.signal, 'SIGKILL');
      for (;;) {
        const more = await child.next<{ acked: number }>().catch(() => null);
        if (more === null) break;
        acked = more.acked;
      }

      const conn = openNodeSqlite(path);
      try {
        assert.equal(conn.get<{ integrity_check: string }>('PRAGMA integrity_check')!.integrity_check, 'ok');
        const logger = new CapturingLogger();
        const store = await Store.open(conn, { logger });
        const read = (await store.loadSession({ kind: 'FullGraph' }))!;
        const revision = read.head_revision;
        assert.ok(revision === acked || revision === acked + 1, `revision ${revision} after ${acked} acknowledged commits`);
        assert.deepEqual(read.graph.nodes.map((n) => n.node_id), Array.from({ length: revision }, (_, i) => `n${i + 1}`));
        assert.equal(read.graph.leaf_node_id, `n${revision}`);
        assert.equal((await store.loadSession({ kind: 'ActivePath', leaf_node_id: null }))!.graph.nodes.length, revision);
        assert.equal(read.checkpoint?.turn_state.turn_index, revision);
        assert.equal(read.checkpoint?.tool_state?.generation, revision);
        assert.equal(read.checkpoint?.plugin_snapshot_revision, revision);
        assert.deepEqual(read.checkpoint?.execution_state, new Uint8Array([revision % 256, 1, 2, 3]));
        assert.deepEqual(read.token_ledger, [{ source: 'turn', model: 'm', usage: { input_tokens: revision, output_tokens: revision, cached_input_tokens: 0, reasoning_tokens: 0 } }]);
        assert.equal((await store.loadSessionHeadMeta())!.graph_node_count, revision);
        await store.gcUnreachable();
        assert.deepEqual(logger.warnings, [], 'no dangling ref, no corrupt row');
        acked = revision;
      } finally {
        conn.close();
      }
    }
    assert.ok(acked >= 4);
  });
});
