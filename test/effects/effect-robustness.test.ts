import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  EffectScope,
  LocalExecutor,
  RuntimeEffectControllerError,
  SchemaVersionError,
  SqliteEffectHost,
  SqliteRuntimeEffectController,
  type RuntimeEffectEnvelope,
  type SqliteConnection,
} from '../../src/index.ts';
import { EFFECT_SCHEMA } from '../../src/core/effects/schema.ts';
import { writeTransaction } from '../../src/core/driver/transaction.ts';
import { openNodeSqlite } from '../../src/node.ts';
import { spawnChild } from '../support/child.ts';
import { ManualClock } from '../support/clock.ts';
import { describeEachDriver, tempDir } from '../support/drivers.ts';
import { CapturingLogger } from '../support/logger.ts';
import { Latch, execEnvelope, execOutcome, failingExecutor, marker, returningExecutor, within } from './samples.ts';

const CRASH_CHILD = join(import.meta.dirname, '../fixtures/effects-crash-child.ts');
const RACER = join(import.meta.dirname, '../fixtures/effects-racer.ts');
const TURN = EffectScope.turn('effect-session', 'effect-turn');

function rows(conn: SqliteConnection): unknown[] {
  return conn.all('SELECT * FROM runtime_effect_replay ORDER BY scope_id, replay_key').map((row) => ({ ...row }));
}

function code(expected: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof RuntimeEffectControllerError, String(error));
    assert.equal(error.code, expected);
    return true;
  };
}

describeEachDriver('effect replay bad input changes nothing', (driver) => {
  it('refuses controllers for scopes without ids, before touching the database', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    for (const scope of [EffectScope.turn('s', ''), EffectScope.process(' '), EffectScope.runtimeOperation('')]) {
      await assert.rejects(SqliteRuntimeEffectController.open(conn, scope), { name: 'RuntimeError', code: 'missing_effect_scope_id' });
    }
    assert.equal(conn.get("SELECT name FROM sqlite_master WHERE name = 'runtime_effect_replay'"), undefined);
    const host = await SqliteEffectHost.open(conn);
    assert.throws(() => host.scoped(EffectScope.sessionDelete('')), { code: 'missing_effect_scope_id' });
  });

  it('refuses envelopes without a usable replay key, of unknown kinds, or that cannot be hashed', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    const controller = await SqliteRuntimeEffectController.open(conn, TURN);
    await controller.executeEffect(execEnvelope('kept', 'x'), returningExecutor('kept'));
    const before = rows(conn);
    const good = execEnvelope('k', 'x');
    const { replay: _dropped, ...noReplay } = good.invocation;
    const cases: Array<[unknown, string, RegExp?]> = [
      [{ ...good, invocation: noReplay }, 'sqlite_effect_replay_key_missing', /^sqlite_effect_replay_key_missing: runtime effect envelope requires replay.key$/],
      [{ ...good, invocation: { ...good.invocation, replay: { key: '' } } }, 'sqlite_effect_replay_key_missing'],
      [{ ...good, invocation: { ...good.invocation, replay: { key: 'a\0b' } } }, 'sqlite_effect_replay_key_invalid', /NUL/],
      [{ ...good, invocation: { ...good.invocation, replay: { key: '\uD800' } } }, 'sqlite_effect_replay_key_invalid', /lone surrogate/],
      [{ ...good, command: { type: 'teleport' } }, 'runtime_effect_envelope_invalid', /unknown runtime effect command type `teleport`/],
      [{ ...good, command: { type: 'sleep', duration_ms: -5 } }, 'runtime_effect_envelope_invalid', /duration_ms/],
      [{ ...good, command: { type: 'exec_code', code: 7n } }, 'runtime_effect_envelope_hash'],
      [{ invocation: good.invocation }, 'runtime_effect_envelope_invalid'],
      [null, 'runtime_effect_envelope_invalid'],
    ];
    for (const [envelope, expected, message] of cases) {
      await assert.rejects(controller.executeEffect(envelope as RuntimeEffectEnvelope, failingExecutor()), (error: unknown) => {
        code(expected)(error);
        if (message) assert.match((error as Error).message, message);
        return true;
      });
    }
    // A reused key with another envelope: refused, and the recorded row is untouched.
    await assert.rejects(controller.executeEffect(execEnvelope('kept', 'changed'), failingExecutor()), code('sqlite_effect_replay_hash_conflict'));
    assert.deepEqual(rows(conn), before);
  });

  it('refuses bad options with a typed error', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    await assert.rejects(SqliteEffectHost.open(conn, { leaseTtlMs: -1 }), { name: 'InvalidInputError' });
    await assert.rejects(SqliteEffectHost.open(conn, { leaseTtlMs: Number.NaN }), { name: 'InvalidInputError' });
    await assert.rejects(SqliteEffectHost.open(conn, { pollIntervalMs: 0 }), { name: 'InvalidInputError' });
    await assert.rejects(SqliteEffectHost.open(conn, { clock: 'now' as never }), { name: 'InvalidInputError' });
    // A zero TTL counts as 1 ms, as in the reference.
    const clock = new ManualClock();
    const controller = await SqliteRuntimeEffectController.open(conn, TURN, { leaseTtlMs: 0, clock: clock.clock });
    const entered = new Latch();
    void controller.executeEffect(execEnvelope('ttl', 'x'), LocalExecutor.runner(async () => (entered.open(), new Promise(() => {}))));
    await entered.wait();
    assert.equal(conn.get<{ e: number }>('SELECT lease_expires_at_ms AS e FROM runtime_effect_replay')!.e, clock.now + 1);
  });

  it('refuses a database holding another effects schema version, changing nothing', async (t) => {
    const location = await driver.fresh(t);
    const conn = await location.open();
    await SqliteEffectHost.open(conn);
    writeTransaction(conn, () => conn.run("UPDATE lash_schema_versions SET version = 9 WHERE component = 'effects'"));
    await assert.rejects(SqliteEffectHost.open(await location.open()), (error: unknown) => {
      assert.ok(error instanceof SchemaVersionError);
      assert.equal(error.component, EFFECT_SCHEMA.component);
      assert.match(error.message, /^Unsupported lash effect replay schema: this build supports schema version 1, but the database reports version 9\./);
      return true;
    });
    assert.equal(conn.get<{ version: number }>("SELECT version FROM lash_schema_versions WHERE component = 'effects'")!.version, 9);
  });
});

