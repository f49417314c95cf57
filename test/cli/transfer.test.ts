/**
 * `lash-store export` and `import`: a single-file image that opens in both
 * drivers with the same head, a session JSON that imports back into a
 * database that verifies clean with the same head, graph, checkpoint and
 * usage, and the refusals (existing target, damaged source, foreign file).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Store, type SqliteConnection } from '../../src/index.ts';
import { openNodeSqlite } from '../../src/node.ts';
import { openSqlJs } from '../../src/sqljs.ts';
import { spawnChild } from '../support/child.ts';
import { REPO, richStore, runCli, snapshot, tamper, tempFolder } from './support.ts';

async function headOf(conn: SqliteConnection) {
  const store = await Store.open(conn);
  try {
    return {
      head: await store.loadSessionHeadMeta(),
      nodes: (await store.loadSessionGraph()).nodes.map((n) => n.node_id),
      usage: await store.loadUsageDeltas(),
      meta: await store.loadSessionMeta(),
      checkpoint: await store.getCheckpoint((await store.loadSessionHeadMeta())!.checkpoint_ref!),
    };
  } finally {
    store.close();
  }
}

async function headOfFile(path: string) {
  const conn = openNodeSqlite(path, { readOnly: true });
  try {
    return await headOf(conn);
  } finally {
    conn.close();
  }
}

describe('lash-store export --out (image)', () => {
  it('writes a single file that opens in node:sqlite and sql.js with the same head', async () => {
    const { path, facts } = await richStore();
    const source = await headOfFile(path);
    const image = join(tempFolder(), 'image.db');
    const before = snapshot(path);
    const run = await runCli(['export', path, '--out', image]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(snapshot(path), before, 'the source is only read');
    assert.equal(existsSync(`${image}-wal`), false);
    const bytes = new Uint8Array(readFileSync(image));
    assert.equal(bytes[18], 1, 'a rollback-journal file: no sidecar needed');

    const viaNode = await headOfFile(image);
    assert.equal(viaNode.head!.head_revision, facts.headRevision);
    assert.deepEqual(viaNode, source);
    const sqljs = await openSqlJs({ data: bytes });
    try {
      assert.deepEqual(await headOf(sqljs), source);
    } finally {
      sqljs.close();
    }
    assert.equal((await runCli(['verify', image])).code, 0);
  });

  it('folds in the commits still in the WAL of a live writer', async () => {
    const { path, facts } = await richStore();
    const writer = spawnChild(join(REPO, 'test/cli/fixtures/open-writer.ts'), [path]);
    try {
      await writer.next();
      const image = join(tempFolder(), 'live.db');
      assert.equal((await runCli(['export', path, '-o', image])).code, 0);
      const sqljs = await openSqlJs({ data: new Uint8Array(readFileSync(image)) });
      try {
        const seen = await headOf(sqljs);
        assert.equal(seen.head!.head_revision, facts.headRevision + 1);
        assert.equal(seen.head!.leaf_node_id, 'w1');
      } finally {
        sqljs.close();
      }
    } finally {
      writer.send({ close: true });
      await writer.exited;
    }
  });

  it('refuses to overwrite an existing target unless --force', async () => {
    const { path } = await richStore();
    const target = join(tempFolder(), 'taken.db');
    writeFileSync(target, 'precious');
    const refused = await runCli(['export', path, '--out', target]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /already exists; pass --force/);
    assert.equal(readFileSync(target, 'utf8'), 'precious');
    assert.equal((await runCli(['export', path, '--out', target, '--force'])).code, 0);
    assert.equal((await runCli(['verify', target])).code, 0);
  });

  it('refuses an --out in a folder that does not exist (exit 2, nothing created)', async () => {
    const { path } = await richStore();
    const missing = join(tempFolder(), 'no-such-folder');
    for (const args of [
      ['export', path, '--json', '--out', join(missing, 'x.json')],
      ['export', path, '--out', join(missing, 'x.db')],
    ]) {
      const refused = await runCli(args);
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /the folder of .* does not exist/);
    }
    assert.equal(existsSync(missing), false);
  });

  it('needs --out or --json (exit 2)', async () => {
    const { path } = await richStore();
    const run = await runCli(['export', path]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /export needs --out/);
  });
});

describe('lash-store export --json and import', () => {
  it('round-trips a session: same head, graph, checkpoint, usage and meta; verifies clean', async () => {
    const { path, facts } = await richStore();
    const dir = tempFolder();
    const exported = await runCli(['export', path, '--json']);
    assert.equal(exported.code, 0, exported.stderr);
    const doc = JSON.parse(exported.stdout);
    assert.equal(doc.format, 'lash-store.session');
    assert.equal(doc.head.session_id, facts.sessionId);
    assert.equal(doc.head.head_revision, facts.headRevision);
    assert.equal(doc.head.checkpoint_ref, facts.checkpointRef);
    assert.deepEqual(doc.graph.nodes.map((n: { node_id: string }) => n.node_id), ['u1', 'a1', 'b1', 'b2', 'u2', 'a2']);
    assert.equal(doc.graph.leaf_node_id, 'a2');
    assert.deepEqual(doc.checkpoint.execution_state, { $base64: Buffer.from([1, 2, 3, 4, 5]).toString('base64') });
    assert.equal(doc.usage_deltas.length, 2);

    const file = join(dir, 'session.json');
    writeFileSync(file, exported.stdout);
    const target = join(dir, 'imported.db');
    const imported = await runCli(['import', file, '--out', target, '--json']);
    assert.equal(imported.code, 0, imported.stderr);
    const result = JSON.parse(imported.stdout);
    assert.equal(result.form, 'json');
    assert.equal(result.verify.healthy, true);
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(await headOfFile(target), await headOfFile(path));
    assert.equal((await runCli(['verify', target])).code, 0);
    const again = await runCli(['export', target, '--json']);
    assert.equal(again.stdout, exported.stdout, 'an import exports to the same document');

    const refused = await runCli(['import', file, '--out', target]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /already exists; pass --force/);
    assert.equal((await runCli(['import', file, '--out', target, '--force'])).code, 0);
    assert.equal((await runCli(['export', path, '--json', '--out', join(dir, 'to-file.json')])).code, 0);
    assert.equal(readFileSync(join(dir, 'to-file.json'), 'utf8'), exported.stdout);
  });

  it('imports an image, and refuses a file that is neither form', async () => {
    const { path } = await richStore();
    const dir = tempFolder();
    const image = join(dir, 'image.db');
    assert.equal((await runCli(['export', path, '--out', image])).code, 0);
    const target = join(dir, 'from-image.db');
    const run = await runCli(['import', image, '--out', target]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /\(image\) → .*from-image\.db: verified clean/);
    assert.deepEqual(await headOfFile(target), await headOfFile(path));

    const junk = join(dir, 'junk.txt');
    writeFileSync(junk, 'hello');
    const refused = await runCli(['import', junk, '--out', join(dir, 'x.db')]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /neither a SQLite database nor JSON/);
    const wrongFormat = join(dir, 'other.json');
    writeFileSync(wrongFormat, '{"format": "something-else"}');
    assert.match((await runCli(['import', wrongFormat, '--out', join(dir, 'y.db')])).stderr, /not a lash-store session export/);
    assert.equal(existsSync(join(dir, 'x.db')) || existsSync(join(dir, 'y.db')), false);
  });

  it('refuses to export a session whose checkpoint is damaged (exit 1), and a damaged import is not written', async () => {
    const { path, facts } = await richStore();
    const dir = tempFolder();
    const good = await runCli(['export', path, '--json']);
    tamper(path, (db) => db.prepare('DELETE FROM blobs WHERE hash = ?').run(facts.toolStateRef));
    const run = await runCli(['export', path, '--json']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /tool_state .* is missing or corrupt; nothing was exported/);
    assert.equal(run.stdout, '');

    // An export whose checkpoint names a snapshot it does not carry imports into a database that does not verify.
    const doc = JSON.parse(good.stdout);
    doc.checkpoint.tool_state = null;
    const file = join(dir, 'damaged.json');
    writeFileSync(file, JSON.stringify(doc));
    const target = join(dir, 'never.db');
    const imported = await runCli(['import', file, '--out', target]);
    assert.equal(imported.code, 1);
    assert.match(imported.stderr, /does not verify clean; .*never\.db was not written/);
    assert.equal(existsSync(target), false);
  });
});
