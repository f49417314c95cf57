/**
 * Record timestamps: `updated_at_ms` is the time of the last write to the
 * process (registration, external ref, or any non-replayed append), on every
 * read path, even though a plain append writes only its event row.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { processScope, type ProcessRecord } from '../../src/index.ts';
import { ManualClock } from '../support/clock.ts';
import { describeEachDriver } from '../support/drivers.ts';
import { freshRegistry, openOn, plainEventType, registration } from './support.ts';

describeEachDriver('process record timestamps', (driver) => {
  it('updated_at_ms follows the last write on every read path', async (t) => {
    const clock = new ManualClock(1_000);
    const { registry, location } = await freshRegistry(t, driver, { clock: clock.clock });
    const other = await openOn(t, location);
    const scope = processScope('s');
    const created = await registry.registerProcess(registration('p', [plainEventType('tick')]));
    await registry.grantHandle(scope, 'p', {});
    assert.deepEqual([created.created_at_ms, created.updated_at_ms], [1_000, 1_000]);

    const everywhere = async (): Promise<number[]> => {
      const reads: Array<ProcessRecord | undefined> = [
        await registry.getProcess('p'),
        (await registry.listNonTerminal())[0],
        (await registry.listHandleGrants(scope))[0]?.[1],
        (await registry.listLiveHandleGrants(scope))[0]?.[1],
        await other.registry.getProcess('p'),
        await registry.registerProcess(registration('p', [plainEventType('tick')])), // idempotent: the stored record
      ];
      return [...new Set(reads.map((record) => record!.updated_at_ms))];
    };

    clock.now = 2_000;
    await registry.appendEvent('p', { event_type: 'tick', payload: 1, replay: { key: 'k' } });
    assert.deepEqual(await everywhere(), [2_000]);
    clock.now = 2_500;
    await registry.appendEvent('p', { event_type: 'tick', payload: 1, replay: { key: 'k' } }); // a replay writes nothing
    assert.deepEqual(await everywhere(), [2_000]);
    clock.now = 3_000;
    const withRef = await registry.setExternalRef('p', { backend: 'b', id: 'i' });
    assert.equal(withRef.updated_at_ms, 3_000);
    assert.deepEqual(await everywhere(), [3_000]);
    clock.now = 2_200; // the clock went back: the last write still wins, as in the reference
    await registry.appendEvent('p', { event_type: 'tick', payload: 2 });
    assert.deepEqual(await everywhere(), [2_200]);
    assert.equal((await registry.getProcess('p'))!.created_at_ms, 1_000);

    clock.now = 4_000;
    const done = await registry.completeProcess('p', { type: 'success', value: null });
    assert.equal(done.updated_at_ms, 4_000);
    assert.equal((await other.registry.getProcess('p'))!.updated_at_ms, 4_000);
    clock.now = 5_000;
    await registry.appendEvent('p', { event_type: 'tick', payload: 3 }); // after the terminal event
    assert.equal((await registry.getProcess('p'))!.updated_at_ms, 5_000);
    assert.equal((await registry.getProcess('p'))!.status.state, 'completed');
  });
});
