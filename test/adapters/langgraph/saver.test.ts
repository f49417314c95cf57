/**
 * LashCheckpointSaver beyond LangGraph's conformance suite: what content
 * addressing promises (forks never disturb the main line, a value is stored
 * once, long lists round-trip), deletion with warm caches on another
 * connection, corruption, schema versioning, bad input and the caches'
 * limits — on both drivers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { ERROR, INTERRUPT, uuid6, type Checkpoint, type CheckpointTuple } from '@langchain/langgraph-checkpoint';
import { InvalidInputError, SchemaVersionError, Store, StoreError, type SqliteConnection } from '../../../src/index.ts';
import { LANGGRAPH_SCHEMA_VERSION, LashCheckpointSaver } from '../../../src/langgraph.ts';
import { describeEachDriver } from '../../support/drivers.ts';
import { CapturingLogger } from '../../support/logger.ts';

const META = { source: 'loop' as const, step: 0, parents: {} };

function checkpoint(values: Record<string, unknown>, versions: Record<string, number>): Checkpoint {
  return { v: 4, id: uuid6(-1), ts: new Date().toISOString(), channel_values: values, channel_versions: versions, versions_seen: {} };
}

/** Puts a chain of checkpoints, each adding to `messages`, with LangGraph's integer versions. */
async function chain(saver: LashCheckpointSaver, threadId: string, from: CheckpointTuple | undefined, count: number, label: string) {
  const configs = [];
  let config = from?.config ?? { configurable: { thread_id: threadId, checkpoint_ns: '' } };
  let messages = (from?.checkpoint.channel_values.messages as unknown[]) ?? [];
  let version = (from?.checkpoint.channel_versions.messages as number) ?? 0;
  for (let i = 0; i < count; i++) {
    messages = [...messages, new HumanMessage({ content: `${label} ${i}`, id: `${label}-${i}` })];
    version += 1;
    const summary = { text: `${label} summary ${i}`.repeat(10) };
    config = await saver.put(config, checkpoint({ messages, summary }, { messages: version, summary: version }), META, {
      messages: version,
      summary: version,
    });
    configs.push(config);
  }
  return configs;
}

function contents(tuple: CheckpointTuple | undefined): unknown {
  const values = tuple!.checkpoint.channel_values as { messages: Array<{ content: unknown; id?: string }>; summary: unknown };
  return { messages: values.messages.map((m) => [m.content, m.id]), summary: values.summary };
}

function count(conn: SqliteConnection, table: string): number {
  return conn.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)!.n;
}

