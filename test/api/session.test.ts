/**
 * The session API on both drivers: open, resume or create, commit turns
 * (messages as lash Conversation events, usage, snapshots, queued work),
 * idempotent turn stamps, conflicts and the retry helper, history, raw
 * nodes, branches, checkpoint, usage, listing, closing.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  InvalidInputError,
  SessionConflictError,
  SessionError,
  Sessions,
  Store,
  appendAfterTheirs,
  claimTexts,
  type ConversationRecord,
  type SessionNodeRecord,
} from '../../src/index.ts';
import { describeEachDriver } from '../support/drivers.ts';
import { CONFIG, exchange, openOn, twoWriters } from './helpers.ts';

const texts = (messages: Array<{ text: string }>) => messages.map((m) => m.text);

describeEachDriver('session API: resume or create', (driver) => {
  it('creates a session at revision 1 with its config and metadata, and resumes it from another connection', async (t) => {
    const { sessions, another, location } = await openOn(driver, t, { cwd: '/work' });
    const chat = await sessions.session('chat-1', { config: CONFIG });
    assert.equal(chat.revision, 1);
    assert.deepEqual(chat.config, { provider: 'openai', model: CONFIG.model });
    assert.equal(chat.leafId, null);
    assert.deepEqual(await chat.history(), []);
    assert.equal(chat.location, location.driver === 'sqljs' ? `the sql.js database "${location.id}"` : location.id);

    const resumed = await (await another()).session('chat-1');
    assert.equal(resumed.revision, 1);
    assert.deepEqual(resumed.config.model, CONFIG.model);
    const meta = await resumed.store.loadSessionMeta();
    assert.equal(meta?.session_id, 'chat-1');
    assert.equal(meta?.model, 'gpt-5.4-mini');
    assert.equal(meta?.cwd, '/work');
  });

  it('create: false refuses a missing session, and a database of another session refuses a second id', async (t) => {
    const { sessions } = await openOn(driver, t);
    await assert.rejects(sessions.session('nobody', { create: false }), (error: SessionError) => {
      assert.equal(error.code, 'NotFound');
      assert.match(error.message, /no session `nobody`/);
      return true;
    });
    await sessions.session('first');
    await assert.rejects(sessions.session('second'), (error: SessionError) => {
      assert.equal(error.code, 'WrongSession');
      assert.match(error.message, /holds session `first`, not `second`.*openSessions\(\{ dir \}\)/);
      return true;
    });
  });

  it('two handles creating the same session together end up on one session', async (t) => {
    const { sessions, another } = await openOn(driver, t);
    const other = await another();
    const [a, b] = await Promise.all([sessions.session('race', { config: CONFIG }), other.session('race', { config: CONFIG })]);
    assert.equal(a.revision, 1);
    assert.equal(b.revision, 1);
  });

  it('a config given on resume is what the next commits record', async (t) => {
    const { sessions, another } = await openOn(driver, t);
    const chat = await sessions.session('chat', { config: CONFIG });
    await chat.commitTurn(exchange('a', 'b'));
    const switched = await (await another()).session('chat', { config: { provider: 'anthropic', model: 'claude' } });
    await switched.commitTurn(exchange('c', 'd'));
    const head = await switched.store.loadSessionHeadMeta();
    assert.deepEqual(head?.config, { provider_id: 'anthropic', model: { id: 'claude', limits: { context_window_tokens: 1 } } });
  });
});

describeEachDriver('session API: commitTurn', (driver) => {
  it('appends user, assistant, tool-call and tool-result messages as lash Conversation events, and reads them back as written', async (t) => {
    const { sessions, clock } = await openOn(driver, t);
    const chat = await sessions.session('chat', { config: CONFIG });
    const messages = [
      { role: 'user', text: 'Weather in Lisbon?' },
      { role: 'assistant', text: 'Let me look.', toolCalls: [{ id: 'call-1', name: 'weather', args: { city: 'Lisbon', days: [1, 2] } }] },
      { role: 'tool', toolCallId: 'call-1', name: 'weather', text: '21°C, sunny' },
      { role: 'assistant', parts: [{ type: 'reasoning', text: 'It is sunny.' }, { type: 'text', text: 'Sunny, 21°C.' }] },
      { role: 'system', text: 'be brief' },
    ] as const;
    const result = await chat.commitTurn({ turnId: 'turn-1', messages: messages as never });
    assert.equal(result.revision, 2);
    assert.equal(result.replayed, false);
    assert.deepEqual(result.messages.map((m) => m.id), ['turn-1.0', 'turn-1.1', 'turn-1.2', 'turn-1.3', 'turn-1.4']);

    const nodes = await chat.nodes();
    const at = new Date(clock.now).toISOString();
    assert.deepEqual(nodes[0], {
      node_id: 'turn-1.0',
      timestamp: at,
      kind: 'event',
      event: { Conversation: { id: 'turn-1.0', role: 'User', parts: [{ id: 'turn-1.0.p0', kind: 'Text', content: 'Weather in Lisbon?', prune_state: 'Intact' }] } },
    });
    const call = (nodes[1] as { event: { Conversation: ConversationRecord } }).event.Conversation;
    assert.equal(nodes[1]!.parent_node_id, 'turn-1.0');
    assert.equal(call.role, 'Assistant');
    assert.deepEqual(call.parts[1], {
      id: 'turn-1.1.p1',
      kind: 'ToolCall',
      content: '{"city":"Lisbon","days":[1,2]}',
      tool_call_id: 'call-1',
      tool_name: 'weather',
      prune_state: 'Intact',
    });
    const toolResult = (nodes[2] as { event: { Conversation: ConversationRecord } }).event.Conversation;
    assert.equal(toolResult.role, 'User');
    assert.deepEqual(toolResult.parts, [
      { id: 'turn-1.2.p0', kind: 'ToolResult', content: '21°C, sunny', tool_call_id: 'call-1', tool_name: 'weather', prune_state: 'Intact' },
    ]);

    const history = await chat.history();
    assert.deepEqual(history.map((m) => [m.role, m.text]), [
      ['user', 'Weather in Lisbon?'],
      ['assistant', 'Let me look.'],
      ['tool', '21°C, sunny'],
      ['assistant', 'Sunny, 21°C.'],
      ['system', 'be brief'],
    ]);
    assert.deepEqual(history[1]!.parts, [
      { type: 'text', text: 'Let me look.' },
      { type: 'tool-call', toolCallId: 'call-1', name: 'weather', args: { city: 'Lisbon', days: [1, 2] } },
    ]);
    assert.deepEqual(history[3]!.parts, messages[3].parts);
    assert.equal(history[2]!.parentId, 'turn-1.1');
    assert.equal(history[0]!.createdAt, at);
    // The store's own reader sees the same messages (picker info).
    assert.equal((await chat.store.loadPickerInfo())?.first_user_message, 'Weather in Lisbon?');
  });

  it('chains turns on the active path, generates a turn id when none is given, and resumes after a reopen', async (t) => {
    const { sessions, another } = await openOn(driver, t);
    const chat = await sessions.session('chat', { config: CONFIG });
    const first = await chat.commitTurn(exchange('one', '1'));
    const second = await chat.commitTurn(exchange('two', '2'));
    assert.match(first.turnId, /^turn-[0-9a-f]{32}$/);
    assert.notEqual(first.turnId, second.turnId);
    assert.equal(second.revision, 3);
    assert.equal((await chat.nodes())[2]!.parent_node_id, first.messages[1]!.id);
    const resumed = await (await another()).session('chat');
    assert.equal(resumed.revision, 3);
    assert.deepEqual(texts(await resumed.history()), ['one', '1', 'two', '2']);
    await resumed.commitTurn(exchange('three', '3'));
    assert.deepEqual(texts(await resumed.history({ limit: 2 })), ['three', '3']);
  });

  it('passes lash node payloads through as they are (protocol events, plugin nodes)', async (t) => {
    const { sessions } = await openOn(driver, t);
    const chat = await sessions.session('chat');
    await chat.commitTurn({
      messages: [
        { role: 'user', text: 'hi' },
        { kind: 'event', event: { Protocol: { plugin_id: 'tracing', payload: { span: 1 } } } },
        { kind: 'plugin', plugin_type: 'memory', body: { facts: ['x'] } },
      ],
    });
    const nodes = await chat.nodes();
    assert.deepEqual(nodes.map((n) => n.kind), ['event', 'event', 'plugin']);
    assert.deepEqual((nodes[1] as { event: unknown }).event, { Protocol: { plugin_id: 'tracing', payload: { span: 1 } } });
    assert.deepEqual(texts(await chat.history()), ['hi']);
  });

  it('a retry with the same turn id is idempotent: on the same handle, and from a handle loaded after the turn committed', async (t) => {
    const { sessions, another } = await openOn(driver, t);
    const chat = await sessions.session('chat', { config: CONFIG });
    const turn = exchange('q', 'a', { turnId: 'turn-7', usage: { inputTokens: 10, outputTokens: 2 }, toolState: { generation: 1, tools: {} } });
    const first = await chat.commitTurn(turn);
    const again = await chat.commitTurn(turn);
    assert.deepEqual([again.revision, again.replayed], [first.revision, true]);
    // A host that crashed before it saw the reply reopens and commits the same turn again.
    const restarted = await (await another()).session('chat');
    const replay = await restarted.commitTurn(turn);
    assert.deepEqual([replay.revision, replay.replayed], [first.revision, true]);
    assert.equal(restarted.revision, first.revision);
    assert.equal((await restarted.nodes()).length, 2);
    assert.equal((await restarted.usage()).total.inputTokens, 10);
    // The same id for other content is refused, and nothing is written.
    await assert.rejects(restarted.commitTurn({ ...turn, messages: [{ role: 'user', text: 'different' }] }), (error: SessionError) => {
      assert.equal(error.code, 'TurnConflict');
      assert.match(error.message, /turn `turn-7` of session `chat` in .* already committed with other content.*own turnId/);
      return true;
    });
    assert.equal((await restarted.store.loadSessionHeadMeta())?.head_revision, first.revision);
  });

  it('commits started together on one handle run one after another, in call order', async (t) => {
    const { sessions } = await openOn(driver, t);
    const chat = await sessions.session('chat');
    const results = await Promise.all([chat.commitTurn(exchange('one', '1')), chat.commitTurn(exchange('two', '2')), chat.reload(), chat.commitTurn(exchange('three', '3'))]);
    assert.deepEqual([results[0].revision, results[1].revision, results[3].revision], [2, 3, 4]);
    assert.deepEqual(texts(await chat.history()), ['one', '1', 'two', '2', 'three', '3']);
  });

  it('records usage per (source, model) and totals it; the checkpoint keeps the running total', async (t) => {
    const { sessions, another } = await openOn(driver, t);
    const chat = await sessions.session('chat', { config: CONFIG });
    await chat.commitTurn(exchange('a', 'b', { usage: { inputTokens: 100, outputTokens: 20, cachedInputTokens: 60, reasoningTokens: 5 } }));
    await chat.commitTurn(
      exchange('c', 'd', { usage: [{ inputTokens: 50, outputTokens: 10 }, { inputTokens: 7, outputTokens: 1, model: 'small', source: 'compaction' }] }),
    );
    const usage = await chat.usage();
    assert.deepEqual(usage.total, { inputTokens: 157, outputTokens: 31, cachedInputTokens: 60, reasoningTokens: 5, totalTokens: 193 });
    assert.deepEqual(
      usage.bySource.map((e) => [e.source, e.model, e.usage.inputTokens]),
      [
        ['turn', 'gpt-5.4-mini', 150],
        ['compaction', 'small', 7],
      ],
    );
    assert.deepEqual(await (await (await another()).session('chat')).usage(), usage);
    assert.equal((await chat.checkpoint())?.tokenUsage.totalTokens, 193);
  });

  it('stores tool, plugin and execution state in the checkpoint; a turn without them keeps the previous ones', async (t) => {
    const { sessions, another } = await openOn(driver, t);
    const chat = await sessions.session('chat', { config: CONFIG });
    assert.equal(await chat.checkpoint().then((c) => c?.turnIndex), 0);
    const toolState = { generation: 3, tools: { search: { manifest: { name: 'search' } } } };
    const pluginSnapshot = { plugins: { memory: { meta: { plugin_id: 'memory', plugin_version: '1.0.0', state: { facts: ['x'] } } } } };
    await chat.commitTurn(exchange('a', 'b', { toolState, pluginSnapshot, executionState: new Uint8Array([1, 2, 3]) }));
    await chat.commitTurn(exchange('c', 'd'));
    const checkpoint = (await (await (await another()).session('chat')).checkpoint())!;
    assert.equal(checkpoint.turnIndex, 2);
    assert.deepEqual(checkpoint.toolState, toolState);
    assert.deepEqual(checkpoint.pluginSnapshot, { plugins: { memory: { meta: { ...pluginSnapshot.plugins.memory.meta } } } });
    assert.equal(checkpoint.pluginSnapshotRevision, 1);
    assert.deepEqual(checkpoint.executionState, new Uint8Array([1, 2, 3]));
    assert.match(checkpoint.ref, /^[0-9a-f]{64}$/);
  });

  it('stores a tool state changed in place between turns as it is at each commit', async (t) => {
    const { sessions } = await openOn(driver, t);
    const chat = await sessions.session('chat', { config: CONFIG });
    const toolState = { generation: 1, tools: { search: { manifest: { name: 'search' } } } as Record<string, { manifest: { name: string } }> };
    await chat.commitTurn(exchange('a', 'b', { toolState }));
    const first = (await chat.checkpoint())!;
    toolState.generation = 2;
    toolState.tools.read = { manifest: { name: 'read' } };
    await chat.commitTurn(exchange('c', 'd', { toolState }));
    const second = (await chat.checkpoint())!;
    assert.deepEqual(second.toolState, toolState);
    assert.notEqual(second.ref, first.ref);
  });

  it('refuses a malformed turn with InvalidInputError naming the field, and writes nothing', async (t) => {
    const { sessions } = await openOn(driver, t);
    const chat = await sessions.session('chat');
    const bad: Array<[unknown, RegExp]> = [
      [{ messages: [{ role: 'robot', text: 'x' }] }, /turn\.messages\[0\]\.role: expected one of user/],
      [{ messages: [{ role: 'user' }] }, /turn\.messages\[0\]\.text: expected a string/],
      [{ messages: [{ role: 'user', text: 'ok' }, { role: 'user', parts: [{ type: 'tool-call', name: 'x', args: 1 }] }] }, /turn\.messages\[1\]\.parts\[0\]\.toolCallId: expected a string/],
      [{ messages: 'hi' }, /turn\.messages: expected an array/],
      [{ usage: { inputTokens: -1 } }, /turn\.usage\.inputTokens: expected a non-negative integer/],
      [{ turnId: '' }, /turn\.turnId: expected a non-empty string/],
      [{ executionState: [1, 2] }, /turn\.executionState: expected a Uint8Array/],
    ];
    for (const [turn, message] of bad) {
      await assert.rejects(chat.commitTurn(turn as never), (error: unknown) => error instanceof InvalidInputError && message.test(error.message));
    }
    assert.equal((await chat.store.loadSessionHeadMeta())?.head_revision, 1);
    assert.equal(chat.revision, 1);
  });

  it('a message id already in the session is refused with a message that says so; nothing is written', async (t) => {
    const { sessions } = await openOn(driver, t);
    const chat = await sessions.session('chat');
    await chat.commitTurn({ messages: [{ role: 'user', text: 'a', id: 'm1' }] });
    await assert.rejects(chat.commitTurn({ messages: [{ role: 'user', text: 'b', id: 'm1' }] }), (error: SessionError) => {
      assert.equal(error.code, 'Failed');
      assert.match(error.message, /session `chat` in .*: a message id of this turn is already in the session/);
      return true;
    });
    assert.equal(chat.revision, 2);
    assert.deepEqual(texts(await chat.history()), ['a']);
  });

  it('records returned to the caller are copies', async (t) => {
    const { sessions } = await openOn(driver, t);
    const chat = await sessions.session('chat');
    const turn = { messages: [{ role: 'user' as const, text: 'original' }] };
    await chat.commitTurn(turn);
    turn.messages[0]!.text = 'changed after commit';
    (await chat.history())[0]!.text = 'changed';
    ((await chat.nodes())[0] as { node_id: string }).node_id = 'changed';
    assert.deepEqual(texts(await chat.history()), ['original']);
    assert.equal((await chat.nodes())[0]!.node_id, (await chat.history())[0]!.id);
  });
});

describeEachDriver('session API: conflicts', (driver) => {
  it('a stale handle gets a SessionConflictError naming the session, the database and both revisions; nothing is written', async (t) => {
    const { mine, theirs } = await twoWriters(driver, t, CONFIG);
    await theirs.commitTurn(exchange('theirs', 'ok'));
    await assert.rejects(mine.commitTurn(exchange('mine', 'ok')), (error: unknown) => {
      assert.ok(error instanceof SessionConflictError);
      assert.equal(error.code, 'Conflict');
      assert.deepEqual([error.sessionId, error.expectedRevision, error.actualRevision], ['chat', 1, 2]);
      assert.equal(error.location, mine.location);
      assert.ok(error.message.includes(`session \`chat\` in ${mine.location}`));
      assert.match(error.message, /loaded revision 1, the database is at revision 2\. Nothing was written\. Call session\.reload\(\)/);
      return true;
    });
    assert.equal(mine.revision, 1);
    await mine.reload();
    assert.deepEqual(texts(await mine.history()), ['theirs', 'ok']);
    await mine.commitTurn(exchange('mine', 'ok'));
    assert.deepEqual(texts(await mine.history()), ['theirs', 'ok', 'mine', 'ok']);
  });

  it('onConflict reloads and retries with the merge function: both turns are kept', async (t) => {
    const { mine, theirs } = await twoWriters(driver, t);
    await theirs.commitTurn(exchange('theirs', 't'));
    const seen: number[] = [];
    const result = await mine.commitTurn(exchange('mine', 'm'), {
      onConflict: (turn, { conflict, session, attempt }) => {
        seen.push(conflict.actualRevision, session.revision, attempt);
        return appendAfterTheirs(turn, { conflict, session, attempt });
      },
    });
    assert.deepEqual(seen, [2, 2, 1]);
    assert.equal(result.revision, 3);
    await theirs.reload();
    assert.deepEqual(texts(await theirs.history()), ['theirs', 't', 'mine', 'm']);
  });

  it('a merge function that gives up rethrows the conflict; maxAttempts bounds the retries', async (t) => {
    const { mine, theirs } = await twoWriters(driver, t);
    await theirs.commitTurn(exchange('a', 'b'));
    await assert.rejects(mine.commitTurn(exchange('c', 'd'), { onConflict: () => null }), SessionConflictError);
    // Every retry loses again: the other writer commits before the first try and inside the merge function.
    await theirs.reload();
    await theirs.commitTurn(exchange('x0', 'y'));
    let calls = 0;
    await assert.rejects(
      mine.commitTurn(exchange('e', 'f'), {
        maxAttempts: 3,
        onConflict: async (turn) => {
          calls += 1;
          await theirs.reload();
          await theirs.commitTurn(exchange(`x${calls}`, 'y'));
          return turn;
        },
      }),
      SessionConflictError,
    );
    assert.equal(calls, 2);
  });
});

describeEachDriver('session API: history, nodes, branches', (driver) => {
  it('pages history from the end with limit and before; an unknown cursor is an UnknownNode error', async (t) => {
    const { sessions } = await openOn(driver, t);
    const chat = await sessions.session('chat');
    for (let i = 1; i <= 5; i++) await chat.commitTurn(exchange(`q${i}`, `a${i}`));
    const last = await chat.history({ limit: 3 });
    assert.deepEqual(texts(last), ['a4', 'q5', 'a5']);
    const before = await chat.history({ limit: 3, before: last[0]!.id });
    assert.deepEqual(texts(before), ['q3', 'a3', 'q4']);
    assert.deepEqual(texts(await chat.history({ before: before[0]!.id })), ['q1', 'a1', 'q2', 'a2']);
    assert.deepEqual(await chat.history({ limit: 0 }), []);
    assert.deepEqual((await chat.nodes({ limit: 1 })).map((n) => n.node_id), [last[2]!.id]);
    await assert.rejects(chat.history({ before: 'nope' }), (error: SessionError) => error.code === 'UnknownNode' && /`nope` is not on the active path/.test(error.message));
  });

  it('forks from any node, switches the active leaf, lists branches, and keeps every branch (commits never delete)', async (t) => {
    const { sessions, another } = await openOn(driver, t);
    const chat = await sessions.session('chat');
    const one = await chat.commitTurn(exchange('plan a trip', 'Lisbon'));
    const two = await chat.commitTurn(exchange('where to stay', 'Alfama'));
    const mainLeaf = chat.leafId!;
    // Regenerate the answer to turn 2 on a side branch.
    const alt = await chat.fork(two.messages[0]!.id, { messages: [{ role: 'assistant', text: 'Príncipe Real' }] });
    assert.equal(chat.leafId, alt.messages[0]!.id);
    assert.deepEqual(texts(await chat.history()), ['plan a trip', 'Lisbon', 'where to stay', 'Príncipe Real']);
    let branches = await chat.branches();
    assert.deepEqual(
      branches.map((b) => [b.leafId, b.active, b.messageCount, b.lastMessage?.text, b.forkedFrom]),
      [
        [mainLeaf, false, 4, 'Alfama', two.messages[0]!.id],
        [alt.messages[0]!.id, true, 4, 'Príncipe Real', null],
      ],
    );
    // Back to the main line, then time-travel to the end of turn 1 and continue from there.
    await chat.switchTo(mainLeaf);
    assert.deepEqual(texts(await chat.history()), ['plan a trip', 'Lisbon', 'where to stay', 'Alfama']);
    await chat.switchTo(one.messages[1]!.id);
    assert.deepEqual(texts(await chat.history()), ['plan a trip', 'Lisbon']);
    branches = await chat.branches();
    assert.deepEqual(branches.filter((b) => b.active).map((b) => b.leafId), [one.messages[1]!.id]);
    await chat.commitTurn(exchange('actually, Porto', 'Porto it is'));
    // The resumed session is on the new branch, and the whole graph is still there.
    const resumed = await (await another()).session('chat');
    assert.deepEqual(texts(await resumed.history()), ['plan a trip', 'Lisbon', 'actually, Porto', 'Porto it is']);
    const full = await resumed.store.loadSession({ kind: 'FullGraph' });
    assert.equal(full!.graph.nodes.length, 7);
    assert.equal((await resumed.branches()).length, 3);
  });

  it('fork and switchTo refuse a node that is not in the session', async (t) => {
    const { sessions } = await openOn(driver, t);
    const chat = await sessions.session('chat');
    await chat.commitTurn(exchange('a', 'b'));
    for (const call of [() => chat.switchTo('ghost'), () => chat.fork('ghost', exchange('c', 'd'))]) {
      await assert.rejects(call(), (error: SessionError) => error.code === 'UnknownNode' && /node `ghost` is not in session `chat`.*branches\(\)/.test(error.message));
    }
    assert.equal(chat.revision, 2);
  });

  it('a commit after an ActivePath load never deletes nodes it did not load', async (t) => {
    const { location, sessions } = await openOn(driver, t);
    // A session written by the contract API with a long side branch off the active path.
    const store = await Store.open(await location.open());
    const chat = await sessions.session('chat');
    const side: SessionNodeRecord[] = Array.from({ length: 20 }, (_, i) => ({
      node_id: `side-${i}`,
      ...(i > 0 ? { parent_node_id: `side-${i - 1}` } : {}),
      timestamp: '2026-01-01T00:00:00Z',
      kind: 'plugin',
      plugin_type: 'note',
      body: i,
    }));
    await store.appendSessionGraphNodes(side);
    await chat.commitTurn(exchange('a', 'b'));
    await chat.commitTurn(exchange('c', 'd'));
    assert.equal((await store.loadSession({ kind: 'FullGraph' }))!.graph.nodes.length, 24);
  });
});

describeEachDriver('session API: listing, queued work, lifecycle', (driver) => {
  it('lists the session with its first user message, message count and last update', async (t) => {
    const { sessions, clock } = await openOn(driver, t);
    assert.deepEqual(await sessions.list(), []);
    const chat = await sessions.session('chat', { config: CONFIG });
    await chat.commitTurn(exchange('first question', 'answer'));
    clock.advance(60_000);
    await chat.commitTurn(exchange('second', 'answer'));
    const [summary, ...rest] = await sessions.list();
    assert.deepEqual(rest, []);
    assert.equal(summary!.id, 'chat');
    assert.equal(summary!.revision, 3);
    assert.equal(summary!.messageCount, 4);
    assert.equal(summary!.firstUserMessage, 'first question');
    assert.equal(summary!.updatedAt, new Date(clock.now).toISOString());
    assert.match(summary!.createdAt!, /^unix:\d+$/);
  });

  it('queued work: enqueue, claim from the stream, complete it atomically with the turn; the stream ends on abort', async (t) => {
    const { sessions } = await openOn(driver, t);
    const chat = await sessions.session('chat');
    await chat.enqueue('first');
    await chat.enqueue('second');
    const controller = new AbortController();
    const handled: string[] = [];
    const loop = (async () => {
      for await (const claim of chat.claims({ signal: controller.signal, pollIntervalMs: 5 })) {
        const text = claimTexts(claim);
        handled.push(...text);
        await chat.commitTurn({ messages: text.map((t) => ({ role: 'user' as const, text: t })), completes: claim });
        if (handled.length === 3) controller.abort();
      }
    })();
    // Joined into one claim; then one more arrives while the stream waits.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await chat.enqueue('third');
    await loop;
    assert.deepEqual(handled, ['first', 'second', 'third']);
    assert.deepEqual(await chat.store.listQueuedWork('chat'), []);
    assert.deepEqual(texts(await chat.history()), ['first', 'second', 'third']);
  });

  it('a claim that is no longer held fails the turn with a message saying what to do; nothing is written', async (t) => {
    const { sessions, clock } = await openOn(driver, t);
    const chat = await sessions.session('chat');
    await chat.enqueue('x');
    const stream = chat.claims({ leaseTtlMs: 1000 });
    const claim = (await stream.next()).value!;
    await stream.return();
    clock.advance(2000);
    const other = await chat.store.claimReadyQueuedWork('chat', 'someone', 'idle', 1000, 1);
    assert.ok(other);
    await assert.rejects(chat.commitTurn({ messages: [{ role: 'user', text: 'x' }], completes: claim }), (error: SessionError) => {
      assert.match(error.message, /claim this turn completes is no longer held.*claim the work again/);
      return true;
    });
    assert.equal(chat.revision, 1);
  });

  it('await using closes sessions and the store; a closed handle says how to get a new one; the handed connection stays open', async (t) => {
    const { location } = await openOn(driver, t);
    const conn = await location.open();
    let escaped: import('../../src/index.ts').Session | undefined;
    {
      await using sessions = await Sessions.open(conn);
      await using chat = await sessions.session('chat');
      escaped = chat;
      await chat.commitTurn(exchange('a', 'b'));
    }
    assert.ok(escaped.closed);
    await assert.rejects(escaped.history(), (error: SessionError) => error.code === 'Closed' && /is closed: open it again/.test(error.message));
    // The connection was handed over, so it is still open.
    const again = await Sessions.open(conn);
    t.after(() => again.close());
    assert.deepEqual(texts(await (await again.session('chat')).history()), ['a', 'b']);
  });

  it('closing a session ends its claim stream', async (t) => {
    const { sessions } = await openOn(driver, t);
    const chat = await sessions.session('chat');
    const loop = (async () => {
      let n = 0;
      for await (const _ of chat.claims({ pollIntervalMs: 10_000 })) n++;
      return n;
    })();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await chat.close();
    assert.equal(await loop, 0);
  });
});
