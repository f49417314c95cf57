import assert from 'node:assert/strict';
import { it, type TestContext } from 'node:test';
import {
  EffectScope,
  InlineEffectHost,
  LocalExecutor,
  RuntimeEffectControllerError,
  SqliteEffectHost,
  SqliteProcessRegistry,
  createRuntimeEffectEnvelope,
  externalInput,
  lashlangProcessEventTypes,
  processRegistration,
  processScope,
  type ProcessCommand,
  type ProcessEffectOutcome,
  type ProcessRegistry,
  type RuntimeEffectController,
  type RuntimeEffectEnvelope,
  type SqliteConnection,
} from '../../src/index.ts';
import { processCommandEffectId, processEffectInvocation } from '../../src/core/process/commands.ts';
import { describeEachDriver, type DriverUnderTest } from '../support/drivers.ts';
import { ManualClock } from '../support/clock.ts';
import { failingExecutor } from './samples.ts';

const OWNER = processScope('session-a');

/** A process effect envelope keyed the way callers key them (§4.1). */
function processEnvelope(command: ProcessCommand, sessionId = 'session-a'): RuntimeEffectEnvelope {
  return createRuntimeEffectEnvelope(processEffectInvocation(sessionId, undefined, processCommandEffectId(command)), {
    type: 'process',
    command,
  });
}

function startCommand(id: string, grant = true): ProcessCommand {
  const registration = processRegistration(id, externalInput(null), lashlangProcessEventTypes());
  registration.provenance = { owner_scope: OWNER, host_profile_id: 'default' };
  const command: ProcessCommand = { op: 'start', registration };
  if (grant) command.grant = { owner_scope: OWNER, descriptor: { kind: 'test', label: id } };
  return command;
}

async function run(controller: RuntimeEffectController, registry: ProcessRegistry, command: ProcessCommand): Promise<ProcessEffectOutcome> {
  const outcome = await controller.executeEffect(processEnvelope(command), LocalExecutor.processControl(registry));
  assert.equal(outcome.type, 'process');
  return (outcome as { result: ProcessEffectOutcome }).result;
}

/** A registry that fails the test if a recorded command reaches it again. */
function untouchable(): ProcessRegistry {
  return new Proxy({} as ProcessRegistry, {
    get(_target, property) {
      if (property === 'then') return undefined;
      return () => assert.fail(`the registry was called (${String(property)}) for a recorded command`);
    },
  });
}

async function setup(t: TestContext, driver: DriverUnderTest) {
  const conn: SqliteConnection = await (await driver.fresh(t)).open();
  const registry = await SqliteProcessRegistry.open(conn);
  const host = await SqliteEffectHost.open(conn);
  const controller = host.scoped(EffectScope.turn('session-a', 'turn-1')).controller();
  return { conn, registry, host, controller };
}

