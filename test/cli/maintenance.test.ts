/**
 * `lash-store gc` and `vacuum`: `--dry-run` reports what would go and
 * changes nothing; the real run removes exactly that and leaves a database
 * that verifies clean.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { Store } from '../../src/index.ts';
import { openNodeSqlite } from '../../src/node.ts';
import { richStore, runCli, snapshot, tempFolder } from './support.ts';

describe('lash-store gc', () => {
  it('--dry-run reports the unreachable blobs and their bytes, and changes nothing', async () => {
    const { path, facts } = await richStore();
    const before = snapshot(path);
    // By default a blob written on its own stays protected for the grace period (an hour).
    const guarded = JSON.parse((await runCli(['gc', path, '--dry-run', '--json'])).stdout);
    assert.deepEqual(guarded.deleted.map((b: { hash: string }) => b.hash), [facts.staleCheckpointRef]);
    const dry = await runCli(['gc', path, '--dry-run', '--grace', '0', '--json']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(snapshot(path), before);
    const plan = JSON.parse(dry.stdout);
    assert.equal(plan.dry_run, true);
    assert.deepEqual(plan.report, { root_count: 1, retained_blob_count: 4, deleted_blob_count: 2 });
    assert.deepEqual(plan.deleted.map((b: { hash: string }) => b.hash).sort(), [facts.staleCheckpointRef, facts.rawBlobRef].sort());
    assert.deepEqual(
      Object.fromEntries(plan.deleted.map((b: { hash: string; kind: string }) => [b.hash, b.kind])),
      { [facts.staleCheckpointRef]: 'CheckpointManifest', [facts.rawBlobRef]: 'raw' },
    );
    assert.equal(plan.deleted_bytes, plan.deleted.reduce((sum: number, b: { stored_bytes: number }) => sum + b.stored_bytes, 0));
    assert.ok(plan.deleted_bytes > 0);
    assert.ok(plan.file_bytes_after_vacuum > 0 && plan.file_bytes_after_vacuum <= before.main!.size!);

    const real = await runCli(['gc', path, '--grace', '0', '--json']);
    assert.equal(real.code, 0, real.stderr);
    const done = JSON.parse(real.stdout);
    assert.deepEqual(done.report, plan.report);
    assert.deepEqual(done.deleted, plan.deleted);
    assert.equal((await runCli(['verify', path])).code, 0);
    const again = JSON.parse((await runCli(['gc', path, '--json'])).stdout);
    assert.equal(again.report.deleted_blob_count, 0);
    const text = await runCli(['gc', path, '-n']);
    assert.match(text.stdout, /would delete 0 blob\(s\), 0 B; kept 4 reachable from 1 root\(s\)/);
  });

  it('refuses a file that holds no session store, without creating one (exit 2)', async () => {
    const path = join(tempFolder(), 'empty.db');
    openNodeSqlite(path).close();
    const before = snapshot(path);
    const run = await runCli(['gc', path]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /holds no session store/);
    assert.equal(snapshot(path).main!.sha256, before.main!.sha256);
  });
});

describe('lash-store vacuum', () => {
  it('--dry-run reports the tombstoned nodes and the bytes to reclaim; the real run matches it', async () => {
    const { path, facts } = await richStore();
    // Free pages to give back: a large blob written and collected.
    const conn = openNodeSqlite(path);
    const store = await Store.open(conn, { gcPolicy: { autoRunEveryCommits: null, blobGraceMs: 0 } });
    await store.putBlob(new Uint8Array(512 * 1024).fill(7));
    await store.gcUnreachable();
    store.close();
    conn.close();
    const before = snapshot(path);
    const dry = await runCli(['vacuum', path, '--dry-run', '--json']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(snapshot(path), before);
    const plan = JSON.parse(dry.stdout);
    assert.equal(plan.removed_node_count, facts.tombstonedNodes);
    assert.ok(plan.reclaimed_bytes >= 512 * 1024, `reclaims ${plan.reclaimed_bytes}`);
    assert.equal(plan.file_bytes_before, before.main!.size! + (before['-wal']!.size ?? 0));

    const real = await runCli(['vacuum', path, '--json']);
    assert.equal(real.code, 0, real.stderr);
    const done = JSON.parse(real.stdout);
    assert.equal(done.removed_node_count, facts.tombstonedNodes);
    assert.equal(done.file_bytes_after, plan.file_bytes_after);
    assert.equal(snapshot(path).main!.size, done.file_bytes_after);
    const inspected = JSON.parse((await runCli(['inspect', path, '--json'])).stdout);
    assert.deepEqual(inspected.session.nodes, { live: facts.liveNodes, tombstoned: 0 });
    assert.equal((await runCli(['verify', path])).code, 0);
  });
});
