/**
 * `lash-store inspect`: the report of a database built with every component
 * (text and `--json`), folders, absent components, and clear errors for a
 * missing file, a file that is not a database and another schema version.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteProcessRegistry, Store, externalInput, processRegistration } from '../../src/index.ts';
import { openNodeSqlite } from '../../src/node.ts';
import { message } from './records.ts';
import { richStore, runCli, tamper, tempFolder } from './support.ts';

describe('lash-store inspect', () => {
  it('--json reports every component with the stored field names', async () => {
    const { path, facts } = await richStore();
    const run = await runCli(['inspect', path, '--json', '--messages', '3']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.path, path);
    assert.ok(report.file.main_bytes > 0);
    assert.equal(report.file.journal_mode, 'wal');
    assert.deepEqual(
      Object.fromEntries(Object.entries(report.components).map(([k, v]) => [k, (v as { state: string }).state])),
      { session: 'present', process: 'present', host_events: 'present', effects: 'present' },
    );
    const s = report.session;
    assert.equal(s.session_meta.session_id, facts.sessionId);
    assert.equal(s.head.session_id, facts.sessionId);
    assert.equal(s.head.head_revision, facts.headRevision);
    assert.equal(s.head.leaf_node_id, 'a2');
    assert.equal(s.head.checkpoint_ref, facts.checkpointRef);
    assert.deepEqual(s.nodes, { live: facts.liveNodes, tombstoned: facts.tombstonedNodes });
    assert.equal(s.active_path.length, 4);
    assert.deepEqual(
      s.active_path.messages.map((m: { node_id: string; role: string }) => [m.node_id, m.role]),
      [['a1', 'Assistant'], ['u2', 'User'], ['a2', 'Assistant']],
    );
    assert.equal(s.active_path.messages[2].text, 'once upon a time');
    assert.deepEqual(s.branches, [{ node_id: 'b1', parent_node_id: 'a1', node_count: 2, last_node_id: 'b2' }]);
    assert.equal(s.checkpoint.checkpoint_ref, facts.checkpointRef);
    assert.equal(s.checkpoint.turn_index, 1);
    for (const part of ['manifest', 'tool_state', 'plugin_snapshot', 'execution_state']) {
      assert.ok(s.checkpoint.refs[part].content_bytes > 0, part);
      assert.ok(s.checkpoint.refs[part].stored_bytes >= s.checkpoint.refs[part].content_bytes, part);
    }
    assert.equal(s.checkpoint.refs.tool_state.ref, facts.toolStateRef);
    assert.deepEqual(s.usage.totals, { input_tokens: 150, output_tokens: 30, cached_input_tokens: 10, reasoning_tokens: 2 });
    assert.equal(s.usage.delta_rows, 2);
    assert.equal(s.queued_work.pending, 1);
    assert.equal(s.queued_work.claimed, 1);
    const claimed = s.queued_work.batches.find((b: { batch_id: string }) => b.batch_id === facts.claimedBatchId);
    assert.equal(claimed.state, 'claimed');
    assert.equal(claimed.claim_owner_id, 'worker-1');
    assert.equal(claimed.claim_expires_at_ms, 1_800_000_060_000);
    assert.equal(s.blobs.count, 6);
    assert.deepEqual(
      Object.fromEntries(Object.entries(s.blobs.by_kind).map(([k, v]) => [k, (v as { count: number }).count])),
      { CheckpointManifest: 2, ToolState: 1, PluginSessionSnapshot: 1, ExecutionStateSnapshot: 1, raw: 1 },
    );
    const p = report.process;
    assert.deepEqual(p.by_status, { running: 1, completed: 1 });
    const running = p.processes.find((x: { process_id: string }) => x.process_id === 'proc-running');
    assert.deepEqual(running.grants, [{ session_id: facts.sessionId, descriptor: { kind: 'tool', label: 'search' } }]);
    assert.deepEqual(running.last_events.map((e: { sequence: number }) => e.sequence), [2, 1]);
    assert.deepEqual(report.effects.by_status, { completed: 1, failed: 1 });
    assert.equal(report.host_events.subscriptions.length, 1);
    assert.equal(report.host_events.subscriptions[0].session_id, facts.sessionId);
    assert.equal(report.host_events.occurrences, 1);
    assert.deepEqual(report.warnings, []);
  });

  it('prints a readable report without colour when stdout is not a terminal', async () => {
    const { path, facts } = await richStore();
    const run = await runCli(['inspect', path]);
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stdout, /\u001b\[/);
    for (const expected of [
      `head: ${facts.sessionId} revision ${facts.headRevision}, leaf a2`,
      'nodes: 6 live, 1 tombstoned',
      'Assistant once upon a time',
      'from a1  b1  2 node(s)  last b2',
      'queued work: 1 pending, 1 claimed',
      'owner worker-1',
      'proc-running running, 2 event(s), granted to cli-session',
      '2 row(s) in 1 scope(s): 1 completed, 1 failed',
      '1 subscription(s), 1 occurrence(s)',
      'CheckpointManifest       2',
    ]) {
      assert.ok(run.stdout.includes(expected), `missing: ${expected}\n${run.stdout}`);
    }
  });

  it('reports absent components as absent, not as errors', async () => {
    const path = join(tempFolder(), 'processes.db');
    const conn = openNodeSqlite(path);
    const registry = await SqliteProcessRegistry.open(conn);
    await registry.registerProcess(processRegistration('only-proc', externalInput(null), []));
    registry.close();
    conn.close();
    const run = await runCli(['inspect', path, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.components.session.state, 'absent');
    assert.equal(report.components.effects.state, 'absent');
    assert.equal(report.session, null);
    assert.equal(report.process.processes[0].process_id, 'only-proc');
    assert.equal(run.stderr, '');
  });

  it('lists every session database in a folder', async () => {
    const dir = tempFolder('dir');
    for (const [name, id, text] of [['a.db', 'session-a', 'first question of a'], ['b.db', 'session-b', 'b asks something']]) {
      const conn = openNodeSqlite(join(dir, name!));
      const store = await Store.open(conn);
      await store.saveSessionMeta({ session_id: id!, session_name: id!, created_at: 'unix:0', model: 'm', cwd: null, relation: { kind: 'root' } });
      await store.appendSessionGraphNodes([message(`${id}-u1`, 'User', text!), message(`${id}-a1`, 'Assistant', 'answer', `${id}-u1`), message(`${id}-u2`, 'User', 'more', `${id}-a1`)]);
      store.close();
      conn.close();
    }
    const conn = openNodeSqlite(join(dir, 'c.processes.db'));
    (await SqliteProcessRegistry.open(conn)).close();
    conn.close();
    writeFileSync(join(dir, 'notes.txt'), 'not a database');
    const run = await runCli(['inspect', dir, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(
      report.sessions.map((s: { session_id: string; first_user_message: string; user_message_count: number }) => [s.session_id, s.first_user_message, s.user_message_count]),
      [['session-a', 'first question of a', 2], ['session-b', 'b asks something', 2]],
    );
    assert.ok(report.sessions.every((s: { updated_at_ms: number }) => s.updated_at_ms > 0));
    assert.deepEqual(report.other_databases, [{ path: join(dir, 'c.processes.db'), components: ['process'] }]);
    const text = await runCli(['inspect', dir]);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /2 session database\(s\)/);
    assert.match(text.stdout, /session-b\s+2\s+\S+\s+b asks something/);
  });

  it('names a missing file and a file that is not a database (exit 2, no stack)', async () => {
    const dir = tempFolder();
    const missing = await runCli(['inspect', join(dir, 'nope.db')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^error: no such file: .*nope\.db\n$/);
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'this is a text file, long enough to have a header of a hundred bytes '.repeat(3));
    const notDb = await runCli(['verify', junk]);
    assert.equal(notDb.code, 2);
    assert.match(notDb.stderr, /is not a SQLite database/);
    assert.doesNotMatch(notDb.stderr, /\bat \S+:\d+/);
  });

  it('refuses another schema version clearly (exit 4) and still shows the other components', async () => {
    const { path } = await richStore();
    tamper(path, (db) => db.exec("UPDATE lash_schema_versions SET version = 2 WHERE component = 'session'"));
    const run = await runCli(['inspect', path, '--json']);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /Unsupported lash session schema: this build supports schema version 3, but the database reports version 2/);
    const report = JSON.parse(run.stdout);
    assert.equal(report.components.session.state, 'unsupported');
    assert.equal(report.components.process.state, 'present');
    assert.equal(report.session, null);
    assert.equal(report.process.processes.length, 2);
    const gc = await runCli(['gc', path]);
    assert.equal(gc.code, 4);
    assert.match(gc.stderr, /^error: Unsupported lash session schema/);
  });
});
