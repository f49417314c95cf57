import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PluginError, SchemaVersionError, SqliteHostEventStore, type SqliteConnection } from '../../src/index.ts';
import { HOST_EVENT_SCHEMA } from '../../src/core/host-events/schema.ts';
import {
  defaultHostEventSourceKey,
  deterministicDeliveryProcessId,
  deterministicOccurrenceId,
  emptyHostEventSourceKey,
  hostEventOccurrenceRequestHash,
} from '../../src/core/host-events/keys.ts';
import { portableCodecs } from '../../src/core/codec/codecs.ts';
import { writeTransaction } from '../../src/core/driver/transaction.ts';
import { nodeCodecs, openNodeSqlite } from '../../src/node.ts';
import { spawnChild } from '../support/child.ts';
import { ManualClock } from '../support/clock.ts';
import { describeEachDriver, tempDir } from '../support/drivers.ts';
import { CapturingLogger } from '../support/logger.ts';
import { BUTTON, buttonRequest, sampleDraft } from './samples.ts';

const RESERVER = join(import.meta.dirname, '../fixtures/effects-host-event-reserver.ts');

/** Every row of the component's tables, for "nothing changed" checks. */
function dump(conn: SqliteConnection): unknown {
  const tables = [...HOST_EVENT_SCHEMA.tables, 'sqlite_sequence'];
  return Object.fromEntries(tables.map((table) => [table, conn.all(`SELECT * FROM ${table} ORDER BY 1`)]));
}

describe('host event derived values (catalogue §9)', () => {
  for (const [name, codecs] of [['portable', portableCodecs], ['node', nodeCodecs]] as const) {
    it(`match the reference with ${name} codecs`, () => {
      const empty = emptyHostEventSourceKey(BUTTON, codecs);
      assert.equal(empty, 'source:ui.button.pressed:sha256:93e835cc58c043e45895883a41ffa460ab70a2372d57b8b6c23920025601c479');
      assert.equal(
        defaultHostEventSourceKey(BUTTON, { button: 'Blue' }, codecs),
        'source:ui.button.pressed:sha256:554734334199f3716c406581013c58d3f5572377d6257dc8ca22ec09e5259fe4',
      );
      const occurrenceId = deterministicOccurrenceId(buttonRequest(empty, 'button-blue-1'), codecs);
      assert.equal(occurrenceId, 'host_event:6afdfa6994a29e10641199b3c53f3e9cf8668f0d65da23c95c8ba454769ad4f3');
      assert.equal(
        deterministicDeliveryProcessId(occurrenceId, 'subscription:1', codecs),
        'process:host-event:ef18266188cce9988a7fc8549a384ac811cd4f562530919fc5e0680a0312d2b2',
      );
      // The request hash covers the payload and the source (absent = null), not the key.
      const request = buttonRequest(empty, 'k');
      assert.equal(hostEventOccurrenceRequestHash(request, codecs), hostEventOccurrenceRequestHash({ ...request, idempotency_key: 'other' }, codecs));
      assert.notEqual(hostEventOccurrenceRequestHash(request, codecs), hostEventOccurrenceRequestHash({ ...request, source: undefined }, codecs));
    });
  }
});

describeEachDriver('host event store derived values through the store', (driver) => {
  it('gives the reference ids for the HE-6 flow', async (t) => {
    const store = await SqliteHostEventStore.open(await (await driver.fresh(t)).open());
    const sk = await store.sourceKeyForSubscription(BUTTON, {});
    assert.equal(sk, emptyHostEventSourceKey(BUTTON));
    const sub = await store.registerSubscription(sampleDraft('session-a', sk, 'on_button'));
    assert.equal(sub.subscription_id, 'subscription:1');
    const occ = await store.recordOccurrence(buttonRequest(sk, 'button-blue-1'));
    assert.equal(occ.occurrence_id, 'host_event:6afdfa6994a29e10641199b3c53f3e9cf8668f0d65da23c95c8ba454769ad4f3');
    const [reservation] = await store.reserveMatchingDeliveries(occ.occurrence_id);
    assert.equal(reservation!.process_id, 'process:host-event:ef18266188cce9988a7fc8549a384ac811cd4f562530919fc5e0680a0312d2b2');
  });
});

