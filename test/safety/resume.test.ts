/**
 * Spec decision 20 on the commit path: resuming from a partial read never
 * deletes what it did not load, a result's graph change is applied to the
 * state, and a fresh state never overwrites an existing session.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  SessionGraph,
  StoreError,
  applyCommitResult,
  graphDelta,
  newRuntimeSessionState,
  persistedStateCommit,
  persistedStateWithGraphCommit,
  runtimeSessionStateFromRead,
  type RuntimeSessionState,
  type Store,
} from '../../src/index.ts';
import { describeEachDriver } from '../support/drivers.ts';
import { DEFAULT_MODEL, defaultState, messageNode, openFresh } from '../session/helpers.ts';

/** root → a1 (the active branch) and root → b1 (another branch), committed as a fresh session. */
async function branchedSession(store: Store): Promise<void> {
  const graph = new SessionGraph(
    [messageNode('root', 'User', 'hi'), messageNode('a1', 'Assistant', 'branch a', 'root'), messageNode('b1', 'Assistant', 'branch b', 'root')],
    'a1',
  );
  await store.commitRuntimeState(persistedStateCommit(defaultState('s', { session_graph: graph })));
}

async function liveIds(store: Store): Promise<string[]> {
  return (await store.loadSession({ kind: 'FullGraph' }))!.graph.nodes.map((node) => node.node_id);
}

function invalidInput(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof StoreError, String(error));
    assert.equal(error.detail.kind, 'InvalidInput');
    assert.match(error.message, pattern);
    return true;
  };
}

describeEachDriver('resume, then commit', (driver) => {
  it('an ActivePath read is partial, and no builder turns it into a full replace that would delete other branches', async (t) => {
    const { store } = await openFresh(driver, t);
    await branchedSession(store);
    const read = (await store.loadSession({ kind: 'ActivePath', leaf_node_id: null }))!;
    assert.ok(read.graph instanceof SessionGraph && read.graph.partial);
    assert.deepEqual(read.graph.nodes.map((node) => node.node_id), ['root', 'a1']);
    const state = runtimeSessionStateFromRead(read);
    // A host edits a loaded node and asks for the graph to be rewritten.
    state.graph_replace_required = true;
    assert.throws(() => persistedStateCommit(state), invalidInput(/partial graph \(an ActivePath read\) cannot replace the whole graph/));
    assert.throws(() => graphDelta.replaceFull(state.session_graph), invalidInput(/partial graph/));
    // An unconditional commit of a partial state keeps the graph (the old "never committed" spelling replaced it).
    assert.deepEqual(persistedStateCommit({ ...state, graph_replace_required: false, head_revision: null }).graph, {
      Unchanged: { leaf_node_id: 'a1' },
    });
    // Appending from the partial view is fine and keeps the other branch.
    const appended = persistedStateWithGraphCommit(
      { ...state, graph_replace_required: false },
      graphDelta.append([messageNode('a2', 'User', 'more', 'a1')], 'a2'),
    );
    await store.commitRuntimeState(appended);
    assert.deepEqual(await liveIds(store), ['root', 'a1', 'b1', 'a2']);
    // A FullGraph read may still replace the graph.
    const full = runtimeSessionStateFromRead((await store.loadSession({ kind: 'FullGraph' }))!);
    assert.equal((full.session_graph as SessionGraph).partial, false);
    assert.ok('ReplaceFull' in persistedStateCommit({ ...full, graph_replace_required: true }).graph);
  });

  it('a tombstoned leaf read through ActivePath heals to a leaf move, and the next commit deletes nothing', async (t) => {
    const { store } = await openFresh(driver, t);
    await branchedSession(store);
    await store.tombstoneNodes(['a1']);
    const read = (await store.loadSession({ kind: 'ActivePath', leaf_node_id: null }))!;
    assert.deepEqual(read.graph.nodes, []);
    const state = runtimeSessionStateFromRead(read);
    assert.equal(state.graph_replace_required, false);
    assert.equal((state.session_graph as SessionGraph).leaf_node_id, null);
    const commit = persistedStateCommit(state);
    assert.deepEqual(commit.graph, { Unchanged: { leaf_node_id: null } });
    const result = await store.commitRuntimeState(commit);
    assert.equal(result.head_revision, 2);
    assert.deepEqual(await liveIds(store), ['root', 'b1']);
    assert.equal((await store.loadSessionHeadMeta())!.graph_node_count, 2);
  });

  it('applyCommitResult applies the commit graph change, so the next commit keeps the leaf', async (t) => {
    const { store } = await openFresh(driver, t);
    let state: RuntimeSessionState = defaultState('s');
    const first = persistedStateCommit(state);
    state = applyCommitResult(state, await store.commitRuntimeState(first));
    const turn = messageNode('n1', 'User', 'hello');
    const appended = persistedStateWithGraphCommit(state, graphDelta.append([turn], 'n1'));
    state = applyCommitResult(state, await store.commitRuntimeState(appended));
    assert.deepEqual(state.session_graph.nodes.map((node) => node.node_id), ['n1']);
    assert.equal((state.session_graph as SessionGraph).leaf_node_id, 'n1');
    // The next plain commit leaves the head's leaf where the turn put it.
    const next = persistedStateCommit(state);
    assert.deepEqual(next.graph, { Unchanged: { leaf_node_id: 'n1' } });
    state = applyCommitResult(state, await store.commitRuntimeState(next));
    assert.equal((await store.loadSessionHeadMeta())!.leaf_node_id, 'n1');
    // Given explicitly, the commit wins; a host that pushed the nodes itself gets no duplicates.
    const second = messageNode('n2', 'Assistant', 'hi', 'n1');
    (state.session_graph as SessionGraph).extendActivePath([second]);
    const withPushed = persistedStateWithGraphCommit(state, graphDelta.append([second], 'n2'));
    const result = await store.commitRuntimeState(withPushed);
    const after = applyCommitResult(state, { ...result }, withPushed);
    assert.deepEqual(after.session_graph.nodes.map((node) => node.node_id), ['n1', 'n2']);
    assert.equal(after.head_revision, 4);
  });

  it('a fresh state never overwrites an existing session; only an explicit null revision writes unconditionally', async (t) => {
    const { store } = await openFresh(driver, t);
    await branchedSession(store);
    const fresh = newRuntimeSessionState('s', { provider_id: 'p', model: DEFAULT_MODEL });
    assert.equal(fresh.head_revision, 0);
    const commit = persistedStateCommit(fresh);
    assert.equal(commit.expected_head_revision, 0);
    await assert.rejects(store.commitRuntimeState(commit), (error: unknown) => {
      assert.ok(error instanceof StoreError);
      assert.deepEqual(error.detail, { kind: 'HeadRevisionConflict', expected: 0, actual: 1 });
      return true;
    });
    assert.deepEqual(await liveIds(store), ['root', 'a1', 'b1']);
    // The caller's own choice: no CAS, the graph replaced.
    await store.commitRuntimeState({ ...commit, expected_head_revision: null });
    assert.deepEqual(await liveIds(store), []);
  });
});
