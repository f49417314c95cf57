/**
 * Corrupt rows are never returned as data: `getProcess` reads them as
 * missing (spec decision 5) and every other reader raises
 * `failed to decode process registry row`; both log a warning.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { PluginError, processScope, type SqliteConnection } from '../../src/index.ts';
import { writeTransaction } from '../../src/core/driver/transaction.ts';
import { describeEachDriver } from '../support/drivers.ts';
import { dump, freshRegistry, plainEventType, registration, rejection } from './support.ts';

function corrupt(conn: SqliteConnection, sql: string, params: Array<string | number>): void {
  writeTransaction(conn, () => conn.run(sql, params));
}

const DECODE = /^plugin session error: failed to decode process registry row: /;

describeEachDriver('process registry corrupt rows', (driver) => {
  it('a record that does not parse is missing for getProcess, an error elsewhere, and logged', async (t) => {
    const { registry, conn, logger } = await freshRegistry(t, driver);
    await registry.registerProcess(registration('p'));
    await registry.registerProcess(registration('q'));
    corrupt(conn, 'UPDATE processes SET record_json = ? WHERE process_id = ?', ['{"id": "p", truncated', 'p']);
    assert.equal(await registry.getProcess('p'), undefined);
    assert.equal(logger.warnings.length, 1);
    assert.equal(logger.warnings[0]!.message, 'corrupt process registry row');
    assert.equal(logger.warnings[0]!.details!.process_id, 'p');
    assert.match((await rejection(registry.listNonTerminal())).message, DECODE);
    const before = dump(conn);
    assert.match((await rejection(registry.appendEvent('p', { event_type: 'process.cancel_requested', payload: null, replay: { key: 'k' } }))).message, DECODE);
    assert.match((await rejection(registry.awaitProcess('p'))).message, DECODE);
    assert.match((await rejection(registry.registerProcess(registration('p')))).message, DECODE);
    assert.deepEqual(dump(conn), before);
    assert.ok(logger.warnings.length >= 5);
    // The healthy process is unaffected.
    assert.equal((await registry.getProcess('q'))?.id, 'q');
  });

  it('a record of the wrong shape or under another id is corrupt too', async (t) => {
    const { registry, conn, logger } = await freshRegistry(t, driver);
    const record = await registry.registerProcess(registration('p'));
    corrupt(conn, 'UPDATE processes SET record_json = ? WHERE process_id = ?', [
      JSON.stringify({ ...record, status: { state: 'exploded' } }),
      'p',
    ]);
    assert.equal(await registry.getProcess('p'), undefined);
    assert.match(String(logger.warnings.at(-1)!.details!.error), /status\.state must be "running", "completed", "failed" or "cancelled" \(got "exploded"\)/);
    corrupt(conn, 'UPDATE processes SET record_json = ? WHERE process_id = ?', [JSON.stringify({ ...record, id: 'other' }), 'p']);
    assert.equal(await registry.getProcess('p'), undefined);
    assert.match(String(logger.warnings.at(-1)!.details!.error), /record\.id/);
  });

  it('a corrupt event or descriptor fails the read that meets it', async (t) => {
    const { registry, conn, logger } = await freshRegistry(t, driver);
    await registry.registerProcess(registration('p', [plainEventType('e')]));
    await registry.grantHandle(processScope('s'), 'p', { label: 'x' });
    await registry.appendEvent('p', { event_type: 'e', payload: 1 });
    await registry.appendEvent('p', { event_type: 'e', payload: 2 });
    corrupt(conn, 'UPDATE process_events SET event_json = ? WHERE process_id = ? AND sequence = 2', ['[]', 'p']);
    const error = await rejection(registry.eventsAfter('p', 0));
    assert.ok(error instanceof PluginError);
    assert.match(error.message, DECODE);
    // A read that does not reach the corrupt row still works.
    assert.equal((await registry.eventsAfter('p', 2)).length, 0);
    // An event row whose JSON belongs to another sequence is corrupt as well.
    const first = conn.get<{ event_json: string }>('SELECT event_json FROM process_events WHERE sequence = 1')!.event_json;
    corrupt(conn, 'UPDATE process_events SET event_json = ? WHERE process_id = ? AND sequence = 2', [first, 'p']);
    assert.match((await rejection(registry.eventsAfter('p', 1))).message, /does not match its row/);
    corrupt(conn, 'UPDATE process_handle_grants SET descriptor_json = ?', ['{"kind": 3}']);
    assert.match((await rejection(registry.listHandleGrants(processScope('s')))).message, DECODE);
    assert.match((await rejection(registry.handleGrantsForProcess('p'))).message, DECODE);
    assert.ok(logger.warnings.every((warning) => warning.message === 'corrupt process registry row'));
    assert.ok(logger.warnings.some((warning) => warning.details!.table === 'process_handle_grants'));
  });
});
