/**
 * `inspect` and `verify` never change a byte: the main file, `-wal` and
 * `-shm` keep their bytes, sizes and mtimes — on a file at rest, on a WAL
 * file with a live writer in another process, on a WAL a crashed writer
 * left behind, and on a WAL without its `-shm`. Reads see the WAL's commits.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { spawnChild } from '../support/child.ts';
import { REPO, richStore, runCli, snapshot, tempFolder } from './support.ts';

const WRITER = join(REPO, 'test/cli/fixtures/open-writer.ts');

/** Runs inspect (text and JSON) and verify, and checks that none of them changed the files. */
async function readsLeaveFilesAlone(path: string): Promise<{ head_revision: number; read_mode: string; leaf: string }> {
  const before = snapshot(path);
  // Let a coarse-mtime filesystem tick, so a write would show in the mtime too.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const inspected = await runCli(['inspect', path, '--json']);
  assert.equal(inspected.code, 0, inspected.stderr);
  const text = await runCli(['inspect', path]);
  assert.equal(text.code, 0, text.stderr);
  const verified = await runCli(['verify', path]);
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  assert.deepEqual(snapshot(path), before);
  const report = JSON.parse(inspected.stdout);
  return { head_revision: report.session.head.head_revision, read_mode: report.file.read_mode, leaf: report.session.head.leaf_node_id };
}

describe('lash-store inspect and verify are read-only', () => {
  it('on a WAL file at rest (no -wal, no -shm): nothing is created', async () => {
    const { path, facts } = await richStore();
    const seen = await readsLeaveFilesAlone(path);
    assert.equal(seen.head_revision, facts.headRevision);
    assert.equal(seen.read_mode, 'immutable');
    assert.deepEqual([snapshot(path)['-wal']!.exists, snapshot(path)['-shm']!.exists], [false, false]);
  });

  it('on a WAL file whose writer is still open in another process', async () => {
    const { path, facts } = await richStore();
    const writer = spawnChild(WRITER, [path]);
    try {
      const ready = await writer.next<{ head_revision: number }>();
      assert.equal(ready.head_revision, facts.headRevision + 1);
      assert.ok(snapshot(path)['-wal']!.size! > 0, 'the writer left its commit in the WAL');
      const seen = await readsLeaveFilesAlone(path);
      assert.equal(seen.read_mode, 'wal-readonly-shm');
      assert.equal(seen.head_revision, facts.headRevision + 1, 'the commit in the WAL is read');
      assert.equal(seen.leaf, 'w1');
    } finally {
      writer.send({ close: true });
      await writer.exited;
    }
  });

  it('while another process holds the write lock (readers are not blocked)', async () => {
    const { path, facts } = await richStore();
    const writer = spawnChild(WRITER, [path, 'lock']);
    try {
      await writer.next();
      const seen = await readsLeaveFilesAlone(path);
      assert.equal(seen.head_revision, facts.headRevision + 1);
      const gc = await runCli(['gc', path, '--busy-timeout', '200']);
      assert.equal(gc.code, 3, gc.stderr);
      assert.match(gc.stderr, /^error: the database is locked by another connection .*try again when it is idle\n$/);
    } finally {
      writer.send({ close: true });
      await writer.exited;
    }
  });

  it("says a rollback-journal file under another process's exclusive lock is locked (exit 3)", async () => {
    const path = join(tempFolder(), 'locked.db');
    const holder = spawnChild(join(REPO, 'test/fixtures/hold-exclusive-lock.ts'), [path, '4000']);
    try {
      await holder.next();
      const before = snapshot(path);
      const run = await runCli(['inspect', path]);
      assert.equal(run.code, 3, run.stderr);
      assert.match(run.stderr, /^error: the database is locked by another connection/);
      assert.deepEqual(snapshot(path), before);
    } finally {
      holder.process.kill();
      await holder.exited;
    }
  });

  it('on the -wal and -shm a killed writer left behind', async () => {
    const { path, facts } = await richStore();
    const writer = spawnChild(WRITER, [path, 'kill']);
    await writer.next();
    await writer.exited;
    assert.ok(snapshot(path)['-wal']!.exists && snapshot(path)['-shm']!.exists);
    const seen = await readsLeaveFilesAlone(path);
    assert.equal(seen.head_revision, facts.headRevision + 1);
  });

  it('on a -wal without its -shm (read from a private copy)', async () => {
    const { path, facts } = await richStore();
    const writer = spawnChild(WRITER, [path, 'kill']);
    await writer.next();
    await writer.exited;
    rmSync(`${path}-shm`);
    const seen = await readsLeaveFilesAlone(path);
    assert.equal(seen.read_mode, 'private-copy');
    assert.equal(seen.head_revision, facts.headRevision + 1);
    assert.equal(snapshot(path)['-shm']!.exists, false);
  });
});
