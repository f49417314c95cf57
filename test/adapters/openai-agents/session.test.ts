/**
 * LashAgentSession with the OpenAI Agents SDK's real `run()` and a
 * deterministic fake model (the SDK's `Model` interface): several runs on one
 * session, a new session object on a new connection to the same database,
 * `getItems(limit)`, `popItem`, `clearSession`, racing writers, and what the
 * rest of the package sees of the session (the graph, the picker).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Agent,
  Usage,
  run,
  setTracingDisabled,
  tool,
  type AgentInputItem,
  type Model,
  type ModelRequest,
  type ModelResponse,
} from '@openai/agents-core';
import { z } from 'zod';
import { InvalidInputError, Store, StoreError } from '../../../src/index.ts';
import { LashAgentSession } from '../../../src/openai-agents.ts';
import { describeEachDriver } from '../../support/drivers.ts';

setTracingDisabled(true);

/**
 * Answers from what it is given, so every run is reproducible: a question
 * ending in "?" first calls the `lookup` tool and answers once the result is
 * back; anything else is echoed. It also records how much history it saw.
 */
class FakeModel implements Model {
  readonly seen: number[] = [];

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    const input = typeof request.input === 'string' ? [{ role: 'user', content: request.input } as AgentInputItem] : request.input;
    this.seen.push(input.length);
    const last = input[input.length - 1] as Record<string, unknown>;
    const usage = new Usage({ requests: 1, inputTokens: input.length, outputTokens: 1, totalTokens: input.length + 1 });
    if (last.type === 'function_call_result') {
      return { usage, output: [assistantText(`found ${String((last.output as { text?: string })?.text ?? last.output)}`)] };
    }
    const text = textOf(last);
    if (text.endsWith('?')) {
      return {
        usage,
        output: [{ type: 'function_call', callId: `call-${this.seen.length}`, name: 'lookup', arguments: JSON.stringify({ q: text }), status: 'completed' }],
      };
    }
    return { usage, output: [assistantText(`echo: ${text}`)] };
  }

  // eslint-disable-next-line require-yield
  async *getStreamedResponse(): AsyncIterable<never> {
    throw new Error('not used by these tests');
  }
}

function assistantText(text: string): AgentInputItem & { role: 'assistant' } {
  return { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text }] } as AgentInputItem & { role: 'assistant' };
}

function textOf(item: Record<string, unknown>): string {
  if (typeof item.content === 'string') return item.content;
  if (Array.isArray(item.content)) return item.content.map((part) => (part as { text?: string }).text ?? '').join('');
  return '';
}

const lookup = tool({
  name: 'lookup',
  description: 'Looks something up.',
  parameters: z.object({ q: z.string() }),
  execute: async ({ q }) => `answer to ${q}`,
});

function agentWith(model: FakeModel): Agent {
  return new Agent({ name: 'helper', instructions: 'Be brief.', model, tools: [lookup] });
}

/** What an item says, for comparing histories. */
function summary(items: AgentInputItem[]): string[] {
  return items.map((item) => {
    const record = item as Record<string, unknown>;
    return `${String(record.type ?? 'message')}:${String(record.role ?? '')}:${textOf(record) || String(record.name ?? record.callId ?? '')}`;
  });
}