describeEachDriver('LashCheckpointSaver', (driver) => {
  test('a fork that reuses integer versions leaves every main-line checkpoint as it was', async (t) => {
    const location = await driver.fresh(t);
    const saver = new LashCheckpointSaver(await location.open());
    const main = await chain(saver, 'th', undefined, 6, 'main');
    const before = await Promise.all(main.map(async (c) => contents(await saver.getTuple(c))));
    // Fork from the second checkpoint: the fork's messages@3.. are other values under the same versions.
    const forkPoint = await saver.getTuple(main[1]!);
    const fork = await chain(saver, 'th', forkPoint, 5, 'fork');
    // Replay: the same fork point again, a third branch.
    await chain(saver, 'th', forkPoint, 3, 'again');
    for (const reader of [saver, new LashCheckpointSaver(await location.open(), { cacheMaxBytes: 0 })]) {
      for (const [i, c] of main.entries()) assert.deepEqual(contents(await reader.getTuple(c)), before[i], `main checkpoint ${i}`);
      const forkHead = contents(await reader.getTuple(fork[4]!)) as { messages: unknown[][] };
      assert.deepEqual(forkHead.messages.map(([content]) => content), ['main 0', 'main 1', 'fork 0', 'fork 1', 'fork 2', 'fork 3', 'fork 4']);
    }
  });

  test('a value is stored once per thread, however many checkpoints and writes name it', async (t) => {
    const location = await driver.fresh(t);
    const conn = await location.open();
    const saver = new LashCheckpointSaver(conn, { cacheMaxBytes: 0 });
    const big = { notes: 'x'.repeat(5000) };
    let config = { configurable: { thread_id: 'th' } } as CheckpointTuple['config'];
    for (let i = 1; i <= 5; i++) {
      // A new object each time, equal content: content addressing, not identity, decides.
      config = await saver.put(config, checkpoint({ state: structuredClone(big), step: i }, { state: i, step: i }), META, { state: i, step: i });
      await saver.putWrites(config, [['state', structuredClone(big)]], `task-${i}`);
    }
    assert.equal(count(conn, 'langgraph_blobs'), 1);
    const tuple = await saver.getTuple(config);
    assert.deepEqual(tuple!.checkpoint.channel_values, { state: big, step: 5 });
    assert.deepEqual(tuple!.pendingWrites, [['task-5', 'state', big]]);
  });

  test('long lists round-trip through the tree, with replacements, removals and a fresh reader', async (t) => {
    const location = await driver.fresh(t);
    const saver = new LashCheckpointSaver(await location.open());
    const config = { configurable: { thread_id: 'long' } };
    let messages: unknown[] = [];
    let last = config as CheckpointTuple['config'];
    const snapshots: Array<[CheckpointTuple['config'], unknown[]]> = [];
    for (let step = 1; step <= 12; step++) {
      const added = Array.from({ length: 61 }, (_, i) => new AIMessage({ content: `s${step} m${i} ${'y'.repeat(80)}`, id: `s${step}-${i}` }));
      messages = [...messages, ...added];
      if (step === 6) messages = [...messages.slice(0, 100), new AIMessage({ content: 'replaced', id: 'r' }), ...messages.slice(101)];
      if (step === 9) messages = messages.filter((_, i) => i % 7 !== 3);
      last = await saver.put(last, checkpoint({ messages }, { messages: step }), META, { messages: step });
      snapshots.push([last, messages.map((m) => (m as AIMessage).content)]);
    }
    assert.ok(messages.length > 16 * 16 * 2, 'the list needs more than two tree levels');
    for (const reader of [saver, new LashCheckpointSaver(await location.open(), { cacheMaxBytes: 0 })]) {
      for (const [c, expected] of snapshots) {
        const values = (await reader.getTuple(c))!.checkpoint.channel_values as { messages: AIMessage[] };
        assert.deepEqual(values.messages.map((m) => m.content), expected);
        assert.ok(values.messages.every((m) => AIMessage.isInstance(m)));
      }
    }
  });

  test('a thread deleted through another connection does not leave the first saver pointing at gone blobs', async (t) => {
    const location = await driver.fresh(t);
    const first = new LashCheckpointSaver(await location.open());
    const second = new LashCheckpointSaver(await location.open());
    const messages = Array.from({ length: 40 }, (_, i) => new HumanMessage({ content: `m${i} ${'z'.repeat(100)}`, id: `m${i}` }));
    const tools = { manifest: 'w'.repeat(3000) };
    const config = { configurable: { thread_id: 'th' } };
    const put = (values: Record<string, unknown>, v: number) =>
      first.put(config, checkpoint(values, { messages: v, tools: v }), META, { messages: v, tools: v });
    await put({ messages, tools }, 1);
    assert.equal(((await first.getTuple(config))!.checkpoint.channel_values.messages as unknown[]).length, 40);
    await second.deleteThread('th');
    assert.equal(await first.getTuple(config), undefined);
    // The same objects again: the first saver's caches knew them as stored; they are not any more.
    const stored = await put({ messages: [...messages, new AIMessage({ content: 'after', id: 'a' })], tools }, 2);
    const fresh = new LashCheckpointSaver(await location.open(), { cacheMaxBytes: 0 });
    const values = (await fresh.getTuple(stored))!.checkpoint.channel_values as { messages: unknown[]; tools: unknown };
    assert.equal(values.messages.length, 41);
    assert.deepEqual(values.tools, tools);
  });

  test('deleteThread removes one thread and nothing of another', async (t) => {
    const location = await driver.fresh(t);
    const conn = await location.open();
    const saver = new LashCheckpointSaver(conn);
    const a = await chain(saver, 'a', undefined, 3, 'a');
    const b = await chain(saver, 'b', undefined, 3, 'b');
    await saver.putWrites(a[2]!, [['x', { big: 'q'.repeat(500) }]], 'task');
    await saver.deleteThread('a');
    assert.equal(await saver.getTuple(a[2]!), undefined);
    assert.deepEqual(
      (contents(await saver.getTuple(b[2]!)) as { messages: unknown[][] }).messages.map(([c]) => c),
      ['b 0', 'b 1', 'b 2'],
    );
    const list = [];
    for await (const tuple of saver.list({ configurable: {} })) list.push(tuple.config.configurable?.thread_id);
    assert.deepEqual(list, ['b', 'b', 'b']);
    for (const table of ['langgraph_checkpoints', 'langgraph_writes', 'langgraph_blobs', 'langgraph_versions']) {
      const rows = conn.get<{ n: number }>(
        `SELECT COUNT(*) AS n FROM ${table} WHERE thread_key NOT IN (SELECT thread_key FROM langgraph_threads)`,
      )!.n;
      assert.equal(rows, 0, table);
    }
    await saver.deleteThread('never-existed');
  });

  test('writes: special channels are replaced, regular ones keep their first value, order is (task path, task id, index)', async (t) => {
    const location = await driver.fresh(t);
    const saver = new LashCheckpointSaver(await location.open());
    const config = await saver.put({ configurable: { thread_id: 'w' } }, checkpoint({}, {}), META, {});
    await saver.putWrites(config, [['a', 1], [ERROR, 'first error']], 'task-b', '~1');
    await saver.putWrites(config, [['a', 2], [ERROR, 'second error'], [INTERRUPT, { ask: 'why' }]], 'task-b', '~1');
    await saver.putWrites(config, [['c', 3]], 'task-a', '~2');
    await saver.putWrites(config, [['d', 4]], 'task-z');
    const { pendingWrites } = (await saver.getTuple(config))!;
    assert.deepEqual(pendingWrites, [
      ['task-z', 'd', 4],
      ['task-b', INTERRUPT, { ask: 'why' }],
      ['task-b', ERROR, 'second error'],
      ['task-b', 'a', 1],
      ['task-a', 'c', 3],
    ]);
  });

  test('a blob that does not match its hash is a corrupt checkpoint: StoreError, logged', async (t) => {
    const location = await driver.fresh(t);
    const conn = await location.open();
    const logger = new CapturingLogger();
    const saver = new LashCheckpointSaver(conn, { logger, cacheMaxBytes: 0 });
    const config = await saver.put({ configurable: { thread_id: 'c' } }, checkpoint({ doc: { text: 'k'.repeat(400) } }, { doc: 1 }), META, { doc: 1 });
    conn.exec("UPDATE langgraph_blobs SET content = x'00010203'");
    await assert.rejects(saver.getTuple(config), (error: unknown) => error instanceof StoreError && error.detail.kind === 'Backend' && /corrupt/.test(error.message));
    assert.equal(logger.warnings.length, 1);
    conn.exec('DELETE FROM langgraph_blobs');
    await assert.rejects(saver.getTuple(config), /missing/);
  });

  test('its tables are versioned like every component, and share a file with a session store', async (t) => {
    const location = await driver.fresh(t);
    const conn = await location.open();
    const store = await Store.open(conn);
    const saver = new LashCheckpointSaver(conn);
    await saver.put({ configurable: { thread_id: 's' } }, checkpoint({ a: 1 }, { a: 1 }), META, { a: 1 });
    assert.equal((await store.loadSession({ kind: 'FullGraph' })), null);
    const version = conn.get<{ version: number }>("SELECT version FROM lash_schema_versions WHERE component = 'langgraph'");
    assert.equal(version?.version, LANGGRAPH_SCHEMA_VERSION);
    conn.exec("UPDATE lash_schema_versions SET version = 99 WHERE component = 'langgraph'");
    assert.throws(() => new LashCheckpointSaver(conn), (error: unknown) => error instanceof SchemaVersionError && /langgraph checkpointer schema/.test(error.message));
    store.close();
  });

  test('bad input is refused with a typed error and writes nothing', async (t) => {
    const location = await driver.fresh(t);
    const conn = await location.open();
    const saver = new LashCheckpointSaver(conn);
    const cp = checkpoint({ a: 1 }, { a: 1 });
    await assert.rejects(saver.put({}, cp, META, {}), InvalidInputError);
    await assert.rejects(saver.put({ configurable: { thread_id: 7 } }, cp, META, {}), InvalidInputError);
    await assert.rejects(saver.put({ configurable: { thread_id: 'bad\u0000id' } }, cp, META, {}), InvalidInputError);
    await assert.rejects(saver.putWrites({ configurable: { thread_id: 't' } }, [['a', 1]], 'task'), InvalidInputError);
    await assert.rejects(saver.deleteThread('\ud800'), InvalidInputError);
    assert.throws(() => new LashCheckpointSaver(conn, { blobProfile: 'Fastest' as never }), InvalidInputError);
    assert.equal(count(conn, 'langgraph_checkpoints'), 0);
    assert.equal(count(conn, 'langgraph_threads'), 0);
  });

  test('a field reassigned in place after a put is stored by the next put (remembered objects are fingerprinted)', async (t) => {
    const location = await driver.fresh(t);
    const saver = new LashCheckpointSaver(await location.open());
    const message = new AIMessage({ content: 'v1 '.repeat(50) });
    const config = { configurable: { thread_id: 'f' } };
    await saver.putWrites(await saver.put(config, checkpoint({}, {}), META, {}), [['messages', [message]]], 'task');
    // What LangGraph's messages reducer does to a message the node returned without an id.
    message.id = 'assigned-later';
    message.lc_kwargs.id = 'assigned-later';
    const stored = await saver.put(config, checkpoint({ messages: [message] }, { messages: 1 }), META, { messages: 1 });
    const fresh = new LashCheckpointSaver(await location.open(), { cacheMaxBytes: 0 });
    const [read] = (await fresh.getTuple(stored))!.checkpoint.channel_values.messages as AIMessage[];
    assert.equal(read!.id, 'assigned-later');
  });

  test('with immutableValues: false, a value mutated deep inside is stored as it is at each put', async (t) => {
    const location = await driver.fresh(t);
    const saver = new LashCheckpointSaver(await location.open(), { immutableValues: false });
    const state = { nested: { items: ['a'] }, pad: 'p'.repeat(200) };
    const config = { configurable: { thread_id: 'm' } };
    const first = await saver.put(config, checkpoint({ state }, { state: 1 }), META, { state: 1 });
    state.nested.items.push('b');
    const second = await saver.put(first, checkpoint({ state }, { state: 2 }), META, { state: 2 });
    assert.deepEqual((await saver.getTuple(first))!.checkpoint.channel_values.state, { nested: { items: ['a'] }, pad: state.pad });
    assert.deepEqual((await saver.getTuple(second))!.checkpoint.channel_values.state, { nested: { items: ['a', 'b'] }, pad: state.pad });
  });
});

test('the adapters import no node: module (the saver runs in a browser on sql.js)', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const root = join(import.meta.dirname, '../../../src/adapters');
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length > 5);
  for (const file of files) {
    assert.doesNotMatch(readFileSync(join(root, file), 'utf8'), /from ['"]node:/, file);
  }
});
