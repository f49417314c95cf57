/**
 * The session API's default retention: a GC after every 100th commit of a
 * store, which collects superseded checkpoint snapshots and nothing a root
 * reaches, and compresses (as the blob profile says) the snapshots it keeps;
 * commits then write snapshots uncompressed. `gcPolicy` opts out.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { SqliteConnection } from '../../src/index.ts';
import { parseEnvelope } from '../../src/core/blobs/envelope.ts';
import { DEFAULT_SESSION_GC_EVERY_COMMITS } from '../../src/api/sessions.ts';
import { describeEachDriver } from '../support/drivers.ts';
import { CONFIG, exchange, openOn } from './helpers.ts';

/** A tool state of about 6 KiB (Balanced compresses from 4 KiB), new every turn. */
const bigToolState = (generation: number) => ({ generation, tools: { notes: { manifest: { name: 'notes', text: `${generation} `.repeat(1500) } } } });

function storedCompression(conn: SqliteConnection, ref: string): string | undefined {
  const row = conn.get<{ content: Uint8Array }>('SELECT content FROM blobs WHERE hash = ?', [ref]);
  return row === undefined ? undefined : parseEnvelope(row.content)?.compression;
}

const blobCount = (conn: SqliteConnection) => conn.get<{ n: number }>('SELECT COUNT(*) AS n FROM blobs')!.n;

describeEachDriver('session API: default retention', (driver) => {
  it('collects superseded snapshots every 100 commits, keeps the head’s and every message, and compresses what it keeps', async (t) => {
    const { sessions, location } = await openOn(driver, t, { blobProfile: 'Balanced' });
    const conn = await location.open();
    t.after(() => conn.close());
    const chat = await sessions.session('chat', { config: CONFIG });
    // The create commit is the store's first; the GC runs after its 100th.
    const turns = DEFAULT_SESSION_GC_EVERY_COMMITS - 2;
    for (let n = 1; n <= turns; n++) await chat.commitTurn(exchange(`q${n}`, `a${n}`, { toolState: bigToolState(n) }));
    const before = (await chat.checkpoint())!;
    const toolRef = (await chat.store.loadSession({ kind: 'ActivePath', leaf_node_id: null }))!.checkpoint!.tool_state_ref!;
    assert.equal(storedCompression(conn, toolRef), 'None', 'a commit writes its snapshot uncompressed');
    assert.ok(blobCount(conn) >= 2 * turns, 'nothing collected before the 100th commit');

    await chat.commitTurn(exchange('last q', 'last a', { pluginSnapshot: { plugins: {} } }));
    const after = (await chat.checkpoint())!;
    assert.deepEqual(after.toolState, before.toolState, 'the head’s tool state is kept');
    assert.deepEqual(after.toolState, bigToolState(turns));
    assert.equal(storedCompression(conn, toolRef), 'Zlib', 'the GC compressed the snapshot it kept');
    // The head's manifest, its tool state and its plugin snapshot: nothing else is reachable.
    assert.equal(blobCount(conn), 3);
    assert.equal((await chat.history()).length, 2 * (turns + 1));
    await chat.reload();
    assert.equal((await chat.history()).length, 2 * (turns + 1));
  });

  it('is opted out with gcPolicy: { autoRunEveryCommits: null } (snapshots are then compressed at commit)', async (t) => {
    const { sessions, location } = await openOn(driver, t, { blobProfile: 'Balanced', gcPolicy: { autoRunEveryCommits: null } });
    const conn = await location.open();
    t.after(() => conn.close());
    const chat = await sessions.session('chat', { config: CONFIG });
    for (let n = 1; n <= DEFAULT_SESSION_GC_EVERY_COMMITS + 1; n++) await chat.commitTurn(exchange(`q${n}`, `a${n}`, { toolState: bigToolState(n) }));
    const toolRef = (await chat.store.loadSession({ kind: 'ActivePath', leaf_node_id: null }))!.checkpoint!.tool_state_ref!;
    assert.equal(storedCompression(conn, toolRef), 'Zlib');
    assert.ok(blobCount(conn) >= 2 * (DEFAULT_SESSION_GC_EVERY_COMMITS + 1), 'every checkpoint is kept');
  });
});
