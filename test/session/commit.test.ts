/**
 * `commitRuntimeState` beyond the conformance floor: Append and Unchanged
 * deltas, CAS with n > 0, the order of the checks, atomicity, and bad input
 * that must change nothing.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  SqliteReadOnlyError,
  StoreError,
  Store,
  applyCommitResult,
  completingQueueClaim,
  graphDelta,
  persistedStateCommit,
  persistedStateWithGraphCommit,
  stampTurnCommit,
  turnCommitStamp,
  withCommittedAttachments,
  withTurnCommit,
  type RuntimeCommit,
} from '../../src/index.ts';
import { mergeTokenLedger } from '../../src/core/session/usage-table.ts';
import { ManualClock } from '../support/clock.ts';
import { describeEachDriver } from '../support/drivers.ts';
import {
  attachmentIntent,
  commitAt,
  count,
  defaultState,
  graphOf,
  openFresh,
  rejection,
  sampleNode,
  snapshot,
  usage,
} from './helpers.ts';

function storeError(error: unknown): StoreError {
  assert.ok(error instanceof StoreError, `expected a StoreError, got ${String(error)}`);
  return error;
}

describeEachDriver('commitRuntimeState', (driver) => {
  it('counts revisions 1, 2, 3 and accepts CAS with the current revision (n > 0)', async (t) => {
    const { store } = await openFresh(driver, t);
    assert.equal((await store.commitRuntimeState(commitAt('root', 0))).head_revision, 1);
    assert.equal((await store.commitRuntimeState(commitAt('root', 1))).head_revision, 2);
    assert.equal((await store.commitRuntimeState(commitAt('root', null))).head_revision, 3);
    assert.equal((await store.commitRuntimeState(commitAt('root', 3))).head_revision, 4);
    assert.equal((await store.loadSession({ kind: 'FullGraph' }))!.head_revision, 4);
  });

  it('refuses a stale revision with HeadRevisionConflict and changes nothing', async (t) => {
    const { store, conn } = await openFresh(driver, t);
    await store.commitRuntimeState(commitAt('root', 0));
    await store.commitRuntimeState(commitAt('root', 1));
    const before = snapshot(conn);
    const error = storeError(await rejection(store.commitRuntimeState(commitAt('root', 1))));
    assert.deepEqual(error.detail, { kind: 'HeadRevisionConflict', expected: 1, actual: 2 });
    assert.equal(error.message, 'store head revision conflict: expected Some(1), actual 2');
    assert.equal(snapshot(conn), before);
    const ahead = storeError(await rejection(store.commitRuntimeState(commitAt('root', 7))));
    assert.deepEqual(ahead.detail, { kind: 'HeadRevisionConflict', expected: 7, actual: 2 });
  });

  it('a fresh store accepts CAS 0 and refuses CAS 1', async (t) => {
    const { store } = await openFresh(driver, t);
    const error = storeError(await rejection(store.commitRuntimeState(commitAt('root', 1))));
    assert.deepEqual(error.detail, { kind: 'HeadRevisionConflict', expected: 1, actual: 0 });
    assert.equal(await store.loadSession({ kind: 'FullGraph' }), null);
  });

  it('Append adds nodes and moves the leaf; Unchanged switches branches without writing nodes', async (t) => {
    const { store, conn } = await openFresh(driver, t);
    let state = defaultState('root', { session_graph: graphOf([sampleNode('a')], 'a') });
    state = applyCommitResult(state, await store.commitRuntimeState(persistedStateCommit(state)));
    // Two turns appended on one branch.
    for (const [ids, leaf] of [[['b', 'c'], 'c'], [['d'], 'd']] as const) {
      let parent = (await store.loadSession({ kind: 'ActivePath', leaf_node_id: null }))!.graph.leaf_node_id!;
      const nodes = ids.map((id) => {
        const node = sampleNode(id, parent);
        parent = id;
        return node;
      });
      const result = await store.commitRuntimeState(persistedStateWithGraphCommit(state, graphDelta.append(nodes, leaf)));
      state = applyCommitResult(state, result);
    }
    // A sibling branch from `b`, then back to `d` with an Unchanged delta.
    state = applyCommitResult(
      state,
      await store.commitRuntimeState(persistedStateWithGraphCommit(state, graphDelta.append([sampleNode('e', 'b')], 'e'))),
    );
    const ids = async (leaf: string | null) =>
      (await store.loadSession({ kind: 'ActivePath', leaf_node_id: leaf }))!.graph.nodes.map((n) => n.node_id);
    assert.deepEqual(await ids(null), ['a', 'b', 'e']);
    const rows = count(conn, 'graph_nodes');
    const switched = await store.commitRuntimeState(persistedStateWithGraphCommit(state, graphDelta.unchanged('d')));
    assert.equal(switched.head_revision, 5);
    assert.equal(count(conn, 'graph_nodes'), rows);
    assert.deepEqual(await ids(null), ['a', 'b', 'c', 'd']);
    const full = (await store.loadSession({ kind: 'FullGraph' }))!;
    assert.deepEqual(full.graph.nodes.map((n) => n.node_id), ['a', 'b', 'c', 'd', 'e']);
    assert.equal(full.graph.leaf_node_id, 'd');
    const meta = (await store.loadSessionHeadMeta())!;
    assert.equal(meta.graph_node_count, 5);
    assert.equal(meta.leaf_node_id, 'd');
  });

  it('keeps graph_node_count exact through tombstones, vacuum and ReplaceFull', async (t) => {
    const { store } = await openFresh(driver, t);
    const nodes = [sampleNode('a'), sampleNode('b', 'a'), sampleNode('c', 'b')];
    let state = defaultState('root', { session_graph: graphOf(nodes, 'c') });
    state = applyCommitResult(state, await store.commitRuntimeState(persistedStateCommit(state)));
    await store.tombstoneNodes(['c', 'missing', 'c']);
    assert.equal((await store.loadSessionHeadMeta())!.graph_node_count, 2);
    await store.vacuum();
    state = applyCommitResult(state, await store.commitRuntimeState(persistedStateWithGraphCommit(state, graphDelta.append([sampleNode('d', 'b')], 'd'))));
    assert.equal((await store.loadSessionHeadMeta())!.graph_node_count, 3);
    await store.commitRuntimeState(persistedStateWithGraphCommit(state, graphDelta.replaceFull(graphOf([sampleNode('z')], 'z'))));
    assert.equal((await store.loadSessionHeadMeta())!.graph_node_count, 1);
  });

  it('refuses a duplicate node id (live, tombstoned, or twice in one delta) and writes nothing', async (t) => {
    const { store, conn } = await openFresh(driver, t);
    let state = defaultState('root', { session_graph: graphOf([sampleNode('a'), sampleNode('b', 'a')], 'b') });
    state = applyCommitResult(state, await store.commitRuntimeState(persistedStateCommit(state)));
    await store.tombstoneNodes(['b']);
    const before = snapshot(conn);
    for (const nodes of [[sampleNode('a')], [sampleNode('b', 'a')], [sampleNode('x', 'a'), sampleNode('x', 'a')]]) {
      const error = storeError(
        await rejection(store.commitRuntimeState(persistedStateWithGraphCommit(state, graphDelta.append(nodes, 'x'), [usage('t', 'm', 1, 1, 0, 0)]))),
      );
      assert.equal(error.detail.kind, 'Backend');
      assert.match(error.message, /already exists: UNIQUE constraint failed: graph_nodes\.node_id/);
      assert.equal(snapshot(conn), before);
    }
  });

  it('replays a stamped turn before checking the revision, and refuses another hash for the same turn', async (t) => {
    const { store, conn } = await openFresh(driver, t);
    const first = stampTurnCommit(commitAt('root', 0), 'turn-1');
    const result = await store.commitRuntimeState(first);
    await store.commitRuntimeState(commitAt('root', 1));
    // The retry carries a stale revision: the stamp short-circuits the CAS.
    assert.deepEqual(await store.commitRuntimeState(first), result);
    const before = snapshot(conn);
    const other = withTurnCommit(commitAt('root', 2), turnCommitStamp('root', 'turn-1', 'f'.repeat(64)));
    const error = storeError(await rejection(store.commitRuntimeState(other)));
    assert.deepEqual(error.detail, { kind: 'RuntimeTurnCommitConflict', session_id: 'root', turn_id: 'turn-1' });
    assert.equal(error.message, 'runtime turn `turn-1` for session `root` was already committed with a different commit hash');
    assert.equal(snapshot(conn), before);
    // A stamp naming another session is a conflict too.
    const foreign = withTurnCommit(commitAt('root', 2), turnCommitStamp('elsewhere', 'turn-9', 'a'.repeat(64)));
    assert.deepEqual(storeError(await rejection(store.commitRuntimeState(foreign))).detail, {
      kind: 'RuntimeTurnCommitConflict',
      session_id: 'elsewhere',
      turn_id: 'turn-9',
    });
    assert.equal(snapshot(conn), before);
  });

  it('checks the session binding before the turn stamp', async (t) => {
    const { store } = await openFresh(driver, t);
    await store.commitRuntimeState(stampTurnCommit(commitAt('alpha', 0), 'turn-1'));
    const error = storeError(await rejection(store.commitRuntimeState(stampTurnCommit(commitAt('beta', null), 'turn-1'))));
    assert.equal(error.detail.kind, 'SessionBindingMismatch');
  });

  it('validates queue completions after the CAS and deletes completed batches with the commit', async (t) => {
    const { store, conn } = await openFresh(driver, t);
    // A claimed batch as the queue component leaves it (raw rows: the queue is built elsewhere).
    const { writeTransaction } = await import('../../src/core/driver/transaction.ts');
    writeTransaction(conn, () => {
      conn.run(
        `INSERT INTO queued_work_batches (batch_id, session_id, delivery_policy, slot_policy, merge_key_json, available_at_ms,
           enqueued_at_ms, claim_id, claim_owner_id, claim_token, claim_fencing_token, claim_claimed_at_ms, claim_expires_at_ms)
         VALUES ('qwb:1', 'root', 'earliest_safe_boundary', 'exclusive', '"never"', 0, 1, 'qwc:1:1', 'owner', 'token-1', 1, 1, 999999999999)`,
      );
      conn.run(`INSERT INTO queued_work_items (batch_id, item_index, item_id, payload_json) VALUES ('qwb:1', 0, 'qwb:1:item:0', '{}')`);
    });
    const completion = { session_id: 'root', claim_id: 'qwc:1:1', lease_token: 'token-1', batch_ids: ['qwb:1'] };
    const base = persistedStateCommit(defaultState('root', { turn_index: 41 }));
    const before = snapshot(conn);
    for (const stale of [
      { ...completion, lease_token: 'token-1:stale' },
      { ...completion, batch_ids: ['qwb:other'] },
      { ...completion, batch_ids: ['qwb:1', 'qwb:1'] },
      { ...completion, session_id: 'other' },
    ]) {
      const error = storeError(await rejection(store.commitRuntimeState(completingQueueClaim(stampTurnCommit(base, 'turn-atomic'), stale))));
      assert.equal(error.detail.kind, 'QueuedWorkClaimExpired');
      assert.equal(snapshot(conn), before);
      assert.equal(await store.loadSession({ kind: 'FullGraph' }), null);
    }
    // CAS is checked before the completions.
    const cas = storeError(await rejection(store.commitRuntimeState(completingQueueClaim({ ...base, expected_head_revision: 3 }, completion))));
    assert.equal(cas.detail.kind, 'HeadRevisionConflict');
    const stamped = stampTurnCommit(completingQueueClaim(base, completion), 'turn-atomic');
    const first = await store.commitRuntimeState(stamped);
    assert.equal(count(conn, 'queued_work_batches'), 0);
    assert.equal(count(conn, 'queued_work_items'), 0);
    // The retry succeeds although the batch is gone: the stamp short-circuits.
    assert.deepEqual(await store.commitRuntimeState(stamped), first);
  });

  it('stamps committed attachments of its own session; the first stamp wins', async (t) => {
    const clock = new ManualClock(1_000);
    const { store, conn } = await openFresh(driver, t, { clock: clock.clock });
    store.recordIntent(attachmentIntent('mine'));
    store.recordIntent(attachmentIntent('theirs', 'other'));
    clock.advance(10);
    await store.commitRuntimeState(withCommittedAttachments(commitAt('root', null), ['mine', 'theirs', 'unknown']));
    clock.advance(10);
    await store.commitRuntimeState(withCommittedAttachments(commitAt('root', null), ['mine']));
    store.commitRefs('root', ['mine']);
    const rows = conn.all<{ attachment_id: string; committed_at_ms: number | null }>(
      'SELECT attachment_id, committed_at_ms FROM attachment_manifest ORDER BY attachment_id',
    );
    assert.deepEqual(rows.map((r) => ({ ...r })), [
      { attachment_id: 'mine', committed_at_ms: 1_010 },
      { attachment_id: 'theirs', committed_at_ms: null },
    ]);
  });

  it('merges the ledger by (source, model) in first-seen order, dropping only empty entries', async (t) => {
    const { store } = await openFresh(driver, t);
    await store.commitRuntimeState(
      persistedStateCommit(defaultState('root'), [
        // An empty entry does not make its key first-seen.
        usage('turn', 'b', 0, 0, 0, 0),
        usage('turn', 'a', 1, 2, 0, 0),
        usage('compaction', 'a', 0, 0, 0, 0),
        usage('cache', 'a', 0, 0, 9, 0),
        usage('turn', 'b', 5, 0, 0, 0),
      ]),
    );
    await store.commitRuntimeState(persistedStateCommit(defaultState('root', { head_revision: 1 }), [usage('turn', 'a', 10, 20, 3, 4)]));
    const read = (await store.loadSession({ kind: 'FullGraph' }))!;
    assert.deepEqual(read.token_ledger, [usage('turn', 'a', 11, 22, 3, 4), usage('cache', 'a', 0, 0, 9, 0), usage('turn', 'b', 5, 0, 0, 0)]);
    assert.equal((await store.loadUsageDeltas()).length, 6);
    assert.deepEqual(read.token_ledger, mergeTokenLedger(await store.loadUsageDeltas()), 'the SQL merge is the JS one');
  });

  it('re-hydrates snapshots for commits that carry refs only, with equal checkpoint refs for equal content', async (t) => {
    const { store } = await openFresh(driver, t);
    let state = defaultState('root', {
      tool_state_snapshot: { generation: 3, tools: { search: { manifest: { description: 'find' } } } },
      plugin_snapshot: { plugins: { memo: { meta: { plugin_id: 'memo', plugin_version: '1', state: { n: 1 } } } } },
      plugin_snapshot_revision: 1,
      execution_state_snapshot: new Uint8Array([1, 2, 3]),
    });
    const first = await store.commitRuntimeState(persistedStateCommit(state));
    state = applyCommitResult(state, first);
    assert.equal(state.tool_state_snapshot, null);
    const second = await store.commitRuntimeState(persistedStateCommit(state));
    assert.equal(second.checkpoint_ref, first.checkpoint_ref);
    assert.equal(second.head_revision, 2);
    const read = (await store.loadSession({ kind: 'FullGraph' }))!;
    assert.equal(read.checkpoint?.tool_state?.generation, 3);
    assert.deepEqual(read.checkpoint?.plugin_snapshot?.plugins.memo?.meta.state, { n: 1 });
    assert.deepEqual(read.checkpoint?.execution_state, new Uint8Array([1, 2, 3]));
  });

  it('refuses malformed commits with InvalidInput naming the path, and writes nothing', async (t) => {
    const { store, conn } = await openFresh(driver, t);
    await store.commitRuntimeState(commitAt('root', 0));
    const before = snapshot(conn);
    const good = commitAt('root', 1);
    const bad: Array<[string, RuntimeCommit, RegExp]> = [
      ['empty session id', { ...good, session_id: '' }, /commit\.session_id must not be empty/],
      ['lone surrogate', { ...good, session_id: 'ro\uD800ot' }, /well-formed Unicode/],
      ['NUL in a node id', { ...good, graph: graphDelta.append([sampleNode('a\0b')], null) }, /must not contain NUL/],
      ['negative revision', { ...good, expected_head_revision: -1 }, /non-negative safe integer/],
      ['fractional revision', { ...good, expected_head_revision: 1.5 }, /non-negative safe integer/],
      ['unsafe token count', { ...good, usage_deltas: [usage('t', 'm', 2 ** 60, 0, 0, 0)] }, /safe integer/],
      ['zero context window', { ...good, config: { provider_id: 'p', model: { id: 'm', limits: { context_window_tokens: 0 } } } }, /at least 1/],
      ['unknown model field', { ...good, config: { provider_id: 'p', model: { id: 'm', limits: { context_window_tokens: 1 }, extra: 1 } as never } }, /unknown field `extra`/],
      ['two graph deltas', { ...good, graph: { Unchanged: { leaf_node_id: null }, Append: { nodes: [], leaf_node_id: null } } as never }, /exactly one/],
      ['node without kind', { ...good, graph: graphDelta.append([{ node_id: 'n', timestamp: 't' } as never], null) }, /kind must be/],
      ['missing config', { ...good, config: undefined as never }, /commit\.config must be an object/],
      ['bytes that are not bytes', { ...good, checkpoint: { ...good.checkpoint, execution_state: [1, 300] as never } }, /must be bytes/],
    ];
    for (const [label, commit, message] of bad) {
      const error = storeError(await rejection(store.commitRuntimeState(commit)));
      assert.equal(error.detail.kind, 'InvalidInput', label);
      assert.match(error.message, /^invalid input: /, label);
      assert.match(error.message, message, label);
      assert.equal(snapshot(conn), before, label);
    }
    const paths = await Promise.all(
      [
        { ...good, session_id: '' },
        { ...good, graph: graphDelta.append([sampleNode('ok'), sampleNode('a\0b')], null) },
        { ...good, usage_deltas: [usage('t', 'm', 2 ** 60, 0, 0, 0)] },
      ].map(async (commit) => (storeError(await rejection(store.commitRuntimeState(commit))).detail as { path?: string }).path),
    );
    assert.deepEqual(paths, ['$.session_id', '$.graph.Append.nodes[1].node_id', '$.usage_deltas[0].usage.input_tokens']);
  });

  it('refuses to commit onto an undecodable head, and loadSession reports it', async (t) => {
    const { store, conn } = await openFresh(driver, t);
    await store.commitRuntimeState(commitAt('root', 0));
    const { writeTransaction } = await import('../../src/core/driver/transaction.ts');
    for (const corrupt of ['{not json', '{}', '{"config":{"provider_id":"p","model":{"id":"m","limits":{"context_window_tokens":0}}}}']) {
      writeTransaction(conn, () => conn.run('UPDATE session_head SET head_json = ?', [corrupt]));
      const before = snapshot(conn);
      const error = storeError(await rejection(store.commitRuntimeState(commitAt('root', 1))));
      assert.match(error.message, /store backend error: decode session head: /);
      assert.equal(snapshot(conn), before);
      assert.match(storeError(await rejection(store.loadSession({ kind: 'FullGraph' }))).message, /decode session head/);
    }
  });

  it('reads the binding from the stored head, not from what this store last wrote', async (t) => {
    const { store, conn } = await openFresh(driver, t);
    await store.commitRuntimeState(commitAt('root', 0));
    const { writeTransaction } = await import('../../src/core/driver/transaction.ts');
    // Another writer rebinds the head behind this store's back (same bytes but for the id).
    writeTransaction(conn, () => conn.run("UPDATE session_head SET head_json = replace(head_json, '\"session_id\":\"root\"', '\"session_id\":\"other\"')"));
    const error = storeError(await rejection(store.commitRuntimeState(commitAt('root', 1))));
    assert.deepEqual(error.detail, { kind: 'SessionBindingMismatch', bound_session_id: 'other', attempted_session_id: 'root' });
  });

  it('refuses an unsupported read scope', async (t) => {
    const { store } = await openFresh(driver, t);
    const error = storeError(await rejection(store.loadSession({ kind: 'Everything' } as never)));
    assert.equal(error.detail.kind, 'UnsupportedReadScope');
  });

  it('a closed store refuses calls; its connection stays open', async (t) => {
    const { store, conn } = await openFresh(driver, t);
    store.close();
    store.close();
    assert.match(storeError(await rejection(store.loadSessionMeta())).message, /closed/);
    assert.equal(conn.closed, false);
  });

  if (driver.name === 'node-sqlite') {
    it('on a read-only connection reads work and every write is refused with a typed error', async (t) => {
      const { location, store } = await openFresh(driver, t);
      await store.commitRuntimeState(commitAt('root', 0));
      const readOnly = await Store.open(await location.open({ readOnly: true }));
      assert.equal((await readOnly.loadSession({ kind: 'FullGraph' }))!.head_revision, 1);
      const error = storeError(await rejection(readOnly.commitRuntimeState(commitAt('root', 1))));
      assert.ok(error.cause instanceof SqliteReadOnlyError);
      assert.throws(() => readOnly.recordIntent(attachmentIntent('x')), StoreError);
      assert.equal((await store.loadSession({ kind: 'FullGraph' }))!.head_revision, 1);
    });
  }
});