describeEachDriver('host event store bad input changes nothing', (driver) => {
  async function seeded(t: Parameters<typeof driver.fresh>[0]) {
    const conn = await (await driver.fresh(t)).open();
    const store = await SqliteHostEventStore.open(conn);
    const sk = emptyHostEventSourceKey(BUTTON);
    await store.registerSubscription(sampleDraft('session-a', sk, 'first'));
    const occ = await store.recordOccurrence(buttonRequest(sk, 'seed'));
    return { conn, store, sk, occ };
  }

  it('refuses malformed drafts', async (t) => {
    const { conn, store, sk } = await seeded(t);
    const before = dump(conn);
    const good = sampleDraft('session-a', sk, 'x');
    const bad: Array<[string, unknown, RegExp]> = [
      ['not an object', null, /the draft must be an object/],
      ['empty session', { ...good, session_id: '' }, /session_id must not be empty/],
      ['NUL in session', { ...good, session_id: 'a\0b' }, /NUL/],
      ['lone surrogate', { ...good, source_key: 'k\uD800' }, /well-formed Unicode/],
      ['missing source', { ...good, source: undefined }, /source is required/],
      ['non-finite in source', { ...good, source: { n: Number.NaN } }, /non-finite/],
      ['process_ref.pos', { ...good, process_ref: { component: 'c', pos: -1 } }, /process_ref.pos/],
      ['bad binding', { ...good, input_template: { x: { kind: 'maybe' } } }, /input_template.x.kind/],
      ['name not a string', { ...good, name: 3 }, /name must be a string/],
    ];
    for (const [label, draft, pattern] of bad) {
      await assert.rejects(store.registerSubscription(draft as never), (error: unknown) => {
        assert.ok(error instanceof PluginError, label);
        assert.match(error.message, /^plugin session error: invalid trigger subscription draft: /, label);
        assert.match(error.message, pattern, label);
        return true;
      });
    }
    assert.deepEqual(dump(conn), before);
    // The sequence was not consumed either: the next handle is trigger:2.
    assert.equal((await store.registerSubscription(good)).handle, 'trigger:2');
  });

  it('refuses occurrence requests with the reference messages', async (t) => {
    const { conn, store, sk } = await seeded(t);
    const before = dump(conn);
    const good = buttonRequest(sk, 'new');
    const cases: Array<[unknown, string]> = [
      [{ ...good, source_type: '  ' }, 'host event occurrence requires source_type'],
      [{ ...good, source_key: '' }, 'host event occurrence requires source_key'],
      [{ ...good, idempotency_key: '\t' }, 'host event occurrence requires idempotency_key'],
      [{ ...good, idempotency_key: 'a\0' }, 'invalid host event occurrence: idempotency_key must not contain NUL characters'],
      [{ ...good, payload: { big: 10n } }, 'invalid host event occurrence: payload.big must be JSON (got bigint)'],
      [{ ...good, payload: { button: 'Red' }, idempotency_key: 'seed' }, 'host event occurrence idempotency conflict for `seed`'],
    ];
    for (const [request, message] of cases) {
      await assert.rejects(store.recordOccurrence(request as never), { name: 'PluginError', message: `plugin session error: ${message}` });
    }
    await assert.rejects(store.reserveMatchingDeliveries(''), /occurrence_id must not be empty/);
    await assert.rejects(store.listSubscriptions({ enabled: 'yes' } as never), /enabled must be a boolean/);
    await assert.rejects(store.cancelSubscription('s\0', 'trigger:1'), /NUL/);
    await assert.rejects(store.sourceKeyForSubscription('', {}), /source_type must not be empty/);
    assert.deepEqual(dump(conn), before);
  });

  it('refuses bad options', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    await assert.rejects(SqliteHostEventStore.open(conn, { reservationTtlMs: -1 }), { name: 'InvalidInputError' });
    await assert.rejects(SqliteHostEventStore.open(conn, { pollIntervalMs: 1.5 }), { name: 'InvalidInputError' });
    await assert.rejects(SqliteHostEventStore.open(conn, { clock: 5 as never }), { name: 'InvalidInputError' });
  });

  it('refuses a database holding another host_events schema version, changing nothing', async (t) => {
    const location = await driver.fresh(t);
    const conn = await location.open();
    await SqliteHostEventStore.open(conn);
    writeTransaction(conn, () => conn.run("UPDATE lash_schema_versions SET version = 2 WHERE component = 'host_events'"));
    const before = dump(conn);
    await assert.rejects(SqliteHostEventStore.open(await location.open()), (error: unknown) => {
      assert.ok(error instanceof SchemaVersionError);
      assert.equal(error.component, 'host_events');
      assert.equal(error.found, 2);
      assert.match(error.message, /^Unsupported lash host event router schema: this build supports schema version 1, but the database reports version 2\./);
      return true;
    });
    assert.deepEqual(dump(conn), before);
  });

  it('fails calls after close without touching the connection', async (t) => {
    const { conn, store } = await seeded(t);
    store.close();
    await assert.rejects(store.listSubscriptions({}), { message: 'plugin session error: host event store is closed' });
    assert.equal(conn.closed, false, 'the connection belongs to its opener');
  });
});

