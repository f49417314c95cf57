/**
 * Spec decision 20: text round-trips exactly on both drivers, a leading
 * U+FEFF included (sql.js used to drop it from TEXT values: its own
 * TextDecoder strips a byte-order mark; the driver starts sql.js with one that
 * keeps it).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { commitAt, openFresh } from '../session/helpers.ts';
import { describeEachDriver } from '../support/drivers.ts';

describeEachDriver('text round-trips exactly', (driver) => {
  it('a session id and a bound text value with a leading U+FEFF come back unchanged', async (t) => {
    const { store, conn } = await openFresh(driver, t);
    const id = '\uFEFFsession';
    await store.commitRuntimeState(commitAt(id, 0));
    assert.equal((await store.loadSession({ kind: 'FullGraph' }))!.session_id, id);
    assert.equal(conn.get<{ v: string }>('SELECT ? AS v', ['\uFEFFx'])!.v, '\uFEFFx');
  });
});
