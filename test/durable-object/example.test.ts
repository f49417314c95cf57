/**
 * The Cloudflare example (examples/cloudflare) on a local workerd, as
 * wrangler.jsonc declares it: the Worker's HTTP routes, sessions in parallel
 * objects, errors across Durable Object RPC, a checkpoint over 2 MB, and all
 * of it again after workerd restarts on the same persist folder.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Miniflare } from 'miniflare';
import { lashRpcClient, type RpcOutcome } from '../../src/durable-object.ts';
import {
  SqliteError,
  StoreError,
  persistedStateCommit,
  type GcReport,
  type RuntimeCommit,
  type RuntimeCommitResult,
  type SessionGraphData,
  type SessionReadScope,
  type PersistedSessionRead,
} from '../../src/index.ts';
import { defaultState } from '../session/helpers.ts';
import { BUTTON, buttonRequest, sampleDraft } from '../host-events/samples.ts';
import { plainEventType, registration } from '../process/support.ts';
import { bundleWorker, EXAMPLE_DIR, exampleConfig, startWorker } from './support/workerd.ts';

const MB = 1024 * 1024;

interface Reply {
  status: number;
  body: any;
}

let worker: Miniflare;
let script: string;
const persistDir = mkdtempSync(join(tmpdir(), 'lash-do-example-'));

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Reply> {
  const response = await worker.dispatchFetch(`http://example${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: response.status, body: await response.json() };
}

async function ok(method: 'GET' | 'POST', path: string, body?: unknown): Promise<any> {
  const reply = await call(method, path, body);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body;
}

/**
 * The RPC methods of the example's `SessionObject` these tests call. (Its
 * own type is checked with the Workers types, in the example's tsconfig.)
 */
interface SessionObjectRpc {
  appendMessage(sessionId: string, role: 'User' | 'Assistant', text: string, expected?: number | null): Promise<RpcOutcome<{ head_revision: number }>>;
  commitRuntimeState(commit: RuntimeCommit): Promise<RpcOutcome<RuntimeCommitResult>>;
  loadSession(scope: SessionReadScope): Promise<RpcOutcome<(Omit<PersistedSessionRead, 'graph'> & { graph: SessionGraphData }) | null>>;
  gcUnreachable(): Promise<RpcOutcome<GcReport>>;
}

/** The session's object, called from Node over RPC (miniflare's proxy), outcomes unwrapped. */
async function sessionRpc(sessionId: string, t: { after(fn: () => void): void }) {
  const namespace = await worker.getDurableObjectNamespace('SESSIONS');
  const stub = namespace.get(namespace.idFromName(sessionId)) as object as { [Symbol.dispose]?: () => void };
  t.after(() => stub[Symbol.dispose]?.());
  return lashRpcClient<SessionObjectRpc>(stub);
}

/** 3 MB of random hex text in a tool state: over 2 MB even compressed. */
function bigToolState(): { generation: number; tools: Record<string, unknown> } {
  const bytes = new Uint8Array(1536 * 1024);
  for (let i = 0; i < bytes.length; i += 65_536) crypto.getRandomValues(bytes.subarray(i, i + 65_536));
  return { generation: 1, tools: { big: { manifest: { blob: Buffer.from(bytes).toString('hex') } } } };
}

const big = bigToolState();
let bigCommit: RuntimeCommitResult;

before(async () => {
  script = await bundleWorker(join(EXAMPLE_DIR, 'src/worker.ts'));
  worker = await startWorker(script, exampleConfig(), persistDir);
});
after(async () => {
  await worker?.dispose();
  rmSync(persistDir, { recursive: true, force: true });
});