describeEachDriver('process commands through the SQLite effect controller (§5.2)', (driver) => {
  it('start registers and grants without running, and replays without touching the registry', async (t) => {
    const { registry, controller, host } = await setup(t, driver);
    const result = await run(controller, registry, startCommand('proc-1'));
    assert.equal(result.op, 'start');
    const record = (result as { record: { id: string; status: unknown } }).record;
    assert.equal(record.id, 'proc-1');
    assert.deepEqual(record.status, { state: 'running' });
    assert.equal(await registry.hasHandleGrant(OWNER, 'proc-1'), true);
    assert.deepEqual(await run(controller, untouchable(), startCommand('proc-1')), result);
    host.startReplay();
    assert.deepEqual(await run(controller, untouchable(), startCommand('proc-1')), result);
  });

  it('lists live or all grants, transfers them, and signals', async (t) => {
    const { registry, controller } = await setup(t, driver);
    await run(controller, registry, startCommand('live'));
    await run(controller, registry, startCommand('done'));
    await registry.completeProcess('done', { type: 'success', value: 1 });
    const live = await run(controller, registry, { op: 'list', owner_scope: OWNER, mode: 'live' });
    const all = await run(controller, registry, { op: 'list', owner_scope: OWNER, mode: 'all' });
    const ids = (outcome: ProcessEffectOutcome) => (outcome as { entries: Array<[{ process_id: string }, unknown]> }).entries.map(([grant]) => grant.process_id).sort();
    assert.deepEqual(ids(live), ['live']);
    assert.deepEqual(ids(all), ['done', 'live']);
    const target = processScope('session-b');
    assert.deepEqual(await run(controller, registry, { op: 'transfer', from_scope: OWNER, to_scope: target, process_ids: ['live'] }), { op: 'transfer' });
    assert.equal(await registry.hasHandleGrant(target, 'live'), true);
    assert.equal(await registry.hasHandleGrant(OWNER, 'live'), false);
    const signal = await run(controller, registry, {
      op: 'signal',
      process_id: 'live',
      signal_id: 'sig-1',
      request: { event_type: 'process.signal', payload: { go: true }, replay: { key: 'process:live:signal:sig-1' } },
    });
    assert.equal(signal.op, 'signal');
    assert.equal((signal as { event: { event_type: string } }).event.event_type, 'process.signal');
  });

  it('cancel appends a durable request and returns the record; an unknown process is a recorded plugin error', async (t) => {
    const { registry, controller } = await setup(t, driver);
    await run(controller, registry, startCommand('proc-c'));
    const cancelled = await run(controller, registry, { op: 'cancel', process_id: 'proc-c', reason: 'stop' });
    assert.equal(cancelled.op, 'cancel');
    assert.deepEqual((cancelled as { record: { status: unknown } }).record.status, { state: 'running' }, 'a request, not a terminal');
    const events = await registry.eventsAfter('proc-c', 0);
    assert.deepEqual(events.map((e) => [e.event_type, e.payload]), [['process.cancel_requested', { reason: 'stop' }]]);
    await assert.rejects(run(controller, registry, { op: 'cancel', process_id: 'ghost', reason: null }), (error: unknown) => {
      assert.ok(error instanceof RuntimeEffectControllerError);
      assert.equal(error.code, 'plugin');
      assert.match(error.detail, /^plugin session error: /);
      return true;
    });
    await assert.rejects(run(controller, untouchable(), { op: 'cancel', process_id: 'ghost', reason: null }), { code: 'plugin' });
  });

  it('delete_session revokes grants and requests cancellation of orphaned processes', async (t) => {
    const { registry, controller } = await setup(t, driver);
    await run(controller, registry, startCommand('orphan'));
    const result = await run(controller, registry, { op: 'delete_session', session_id: 'session-a' });
    assert.equal(result.op, 'delete_session');
    const report = (result as { report: { cancel_process_ids: string[]; revoked_handle_count: number } }).report;
    assert.deepEqual(report.cancel_process_ids, ['orphan']);
    assert.equal(report.revoked_handle_count, 1);
    const events = await registry.eventsAfter('orphan', 0);
    assert.deepEqual(events.map((e) => e.payload), [{ reason: 'session deleted' }]);
  });

  it('await blocks inside the effect until the process is terminal, then replays the output', async (t) => {
    const { registry, controller } = await setup(t, driver);
    await run(controller, registry, startCommand('slow'));
    const waiting = run(controller, registry, { op: 'await', process_id: 'slow' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await registry.completeProcess('slow', { type: 'success', value: 'done' });
    const result = await waiting;
    assert.deepEqual(result, { op: 'await', output: { type: 'success', value: 'done' } });
    assert.deepEqual(await run(controller, untouchable(), { op: 'await', process_id: 'slow' }), result);
  });

  it('needs a process executor: any other is a recorded local_executor_unavailable', async (t) => {
    const { controller } = await setup(t, driver);
    const envelope = processEnvelope(startCommand('no-exec'));
    await assert.rejects(controller.executeEffect(envelope, LocalExecutor.unavailable()), {
      code: 'runtime_effect_local_executor_unavailable',
      message: 'runtime_effect_local_executor_unavailable: no process executor is available for process command',
    });
    await assert.rejects(controller.executeEffect(envelope, failingExecutor()), { code: 'runtime_effect_local_executor_unavailable' });
  });
});

describeEachDriver('process commands: waits and recovery', (driver) => {
  it('stops an await when the host closes, recording nothing', async (t) => {
    const { conn, registry, host, controller } = await setup(t, driver);
    await run(controller, registry, startCommand('forever'));
    const waiting = run(controller, registry, { op: 'await', process_id: 'forever' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    host.close();
    await assert.rejects(waiting, { code: 'sqlite_effect_replay_closed' });
    const row = conn.get<{ status: string }>("SELECT status FROM runtime_effect_replay WHERE replay_key LIKE '%process:await:forever'");
    assert.equal(row!.status, 'in_progress', 'left for a later owner to reclaim');
  });

  it('re-runs a reclaimed start safely: registration is idempotent, so one process exists', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    const registry = await SqliteProcessRegistry.open(conn);
    const clock = new ManualClock();
    const host = await SqliteEffectHost.open(conn, { clock: clock.clock, leaseTtlMs: 100 });
    const controller = host.scoped(EffectScope.turn('session-a', 'turn-1')).controller();
    // The first owner registers, then "crashes" before finalizing: its grant call never returns.
    const stuck = new Proxy(registry, {
      get(target, property, receiver) {
        if (property === 'grantHandle') return () => new Promise(() => {});
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    void run(controller, stuck, startCommand('once'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    clock.advance(100);
    const result = await run(controller, registry, startCommand('once'));
    assert.equal((result as { record: { id: string } }).record.id, 'once');
    assert.deepEqual((await registry.listNonTerminal()).map((r) => r.id), ['once']);
    assert.equal(await registry.hasHandleGrant(OWNER, 'once'), true);
  });
});

describeEachDriver('process commands through the inline controller', (driver) => {
  it('run every time against the registry', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    const registry = await SqliteProcessRegistry.open(conn);
    const controller = new InlineEffectHost().scoped(EffectScope.process('p')).controller();
    const first = await run(controller, registry, startCommand('inline-proc'));
    assert.equal(first.op, 'start');
    await assert.rejects(run(controller, untouchable(), startCommand('inline-proc')), /the registry was called/);
    await assert.rejects(controller.executeEffect(processEnvelope(startCommand('x')), LocalExecutor.unavailable()), {
      code: 'runtime_effect_local_executor_unavailable',
    });
  });
});
