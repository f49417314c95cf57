/**
 * Blocking reads: `waitEventAfter` and `awaitProcess` wake on appends made
 * on their connection, see other connections' and other processes' writes
 * through the connection's one poll, honour an AbortSignal, stop on
 * `close()`, and leave no timer or listener behind.
 */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { PluginError } from '../../src/index.ts';
import { writeTransaction } from '../../src/core/driver/transaction.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { SqliteProcessRegistry } from '../../src/core/stores/process-registry.ts';
import { describeEachDriver } from '../support/drivers.ts';
import { freshRegistry, openOn, plainEventType, registration, rejection, within } from './support.ts';

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

describeEachDriver('process registry waiting', (driver) => {
  it('waitEventAfter returns the lowest matching sequence after the cursor', async (t) => {
    const { registry } = await freshRegistry(t, driver);
    await registry.registerProcess(registration('p', [plainEventType('sig'), plainEventType('other')]));
    for (const type of ['sig', 'other', 'sig', 'sig']) await registry.appendEvent('p', { event_type: type, payload: null });
    assert.equal((await registry.waitEventAfter('p', 'sig', 0)).sequence, 1);
    assert.equal((await registry.waitEventAfter('p', 'sig', 1)).sequence, 3);
    assert.equal((await registry.waitEventAfter('p', 'other', 0)).sequence, 2);
  });

  it('sees appends made through another connection within the poll interval', async (t) => {
    const a = await freshRegistry(t, driver, { pollIntervalMs: 20 });
    const b = await openOn(t, a.location);
    await a.registry.registerProcess(registration('p', [plainEventType('sig')]));
    const waiter = a.registry.waitEventAfter('p', 'sig', 0);
    const awaiting = a.registry.awaitProcess('p');
    await tick();
    await b.registry.appendEvent('p', { event_type: 'sig', payload: { n: 1 } });
    await b.registry.completeProcess('p', { type: 'failure', class: 'timeout', code: 'slow', message: 'too slow' });
    assert.deepEqual((await within(waiter, 2000, 'waitEventAfter')).payload, { n: 1 });
    assert.deepEqual(await within(awaiting, 2000, 'awaitProcess'), {
      type: 'failure',
      class: 'timeout',
      code: 'slow',
      message: 'too slow',
    });
  });

  it('an aborted wait rejects promptly with the signal reason and leaves no timer or listener', async (t) => {
    const { registry } = await freshRegistry(t, driver, { pollIntervalMs: 10_000 });
    await registry.registerProcess(registration('p'));
    const baseline = activeTimers();
    const controller = new AbortController();
    const waiting = registry.awaitProcess('p', controller.signal);
    const waitingEvent = registry.waitEventAfter('p', 'process.cancel_requested', 0, controller.signal);
    await tick();
    assert.equal(activeTimers(), baseline + 1, 'the waiters share the connection\'s one poll timer');
    assert.equal(getEventListeners(controller.signal, 'abort').length, 2);
    const reason = new Error('stop waiting');
    controller.abort(reason);
    // The poll interval is 10 s: settling at all proves the abort, not the poll, ended the wait.
    assert.equal(await within(rejection(waiting), 1000, 'aborted awaitProcess'), reason);
    assert.equal(await within(rejection(waitingEvent), 1000, 'aborted waitEventAfter'), reason);
    assert.equal(activeTimers(), baseline);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  it('a resolved wait leaves no timer or listener either', async (t) => {
    const { registry } = await freshRegistry(t, driver, { pollIntervalMs: 10_000 });
    await registry.registerProcess(registration('p'));
    const baseline = activeTimers();
    const controller = new AbortController();
    const waiting = registry.awaitProcess('p', controller.signal);
    await tick();
    await registry.completeProcess('p', { type: 'success', value: 1 });
    assert.deepEqual(await within(waiting, 1000, 'notified awaitProcess'), { type: 'success', value: 1 });
    assert.equal(activeTimers(), baseline);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  it('an already-aborted signal rejects without touching the database', async (t) => {
    const { registry } = await freshRegistry(t, driver);
    const signal = AbortSignal.abort(new Error('already'));
    assert.equal((await rejection(registry.awaitProcess('missing', signal))).message, 'already');
  });

  it('an append through another registry on the same connection wakes the waiters at once', async (t) => {
    const a = await freshRegistry(t, driver, { pollIntervalMs: 10_000 });
    const b = await SqliteProcessRegistry.open(a.conn, { pollIntervalMs: 10_000, logger: silentLogger });
    t.after(() => b.close());
    await a.registry.registerProcess(registration('p', [plainEventType('sig')]));
    const waiters = [1, 2, 3].map(() => a.registry.waitEventAfter('p', 'sig', 0));
    await tick();
    await b.appendEvent('p', { event_type: 'sig', payload: 'from b' });
    // The poll is 10 s away: resolving now proves the notification reached every waiter on the connection.
    for (const waiter of waiters) assert.equal((await within(waiter, 1000, 'waitEventAfter')).payload, 'from b');
  });

  it('a write on the same connection that nobody announced is seen by the poll', async (t) => {
    const { registry, conn } = await freshRegistry(t, driver, { pollIntervalMs: 20 });
    await registry.registerProcess(registration('p'));
    const awaiting = registry.awaitProcess('p');
    await tick();
    // Another component's raw write: no notification, only the connection's change marker moves.
    await new Promise((resolve) => setTimeout(resolve, 50));
    writeTransaction(conn, () => {
      const row = conn.get<{ record_json: string }>('SELECT record_json FROM processes WHERE process_id = ?', ['p'])!;
      const record = JSON.parse(row.record_json) as { status: unknown };
      record.status = { state: 'cancelled', await_output: { type: 'cancelled', message: 'by hand' } };
      conn.run('UPDATE processes SET status = ?, record_json = ? WHERE process_id = ?', ['cancelled', JSON.stringify(record), 'p']);
    });
    assert.deepEqual(await within(awaiting, 2000, 'awaitProcess'), { type: 'cancelled', message: 'by hand' });
  });

  it('close() stops waiters and refuses further calls', async (t) => {
    const { registry, conn } = await freshRegistry(t, driver, { pollIntervalMs: 10_000 });
    await registry.registerProcess(registration('p'));
    const baseline = activeTimers();
    const waiting = registry.waitEventAfter('p', 'never', 0);
    await tick();
    registry.close();
    const error = await within(rejection(waiting), 1000, 'waiter after close');
    assert.ok(error instanceof PluginError);
    assert.equal(error.message, 'plugin session error: process registry is closed');
    assert.equal(activeTimers(), baseline);
    assert.match((await rejection(registry.getProcess('p'))).message, /closed/);
    assert.equal(conn.closed, false, 'the connection belongs to its opener');
  });

  it('waiting on an unknown process rejects at once', async (t) => {
    const { registry } = await freshRegistry(t, driver);
    assert.equal((await rejection(registry.awaitProcess('nope'))).message, 'plugin session error: unknown process `nope`');
    assert.equal(
      (await rejection(registry.waitEventAfter('nope', 'x', 0))).message,
      'plugin session error: unknown process `nope`',
    );
  });

  it('a replayed append changes nothing a waiter could see', async (t) => {
    const { registry } = await freshRegistry(t, driver, { pollIntervalMs: 10 });
    await registry.registerProcess(registration('p', [plainEventType('sig')]));
    const request = { event_type: 'sig', payload: 1, replay: { key: 'k' } };
    await registry.appendEvent('p', request);
    const controller = new AbortController();
    const waiting = registry.waitEventAfter('p', 'sig', 1, controller.signal);
    await registry.appendEvent('p', request);
    await new Promise((resolve) => setTimeout(resolve, 30));
    controller.abort(new Error('nothing new'));
    assert.equal((await rejection(waiting)).message, 'nothing new');
  });
});