describe('the Cloudflare example on workerd', () => {
  it('runs a chat session through its own Durable Object', async () => {
    assert.deepEqual(await ok('POST', '/sessions/chat/messages', { text: 'hello' }), {
      head_revision: 1,
      node_id: (await ok('GET', '/sessions/chat')).messages[0].node_id,
    });
    await ok('POST', '/sessions/chat/messages', { role: 'Assistant', text: 'hi there' });
    const read = await ok('GET', '/sessions/chat');
    assert.equal(read.head_revision, 2);
    assert.deepEqual(
      read.messages.map((m: { role: string; text: string }) => [m.role, m.text]),
      [
        ['User', 'hello'],
        ['Assistant', 'hi there'],
      ],
    );
  });

  it('gets StoreError back across RPC: a stale revision is a 409 with its HeadRevisionConflict detail, nothing written', async () => {
    const reply = await call('POST', '/sessions/chat/messages', { text: 'late', expected_head_revision: 1 });
    assert.equal(reply.status, 409);
    assert.deepEqual(reply.body.error.detail, { kind: 'HeadRevisionConflict', expected: 1, actual: 2 });
    assert.equal(reply.body.error.name, 'StoreError');
    assert.equal((await ok('GET', '/sessions/chat')).head_revision, 2);
  });

  it('gets the original classes back in Node too (StoreError with detail, its cause chain)', async (t) => {
    const session = await sessionRpc('chat', t);
    const error = await session.appendMessage('chat', 'User', 'late', 0).then(
      () => assert.fail('must fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof StoreError);
    assert.deepEqual(error.detail, { kind: 'HeadRevisionConflict', expected: 0, actual: 2 });
    assert.match(error.message, /^store head revision conflict: expected Some\(0\), actual 2$/);
    assert.ok(error.stack?.includes('StoreError'));
  });

  it('keeps sessions apart and serves two of them in parallel', async () => {
    const turns = 12;
    const sessions = ['left', 'right'];
    const replies = await Promise.all(
      Array.from({ length: turns }, (_, i) => sessions.map((id) => ok('POST', `/sessions/${id}/messages`, { text: `${id} ${i}` }))).flat(),
    );
    assert.equal(replies.length, 2 * turns);
    for (const id of sessions) {
      const read = await ok('GET', `/sessions/${id}`);
      assert.equal(read.head_revision, turns);
      const texts: string[] = read.messages.map((m: { text: string }) => m.text);
      assert.equal(texts.length, turns);
      assert.ok(texts.every((text) => text.startsWith(`${id} `)), `${id} holds only its own messages`);
      assert.deepEqual([...texts].sort(), Array.from({ length: turns }, (_, i) => `${id} ${i}`).sort());
    }
  });

  it('lets exactly one of several concurrent commits on the same revision win', async () => {
    await ok('POST', '/sessions/race/messages', { text: 'start' });
    const replies = await Promise.all(
      Array.from({ length: 6 }, (_, i) => call('POST', '/sessions/race/messages', { text: `racer ${i}`, expected_head_revision: 1 })),
    );
    assert.deepEqual(replies.map((r) => r.status).sort(), [200, 409, 409, 409, 409, 409]);
    assert.equal((await ok('GET', '/sessions/race')).head_revision, 2);
  });

  it('commits and loads a checkpoint over 2 MB, and GC keeps it', async (t) => {
    const session = await sessionRpc('big', t);
    bigCommit = await session.commitRuntimeState(persistedStateCommit(defaultState('big', { tool_state_snapshot: big as never })));
    const read = await session.loadSession({ kind: 'FullGraph' });
    assert.deepEqual(read!.checkpoint!.tool_state, big);
    assert.equal((await session.gcUnreachable()).deleted_blob_count, 0);
    assert.deepEqual((await session.loadSession({ kind: 'FullGraph' }))!.checkpoint!.tool_state, big);
  });

  it('refuses a message over the row limit with a typed error and writes nothing', async (t) => {
    const reply = await call('POST', '/sessions/chat/messages', { text: 'x'.repeat(3 * MB) });
    assert.equal(reply.status, 500);
    assert.equal(reply.body.error.kind, 'Backend');
    assert.match(reply.body.error.message, /SQLITE_TOOBIG.*at most about 2 MB in one row/);
    const session = await sessionRpc('chat', t);
    const error = await session.appendMessage('chat', 'User', 'y'.repeat(3 * MB)).catch((e: unknown) => e);
    assert.ok(error instanceof StoreError && error.cause instanceof SqliteError && error.cause.code === 'SQLITE_TOOBIG');
    assert.equal((await ok('GET', '/sessions/chat')).head_revision, 2);
  });

  it('queues work for a session, once per source key', async () => {
    const first = await ok('POST', '/sessions/chat/queue', { text: 'later', source_key: 'k1' });
    const again = await ok('POST', '/sessions/chat/queue', { text: 'later', source_key: 'k1' });
    assert.equal(again.batch_id, first.batch_id);
  });

  it('registers processes in the host object, appends events, and answers bad input with PluginError', async () => {
    const record = await ok('POST', '/processes', registration('proc-1', [plainEventType('note')]));
    assert.equal(record.id, 'proc-1');
    await ok('POST', '/processes/proc-1/events', { event_type: 'note', payload: { text: 'hello' } });
    const read = await ok('GET', '/processes/proc-1');
    assert.deepEqual(
      read.events.map((e: { event_type: string; payload: unknown }) => [e.event_type, e.payload]),
      [['note', { text: 'hello' }]],
    );
    const bad = await call('POST', '/processes', { ...registration('proc-2'), provenance: {} });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.name, 'PluginError');
    assert.equal(bad.body.error.kind, 'session');
    assert.equal((await call('GET', '/processes/proc-2')).status, 404);
  });

  it('runs an effect once and replays its recorded outcome', async () => {
    const request = { session_id: 'chat', turn_id: 'turn-1', replay_key: 'effect-1', call: { tool: 'search', query: 'lisbon' } };
    const first = await ok('POST', '/effects', request);
    const second = await ok('POST', '/effects', request);
    assert.equal(first.replayed, false);
    assert.equal(second.replayed, true);
    assert.deepEqual(second.outcome, first.outcome);
  });

  it('routes host events to subscriptions, idempotently', async () => {
    await ok('POST', '/host-events/subscriptions', sampleDraft('chat', 'blue-button', 'on_press'));
    const first = await ok('POST', '/host-events', buttonRequest('blue-button', 'press-1'));
    const again = await ok('POST', '/host-events', buttonRequest('blue-button', 'press-1'));
    assert.equal(first.occurrence.source_type, BUTTON);
    assert.equal(first.deliveries.length, 1);
    assert.equal(again.occurrence.occurrence_id, first.occurrence.occurrence_id);
  });
});

describe('the Cloudflare example after workerd restarts on the same persist folder', () => {
  before(async () => {
    await worker.dispose();
    worker = await startWorker(script, exampleConfig(), persistDir);
  });

  it('still has every session, and goes on from the stored head', async () => {
    const chat = await ok('GET', '/sessions/chat');
    assert.equal(chat.head_revision, 2);
    assert.deepEqual(
      chat.messages.map((m: { text: string }) => m.text),
      ['hello', 'hi there'],
    );
    assert.equal((await ok('GET', '/sessions/left')).head_revision, 12);
    assert.deepEqual(await call('POST', '/sessions/chat/messages', { text: 'back', expected_head_revision: 2 }).then((r) => r.status), 200);
    assert.equal((await ok('GET', '/sessions/chat')).messages.length, 3);
  });

  it('still has the checkpoint over 2 MB', async (t) => {
    const session = await sessionRpc('big', t);
    const read = await session.loadSession({ kind: 'FullGraph' });
    assert.equal(read!.head_revision, bigCommit.head_revision);
    assert.deepEqual(read!.checkpoint!.tool_state, big);
  });

  it('still replays the recorded effect, has the process, and the queued batch', async () => {
    const replay = await ok('POST', '/effects', { session_id: 'chat', turn_id: 'turn-1', replay_key: 'effect-1', call: { tool: 'search', query: 'lisbon' } });
    assert.equal(replay.replayed, true);
    assert.equal((await ok('GET', '/processes/proc-1')).events.length, 1);
    const again = await ok('POST', '/host-events', buttonRequest('blue-button', 'press-1'));
    assert.equal(again.deliveries.length, 0, 'the delivery was reserved before the restart');
  });
});

describe('the Cloudflare example without nodejs_compat (portable codecs)', () => {
  it('commits, reads and refuses a stale revision as well', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lash-do-flagless-'));
    const flagless = await startWorker(script, { ...exampleConfig(), compatibilityFlags: [] }, dir);
    try {
      const post = (body: unknown) =>
        flagless.dispatchFetch('http://example/sessions/plain/messages', { method: 'POST', body: JSON.stringify(body) });
      assert.equal((await post({ text: 'one' })).status, 200);
      assert.equal((await post({ text: 'two', expected_head_revision: 0 })).status, 409);
      const read = (await (await flagless.dispatchFetch('http://example/sessions/plain')).json()) as { head_revision: number };
      assert.equal(read.head_revision, 1);
    } finally {
      await flagless.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
