/** The host-facing inherent API of the store (§1.11, §2.12). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BlobDescriptors, Store, StoreError, persistedStateCommit, type SessionHead } from '../../src/index.ts';
import { writeTransaction } from '../../src/core/driver/transaction.ts';
import { decodeMsgpack, encodeMsgpack } from '../../src/core/codec/msgpack.ts';
import { utf8Encode } from '../../src/core/codec/utf8.ts';
import { describeEachDriver } from '../support/drivers.ts';
import { commitAt, count, defaultState, graphOf, messageNode, model, openFresh, rejection, sampleNode, snapshot, usage } from './helpers.ts';

const big = (n: number) => utf8Encode('abcdefgh'.repeat(n / 8));

describeEachDriver('store host API', (driver) => {
  it('stores raw and enveloped blobs under the SHA-256 of their content, compressing per profile', async (t) => {
    const { store, conn } = await openFresh(driver, t, { blobProfile: 'Balanced' });
    const raw = await store.putBlob(utf8Encode('hello'));
    assert.equal(raw, '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    assert.deepEqual(await store.getBlob(raw), utf8Encode('hello'));
    const small = await store.putArtifactBlob(BlobDescriptors.toolStateSnapshot(), big(1024));
    const large = await store.putArtifactBlob(BlobDescriptors.toolStateSnapshot(), big(8192));
    const plain = await store.putArtifactBlob(BlobDescriptors.generic(), big(8192 + 8));
    const stored = (ref: string) => decodeMsgpack(conn.get<{ content: Uint8Array }>('SELECT content FROM blobs WHERE hash = ?', [ref])!.content) as { compression: string };
    assert.equal(stored(small).compression, 'None');
    assert.equal(stored(large).compression, 'Zlib');
    assert.equal(stored(plain).compression, 'None');
    assert.deepEqual(await store.getBlob(large), big(8192));
    // The same content under another descriptor is the same blob (the first envelope wins).
    assert.equal(await store.putArtifactBlob(BlobDescriptors.pluginSessionSnapshot(), big(8192)), large);
    assert.equal(count(conn, 'blobs'), 4);
    assert.equal(await store.getBlob('0'.repeat(64)), null);
  });

  it('round-trips typed blobs, raw and enveloped', async (t) => {
    const { store } = await openFresh(driver, t);
    const value = { b: [1, 2.5, 'x'], a: { nested: true }, bytes: new Uint8Array([1, 2]) };
    const raw = await store.putTypedBlob(value);
    const wrapped = await store.putTypedArtifactBlob(BlobDescriptors.generic(), { a: { nested: true }, bytes: new Uint8Array([1, 2]), b: [1, 2.5, 'x'] });
    assert.equal(raw, wrapped, 'keys are sorted, so equal values give equal refs');
    assert.deepEqual(await store.getTypedBlob(raw), value);
    assert.equal(await store.getTypedBlob('f'.repeat(64)), null);
  });

  it('reads a corrupt blob as missing and logs it; a non-msgpack blob reads as missing for getTypedBlob', async (t) => {
    const { store, conn, logger } = await openFresh(driver, t);
    const ref = await store.putArtifactBlob(BlobDescriptors.toolStateSnapshot(), big(8192));
    writeTransaction(conn, () => conn.run('UPDATE blobs SET content = ? WHERE hash = ?', [utf8Encode('tampered'), ref]));
    assert.equal(await store.getBlob(ref), null);
    assert.ok(logger.warnings.some((w) => /corrupt/.test(w.message) && w.details?.ref === ref));
    const text = await store.putBlob(utf8Encode('\xc1 not msgpack'));
    assert.equal(await store.getTypedBlob(text), null);
    assert.ok(logger.warnings.some((w) => /not msgpack/.test(w.message)));
  });

  it('refuses bad blob input with a typed error', async (t) => {
    const { store, conn } = await openFresh(driver, t);
    const before = snapshot(conn);
    for (const call of [
      () => store.putBlob('text' as never),
      () => store.putArtifactBlob({ kind: 'Nope' } as never, new Uint8Array(1)),
      () => store.putArtifactBlob({ kind: 'GenericBlob', hints: ['Fast'] } as never, new Uint8Array(1)),
      () => store.getBlob(42 as never),
      () => store.putTypedBlob(10n),
    ]) {
      const error = await rejection(call);
      assert.ok(error instanceof StoreError);
      assert.match(error.message, /invalid /);
    }
    assert.equal(snapshot(conn), before);
  });

  it('puts and hydrates checkpoints; an unchanged checkpoint keeps its ref', async (t) => {
    const { store } = await openFresh(driver, t);
    const checkpoint = {
      turn_state: {
        turn_index: 4,
        token_usage: { input_tokens: 1, output_tokens: 2, cached_input_tokens: 3, reasoning_tokens: 4 },
        last_prompt_usage: { prompt_context_tokens: 10, input_tokens: 5, cached_input_tokens: 0, context_budget_tokens: 100 },
        protocol_turn_options: { payload: { effort: 'high' } },
      },
      tool_state_ref: null,
      tool_state: { generation: 2, tools: { ls: { manifest: { args: [] } } } },
      plugin_snapshot_ref: null,
      plugin_snapshot: {
        plugins: { memo: { meta: { plugin_id: 'memo', plugin_version: '1.0.0', revision: 3 }, artifacts: [{ name: 'a', data: new Uint8Array([9]) }] } },
      },
      plugin_snapshot_revision: 3,
      execution_state_ref: null,
      execution_state: new Uint8Array([5, 6]),
    };
    const stored = await store.putCheckpoint(checkpoint);
    assert.equal((await store.putCheckpoint(checkpoint)).checkpoint_ref, stored.checkpoint_ref);
    const hydrated = (await store.getCheckpoint(stored.checkpoint_ref))!;
    assert.deepEqual(hydrated, {
      ...checkpoint,
      tool_state_ref: stored.manifest.tool_state_ref,
      plugin_snapshot_ref: stored.manifest.plugin_snapshot_ref,
      execution_state_ref: stored.manifest.execution_state_ref,
    });
    // Refs only: the same manifest.
    const refsOnly = await store.putCheckpoint({ ...hydrated, tool_state: null, plugin_snapshot: null, execution_state: null });
    assert.equal(refsOnly.checkpoint_ref, stored.checkpoint_ref);
    assert.equal(await store.getCheckpoint('e'.repeat(64)), null);
  });

  it('verifies snapshot blobs on read and decodes each value on first access (a bad one reads as null, logged)', async (t) => {
    const { store, logger } = await openFresh(driver, t);
    const notToolState = await store.putBlob(encodeMsgpack('not a tool state'));
    const base = {
      turn_state: { turn_index: 1, token_usage: { input_tokens: 1, output_tokens: 1, cached_input_tokens: 0, reasoning_tokens: 0 }, protocol_turn_options: { payload: {} } },
      tool_state_ref: notToolState,
      tool_state: null,
      plugin_snapshot_ref: 'f'.repeat(64),
      plugin_snapshot: null,
      plugin_snapshot_revision: null,
      execution_state_ref: null,
      execution_state: new Uint8Array([7]),
    };
    const stored = await store.putCheckpoint(base);
    const read = (await store.getCheckpoint(stored.checkpoint_ref))!;
    // The missing blob is found at read time; the undecodable one only when its value is read.
    assert.deepEqual(logger.warnings.map((w) => w.message), ['checkpoint snapshot blob is missing; reading it as missing']);
    assert.equal(read.plugin_snapshot, null);
    assert.equal(read.tool_state, null);
    assert.equal(read.tool_state, null);
    assert.equal(logger.warnings.filter((w) => /does not decode/.test(w.message)).length, 1);
    assert.deepEqual(read.execution_state, new Uint8Array([7]));
    assert.deepEqual({ ...read }, { ...base, execution_state_ref: stored.manifest.execution_state_ref });
    // A value assigned before it was read replaces it, like a plain property.
    const again = (await store.getCheckpoint(stored.checkpoint_ref))!;
    again.execution_state = new Uint8Array([1]);
    assert.deepEqual(again.execution_state, new Uint8Array([1]));
    assert.deepEqual(Object.keys(again), Object.keys(base));
  });

  it('saves and loads head meta raw; the revision column wins over the JSON', async (t) => {
    const { store, conn } = await openFresh(driver, t);
    assert.equal(await store.loadSessionHeadMeta(), null);
    const meta = {
      session_id: 'root',
      head_revision: 5,
      config: { provider_id: 'p', model: model('m') },
      agent_frames: [],
      leaf_node_id: 'x',
      graph_node_count: 0,
    };
    await store.saveSessionHeadMeta(meta);
    assert.deepEqual(await store.loadSessionHeadMeta(), meta);
    writeTransaction(conn, () => conn.run('UPDATE session_head SET head_revision = 9'));
    assert.equal((await store.loadSessionHeadMeta())!.head_revision, 9);
    const error = await rejection(store.saveSessionHeadMeta({ ...meta, session_id: '' }));
    assert.ok(error instanceof StoreError);
  });

  it('saves a whole head in one transaction and loads it with the merged ledger', async (t) => {
    const { store } = await openFresh(driver, t);
    const head: SessionHead = {
      session_id: 'root',
      head_revision: 3,
      agent_frames: [],
      current_agent_frame_id: 'f1',
      graph: { nodes: [sampleNode('a'), sampleNode('b', 'a')], leaf_node_id: 'b' },
      config: { provider_id: 'p', model: model('m') },
    };
    await store.saveSessionHead(head);
    await store.appendUsageDeltas([usage('turn', 'm', 1, 1, 0, 0), usage('turn', 'm', 2, 0, 0, 0)]);
    const loaded = (await store.loadSessionHead())!;
    assert.deepEqual(loaded, { ...head, token_ledger: [usage('turn', 'm', 3, 1, 0, 0)] });
    assert.equal((await store.loadSessionHeadMeta())!.graph_node_count, 2);
    assert.equal((await store.loadUsageDeltas()).length, 2);
    // A head with a duplicate node id changes nothing.
    const error = await rejection(store.saveSessionHead({ ...head, graph: { nodes: [sampleNode('z'), sampleNode('z')] } }));
    assert.ok(error instanceof StoreError);
    assert.deepEqual((await store.loadSessionHead())!.graph.nodes.map((n) => n.node_id), ['a', 'b']);
  });

  it('copies a head with every blob it reaches into another store, revision reset to 0', async (t) => {
    const source = await openFresh(driver, t);
    const target = await openFresh(driver, t);
    const state = defaultState('root', {
      session_graph: graphOf([sampleNode('a'), sampleNode('b', 'a')], 'b'),
      tool_state_snapshot: { generation: 4, tools: {} },
      plugin_snapshot: { plugins: {} },
      execution_state_snapshot: new Uint8Array([1, 2, 3]),
    });
    const result = await source.store.commitRuntimeState(persistedStateCommit(state, [usage('turn', 'm', 5, 5, 0, 0)]));
    await target.store.headCopyFromStore(source.store);
    const read = (await target.store.loadSession({ kind: 'FullGraph' }))!;
    assert.equal(read.head_revision, 0);
    assert.equal(read.checkpoint_ref, result.checkpoint_ref);
    assert.equal(read.checkpoint?.tool_state?.generation, 4);
    assert.deepEqual(read.checkpoint?.execution_state, new Uint8Array([1, 2, 3]));
    assert.deepEqual(read.graph.nodes.map((n) => n.node_id), ['a', 'b']);
    assert.equal((await target.store.gcUnreachable()).deleted_blob_count, 0);
    // A source without a head copies nothing.
    const empty = await openFresh(driver, t);
    const before = snapshot(target.conn);
    await target.store.headCopyFromStore(empty.store);
    assert.equal(snapshot(target.conn), before);
  });

  it('replaces, appends and loads the graph directly', async (t) => {
    const { store } = await openFresh(driver, t);
    await store.commitRuntimeState(commitAt('root', 0));
    await store.replaceSessionGraph(graphOf([sampleNode('a')], 'a'));
    await store.appendSessionGraphNodes([sampleNode('b', 'a'), sampleNode('c', 'b')]);
    await store.appendSessionGraphNodes([]);
    const graph = await store.loadSessionGraph();
    assert.deepEqual(graph.nodes.map((n) => n.node_id), ['a', 'b', 'c']);
    assert.equal(graph.leaf_node_id, null);
    assert.equal((await store.loadSessionHeadMeta())!.graph_node_count, 3);
    const error = await rejection(store.appendSessionGraphNodes([sampleNode('a')]));
    assert.ok(error instanceof StoreError);
    assert.equal((await store.loadSessionGraph()).nodes.length, 3);
  });

  it('reports picker info from the meta row and every live node', async (t) => {
    const { store } = await openFresh(driver, t);
    assert.equal(await store.loadPickerInfo(), null);
    await store.saveSessionMeta({
      session_id: 'root',
      session_name: 'Trip',
      created_at: 'unix:1',
      model: 'm',
      cwd: '/home/me',
      relation: { kind: 'child', parent_session_id: 'parent' },
    });
    const nodes = [messageNode('u1', 'User', 'Plan a trip'), messageNode('a1', 'Assistant', 'Sure', 'u1'), messageNode('u2', 'User', 'to Lisbon', 'a1')];
    await store.commitRuntimeState(persistedStateCommit(defaultState('root', { session_graph: graphOf(nodes, 'u2') })));
    assert.deepEqual(await store.loadPickerInfo(), {
      session_id: 'root',
      cwd: '/home/me',
      relation: { kind: 'child', parent_session_id: 'parent' },
      first_user_message: 'Plan a trip',
      user_message_count: 2,
    });
  });

  it('writes the meta once with saveSessionMetaIfAbsent; an unreadable relation reads as root', async (t) => {
    const { store, conn } = await openFresh(driver, t);
    const meta = { session_id: 's', session_name: 'n', created_at: 'c', model: 'm', cwd: null, relation: { kind: 'root' as const } };
    assert.equal(await store.saveSessionMetaIfAbsent(meta), true);
    assert.equal(await store.saveSessionMetaIfAbsent({ ...meta, session_name: 'other' }), false);
    assert.equal((await store.loadSessionMeta())!.session_name, 'n');
    writeTransaction(conn, () => conn.run("UPDATE session_meta SET relation_json = '{bad'"));
    assert.deepEqual((await store.loadSessionMeta())!.relation, { kind: 'root' });
    const error = await rejection(store.saveSessionMeta({ ...meta, relation: { kind: 'sibling' } as never }));
    assert.ok(error instanceof StoreError);
  });

  it('shares one database between two stores of two connections', async (t) => {
    const { store, reopen } = await openFresh(driver, t);
    const other: Store = await reopen();
    await store.commitRuntimeState(commitAt('root', 0));
    assert.equal((await other.commitRuntimeState(commitAt('root', 1))).head_revision, 2);
    assert.equal((await store.loadSession({ kind: 'FullGraph' }))!.head_revision, 2);
  });
});