describeEachDriver('host event store corrupt rows', (driver) => {
  it('reports a corrupt subscription row as a typed error and logs it', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    const logger = new CapturingLogger();
    const store = await SqliteHostEventStore.open(conn, { logger });
    const sk = emptyHostEventSourceKey(BUTTON);
    await store.registerSubscription(sampleDraft('session-a', sk, 'first'));
    const occ = await store.recordOccurrence(buttonRequest(sk, 'one'));
    writeTransaction(conn, () => conn.run(`UPDATE host_event_trigger_subscriptions SET record_json = '{"subscription_id": 7}'`));
    const before = dump(conn);
    await assert.rejects(store.listSubscriptions({}), /failed to decode host event subscription row: subscription_id must be a string/);
    await assert.rejects(store.reserveMatchingDeliveries(occ.occurrence_id), /failed to decode host event subscription row/);
    await assert.rejects(store.cancelSubscription('session-a', 'trigger:1'), /failed to decode host event subscription row/);
    assert.deepEqual(dump(conn), before, 'nothing reserved or rewritten');
    assert.ok(logger.warnings.length >= 3);
    assert.equal(logger.warnings[0]!.message, 'corrupt host event subscription row');
  });

  it('reports a corrupt occurrence row on replay and on reserve', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    const store = await SqliteHostEventStore.open(conn, { logger: new CapturingLogger() });
    const sk = emptyHostEventSourceKey(BUTTON);
    const occ = await store.recordOccurrence(buttonRequest(sk, 'one'));
    writeTransaction(conn, () => conn.run(`UPDATE host_event_occurrences SET record_json = 'not json'`));
    await assert.rejects(store.recordOccurrence(buttonRequest(sk, 'one')), /failed to decode host event occurrence row: invalid JSON/);
    await assert.rejects(store.reserveMatchingDeliveries(occ.occurrence_id), /failed to decode host event occurrence row/);
  });
});

