/**
 * The `for await` streams on both drivers: a process's events (ending after
 * its terminal event, on abort, or when the store closes) and host-event
 * deliveries (handed over in-process, reclaimed after their holder let them
 * expire, ending on abort). Queued-work claims are in session.test.ts.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { anySchema, externalInput, hostEventDeliveries, processEvents, processRegistration } from '../../src/index.ts';
import { describeEachDriver } from '../support/drivers.ts';
import { BUTTON, buttonRequest, sampleDraft } from '../host-events/samples.ts';
import { openOn } from './helpers.ts';

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

describeEachDriver('session API streams', (driver) => {
  it('processEvents yields a process’s events in order as they are appended, and ends after its terminal event', async (t) => {
    const { sessions } = await openOn(driver, t);
    const registry = await sessions.processes();
    await registry.registerProcess(processRegistration('p1', externalInput(null), [{ name: 'progress', payload_schema: anySchema(), semantics: {} }]));
    const seen = collect(sessions.processEvents('p1', { pollIntervalMs: 5 }));
    await registry.appendEvent('p1', { event_type: 'progress', payload: { pct: 50 } });
    await tick(15);
    await registry.appendEvent('p1', { event_type: 'progress', payload: { pct: 100 } });
    await registry.completeProcess('p1', { type: 'success', value: 'done' });
    const events = await seen;
    assert.deepEqual(events.map((e) => [e.sequence, e.event_type]), [
      [1, 'progress'],
      [2, 'progress'],
      [3, 'process.completed'],
    ]);
    // From a sequence on, without waiting for the end.
    const tail = collect(processEvents(registry, 'p1', { after: 2 }));
    assert.deepEqual((await tail).map((e) => e.sequence), [3]);
  });

  it('processEvents ends on abort while it waits, and when the store closes', async (t) => {
    const { sessions } = await openOn(driver, t);
    const registry = await sessions.processes();
    await registry.registerProcess(processRegistration('p2', externalInput(null)));
    const controller = new AbortController();
    const aborted = collect(processEvents(registry, 'p2', { signal: controller.signal, pollIntervalMs: 10_000 }));
    const closing = collect(sessions.processEvents('p2', { pollIntervalMs: 10_000 }));
    await tick();
    controller.abort();
    assert.deepEqual(await aborted, []);
    await sessions.close();
    assert.deepEqual(await closing, []);
  });

  it('an unknown process is an error of the registry, not an empty stream', async (t) => {
    const { sessions } = await openOn(driver, t);
    await assert.rejects(collect(sessions.processEvents('ghost')), /ghost/);
  });

  it('hostEventDeliveries gets what emitHostEvent reserved, once, and what expired unstarted; it ends on abort', { timeout: 20_000 }, async (t) => {
    const { sessions, clock } = await openOn(driver, t);
    const hostEvents = await sessions.hostEvents();
    const sourceKey = await hostEvents.sourceKeyForSubscription(BUTTON, {});
    await hostEvents.registerSubscription(sampleDraft('chat', sourceKey, 'on_button'));
    const controller = new AbortController();
    const deliveries: string[] = [];
    const loop = (async () => {
      for await (const delivery of sessions.hostEventDeliveries({ signal: controller.signal, pollIntervalMs: 5 })) {
        deliveries.push(delivery.occurrence.idempotency_key);
        if (delivery.occurrence.idempotency_key === 'press-1') await hostEvents.markDeliveryStarted(delivery.occurrence.occurrence_id, delivery.subscription.subscription_id);
        if (deliveries.length === 3) controller.abort();
      }
    })();
    const first = await sessions.emitHostEvent(buttonRequest(sourceKey, 'press-1'));
    assert.equal(first.deliveries.length, 1);
    const replay = await sessions.emitHostEvent(buttonRequest(sourceKey, 'press-1'));
    assert.equal(replay.deliveries.length, 0, 'a replayed occurrence reserves nothing new');
    await sessions.emitHostEvent(buttonRequest(sourceKey, 'press-2'));
    await tick(20);
    assert.deepEqual(deliveries, ['press-1', 'press-2']);
    // press-2 was never marked started: once its reservation expires, the stream is offered it again.
    clock.advance(31_000);
    await loop;
    assert.deepEqual(deliveries, ['press-1', 'press-2', 'press-2']);
  });

  it('the standalone hostEventDeliveries stream reclaims expired reservations and ends on abort', { timeout: 20_000 }, async (t) => {
    const { sessions, clock } = await openOn(driver, t);
    const hostEvents = await sessions.hostEvents();
    const sourceKey = await hostEvents.sourceKeyForSubscription(BUTTON, {});
    await hostEvents.registerSubscription(sampleDraft('chat', sourceKey, 'on_button'));
    const occurrence = await hostEvents.recordOccurrence(buttonRequest(sourceKey, 'k'));
    await hostEvents.reserveMatchingDeliveries(occurrence.occurrence_id); // a router that then crashed
    clock.advance(31_000);
    const controller = new AbortController();
    const got: string[] = [];
    for await (const delivery of hostEventDeliveries(hostEvents, { signal: controller.signal, pollIntervalMs: 5 })) {
      got.push(delivery.process_id);
      controller.abort();
    }
    assert.equal(got.length, 1);
  });
});

