/**
 * `lash-store verify`: healthy on a database built with every component;
 * exit 1 naming each problem on databases damaged on purpose.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { richStore, runCli, tamper } from './support.ts';

interface Report {
  healthy: boolean;
  checked: Record<string, number>;
  problems: Array<{ component: string; where: string; message: string }>;
  warnings: Array<{ component: string; where: string; message: string }>;
}

async function verifyJson(path: string): Promise<{ code: number; report: Report }> {
  const run = await runCli(['verify', path, '--json']);
  assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.stderr}`);
  return { code: run.code, report: JSON.parse(run.stdout) as Report };
}

/** Damages a fresh copy of the rich store and returns verify's problems. */
async function problemsAfter(damage: Parameters<typeof tamper>[1]): Promise<Report['problems']> {
  const { path } = await richStore('damaged');
  tamper(path, damage);
  const { code, report } = await verifyJson(path);
  assert.equal(code, 1, JSON.stringify(report.problems));
  assert.equal(report.healthy, false);
  return report.problems;
}

function assertProblem(problems: Report['problems'], where: RegExp, message: RegExp): void {
  assert.ok(
    problems.some((p) => where.test(p.where) && message.test(p.message)),
    `no problem at ${where} matching ${message}:\n${JSON.stringify(problems, null, 2)}`,
  );
}

describe('lash-store verify', () => {
  it('is healthy (exit 0) on a database with every component, and checks every table', async () => {
    const { path } = await richStore();
    const { code, report } = await verifyJson(path);
    assert.equal(code, 0, JSON.stringify(report.problems));
    assert.deepEqual(report.problems, []);
    assert.deepEqual(report.warnings, []);
    assert.deepEqual(report.checked, {
      blobs: 6,
      session_head: 1,
      refs: 4,
      graph_nodes: 7,
      session_meta: 1,
      usage_deltas: 2,
      queued_work_batches: 2,
      queued_work_items: 2,
      processes: 2,
      process_events: 3,
      process_handle_grants: 1,
      host_event_trigger_subscriptions: 1,
      host_event_occurrences: 1,
      runtime_effect_replay: 2,
    });
    const text = await runCli(['verify', path]);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /healthy\n$/);
  });

  it('finds a blob whose bytes were flipped', async () => {
    const { facts } = await richStore();
    const problems = await problemsAfter((db) => {
      const row = db.prepare('SELECT content FROM blobs WHERE hash = ?').get(facts.toolStateRef) as { content: Uint8Array };
      const flipped = new Uint8Array(row.content);
      flipped[flipped.length - 1] ^= 0xff;
      db.prepare('UPDATE blobs SET content = ? WHERE hash = ?').run(flipped, facts.toolStateRef);
    });
    assertProblem(problems, new RegExp(`^blob ${facts.toolStateRef}$`), /corrupt: content does not match its SHA-256 ref/);
    assertProblem(problems, /tool_state_ref$/, /points at a corrupt blob/);
  });

  it('finds a graph row whose JSON does not parse', async () => {
    const problems = await problemsAfter((db) => db.exec("UPDATE graph_nodes SET node_json = '{\"node_id\": \"u2\", ' WHERE node_id = 'u2'"));
    assertProblem(problems, /^graph_nodes seq \d+$/, /JSON|Unexpected|Expected/);
  });

  it('finds a head whose checkpoint blob is missing', async () => {
    const { facts } = await richStore();
    const problems = await problemsAfter((db) => db.prepare('DELETE FROM blobs WHERE hash = ?').run(facts.checkpointRef));
    assertProblem(problems, /^head\.checkpoint_ref$/, new RegExp(`${facts.checkpointRef}\` points at a missing blob`));
  });

  it('finds a wrong schema version', async () => {
    const problems = await problemsAfter((db) => db.exec("UPDATE lash_schema_versions SET version = 5 WHERE component = 'process'"));
    assertProblem(problems, /^lash_schema_versions$/, /Unsupported lash process registry schema: .* supports schema version 6, but the database reports version 5/);
  });

  it('finds a grant to a process the registry does not hold', async () => {
    const problems = await problemsAfter((db) =>
      db.exec(`INSERT INTO process_handle_grants (session_id, scope_id, process_id, descriptor_json)
               VALUES ('cli-session', 'session:cli-session', 'ghost', '{}')`),
    );
    assertProblem(problems, /ghost/, /grants process `ghost` .* which the registry does not hold/);
  });

  it('finds queued work of a session the database does not hold, and an undecodable payload', async () => {
    const { facts } = await richStore();
    const problems = await problemsAfter((db) => {
      db.prepare("UPDATE queued_work_batches SET session_id = 'someone-else' WHERE batch_id = ?").run(facts.pendingBatchId);
      db.prepare("UPDATE queued_work_items SET payload_json = '{\"type\":\"nonsense\"}' WHERE batch_id = ?").run(facts.claimedBatchId);
    });
    assertProblem(problems, new RegExp(facts.pendingBatchId), /belongs to session `someone-else`, which this database does not hold/);
    assertProblem(problems, /^queued_work_items /, /payload/);
  });

  it('finds process, effect and host-event rows that do not decode, and a dangling event', async () => {
    const problems = await problemsAfter((db) => {
      db.exec(`UPDATE processes SET record_json = '{"id":"proc-done"}' WHERE process_id = 'proc-done'`);
      db.exec(`UPDATE runtime_effect_replay SET outcome_json = '[1,2]' WHERE status = 'completed'`);
      db.exec(`UPDATE host_event_occurrences SET record_json = 'not json'`);
      db.exec(`INSERT INTO process_events (process_id, sequence, event_type, payload_hash, occurred_at_ms, event_json)
               VALUES ('vanished', 1, 'x', 'h', 0, '{}')`);
    });
    assertProblem(problems, /^processes proc-done$/, /./);
    assertProblem(problems, /^runtime_effect_replay /, /outcome_json is not an outcome object/);
    assertProblem(problems, /^host_event_occurrences /, /./);
    assertProblem(problems, /^process_events rowid \d+$/, /points at a missing processes row/);
  });

  it('prints each problem and exits 1 in text form', async () => {
    const { path, facts } = await richStore();
    tamper(path, (db) => db.prepare('DELETE FROM blobs WHERE hash = ?').run(facts.checkpointRef));
    const run = await runCli(['verify', path]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /problem session: head\.checkpoint_ref: .* points at a missing blob/);
    assert.match(run.stdout, /1 problem\(s\) found\n$/);
  });
});
