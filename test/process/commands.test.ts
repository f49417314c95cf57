/**
 * Caller-side helpers (§4): process command effect ids and invocations, the
 * other derived keys, and the observation read model.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, processScope, type RuntimeInvocation } from '../../src/index.ts';
import {
  hostEventDeliveryReplayKey,
  processCommandEffectId,
  processEffectInvocation,
  processSignalReplayKey,
  processWakeSourceKey,
} from '../../src/core/process/commands.ts';
import { portableCodecs } from '../../src/core/codec/codecs.ts';
import { snapshotForSession } from '../../src/core/process/observation.ts';
import { stableJsonSha256Hex } from '../../src/core/codec/canonical-json.ts';
import { describeEachDriver } from '../support/drivers.ts';
import { freshRegistry, registration } from './support.ts';

describe('process command keys', () => {
  it('derives the reference effect ids', () => {
    const frame = { session_id: 's', agent_frame_id: 'f' };
    assert.equal(processCommandEffectId({ op: 'start', registration: registration('p1') }), 'process:start:p1');
    assert.equal(processCommandEffectId({ op: 'list', owner_scope: frame, mode: 'live' }), 'process:list:session:s/frame:f:live');
    assert.equal(processCommandEffectId({ op: 'list', owner_scope: processScope('s'), mode: 'all' }), 'process:list:session:s:all');
    const digest = stableJsonSha256Hex(portableCodecs, ['a', 'b']);
    assert.equal(
      processCommandEffectId({ op: 'transfer', from_scope: processScope('x'), to_scope: frame, process_ids: ['a', 'b'] }),
      `process:transfer:session:x:session:s/frame:f:${digest}`,
    );
    assert.equal(processCommandEffectId({ op: 'delete_session', session_id: 's' }), 'process:delete-session:s');
    assert.equal(processCommandEffectId({ op: 'await', process_id: 'p' }), 'process:await:p');
    assert.equal(processCommandEffectId({ op: 'cancel', process_id: 'p', reason: null }), 'process:cancel:p');
    assert.equal(
      processCommandEffectId({ op: 'signal', process_id: 'p', signal_id: 'sig-1', request: { event_type: 'process.signal', payload: null } }),
      'process:signal:p:sig-1',
    );
    assert.equal(processSignalReplayKey('p', 'sig-1'), 'process:p:signal:sig-1');
    assert.equal(processWakeSourceKey('process-1', 7), 'process:process-1:event:7:wake'); // catalogue §9 (RP-14)
    assert.equal(hostEventDeliveryReplayKey('host_event:abc', 'subscription:1'), 'host_event:host_event:abc:subscription:1');
  });

  it('builds process effect invocations with and without a parent', () => {
    assert.deepEqual(processEffectInvocation('s', undefined, 'process:await:p'), {
      scope: { session_id: 's' },
      subject: { type: 'effect', effect_id: 'process:await:p', kind: 'process' },
      replay: { key: 's:process:await:p' },
    });
    const parent: RuntimeInvocation = {
      scope: { session_id: 'parent-session', turn_id: 't', turn_index: 2, protocol_iteration: 0 },
      subject: { type: 'effect', effect_id: 'tool-1', kind: 'tool_call' },
      replay: { key: 'parent-key' },
    };
    assert.deepEqual(processEffectInvocation('s', parent, 'process:start:p'), {
      scope: { session_id: 's', turn_id: 't', turn_index: 2, protocol_iteration: 0 },
      subject: { type: 'effect', effect_id: 'process:start:p', kind: 'process' },
      caused_by: { type: 'effect', session_id: 'parent-session', turn_id: 't', effect_id: 'tool-1' },
      replay: { key: 'parent-key:process:start:p' },
    });
    const turnless: RuntimeInvocation = {
      scope: { session_id: 'x', turn_index: 9 },
      subject: { type: 'process_event', process_id: 'q', sequence: 3, event_type: 'e' },
    };
    const child = processEffectInvocation('s', turnless, 'process:cancel:p');
    assert.deepEqual(child.scope, { session_id: 's' });
    assert.deepEqual(child.caused_by, { type: 'process_event', process_id: 'q', sequence: 3 });
    assert.equal(child.replay!.key, 'process:process:cancel:p');
    assert.equal(canonicalJson(child).includes('undefined'), false);
  });
});

describeEachDriver('process observation', (driver) => {
  it('snapshots the processes visible to a session, newest first', async (t) => {
    let now = 1_000;
    const { registry } = await freshRegistry(t, driver, { clock: () => now });
    const scope = processScope('viewer');
    const labelled = { ...registration('a'), input: { type: 'external' as const, metadata: { label: 'Nightly build' } } };
    await registry.registerProcess(labelled);
    await registry.grantHandle(scope, 'a', { kind: 'job' });
    now = 2_000;
    await registry.registerProcess(registration('b'));
    await registry.grantHandle(scope, 'b', { label: 'from descriptor' });
    now = 3_000;
    await registry.completeProcess('a', { type: 'failure', class: 'external', code: 'ci', message: 'red build' });
    const snapshot = await snapshotForSession(registry, 'viewer');
    assert.deepEqual(snapshot.visible_process_ids, ['a', 'b']);
    const [a, b] = snapshot.items;
    assert.equal(a!.kind, 'job');
    assert.equal(a!.label, 'Nightly build');
    assert.equal(a!.process.error, 'red build');
    assert.equal(a!.process.lifecycle, 'failed');
    assert.equal(a!.process.graph_key, 'process:a');
    assert.deepEqual(a!.events.map((event) => [event.sequence, event.event_type, event.occurred_at_ms]), [[1, 'process.failed', 3_000]]);
    assert.equal(b!.kind, 'external');
    assert.equal(b!.label, 'from descriptor');
    assert.equal(b!.process.label, 'external');
    assert.equal(b!.process.terminal, false);
  });
});
