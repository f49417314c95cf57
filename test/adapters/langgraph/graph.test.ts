/**
 * A real LangGraph `StateGraph` on the saver: a messages channel and a tool
 * state, many turns on one thread, resumed by a new saver on a new
 * connection, read back through `getState` / `getStateHistory`, forked from
 * an earlier checkpoint and replayed — and after all of that, every
 * checkpoint written before reads exactly as it did.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AIMessage, HumanMessage, type BaseMessage } from '@langchain/core/messages';
import { Annotation, MemorySaver, MessagesAnnotation, StateGraph, START, END } from '@langchain/langgraph';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import { LashCheckpointSaver, copyCheckpoints } from '../../../src/langgraph.ts';
import { describeEachDriver } from '../../support/drivers.ts';

const State = Annotation.Root({
  ...MessagesAnnotation.spec,
  tools: Annotation<{ turn: number; notes: string[] }>(),
});

function buildGraph(saver: BaseCheckpointSaver) {
  return new StateGraph(State)
    .addNode('agent', (state: typeof State.State) => {
      const last = state.messages[state.messages.length - 1]!;
      const turn = (state.tools?.turn ?? 0) + 1;
      return {
        messages: [new AIMessage({ content: `echo ${String(last.content)} (${state.messages.length} seen)` })],
        tools: { turn, notes: [...(state.tools?.notes ?? []).slice(-3), `note ${turn}`] },
      };
    })
    .addEdge(START, 'agent')
    .addEdge('agent', END)
    .compile({ checkpointer: saver });
}

/** A checkpoint's state in comparable form. */
function snapshotOf(values: { messages?: BaseMessage[]; tools?: unknown }): string {
  return JSON.stringify({
    messages: (values.messages ?? []).map((m) => [m.getType(), m.content, m.id]),
    tools: values.tools ?? null,
  });
}

async function historyOf(saver: BaseCheckpointSaver, threadId: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const tuple of saver.list({ configurable: { thread_id: threadId } })) {
    const values = tuple.checkpoint.channel_values as { messages?: BaseMessage[]; tools?: unknown };
    out.set(tuple.checkpoint.id, snapshotOf(values));
  }
  return out;
}