describeEachDriver('host event reservations survive a crash before the delivery starts', (driver) => {
  async function setup(t: Parameters<typeof driver.fresh>[0], reservationTtlMs?: number) {
    const location = await driver.fresh(t);
    const clock = new ManualClock();
    const options = reservationTtlMs === undefined ? { clock: clock.clock } : { clock: clock.clock, reservationTtlMs };
    const store = await SqliteHostEventStore.open(await location.open(), options);
    const sk = emptyHostEventSourceKey(BUTTON);
    const sub = await store.registerSubscription(sampleDraft('session-a', sk, 'on_button'));
    const occ = await store.recordOccurrence(buttonRequest(sk, 'button-blue-1'));
    return { location, clock, store, sk, sub, occ, options };
  }

  it('offers an unstarted reservation again once its time has passed, to one caller', async (t) => {
    const { location, clock, store, sk, occ, options } = await setup(t);
    const [first] = await store.reserveMatchingDeliveries(occ.occurrence_id);
    assert.ok(first);
    // The router "crashes" here: it never starts the process.
    clock.advance(29_999);
    assert.deepEqual(await store.reserveMatchingDeliveries(occ.occurrence_id), [], 'still held by the reserver');
    clock.advance(1);
    const restarted = await SqliteHostEventStore.open(await location.open(), options);
    const replayed = await restarted.recordOccurrence(buttonRequest(sk, 'button-blue-1'));
    const again = await restarted.reserveMatchingDeliveries(replayed.occurrence_id);
    assert.deepEqual(again, [first], 'the same reservation, same process id');
    assert.deepEqual(await store.reserveMatchingDeliveries(occ.occurrence_id), [], 're-reserved for the new holder');
    assert.equal(await restarted.markDeliveryStarted(occ.occurrence_id, first.subscription.subscription_id), true);
    assert.equal(await restarted.markDeliveryStarted(occ.occurrence_id, first.subscription.subscription_id), false);
    clock.advance(10 * 60_000);
    assert.deepEqual(await restarted.reserveMatchingDeliveries(occ.occurrence_id), [], 'a started delivery is never offered again');
    assert.deepEqual(await restarted.reclaimExpiredReservations(), []);
  });

  it('sweeps expired reservations across occurrences, oldest first, skipping cancelled subscriptions', async (t) => {
    const { clock, store, sk, sub, occ } = await setup(t, 1_000);
    const other = await store.registerSubscription(sampleDraft('session-b', sk, 'other'));
    const [a1, b1] = await store.reserveMatchingDeliveries(occ.occurrence_id);
    clock.advance(10);
    const occ2 = await store.recordOccurrence(buttonRequest(sk, 'button-blue-2'));
    const [a2, b2] = await store.reserveMatchingDeliveries(occ2.occurrence_id);
    await store.markDeliveryStarted(occ.occurrence_id, sub.subscription_id);
    assert.deepEqual(await store.reclaimExpiredReservations(), [], 'nothing expired yet');
    clock.advance(1_000);
    await store.cancelSubscription('session-a', sub.handle);
    const swept = await store.reclaimExpiredReservations();
    assert.deepEqual(swept, [b1, b2].map((r) => ({ ...r!, subscription: { ...r!.subscription } })));
    assert.equal(swept[0]!.subscription.subscription_id, other.subscription_id);
    assert.ok(a1 && a2, 'session-a reservations existed but are skipped: one started, one cancelled');
    assert.deepEqual(await store.reclaimExpiredReservations(), [], 'the sweep re-reserved what it returned');
  });

  it('refuses to mark an unknown delivery', async (t) => {
    const { store, occ } = await setup(t);
    await assert.rejects(store.markDeliveryStarted(occ.occurrence_id, 'subscription:9'), {
      message: `plugin session error: unknown host event delivery \`${occ.occurrence_id}\` for subscription \`subscription:9\``,
    });
  });

  it('keeps reservations and started marks across reopen', async (t) => {
    const { location, clock, store, occ, sub, options } = await setup(t);
    await store.reserveMatchingDeliveries(occ.occurrence_id);
    await store.markDeliveryStarted(occ.occurrence_id, sub.subscription_id);
    clock.advance(60_000);
    const reopened = await SqliteHostEventStore.open(await location.open(), options);
    assert.deepEqual(await reopened.reserveMatchingDeliveries(occ.occurrence_id), []);
    assert.deepEqual(await reopened.reclaimExpiredReservations(), []);
    assert.equal(await reopened.markDeliveryStarted(occ.occurrence_id, sub.subscription_id), false);
  });
});

describe('host event store across two OS processes [node-sqlite]', () => {
  it('never reserves one delivery twice and never repeats a handle', async (t) => {
    const path = join(tempDir(t), 'host-events.db');
    const conn = openNodeSqlite(path);
    t.after(() => conn.close());
    const store = await SqliteHostEventStore.open(conn);
    const sourceKey = emptyHostEventSourceKey('ui.other');
    await store.registerSubscription({ ...sampleDraft('session-p', sourceKey, 'p'), source_type: 'ui.other' });
    const occurrenceIds: string[] = [];
    for (let i = 0; i < 40; i++) {
      const occ = await store.recordOccurrence({ source_type: 'ui.other', source_key: sourceKey, payload: i, idempotency_key: `k${i}` });
      occurrenceIds.push(occ.occurrence_id);
    }
    const children = ['a', 'b'].map((label) => spawnChild(RESERVER, [path, label]));
    for (const child of children) assert.deepEqual(await child.next(), { ready: true });
    children[0]!.send({ occurrenceIds, sourceKey, registrations: 15 });
    children[1]!.send({ occurrenceIds: [...occurrenceIds].reverse(), sourceKey, registrations: 15 });
    const results = await Promise.all(children.map((child) => child.next<{ handles: string[]; reserved: string[] }>()));
    for (const child of children) assert.equal((await child.exited).code, 0);
    const handles = results.flatMap((r) => r.handles);
    assert.equal(new Set(handles).size, 30, 'every registration got its own handle');
    const reserved = results.flatMap((r) => r.reserved);
    const total = conn.get<{ n: number }>('SELECT COUNT(*) AS n FROM host_event_deliveries')!.n;
    assert.equal(new Set(reserved).size, reserved.length, 'no delivery returned to both processes');
    assert.equal(reserved.length, total, 'every delivery row was returned to exactly one process');
    assert.ok(total >= 40, 'at least the pre-existing subscription got one delivery per occurrence');
  });
});