describeEachDriver('effect replay corrupt rows', (driver) => {
  const corruptions: Array<[string, string, string, RegExp]> = [
    ['completed without outcome', "status = 'completed', outcome_json = NULL", 'sqlite_effect_replay_corrupt_row', /completed runtime effect row is missing outcome_json/],
    ['outcome not JSON', "status = 'completed', outcome_json = '{nope'", 'sqlite_effect_replay_decode', /^sqlite_effect_replay_decode: failed to decode runtime effect replay row: /],
    ['outcome of another kind', `status = 'completed', outcome_json = '{"type":"sleep"}'`, 'sqlite_effect_replay_decode', /expected a exec_code outcome, found a `sleep` outcome/],
    ['outcome not an object', "status = 'completed', outcome_json = '[1]'", 'sqlite_effect_replay_decode', /found not an object/],
    ['failed without error', "status = 'failed', error_json = NULL", 'sqlite_effect_replay_corrupt_row', /failed runtime effect row is missing error_json/],
    ['error of the wrong shape', `status = 'failed', error_json = '{"code":1}'`, 'sqlite_effect_replay_decode', /expected an error object \{code, message\}/],
    ['unknown status', "status = 'paused'", 'sqlite_effect_replay_corrupt_row', /unknown runtime effect replay status `paused`/],
  ];
  for (const [label, update, expected, message] of corruptions) {
    it(`reports ${label} as ${expected}, logs it, runs nothing and changes nothing`, async (t) => {
      const conn = await (await driver.fresh(t)).open();
      const logger = new CapturingLogger();
      const controller = await SqliteRuntimeEffectController.open(conn, TURN, { logger });
      const envelope = execEnvelope('damaged', 'x');
      await controller.executeEffect(envelope, returningExecutor('fine'));
      writeTransaction(conn, () => conn.run(`UPDATE runtime_effect_replay SET ${update}`));
      const before = rows(conn);
      const calls: string[] = [];
      await assert.rejects(controller.executeEffect(envelope, failingExecutor(calls)), (error: unknown) => {
        code(expected)(error);
        assert.match((error as Error).message, message);
        return true;
      });
      assert.deepEqual(calls, []);
      assert.deepEqual(rows(conn), before);
      assert.equal(logger.warnings.length, 1);
      assert.equal(logger.warnings[0]!.message, 'corrupt runtime effect replay row');
      assert.equal(logger.warnings[0]!.details!.replay_key, 'damaged');
    });
  }
});

