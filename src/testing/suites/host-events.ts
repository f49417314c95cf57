import { PluginError } from '../../core/contract/errors.ts';
import { SqliteHostEventStore } from '../../core/stores/host-event-store.ts';
import { deterministicDeliveryProcessId, emptyHostEventSourceKey } from '../../core/host-events/keys.ts';
import { type SqliteConnection } from '../../core/driver/types.ts';
import { ManualClock } from '../fixtures/clock.ts';
import { BUTTON, buttonRequest, sampleDraft } from '../fixtures/host-events.ts';
import type { ConformanceAssert, Kit } from '../harness.ts';

export function hostEventsSuite(kit: Kit): void {
  const { it, suite } = kit;
  const assert: ConformanceAssert = kit.assert;

  /** What a driver's connection declares: `durable` for a node:sqlite file, `inline` for sql.js in memory. */
  function declaredTier(conn: SqliteConnection): string {
    return conn.info.durability;
  }

  suite('host event store conformance (HE-1..HE-7)', (driver) => {
    it('HE-1 reports the declared durability tier', async (t) => {
      const conn = await (await driver.fresh(t)).open();
      const store = await SqliteHostEventStore.open(conn);
      assert.equal(store.durabilityTier(), declaredTier(conn));
      assert.equal(store.durabilityTier(), driver.durability);
    });

    it('HE-2 gives a stable, non-empty source key', async (t) => {
      const store = await SqliteHostEventStore.open(await (await driver.fresh(t)).open());
      const first = await store.sourceKeyForSubscription(BUTTON, { button: 'Blue' });
      const second = await store.sourceKeyForSubscription(BUTTON, { button: 'Blue' });
      assert.equal(first, second);
      assert.notEqual(first, '');
    });

    it('HE-3 registers, lists and cancels scoped by session', async (t) => {
      const store = await SqliteHostEventStore.open(await (await driver.fresh(t)).open());
      const sk = await store.sourceKeyForSubscription(BUTTON, {});
      const first = await store.registerSubscription(sampleDraft('session-a', sk, 'first'));
      const second = await store.registerSubscription(sampleDraft('session-b', sk, 'second'));
      assert.notEqual(first.subscription_id, '');
      assert.notEqual(first.handle, '');
      assert.notEqual(first.handle, second.handle);
      const forA = await store.listSubscriptions({ session_id: 'session-a' });
      assert.equal(forA.length, 1);
      assert.equal(forA[0]!.handle, first.handle);
      assert.equal((await store.listSubscriptions({ source_type: BUTTON, source_key: sk, enabled: true })).length, 2);
      assert.equal(await store.cancelSubscription('session-b', first.handle), false);
      assert.equal(await store.cancelSubscription('session-a', first.handle), true);
      const listed = await store.listSubscriptions({ session_id: 'session-a', handle: first.handle });
      assert.equal(listed.length, 1);
      assert.equal(listed[0]!.enabled, false);
    });

    it('HE-4 records and reserves idempotently', async (t) => {
      const store = await SqliteHostEventStore.open(await (await driver.fresh(t)).open());
      const sk = await store.sourceKeyForSubscription(BUTTON, {});
      const sub = await store.registerSubscription(sampleDraft('session-a', sk, 'on_button'));
      const occ = await store.recordOccurrence(buttonRequest(sk, 'button-blue-1'));
      assert.notEqual(occ.occurrence_id, '');
      assert.equal(occ.source_type, BUTTON);
      assert.equal(occ.source_key, sk);
      const reserved = await store.reserveMatchingDeliveries(occ.occurrence_id);
      assert.equal(reserved.length, 1);
      assert.equal(reserved[0]!.subscription.handle, sub.handle);
      assert.equal(reserved[0]!.occurrence.occurrence_id, occ.occurrence_id);
      assert.equal(reserved[0]!.process_id, deterministicDeliveryProcessId(occ.occurrence_id, sub.subscription_id));
      assert.deepEqual(await store.reserveMatchingDeliveries(occ.occurrence_id), []);
      const replayed = await store.recordOccurrence(buttonRequest(sk, 'button-blue-1'));
      assert.equal(replayed.occurrence_id, occ.occurrence_id);
      assert.deepEqual(await store.reserveMatchingDeliveries(replayed.occurrence_id), []);
      assert.equal(await store.cancelSubscription('session-a', sub.handle), true);
      const second = await store.recordOccurrence(buttonRequest(sk, 'button-blue-2'));
      assert.deepEqual(await store.reserveMatchingDeliveries(second.occurrence_id), []);
    });

    it('HE-5 survives reopen (second handle opened before the writes)', async (t) => {
      const location = await driver.fresh(t);
      const open = await SqliteHostEventStore.open(await location.open());
      const reopen = await SqliteHostEventStore.open(await location.open());
      const sk = await open.sourceKeyForSubscription(BUTTON, {});
      const sub = await open.registerSubscription(sampleDraft('session-a', sk, 'on_button'));
      const occ = await open.recordOccurrence(buttonRequest(sk, 'button-blue-1'));
      assert.equal((await open.reserveMatchingDeliveries(occ.occurrence_id)).length, 1);

      const listed = await reopen.listSubscriptions({ session_id: 'session-a' });
      assert.equal(listed.length, 1);
      assert.equal(listed[0]!.handle, sub.handle);
      const again = await reopen.recordOccurrence(buttonRequest(sk, 'button-blue-1'));
      assert.equal(again.occurrence_id, occ.occurrence_id);
      assert.deepEqual(await reopen.reserveMatchingDeliveries(again.occurrence_id), []);
      const next = await reopen.recordOccurrence(buttonRequest(sk, 'button-blue-2'));
      const reserved = await reopen.reserveMatchingDeliveries(next.occurrence_id);
      assert.equal(reserved.length, 1);
      assert.equal(reserved[0]!.subscription.handle, sub.handle);
    });

    it('HE-6 persists subscriptions and reserves idempotently after reopen', async (t) => {
      const location = await driver.fresh(t);
      const sk = emptyHostEventSourceKey(BUTTON);
      const conn = await location.open();
      const open = await SqliteHostEventStore.open(conn);
      assert.equal(open.durabilityTier(), declaredTier(conn));
      const reg = await open.registerSubscription(sampleDraft('session-a', sk, 'on_button'));
      assert.equal(reg.handle, 'trigger:1');

      const reopened = await SqliteHostEventStore.open(await location.open());
      const listed = await reopened.listSubscriptions({ source_type: BUTTON, enabled: true });
      assert.equal(listed.length, 1);
      assert.equal(listed[0]!.source_key, sk);
      const request = {
        source_type: BUTTON,
        source_key: listed[0]!.source_key,
        payload: { button: 'Blue' },
        idempotency_key: 'button-blue-1',
      };
      const occ = await reopened.recordOccurrence(request);
      const reserved = await reopened.reserveMatchingDeliveries(occ.occurrence_id);
      assert.equal(reserved.length, 1);
      assert.equal(reserved[0]!.subscription.handle, reg.handle);
      const replayed = await reopened.recordOccurrence(request);
      assert.equal(replayed.occurrence_id, occ.occurrence_id);
      assert.deepEqual(await reopened.reserveMatchingDeliveries(replayed.occurrence_id), []);
      assert.equal('source' in occ, false, 'an absent source stays absent');
    });

    it('HE-7 cancels by session and handle', async (t) => {
      const store = await SqliteHostEventStore.open(await (await driver.fresh(t)).open());
      const sk = emptyHostEventSourceKey(BUTTON);
      const first = await store.registerSubscription(sampleDraft('session-a', sk, 'first'));
      const second = await store.registerSubscription(sampleDraft('session-b', sk, 'second'));
      assert.equal(await store.cancelSubscription('session-b', first.handle), false);
      assert.equal(await store.cancelSubscription('session-b', second.handle), true);
      const occ = await store.recordOccurrence({
        source_type: BUTTON,
        source_key: sk,
        payload: { button: 'Red' },
        idempotency_key: 'button-red-1',
      });
      const reserved = await store.reserveMatchingDeliveries(occ.occurrence_id);
      assert.equal(reserved.length, 1);
      assert.equal(reserved[0]!.subscription.handle, first.handle);
    });
  });

  suite('host event store behaviour', (driver) => {
    it('stores the record as registered: sequence handles, timestamps from the clock, enabled', async (t) => {
      const clock = new ManualClock();
      const store = await SqliteHostEventStore.open(await (await driver.fresh(t)).open(), { clock: clock.clock });
      const sk = emptyHostEventSourceKey(BUTTON);
      const draft = sampleDraft('session-a', sk, 'first');
      const record = await store.registerSubscription(draft);
      assert.deepEqual(record, {
        subscription_id: 'subscription:1',
        session_id: 'session-a',
        handle: 'trigger:1',
        name: 'first',
        source_type: BUTTON,
        source_key: sk,
        source: {},
        event_ty: draft.event_ty,
        module_ref: 'lashlang:v1:sha256:module',
        required_surface_ref: 'lashlang-surface:v1:sha256:surface',
        process_ref: { component: 'process', pos: 1 },
        process_name: 'first',
        input_template: { event: { kind: 'event' } },
        enabled: true,
        created_at_ms: clock.now,
        updated_at_ms: clock.now,
      });
      assert.deepEqual(await store.listSubscriptions({}), [record]);
      clock.advance(5);
      assert.equal(await store.cancelSubscription('session-a', 'trigger:1'), true);
      assert.equal(await store.cancelSubscription('session-a', 'trigger:1'), false, 'already disabled');
      const [cancelled] = await store.listSubscriptions({ handle: 'trigger:1' });
      assert.equal(cancelled!.updated_at_ms, clock.now);
      assert.equal(cancelled!.created_at_ms, clock.now - 5);
      assert.equal(await store.cancelSubscription('session-a', 'trigger:404'), false);
    });

    it('registers the same draft twice as two subscriptions and orders handles lexicographically', async (t) => {
      const store = await SqliteHostEventStore.open(await (await driver.fresh(t)).open());
      const sk = emptyHostEventSourceKey(BUTTON);
      for (let i = 0; i < 10; i++) await store.registerSubscription(sampleDraft('session-a', sk, 'same'));
      const handles = (await store.listSubscriptions({ session_id: 'session-a' })).map((r) => r.handle);
      assert.deepEqual(handles, [
        'trigger:1',
        'trigger:10',
        'trigger:2',
        'trigger:3',
        'trigger:4',
        'trigger:5',
        'trigger:6',
        'trigger:7',
        'trigger:8',
        'trigger:9',
      ]);
    });

    it('filters by name, source, enabled and target, ANDed', async (t) => {
      const store = await SqliteHostEventStore.open(await (await driver.fresh(t)).open());
      const sk = emptyHostEventSourceKey(BUTTON);
      const other = await store.sourceKeyForSubscription(BUTTON, { button: 'Blue' });
      const a = await store.registerSubscription(sampleDraft('session-a', sk, 'alpha'));
      const b = await store.registerSubscription({ ...sampleDraft('session-b', other, 'beta'), process_ref: { component: 'process', pos: 2 } });
      const { name: _omitted, ...unnamed } = sampleDraft('session-c', sk, 'gamma');
      const c = await store.registerSubscription(unnamed);
      assert.equal('name' in c, false);
      const handles = async (filter: Parameters<typeof store.listSubscriptions>[0]) =>
        (await store.listSubscriptions(filter)).map((r) => r.handle);
      assert.deepEqual(await handles({ name: 'alpha' }), [a.handle]);
      assert.deepEqual(await handles({ source_key: other }), [b.handle]);
      assert.deepEqual(await handles({ source_type: BUTTON, source_key: sk }), [a.handle, c.handle]);
      const target = { module_ref: a.module_ref, required_surface_ref: a.required_surface_ref, process_ref: { component: 'process', pos: 1 }, process_name: 'alpha' };
      assert.deepEqual(await handles({ target }), [a.handle]);
      assert.deepEqual(await handles({ target: { ...target, process_ref: { component: 'process', pos: 2 } } }), []);
      await store.cancelSubscription('session-a', a.handle);
      assert.deepEqual(await handles({ enabled: false }), [a.handle]);
      assert.deepEqual(await handles({ enabled: true }), [b.handle, c.handle]);
      assert.deepEqual(await handles({ enabled: true, session_id: 'session-a' }), []);
    });

    it('replays an occurrence with its original time and refuses a changed request under the same key', async (t) => {
      const clock = new ManualClock();
      const store = await SqliteHostEventStore.open(await (await driver.fresh(t)).open(), { clock: clock.clock });
      const sk = emptyHostEventSourceKey(BUTTON);
      const first = await store.recordOccurrence(buttonRequest(sk, 'button-1'));
      assert.deepEqual(first, {
        occurrence_id: first.occurrence_id,
        source_type: BUTTON,
        source_key: sk,
        payload: { button: 'Blue' },
        idempotency_key: 'button-1',
        source: {},
        occurred_at_ms: clock.now,
      });
      clock.advance(1000);
      assert.deepEqual(await store.recordOccurrence(buttonRequest(sk, 'button-1')), first);
      // Key order of a JSON payload does not matter: hashes are canonical.
      const reordered = { ...buttonRequest(sk, 'button-1'), payload: JSON.parse('{"button":"Blue"}') };
      assert.deepEqual(await store.recordOccurrence(reordered), first);
      await assert.rejects(store.recordOccurrence(buttonRequest(sk, 'button-1', 'Red')), (error: unknown) => {
        assert.ok(error instanceof PluginError);
        assert.equal(error.message, 'plugin session error: host event occurrence idempotency conflict for `button-1`');
        return true;
      });
      // The key is global: another source under the same key conflicts too.
      await assert.rejects(
        store.recordOccurrence({ ...buttonRequest(sk, 'button-1'), source_type: 'ui.other' }),
        /idempotency conflict/,
      );
      const { payload: _p, source: _s, ...bare } = buttonRequest(sk, 'bare');
      const recorded = await store.recordOccurrence(bare);
      assert.equal(recorded.payload, null);
      assert.equal('source' in recorded, false);
    });

    it('reserves for a subscription registered after the occurrence, in (session, handle) order', async (t) => {
      const store = await SqliteHostEventStore.open(await (await driver.fresh(t)).open());
      const sk = emptyHostEventSourceKey(BUTTON);
      const occ = await store.recordOccurrence(buttonRequest(sk, 'late'));
      const z = await store.registerSubscription(sampleDraft('session-z', sk, 'z'));
      const a = await store.registerSubscription(sampleDraft('session-a', sk, 'a'));
      await store.registerSubscription(sampleDraft('session-a', emptyHostEventSourceKey('ui.other'), 'elsewhere'));
      const reserved = await store.reserveMatchingDeliveries(occ.occurrence_id);
      assert.deepEqual(reserved.map((r) => r.subscription.handle), [a.handle, z.handle]);
      assert.deepEqual(
        reserved.map((r) => r.process_id),
        [a, z].map((s) => deterministicDeliveryProcessId(occ.occurrence_id, s.subscription_id)),
      );
    });

    it('refuses an unknown occurrence', async (t) => {
      const store = await SqliteHostEventStore.open(await (await driver.fresh(t)).open());
      await assert.rejects(store.reserveMatchingDeliveries('host_event:nope'), {
        name: 'PluginError',
        message: 'plugin session error: unknown host event occurrence `host_event:nope`',
      });
    });
  });
}