describeEachDriver('LangGraph StateGraph on LashCheckpointSaver', (driver) => {
  test('many turns, a resume on a new connection, history, a fork and a replay', async (t) => {
    const location = await driver.fresh(t);
    const config = { configurable: { thread_id: 'chat-1' } };
    const turns = 40;

    const first = buildGraph(new LashCheckpointSaver(await location.open()));
    for (let i = 1; i <= turns / 2; i++) await first.invoke({ messages: [new HumanMessage(`hello ${i}`)] }, config);

    // A new saver on a new connection to the same database carries on.
    const saver = new LashCheckpointSaver(await location.open());
    const graph = buildGraph(saver);
    const resumed = await graph.getState(config);
    assert.equal(resumed.values.messages.length, turns);
    assert.equal(resumed.values.tools.turn, turns / 2);
    for (let i = turns / 2 + 1; i <= turns; i++) await graph.invoke({ messages: [new HumanMessage(`hello ${i}`)] }, config);

    const state = await graph.getState(config);
    assert.equal(state.values.messages.length, turns * 2);
    assert.equal(state.values.messages[turns * 2 - 2].content, `hello ${turns}`);
    assert.equal(state.values.messages[turns * 2 - 1].content, `echo hello ${turns} (${turns * 2 - 1} seen)`);
    assert.deepEqual(state.values.tools, { turn: turns, notes: [`note ${turns - 3}`, `note ${turns - 2}`, `note ${turns - 1}`, `note ${turns}`] });

    // Three checkpoints per turn (input, after input, after the agent), newest first.
    const history = [];
    for await (const snapshot of graph.getStateHistory(config)) history.push(snapshot);
    assert.equal(history.length, turns * 3);
    assert.deepEqual(history[0]!.values, state.values);
    assert.equal(history[0]!.parentConfig?.configurable?.checkpoint_id, history[1]!.config.configurable?.checkpoint_id);
    const before = await historyOf(saver, 'chat-1');
    assert.equal(before.size, turns * 3);

    // Fork from the state after turn 5: the agent has answered 5 times.
    const forkPoint = history.find((s) => s.values.tools?.turn === 5 && s.next.length === 0)!;
    assert.equal(forkPoint.values.messages.length, 10);
    const forkConfig = { configurable: { thread_id: 'chat-1', checkpoint_id: forkPoint.config.configurable!.checkpoint_id } };
    const forked = await graph.invoke({ messages: [new HumanMessage('a different question')] }, forkConfig);
    assert.equal(forked.messages.length, 12);
    assert.equal(forked.messages[11].content, 'echo a different question (11 seen)');
    assert.deepEqual(forked.tools, { turn: 6, notes: ['note 3', 'note 4', 'note 5', 'note 6'] });
    await graph.invoke({ messages: [new HumanMessage('and another')] }, config);

    // Replay from a checkpoint before the agent ran in turn 3.
    const beforeAgent = history.find((s) => s.next.includes('agent') && s.values.tools?.turn === 2)!;
    const replayed = await graph.invoke(null, { configurable: { thread_id: 'chat-1', checkpoint_id: beforeAgent.config.configurable!.checkpoint_id } });
    assert.equal(replayed.tools.turn, 3);
    assert.equal(replayed.messages.length, 6);

    // An update that forks the state by hand.
    await graph.updateState(forkConfig, { messages: [new HumanMessage('edited by hand')] });

    // Every checkpoint written before reads exactly as before, through a fresh saver too.
    for (const reader of [saver, new LashCheckpointSaver(await location.open(), { cacheMaxBytes: 0 })]) {
      const after = await historyOf(reader, 'chat-1');
      assert.ok(after.size > before.size);
      for (const [id, snapshot] of before) assert.equal(after.get(id), snapshot, `checkpoint ${id} changed`);
    }
    // Stored messages carry the ids LangGraph's reducer gave them (it assigns them in place, after the writes were stored).
    const fresh = buildGraph(new LashCheckpointSaver(await location.open(), { cacheMaxBytes: 0 }));
    const stored = (await fresh.getState(config)).values.messages as BaseMessage[];
    assert.ok(stored.every((m) => typeof m.id === 'string' && m.id.length > 0));
    // The thread's newest checkpoint is the hand edit on top of the fork point.
    const head = await graph.getState(config);
    assert.equal(head.values.messages.length, 11);
    assert.equal(head.values.messages[10].content, 'edited by hand');
  });

  test('a __copy__ fork keeps the values of the checkpoint it copies', async (t) => {
    const location = await driver.fresh(t);
    const saver = new LashCheckpointSaver(await location.open());
    const graph = buildGraph(saver);
    const config = { configurable: { thread_id: 'copy' } };
    for (let i = 1; i <= 3; i++) await graph.invoke({ messages: [new HumanMessage(`q${i}`)] }, config);
    const history = [];
    for await (const snapshot of graph.getStateHistory(config)) history.push(snapshot);
    const source = history.find((s) => s.values.tools?.turn === 2 && s.next.length === 0)!;
    const copied = await graph.updateState(source.config, undefined, '__copy__');
    const copy = await graph.getState(copied);
    assert.equal(snapshotOf(copy.values), snapshotOf(source.values));
    assert.notEqual(copied.configurable?.checkpoint_id, source.config.configurable?.checkpoint_id);
    // Copying the thread's very first checkpoint (it has no parent) keeps its input too.
    const root = history[history.length - 1]!;
    const rootCopy = await graph.getState(await graph.updateState(root.config, undefined, '__copy__'));
    assert.deepEqual(rootCopy.values, root.values);
  });

  test('copyCheckpoints moves threads from another saver (here MemorySaver) with their history and writes', async (t) => {
    const location = await driver.fresh(t);
    const source = new MemorySaver();
    const old = buildGraph(source);
    for (const thread of ['t1', 't2']) {
      for (let i = 1; i <= 4; i++) await old.invoke({ messages: [new HumanMessage(`${thread} q${i}`)] }, { configurable: { thread_id: thread } });
    }
    const history = [];
    for await (const snapshot of old.getStateHistory({ configurable: { thread_id: 't1' } })) history.push(snapshot);
    await old.invoke({ messages: [new HumanMessage('forked')] }, history[4]!.config);
    const target = new LashCheckpointSaver(await location.open());
    const report = await copyCheckpoints(source, target);
    assert.deepEqual(report.threads, 2);
    assert.equal(report.checkpoints, 4 * 3 * 2 + 3);
    for (const thread of ['t1', 't2']) {
      const expected = [];
      for await (const tuple of source.list({ configurable: { thread_id: thread } })) expected.push(tuple);
      const copied = [];
      for await (const tuple of target.list({ configurable: { thread_id: thread } })) copied.push(tuple);
      assert.equal(copied.length, expected.length);
      for (const [i, tuple] of copied.entries()) {
        assert.deepEqual(tuple.config, expected[i]!.config);
        assert.deepEqual(tuple.parentConfig, expected[i]!.parentConfig);
        assert.deepEqual(tuple.metadata, expected[i]!.metadata);
        assert.equal(snapshotOf(tuple.checkpoint.channel_values as never), snapshotOf(expected[i]!.checkpoint.channel_values as never));
        assert.deepEqual(tuple.checkpoint.channel_versions, expected[i]!.checkpoint.channel_versions);
        assert.deepEqual(
          tuple.pendingWrites?.map(([task, channel]) => `${task}:${channel}`).sort(),
          expected[i]!.pendingWrites?.map(([task, channel]) => `${task}:${channel}`).sort(),
        );
      }
    }
    // The copied thread carries on under the new saver.
    const graph = buildGraph(target);
    const next = await graph.invoke({ messages: [new HumanMessage('after the move')] }, { configurable: { thread_id: 't2' } });
    assert.equal(next.messages.length, 10);
    assert.equal(next.tools.turn, 5);
  });
});