describeEachDriver('LashAgentSession with the Agents SDK', (driver) => {
  test('several runs, a new session object on a new connection, limit, popItem, clearSession', async (t) => {
    const location = await driver.fresh(t);
    const model = new FakeModel();
    const agent = agentWith(model);
    const session = new LashAgentSession({ connection: await location.open(), sessionId: 'chat-1' });
    assert.equal(await session.getSessionId(), 'chat-1');
    assert.deepEqual(await session.getItems(), []);

    const first = await run(agent, 'hello', { session });
    assert.equal(first.finalOutput, 'echo: hello');
    const second = await run(agent, 'what is lash?', { session });
    assert.equal(second.finalOutput, 'found answer to what is lash?');
    const third = await run(agent, 'thanks', { session });
    assert.equal(third.finalOutput, 'echo: thanks');
    // Each run saw the whole history kept so far.
    assert.deepEqual(model.seen, [1, 3, 5, 7]);

    const expected = [
      'message:user:hello',
      'message:assistant:echo: hello',
      'message:user:what is lash?',
      'function_call::lookup',
      'function_call_result::lookup',
      'message:assistant:found answer to what is lash?',
      'message:user:thanks',
      'message:assistant:echo: thanks',
    ];
    assert.deepEqual(summary(await session.getItems()), expected);

    // Another session object, another connection: the same history, and it carries on.
    const reopened = new LashAgentSession({ connection: await location.open(), sessionId: 'chat-1' });
    assert.deepEqual(summary(await reopened.getItems()), expected);
    assert.deepEqual(summary(await reopened.getItems(3)), expected.slice(-3));
    assert.deepEqual(await reopened.getItems(0), []);
    assert.deepEqual(summary(await reopened.getItems(100)), expected);
    const fourth = await run(agent, 'again', { session: reopened });
    assert.equal(fourth.finalOutput, 'echo: again');
    assert.equal((await session.getItems()).length, 10);

    // popItem: the newest item, gone for both objects; the next item goes where it was.
    const popped = await session.popItem();
    assert.deepEqual(summary([popped!]), ['message:assistant:echo: again']);
    assert.deepEqual(summary(await reopened.getItems(1)), ['message:user:again']);
    await reopened.addItems([assistantText('a better answer')]);
    assert.deepEqual(summary(await session.getItems(2)), ['message:user:again', 'message:assistant:a better answer']);

    await session.clearSession();
    assert.deepEqual(await reopened.getItems(), []);
    assert.equal(await reopened.popItem(), undefined);
    const afterClear = await run(agent, 'fresh start', { session: reopened });
    assert.equal(afterClear.finalOutput, 'echo: fresh start');
    assert.deepEqual(summary(await session.getItems()), ['message:user:fresh start', 'message:assistant:echo: fresh start']);
  });

  test('items are the session graph: Conversation nodes on the active path, seen by the store and its picker', async (t) => {
    const location = await driver.fresh(t);
    const conn = await location.open();
    const session = new LashAgentSession({ connection: conn, sessionId: 'graph' });
    await run(agentWith(new FakeModel()), 'what is in the graph?', { session });
    const store = await Store.open(conn);
    const read = await store.loadSession({ kind: 'ActivePath', leaf_node_id: null });
    const nodes = read!.graph.nodes;
    assert.equal(nodes.length, 4);
    const roles = nodes.map((node) => (node.kind === 'event' && 'Conversation' in node.event ? node.event.Conversation.role : null));
    assert.deepEqual(roles, ['User', 'Assistant', 'Assistant', 'Assistant']);
    const kinds = nodes.map((node) => (node.kind === 'event' && 'Conversation' in node.event ? node.event.Conversation.parts[0]!.kind : null));
    assert.deepEqual(kinds, ['Text', 'ToolCall', 'ToolResult', 'Text']);
    for (let i = 1; i < nodes.length; i++) assert.equal(nodes[i]!.parent_node_id, nodes[i - 1]!.node_id);
    assert.equal(await store.loadPickerInfo(), null); // no session_meta row yet: the host writes one
    await store.saveSessionMeta({ session_id: 'graph', session_name: 'graph', created_at: 'now', model: 'fake', cwd: null, relation: { kind: 'root' } });
    const picker = await store.loadPickerInfo();
    assert.equal(picker?.first_user_message, 'what is in the graph?');
    assert.equal(picker?.user_message_count, 1);
    // A popped item is tombstoned: off the path and out of every read.
    await session.popItem();
    assert.equal((await store.loadSessionGraph()).nodes.length, 3);
    store.close();
  });

  test('two session objects racing on one database lose no item (compare-and-swap and retry)', async (t) => {
    const location = await driver.fresh(t);
    const a = new LashAgentSession({ connection: await location.open(), sessionId: 'race' });
    const b = new LashAgentSession({ connection: await location.open(), sessionId: 'race' });
    const writes = [];
    for (let i = 0; i < 20; i++) {
      writes.push(a.addItems([{ role: 'user', content: `a${i}` }]));
      writes.push(b.addItems([{ role: 'user', content: `b${i}` }, { role: 'user', content: `b${i}+` }]));
    }
    await Promise.all(writes);
    const items = summary(await a.getItems());
    assert.equal(items.length, 60);
    for (let i = 0; i < 20; i++) {
      assert.ok(items.includes(`message:user:a${i}`));
      // A batch stays together.
      assert.equal(items.indexOf(`message:user:b${i}+`), items.indexOf(`message:user:b${i}`) + 1);
    }
    assert.deepEqual(summary(await b.getItems()), items);
  });

  test('bad input is refused before anything is written; a database of another session is refused', async (t) => {
    const location = await driver.fresh(t);
    const conn = await location.open();
    assert.throws(() => new LashAgentSession({ connection: conn, sessionId: '' }), InvalidInputError);
    const session = new LashAgentSession({ connection: conn, sessionId: 's1' });
    await assert.rejects(session.addItems([{ role: 'user', content: 'ok' }, Number.NaN as never]), InvalidInputError);
    await assert.rejects(session.addItems([{ role: 'user', content: [Number.POSITIVE_INFINITY] } as never]), InvalidInputError);
    assert.deepEqual(await session.getItems(), []);
    await session.addItems([{ role: 'user', content: 'mine' }]);
    const other = new LashAgentSession({ connection: conn, sessionId: 's2' });
    await assert.rejects(other.getItems(), (error: unknown) => error instanceof StoreError && error.detail.kind === 'SessionBindingMismatch');
    await assert.rejects(other.addItems([{ role: 'user', content: 'theirs' }]), (error: unknown) => error instanceof StoreError);
    assert.deepEqual(summary(await session.getItems()), ['message:user:mine']);
  });
});

test('two processes appending to one session file lose no item [node-sqlite]', async (t) => {
  const { nodeSqliteDriver } = await import('../../support/drivers.ts');
  const { spawnChild } = await import('../../support/child.ts');
  const location = await nodeSqliteDriver.fresh(t);
  const script = new URL('./fixtures/agents-writer.ts', import.meta.url).pathname;
  // The file and its schema exist before the children open it.
  await new LashAgentSession({ connection: await location.open(), sessionId: 'shared' }).getItems();
  const children = ['left', 'right'].map((name) => spawnChild(script, [location.id, name]));
  for (const child of children) assert.deepEqual(await child.next(), { ready: true });
  const at = Date.now() + 200;
  for (const child of children) child.send({ at, count: 25 });
  for (const child of children) assert.deepEqual(await child.next(), { done: true });
  for (const child of children) assert.equal((await child.exited).code, 0);
  const items = summary(await new LashAgentSession({ connection: await location.open(), sessionId: 'shared' }).getItems());
  assert.equal(items.length, 100);
  for (const name of ['left', 'right']) {
    for (let i = 0; i < 25; i++) {
      const at = items.indexOf(`message:user:${name}-${i}`);
      assert.ok(at >= 0, `${name}-${i}`);
      assert.equal(items[at + 1], `message:user:${name}-${i}+`);
    }
  }
});