describeEachDriver('effect replay across handles (reopen)', (driver) => {
  it('replays completed and failed rows through a second connection and host', async (t) => {
    const location = await driver.fresh(t);
    const first = await SqliteEffectHost.open(await location.open());
    const controller = first.scoped(TURN).controller();
    await controller.executeEffect(execEnvelope('done', 'x'), returningExecutor('done'));
    await assert.rejects(
      controller.executeEffect(execEnvelope('broken', 'x'), LocalExecutor.runner(async () => { throw new RuntimeEffectControllerError('nope', 'recorded failure'); })),
      code('nope'),
    );
    first.close();

    const second = await SqliteEffectHost.open(await location.open());
    second.startReplay();
    const replaying = second.scoped(TURN).controller();
    assert.equal(marker(await replaying.executeEffect(execEnvelope('done', 'x'), failingExecutor())), 'done');
    await assert.rejects(replaying.executeEffect(execEnvelope('broken', 'x'), failingExecutor()), {
      code: 'nope',
      message: 'nope: recorded failure',
    });
    await assert.rejects(replaying.executeEffect(execEnvelope('never', 'x'), failingExecutor()), code('sqlite_effect_replay_missing'));
  });

  it('lets a second handle reclaim an in-progress row once its lease expired, and fences the first', async (t) => {
    const location = await driver.fresh(t);
    const clock = new ManualClock();
    const a = await SqliteRuntimeEffectController.open(await location.open(), TURN, { clock: clock.clock, leaseTtlMs: 1_000, pollIntervalMs: 2 });
    const b = await SqliteRuntimeEffectController.open(await location.open(), TURN, { clock: clock.clock, leaseTtlMs: 1_000, pollIntervalMs: 2 });
    const entered = new Latch();
    const release = new Latch();
    const envelope = execEnvelope('handover', 'x');
    const fromA = a.executeEffect(envelope, LocalExecutor.runner(async () => (entered.open(), await release.wait(), execOutcome('a'))));
    await entered.wait();
    let bDone = false;
    const fromB = b.executeEffect(envelope, returningExecutor('b')).finally(() => (bDone = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(bDone, false, 'busy while the lease is live');
    clock.advance(1_000);
    assert.equal(marker(await within(1_000, fromB, 'reclaim')), 'b');
    release.open();
    await assert.rejects(fromA, code('sqlite_effect_replay_lease_lost'));
    assert.equal(marker(await a.executeEffect(envelope, failingExecutor())), 'b');
  });

  it('shares replay mode among a host’s controllers but not across hosts', async (t) => {
    const location = await driver.fresh(t);
    const conn = await location.open();
    const host = await SqliteEffectHost.open(conn);
    const other = await SqliteEffectHost.open(conn);
    const scoped = host.scoped(EffectScope.process('p1')).controller();
    const stat = host.scopedStatic(EffectScope.process('p2'))!.controller();
    host.startReplay();
    await assert.rejects(scoped.executeEffect(execEnvelope('k', 'x'), returningExecutor('x')), code('sqlite_effect_replay_missing'));
    await assert.rejects(stat.executeEffect(execEnvelope('k', 'x'), returningExecutor('x')), code('sqlite_effect_replay_missing'));
    const free = other.scoped(EffectScope.process('p1')).controller();
    assert.equal(marker(await free.executeEffect(execEnvelope('k', 'x'), returningExecutor('recorded'))), 'recorded');
    assert.equal(marker(await scoped.executeEffect(execEnvelope('k', 'x'), failingExecutor())), 'recorded');
    // close() on a host's controller is the host's business: scoped controllers do not close it.
    (scoped as SqliteRuntimeEffectController).close();
    assert.equal(marker(await scoped.executeEffect(execEnvelope('k', 'x'), failingExecutor())), 'recorded');
    host.close();
    await assert.rejects(stat.executeEffect(execEnvelope('k', 'x'), failingExecutor()), code('sqlite_effect_replay_closed'));
  });
});

describe('effect replay across OS processes [node-sqlite]', () => {
  it('reclaims the effect of a process killed mid-effect after the lease TTL, runs it once, then replays', async (t) => {
    const path = join(tempDir(t), 'effects.db');
    const leaseTtlMs = 400;
    const child = spawnChild(CRASH_CHILD, [path, String(leaseTtlMs)]);
    const { executing } = await child.next<{ executing: boolean }>();
    assert.equal(executing, true);
    const claimedAt = Date.now();
    child.process.kill('SIGKILL');
    assert.equal((await child.exited).signal, 'SIGKILL');

    const conn = openNodeSqlite(path);
    t.after(() => conn.close());
    const row = conn.get<{ status: string; lease_owner_id: string }>('SELECT status, lease_owner_id FROM runtime_effect_replay')!;
    assert.equal(row.status, 'in_progress');
    assert.match(row.lease_owner_id, /^pid\d+-\d+-\d+$/);
    const controller = await SqliteRuntimeEffectController.open(conn, TURN, { pollIntervalMs: 10 });
    let runs = 0;
    const outcome = await within(
      5_000,
      controller.executeEffect(execEnvelope('crash-key', 'work'), LocalExecutor.runner(async () => (runs++, execOutcome('recovered')))),
      'recovery',
    );
    assert.ok(Date.now() - claimedAt >= leaseTtlMs - 50, 'waited for the dead owner’s lease');
    assert.equal(marker(outcome), 'recovered');
    assert.equal(runs, 1);
    for (let i = 0; i < 3; i++) {
      assert.equal(marker(await controller.executeEffect(execEnvelope('crash-key', 'work'), failingExecutor())), 'recovered');
    }
    controller.startReplay();
    assert.equal(marker(await controller.executeEffect(execEnvelope('crash-key', 'work'), failingExecutor())), 'recovered');
  });

  it('runs each effect exactly once when two processes race for the same keys', async (t) => {
    const path = join(tempDir(t), 'effects.db');
    const seed = openNodeSqlite(path);
    t.after(() => seed.close());
    await SqliteEffectHost.open(seed); // create the schema before the race
    const children = ['a', 'b'].map((label) => spawnChild(RACER, [path, label]));
    for (const child of children) assert.deepEqual(await child.next(), { ready: true });
    const keys = Array.from({ length: 24 }, (_, i) => `race-${i}`);
    children[0]!.send({ keys });
    children[1]!.send({ keys: [...keys].reverse() });
    const [a, b] = await Promise.all(children.map((child) => child.next<{ executed: string[]; markers: Record<string, string> }>()));
    for (const child of children) assert.equal((await child.exited).code, 0);
    assert.deepEqual([...a!.executed, ...b!.executed].sort(), [...keys].sort(), 'every key executed by exactly one process');
    for (const key of keys) {
      assert.equal(a!.markers[key], b!.markers[key], `${key}: both processes got the recorded outcome`);
      const owner = a!.executed.includes(key) ? 'a' : 'b';
      assert.equal(a!.markers[key], `${owner}:${key}`);
    }
  });
});
