/** `SessionGraph` semantics (§1.4) and the store's graph reads on odd data. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  SessionGraph,
  graphDelta,
  persistedStateCommit,
  persistedStateWithGraphCommit,
  applyCommitResult,
} from '../../src/index.ts';
import { writeTransaction } from '../../src/core/driver/transaction.ts';
import { describeEachDriver } from '../support/drivers.ts';
import { defaultState, graphOf, messageNode, openFresh, sampleNode } from './helpers.ts';

const ids = (nodes: readonly { node_id: string }[]) => nodes.map((node) => node.node_id);

describe('SessionGraph', () => {
  const branchy = () =>
    graphOf(
      [sampleNode('root-node'), sampleNode('left-node', 'root-node'), sampleNode('left-leaf', 'left-node'), sampleNode('right-leaf', 'root-node')],
      'left-leaf',
    );

  it('keeps its id index and active path right across appends after a read (a repeated id points at its last copy)', () => {
    const graph = branchy();
    assert.equal(graph.nodeIndex('left-leaf'), 2, 'index built');
    assert.deepEqual(ids(graph.activePathNodes()), ['root-node', 'left-node', 'left-leaf']);
    graph.extendActivePath([sampleNode('next', 'left-leaf')]);
    assert.equal(graph.findNode('next')?.parent_node_id, 'left-leaf');
    assert.deepEqual(ids(graph.activePathNodes()), ['root-node', 'left-node', 'left-leaf', 'next']);
    graph.pushNodeRecord({ ...sampleNode('left-node', 'right-leaf') });
    assert.equal(graph.nodeIndex('left-node'), 5);
    assert.equal(graph.findNode('left-node')?.parent_node_id, 'right-leaf');
    assert.deepEqual(ids(graph.activePathNodes()), ['root-node', 'right-leaf', 'left-node', 'left-leaf', 'next']);
  });

  it('walks the active path from the leaf to the root and reports membership', () => {
    const graph = branchy();
    assert.deepEqual(ids(graph.activePathNodes()), ['root-node', 'left-node', 'left-leaf']);
    assert.ok(graph.activePathContains('left-node'));
    assert.ok(!graph.activePathContains('right-leaf'));
    assert.deepEqual(graph.orphanedNodeIds(), ['right-leaf']);
    graph.branchTo('right-leaf');
    assert.deepEqual(ids(graph.activePathNodes()), ['root-node', 'right-leaf']);
    assert.deepEqual(ids(graph.forkCurrentPath().nodes), ['root-node', 'right-leaf']);
    assert.equal(graph.forkCurrentPath().leaf_node_id, 'right-leaf');
  });

  it('has an empty active path without a leaf or with an unknown leaf', () => {
    assert.deepEqual(new SessionGraph([sampleNode('a')]).activePathNodes(), []);
    assert.deepEqual(graphOf([sampleNode('a')], 'ghost').activePathNodes(), []);
  });

  it('stops the walk at a parent cycle instead of looping', () => {
    const graph = graphOf([sampleNode('x', 'z'), sampleNode('y', 'x'), sampleNode('z', 'y')], 'z');
    assert.deepEqual(ids(graph.activePathNodes()), ['x', 'y', 'z']);
    const self = graphOf([sampleNode('s', 's')], 's');
    assert.deepEqual(ids(self.activePathNodes()), ['s']);
  });

  it('indexes the last occurrence of a repeated id', () => {
    const graph = new SessionGraph([sampleNode('a'), sampleNode('b', 'a'), sampleNode('a')]);
    assert.equal(graph.nodeIndex('a'), 2);
    assert.equal(graph.findNode('b')?.parent_node_id, 'a');
  });

  it('extends with and without moving the leaf, invalidating its indexes', () => {
    const graph = graphOf([sampleNode('a')], 'a');
    assert.deepEqual(ids(graph.activePathNodes()), ['a']);
    graph.extendNodeRecords([sampleNode('b', 'a')]);
    assert.equal(graph.leaf_node_id, 'a');
    assert.equal(graph.nodeIndex('b'), 1);
    graph.extendActivePath([sampleNode('c', 'b')]);
    assert.equal(graph.leaf_node_id, 'c');
    assert.deepEqual(ids(graph.activePathNodes()), ['a', 'b', 'c']);
    graph.pushNodeRecord(sampleNode('d', 'c'));
    assert.equal(graph.findNode('d')?.node_id, 'd');
  });

  it('heals an orphaned leaf to the last message node', () => {
    const graph = graphOf([messageNode('m1', 'User', 'hi'), sampleNode('p', 'm1'), messageNode('m2', 'Assistant', 'yo', 'm1'), sampleNode('q')], 'gone');
    assert.equal(graph.healOrphanedLeaf(), true);
    assert.equal(graph.leaf_node_id, 'm2');
    assert.equal(graph.healOrphanedLeaf(), false);
    const noMessages = graphOf([sampleNode('p')], 'gone');
    assert.equal(noMessages.healOrphanedLeaf(), true);
    assert.equal(noMessages.leaf_node_id, null);
    assert.equal(new SessionGraph([sampleNode('p')]).healOrphanedLeaf(), false);
  });

  it('finds the first user message in storage order across branches and counts user messages', () => {
    const graph = graphOf(
      [
        messageNode('a1', 'Assistant', 'welcome'),
        messageNode('u1', 'User', '  Plan the trip  ', undefined, [
          { kind: 'Image', content: 'ignored' },
          { kind: 'ToolCall', content: 'call()' },
          { kind: 'Text', content: '   ' },
          { kind: 'Text', content: 'to Lisbon' },
        ]),
        messageNode('u2', 'User', 'second', 'u1'),
        sampleNode('p', 'u2'),
      ],
      'p',
    );
    assert.equal(graph.firstUserMessage(), 'Plan the trip  \n\n[Image attached]\n\nto Lisbon');
    assert.equal(graph.userMessageCount(), 2);
    assert.equal(new SessionGraph().firstUserMessage(), '');
  });

  it('serialises to the wire shape, leaving out a missing leaf', () => {
    assert.deepEqual(new SessionGraph([sampleNode('a')]).toData(), { nodes: [sampleNode('a')] });
    assert.deepEqual(JSON.parse(JSON.stringify(graphOf([sampleNode('a')], 'a'))), { nodes: [sampleNode('a')], leaf_node_id: 'a' });
    assert.deepEqual(SessionGraph.from({ nodes: [sampleNode('a')], leaf_node_id: 'a' }).leaf_node_id, 'a');
  });
});

describeEachDriver('graph reads', (driver) => {
  async function committed(t: Parameters<typeof openFresh>[1], nodes = [sampleNode('a'), sampleNode('b', 'a'), sampleNode('c', 'b'), sampleNode('d', 'c')]) {
    const opened = await openFresh(driver, t);
    const state = defaultState('root', { session_graph: graphOf(nodes, nodes.at(-1)!.node_id) });
    await opened.store.commitRuntimeState(persistedStateCommit(state));
    return opened;
  }

  it('stops the active path at a tombstoned ancestor and returns an empty path for a hidden leaf', async (t) => {
    const { store } = await committed(t);
    await store.tombstoneNodes(['b']);
    const path = (await store.loadSession({ kind: 'ActivePath', leaf_node_id: null }))!;
    assert.deepEqual(ids(path.graph.nodes), ['c', 'd']);
    await store.tombstoneNodes(['d']);
    const hidden = (await store.loadSession({ kind: 'ActivePath', leaf_node_id: null }))!;
    assert.deepEqual(hidden.graph.nodes, []);
    assert.equal(hidden.graph.leaf_node_id, 'd');
    assert.equal((await store.loadSession({ kind: 'FullGraph' }))!.graph.leaf_node_id, 'd');
  });

  it('ends an active-path walk on a parent cycle stored in the rows', async (t) => {
    const { store, logger } = await committed(t, [sampleNode('x', 'z'), sampleNode('y', 'x'), sampleNode('z', 'y')]);
    const path = (await store.loadSession({ kind: 'ActivePath', leaf_node_id: 'z' }))!;
    assert.deepEqual(ids(path.graph.nodes), ['x', 'y', 'z']);
    assert.ok(logger.warnings.some((w) => /cycle/.test(w.message)));
  });

  it('reads an active path whose ancestors were stored after their children', async (t) => {
    const { store, logger } = await committed(t, [sampleNode('c', 'b'), sampleNode('a'), sampleNode('b', 'a'), sampleNode('d', 'c')]);
    const path = (await store.loadSession({ kind: 'ActivePath', leaf_node_id: 'd' }))!;
    assert.deepEqual(ids(path.graph.nodes), ['a', 'b', 'c', 'd']);
    assert.deepEqual(logger.warnings, []);
  });

  it('ends an active-path walk on a parent cycle above the leaf', async (t) => {
    const { store, logger } = await committed(t, [sampleNode('x', 'y'), sampleNode('y', 'x'), sampleNode('leaf', 'y')]);
    const path = (await store.loadSession({ kind: 'ActivePath', leaf_node_id: 'leaf' }))!;
    assert.deepEqual(ids(path.graph.nodes), ['x', 'y', 'leaf']);
    assert.ok(logger.warnings.some((w) => /cycle/.test(w.message)));
  });

  it('ends an active-path walk at a parent that was never stored', async (t) => {
    const { store, logger } = await committed(t, [sampleNode('b', 'gone'), sampleNode('c', 'b')]);
    const path = (await store.loadSession({ kind: 'ActivePath', leaf_node_id: 'c' }))!;
    assert.deepEqual(ids(path.graph.nodes), ['b', 'c']);
    assert.deepEqual(logger.warnings, []);
  });

  it('skips node rows that do not decode (logged) and keeps walking by the parent column', async (t) => {
    const { store, conn, logger } = await committed(t);
    writeTransaction(conn, () => {
      conn.run("UPDATE graph_nodes SET node_json = '{broken' WHERE node_id = 'b'");
      conn.run(`UPDATE graph_nodes SET node_json = '{"node_id":"c","timestamp":"t","kind":"weird"}' WHERE node_id = 'c'`);
    });
    const path = (await store.loadSession({ kind: 'ActivePath', leaf_node_id: null }))!;
    assert.deepEqual(ids(path.graph.nodes), ['a', 'd']);
    const full = (await store.loadSession({ kind: 'FullGraph' }))!;
    assert.deepEqual(ids(full.graph.nodes), ['a', 'd']);
    assert.equal(await store.loadNode('b'), null);
    assert.ok(logger.warnings.filter((w) => /does not decode/.test(w.message)).length >= 4);
  });

  it('reads a deep active path (3,000 nodes) without touching other branches', async (t) => {
    const { store } = await openFresh(driver, t);
    const nodes = [sampleNode('n0')];
    for (let i = 1; i < 3_000; i++) nodes.push(sampleNode(`n${i}`, `n${i - 1}`));
    let state = defaultState('root', { session_graph: graphOf(nodes, 'n2999') });
    state = applyCommitResult(state, await store.commitRuntimeState(persistedStateCommit(state)));
    await store.commitRuntimeState(persistedStateWithGraphCommit(state, graphDelta.append([sampleNode('side', 'n10')], 'n2999')));
    const path = (await store.loadSession({ kind: 'ActivePath', leaf_node_id: null }))!;
    assert.equal(path.graph.nodes.length, 3_000);
    assert.equal(path.graph.nodes[0]!.node_id, 'n0');
    assert.equal(path.graph.nodes[2_999]!.node_id, 'n2999');
    assert.deepEqual(ids((await store.loadSession({ kind: 'ActivePath', leaf_node_id: 'side' }))!.graph.nodes), [
      ...Array.from({ length: 11 }, (_, i) => `n${i}`),
      'side',
    ]);
  });

  it('loadNode returns live nodes only', async (t) => {
    const { store } = await committed(t);
    assert.equal((await store.loadNode('c'))?.parent_node_id, 'b');
    assert.equal(await store.loadNode('missing'), null);
  });
});
