/**
 * The runtime-persistence conformance cases of catalogue §5.1 and §5.2
 * (RP-01..RP-05, RP-06a, RP-16..RP-19), with their exact values, on every
 * driver. Every case runs on a store that also has a second handle open on
 * the same database, as the reference's reopenable suite does.
 */
import { StoreError } from '../../core/contract/errors.ts';
import { persistedStateCommit, stampTurnCommit, turnCommitHash, turnCommitStamp, withCommittedAttachments, withTurnCommit } from '../../core/session/turn-commit.ts';
import { utf8Encode } from '../../core/codec/utf8.ts';
import {
  attachmentIntent,
  defaultState,
  graphOf,
  initialFrame,
  model,
  openFresh,
  rejection,
  sampleNode,
  usage,
} from '../fixtures/session.ts';
import type { ConformanceAssert, Kit } from '../harness.ts';

export function runtimePersistenceSuite(kit: Kit): void {
  const { it, suite } = kit;
  const assert: ConformanceAssert = kit.assert;

  suite('runtime persistence conformance', (driver) => {
    const tier = driver.durability;

    it(`RP-01 reports its declared durability (${tier})`, async (t) => {
      const { store, reopen } = await openFresh(driver, t);
      await reopen();
      assert.equal(store.durabilityTier(), tier);
    });

    it('RP-02 commit round-trips agent frames, custom reasons and frame snapshot bytes', async (t) => {
      const { store } = await openFresh(driver, t);
      const initial = { ...initialFrame('root'), status: 'superseded' as const };
      const frameVm = utf8Encode('frame-vm');
      const frame2 = {
        frame_id: 'frame-2',
        session_id: 'root',
        previous_frame_id: 'root:frame:initial',
        status: 'active' as const,
        reason: 'plan_mode',
        created_at: '2026-06-02T00:00:01Z',
        assignment: structuredClone(initial.assignment),
        protocol_turn_options: { payload: {} },
        execution_state_snapshot: frameVm,
      };
      const state = defaultState('root', {
        policy: { provider_id: '', model: model('gpt-5.4-mini') },
        agent_frames: [initial, frame2],
        current_agent_frame_id: 'frame-2',
        execution_state_snapshot: frameVm,
      });
      await store.commitRuntimeState(persistedStateCommit(state, []));
      const read = (await store.loadSession({ kind: 'FullGraph' }))!;
      assert.equal(read.current_agent_frame_id, 'frame-2');
      assert.equal(read.agent_frames.length, 2);
      const loaded = read.agent_frames.find((frame) => frame.frame_id === 'frame-2')!;
      assert.equal(loaded.reason, 'plan_mode');
      assert.ok(loaded.execution_state_snapshot instanceof Uint8Array);
      assert.deepEqual(loaded.execution_state_snapshot, frameVm);
      assert.deepEqual(read.checkpoint?.execution_state, frameVm);
      assert.equal(read.head_revision, 1);
    });

    it('RP-03 refuses a commit for a different session id', async (t) => {
      const { store } = await openFresh(driver, t);
      await store.commitRuntimeState(persistedStateCommit(defaultState('alpha')));
      const error = await rejection(store.commitRuntimeState(persistedStateCommit(defaultState('beta'))));
      assert.ok(error instanceof StoreError);
      assert.deepEqual(error.detail, { kind: 'SessionBindingMismatch', bound_session_id: 'alpha', attempted_session_id: 'beta' });
      assert.equal(error.message, 'store is already bound to session `alpha` and cannot be reused for `beta`');
    });

    it('RP-04 load hydrates the checkpoint and the usage ledger', async (t) => {
      const { store } = await openFresh(driver, t);
      const state = defaultState('hydrated', {
        tool_state_snapshot: { generation: 9, tools: {} },
        plugin_snapshot_revision: 12,
        plugin_snapshot: { plugins: {} },
      });
      await store.commitRuntimeState(persistedStateCommit(state, [usage('turn', 'mock-model', 11, 7, 3, 5)]));
      const read = (await store.loadSession({ kind: 'FullGraph' }))!;
      assert.equal(read.session_id, 'hydrated');
      assert.ok(read.checkpoint !== null);
      assert.equal(read.checkpoint.tool_state?.generation, 9);
      assert.equal(read.checkpoint.plugin_snapshot_revision, 12);
      assert.equal(read.token_ledger.length, 1);
      assert.equal(read.token_ledger[0]!.usage.input_tokens, 11);
      assert.deepEqual(read.token_ledger[0], usage('turn', 'mock-model', 11, 7, 3, 5));
    });

    it('RP-05 an active-path read selects only the requested ancestry', async (t) => {
      const { store } = await openFresh(driver, t);
      const graph = graphOf(
        [sampleNode('root-node'), sampleNode('left-node', 'root-node'), sampleNode('left-leaf', 'left-node'), sampleNode('right-leaf', 'root-node')],
        'left-leaf',
      );
      await store.commitRuntimeState(
        persistedStateCommit(defaultState('branchy', { session_graph: graph, graph_replace_required: true })),
      );
      const ids = (read: { graph: { nodes: readonly { node_id: string }[] } } | null) => read!.graph.nodes.map((n) => n.node_id);
      const full = await store.loadSession({ kind: 'FullGraph' });
      assert.deepEqual(ids(full), ['root-node', 'left-node', 'left-leaf', 'right-leaf']);
      const persisted = await store.loadSession({ kind: 'ActivePath', leaf_node_id: null });
      assert.deepEqual(ids(persisted), ['root-node', 'left-node', 'left-leaf']);
      assert.equal(persisted!.graph.leaf_node_id, 'left-leaf');
      const right = await store.loadSession({ kind: 'ActivePath', leaf_node_id: 'right-leaf' });
      assert.deepEqual(ids(right), ['root-node', 'right-leaf']);
      assert.equal(right!.graph.leaf_node_id, 'right-leaf');
    });

    it('RP-06a the attachment manifest records intents and commit stamps', async (t) => {
      const { store } = await openFresh(driver, t);
      for (const id of ['runtime-commit', 'manual-commit', 'orphan']) store.recordIntent(attachmentIntent(id));
      const all = store.listUncommitted(200).sort((a, b) => a.attachment_id.localeCompare(b.attachment_id));
      assert.equal(all.length, 3);
      store.commitRefs('root', ['manual-commit']);
      await store.commitRuntimeState(withCommittedAttachments(persistedStateCommit(defaultState('root')), ['runtime-commit']));
      const left = store.listUncommitted(200);
      assert.equal(left.length, 1);
      assert.equal(left[0]!.attachment_id, 'orphan');
      assert.equal(left[0]!.committed_at_epoch_ms, null);
      assert.deepEqual(left[0], { ...attachmentIntent('orphan'), committed_at_epoch_ms: null });
      store.forget('orphan');
      assert.deepEqual(store.listUncommitted(200), []);
    });

    it('RP-16 session metadata round-trips', async (t) => {
      const { store } = await openFresh(driver, t);
      const meta = {
        session_id: 'root',
        session_name: 'Conformance Root',
        created_at: '2026-06-02T00:00:00Z',
        model: 'gpt-5.4-mini',
        cwd: '/srv/lash-conformance',
        relation: { kind: 'root' as const },
      };
      await store.saveSessionMeta(meta);
      const loaded = await store.loadSessionMeta();
      assert.ok(loaded !== null);
      assert.equal(loaded.session_id, 'root');
      assert.equal(loaded.session_name, 'Conformance Root');
      assert.equal(loaded.created_at, '2026-06-02T00:00:00Z');
      assert.equal(loaded.model, 'gpt-5.4-mini');
      assert.equal(loaded.cwd, '/srv/lash-conformance');
      assert.deepEqual(loaded.relation, { kind: 'root' });
    });

    it('RP-17 tombstone, vacuum and GC are minimally consistent', async (t) => {
      const { store } = await openFresh(driver, t);
      const graph = graphOf([sampleNode('node-live'), sampleNode('node-delete', 'node-live')], 'node-delete');
      await store.commitRuntimeState(persistedStateCommit(defaultState('root', { session_graph: graph, graph_replace_required: true })));
      assert.ok((await store.loadNode('node-delete')) !== null);
      await store.tombstoneNodes(['node-delete']);
      assert.equal(await store.loadNode('node-delete'), null);
      const full = (await store.loadSession({ kind: 'FullGraph' }))!;
      assert.ok(!full.graph.nodes.some((node) => node.node_id === 'node-delete'));
      const report = await store.vacuum();
      assert.ok(report.removed_node_count <= 1);
      assert.equal(report.removed_node_count, 1);
      await store.gcUnreachable();
    });

    it('RP-18 the final commit stamp is idempotent and conflicts on a changed hash', async (t) => {
      const { store } = await openFresh(driver, t);
      const state = defaultState('root');
      const base = persistedStateCommit(state, []);
      const h = turnCommitHash(base);
      const commit = withTurnCommit(base, turnCommitStamp('root', 'provider-turn', h));
      const first = await store.commitRuntimeState(commit);
      const retry = await store.commitRuntimeState(commit);
      assert.equal(retry.head_revision, first.head_revision);
      assert.equal(retry.checkpoint_ref, first.checkpoint_ref);
      assert.deepEqual(retry, first);
      // The hash does not depend on the CAS revision.
      assert.equal(turnCommitHash({ ...persistedStateCommit(state, []), expected_head_revision: first.head_revision }), h);
      const changed = stampTurnCommit(persistedStateCommit(defaultState('root', { turn_index: 1 })), 'provider-turn');
      const error = await rejection(store.commitRuntimeState(changed));
      assert.ok(error instanceof StoreError);
      assert.deepEqual(error.detail, { kind: 'RuntimeTurnCommitConflict', session_id: 'root', turn_id: 'provider-turn' });
    });

    it('RP-19 survives reopen (meta, head, checkpoint, attachment intents)', async (t) => {
      const { store, reopen } = await openFresh(driver, t);
      const reopened = await reopen(); // opened before anything is written, as in the reference
      await store.saveSessionMeta({
        session_id: 'root',
        session_name: 'Durable Root',
        created_at: '2026-06-02T00:00:00Z',
        model: 'gpt-5.4-mini',
        cwd: '/srv/lash-reopen',
        relation: { kind: 'root' },
      });
      await store.commitRuntimeState(persistedStateCommit(defaultState('root', { tool_state_snapshot: { generation: 77, tools: {} } })));
      store.recordIntent({ attachment_id: 'reopen-attachment', session_id: 'root', canonical_uri: 'sha256:reopen-attachment', intent_at_epoch_ms: 100 });
      assert.equal((await reopened.loadSessionMeta())?.session_name, 'Durable Root');
      const read = (await reopened.loadSession({ kind: 'FullGraph' }))!;
      assert.equal(read.session_id, 'root');
      assert.equal(read.checkpoint?.tool_state?.generation, 77);
      assert.ok(reopened.listUncommitted(200).some((entry) => entry.attachment_id === 'reopen-attachment'));
      // (The queued-work part of RP-19 belongs to the queue component.)
    });
  });
}
