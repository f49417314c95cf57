/**
 * Spec decision 20: records returned to a caller are the caller's copies.
 * Mutating one — deeply — changes nothing stored and nothing returned later,
 * and never gets past a check (the process registry caches parsed records on
 * its append path).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { InMemoryAttachmentStore, PluginError, type ProcessRecord } from '../../src/index.ts';
import { describeEachDriver } from '../support/drivers.ts';
import { freshRegistry, plainEventType, registration, wakeEventType } from '../process/support.ts';
import { draft, openQueue, TTL } from '../queue/helpers.ts';
import { defaultState, messageNode, openFresh } from '../session/helpers.ts';
import { SessionGraph, persistedStateCommit } from '../../src/index.ts';

describeEachDriver('returned records are copies', (driver) => {
  it('process registry: a mutated record never changes what is stored, returned later, or checked on append', async (t) => {
    const { registry } = await freshRegistry(t, driver);
    const registered = await registry.registerProcess({
      ...registration('p', [plainEventType('note'), wakeEventType('poke')]),
    });
    registered.event_types.push(plainEventType('smuggled'));
    const withRef = await registry.setExternalRef('p', { backend: 'b', id: 'x', metadata: { deep: { n: 1 } } });
    // The record setExternalRef returns was also the one the append path cached.
    withRef.event_types.push(plainEventType('smuggled'));
    (withRef.external_ref!.metadata as { deep: { n: number } }).deep.n = 99;
    withRef.status = { state: 'completed', await_output: { type: 'success', value: null } } as ProcessRecord['status'];
    await assert.rejects(registry.appendEvent('p', { event_type: 'smuggled', payload: {} }), (error: unknown) => {
      assert.ok(error instanceof PluginError);
      assert.match(error.message, /undeclared event type `smuggled`/);
      return true;
    });
    const appended = await registry.appendEvent('p', { event_type: 'note', payload: { list: [1, 2] } });
    (appended.event.payload as { list: number[] }).list.push(3);
    appended.event.semantics.terminal = { state: 'failed' } as never;
    const stored = (await registry.getProcess('p'))!;
    assert.deepEqual(stored.event_types.map((type) => type.name).includes('smuggled'), false);
    assert.deepEqual(stored.external_ref?.metadata, { deep: { n: 1 } });
    assert.equal(stored.status.state, 'running');
    assert.deepEqual((await registry.eventsAfter('p', 0))[0]!.payload, { list: [1, 2] });
    assert.deepEqual((await registry.eventsAfter('p', 0))[0]!.semantics, {});
    const listed = await registry.listNonTerminal();
    listed[0]!.provenance.owner_scope.session_id = 'elsewhere';
    assert.equal((await registry.getProcess('p'))!.provenance.owner_scope.session_id, 'root');
  });

  it('session store: reads and commit results are copies', async (t) => {
    const { store } = await openFresh(driver, t);
    const graph = new SessionGraph([messageNode('n1', 'User', 'hello')], 'n1');
    const result = await store.commitRuntimeState(persistedStateCommit(defaultState('s', { session_graph: graph })));
    result.manifest.turn_state.turn_index = 42;
    const read = (await store.loadSession({ kind: 'FullGraph' }))!;
    (read.graph.nodes[0] as { event: unknown }).event = 'mutated';
    read.agent_frames[0]!.frame_id = 'mutated';
    read.config.model.id = 'mutated';
    read.checkpoint!.turn_state.turn_index = 7;
    const again = (await store.loadSession({ kind: 'FullGraph' }))!;
    assert.deepEqual(again.graph.nodes[0], messageNode('n1', 'User', 'hello'));
    assert.equal(again.agent_frames[0]!.frame_id, 's:frame:initial');
    assert.notEqual(again.config.model.id, 'mutated');
    assert.equal(again.checkpoint!.turn_state.turn_index, 0);
    const head = (await store.loadSessionHeadMeta())!;
    head.agent_frames.length = 0;
    assert.equal((await store.loadSessionHeadMeta())!.agent_frames.length, 1);
  });

  it('queued work: claimed and listed batches are copies', async (t) => {
    const { queue } = await openQueue(driver, t);
    await queue.enqueueQueuedWork(draft('root', 'first'));
    const listed = await queue.listQueuedWork('root');
    const payload = listed[0]!.items[0]!.payload as { input: { items: Array<{ text: string }> } };
    payload.input.items[0]!.text = 'mutated';
    const claim = (await queue.claimReadyQueuedWork('root', 'owner', 'idle', TTL, 1))!;
    const claimed = claim.batches[0]!.items[0]!.payload as { input: { items: Array<{ text: string }> } };
    assert.equal(claimed.input.items[0]!.text, 'first');
    claimed.input.items[0]!.text = 'mutated again';
    const reread = (await queue.listQueuedWork('root'))[0]!.items[0]!.payload as { input: { items: Array<{ text: string }> } };
    assert.equal(reread.input.items[0]!.text, 'first');
  });
});

it('the in-memory attachment store hands out copies, metadata included', () => {
  const store = new InMemoryAttachmentStore();
  const ref = store.put(new Uint8Array([1, 2, 3]), { media_type: { kind: 'image', type: 'png' }, label: 'a' });
  ref.media_type.type = 'gif';
  const got = store.get(ref.id);
  got.meta.media_type.type = 'jpeg';
  got.bytes[0] = 9;
  const again = store.get(ref.id);
  assert.deepEqual(again.meta.media_type, { kind: 'image', type: 'png' });
  assert.deepEqual([...again.bytes], [1, 2, 3]);
});
