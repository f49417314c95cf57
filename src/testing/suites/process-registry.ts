/**
 * The process-registry conformance cases PR-01 … PR-17 (catalogue §4) with
 * their exact values, on every driver. Leases (PR-18 … PR-22) and reopen
 * (PR-23, PR-24) have their own files.
 */
import { agentFrameScope, objectSchema, processScope } from '../../core/process/model.ts';
import { cancelRequested } from '../../core/process/append.ts';
import { PluginError } from '../../core/contract/errors.ts';
import { type ProcessEventType, type ProcessRegistration } from '../../core/contract/process.ts';
import {
  freshRegistry,
  plainEventType,
  registration,
  rejection,
  wakeEventType,
  wakeEventTypeWith,
} from '../fixtures/process.ts';
import type { ConformanceAssert, Kit } from '../harness.ts';

export function processRegistrySuite(kit: Kit): void {
  const { it, suite } = kit;
  const assert: ConformanceAssert = kit.assert;

  suite('process registry conformance', (driver) => {
    it('PR-01 reports its durability tier', async (t) => {
      const { registry, conn } = await freshRegistry(t, driver);
      assert.equal(registry.durabilityTier(), conn.info.durability);
      assert.equal(registry.durabilityTier(), driver.durability);
    });

    it('PR-02 registration is idempotent and a changed registration conflicts', async (t) => {
      const { registry } = await freshRegistry(t, driver);
      const first = await registry.registerProcess(registration('proc-idempotent'));
      const second = await registry.registerProcess(registration('proc-idempotent'));
      assert.equal(second.registration_hash, first.registration_hash);
      assert.deepEqual(second, first);
      const error = await rejection(
        registry.registerProcess(registration('proc-idempotent', [wakeEventType('producer.wake')])),
      );
      assert.ok(error instanceof PluginError);
      assert.match(error.message, /registration hash conflict/);
      assert.match(error.message, /^plugin session error: process `proc-idempotent` registration hash conflict: existing [0-9a-f]{64}, new [0-9a-f]{64}$/);
    });

    it('PR-03 external refs and handle grant membership round-trip', async (t) => {
      const { registry } = await freshRegistry(t, driver);
      const missing = await rejection(registry.setExternalRef('missing-process', { backend: 'test', id: 'missing' }));
      assert.match(missing.message, /unknown process `missing-process`/);
      await registry.registerProcess(registration('proc-external-ref'));
      const ref = { backend: 'worker', id: 'job-123', metadata: { queue: 'critical' } };
      const updated = await registry.setExternalRef('proc-external-ref', ref);
      assert.deepEqual(updated.external_ref, ref);
      assert.deepEqual((await registry.getProcess('proc-external-ref'))!.external_ref, ref);
      const owner = processScope('grant-owner');
      assert.equal(await registry.hasHandleGrant(owner, 'proc-external-ref'), false);
      await registry.grantHandle(owner, 'proc-external-ref', { kind: 'test', label: 'external ref' });
      assert.equal(await registry.hasHandleGrant(owner, 'proc-external-ref'), true);
      await registry.revokeHandle(owner, 'proc-external-ref');
      assert.equal(await registry.hasHandleGrant(owner, 'proc-external-ref'), false);
      assert.deepEqual(await registry.listHandleGrants(owner), []);
    });

    it('PR-04 validates custom events and materializes wakes', async (t) => {
      const { registry } = await freshRegistry(t, driver);
      const target = processScope('s1');
      const line: ProcessEventType = {
        name: 'producer.line',
        payload_schema: objectSchema({ line: { type: 'string' }, wake_input: { type: 'string' } }, ['line']),
        semantics: { wake: { when: { present: '/wake_input' }, input: { pointer: '/wake_input' }, dedupe_key: 'event_identity' } },
      };
      await registry.registerProcess(registration('proc-1', [line]));
      const appended = await registry.appendEvent('proc-1', {
        event_type: 'producer.line',
        payload: { line: 'deploy failed', wake_input: 'Process event: deploy failed' },
        wake_target_scope: target,
      });
      assert.equal(appended.event.sequence, 1);
      assert.equal(appended.event.semantics.wake!.input, 'Process event: deploy failed');
      assert.equal((await registry.wakeEventsAfter('proc-1', 0)).length, 1);
      await registry.ackWake('proc-1', 1);
      assert.deepEqual(await registry.wakeEventsAfter('proc-1', 0), []);
      const invalid = await rejection(
        registry.appendEvent('proc-1', { event_type: 'producer.line', payload: { wake_input: 'missing required line' } }),
      );
      assert.equal(invalid.message, 'plugin session error: invalid `producer.line` payload: line: required property missing');
      assert.equal((await registry.eventsAfter('proc-1', 0)).length, 1);
    });

    it('PR-05 custom wake events keep typed provenance and replay', async (t) => {
      const { registry } = await freshRegistry(t, driver);
      const target = agentFrameScope('target-session', 'target-frame');
      const causedBy = { type: 'session_node' as const, session_id: 'target-session', node_id: 'host-event:button' };
      const base = registration('proc-provenance', [
        wakeEventTypeWith('producer.custom_wake', {
          when: { present: '/wake_input' },
          input: { pointer: '/wake_input' },
          dedupe_key: 'event_identity',
        }),
      ]);
      const reg: ProcessRegistration = {
        ...base,
        provenance: { owner_scope: processScope('owner-session'), host_profile_id: 'host-profile', caused_by: causedBy },
      };
      await registry.registerProcess(reg);
      const request = {
        event_type: 'producer.custom_wake',
        payload: { line: 'build failed', wake_input: 'custom wake: build failed' },
        replay: { key: 'custom-wake:build-failed' },
        wake_target_scope: target,
      };
      const first = await registry.appendEvent('proc-provenance', request);
      const replay = await registry.appendEvent('proc-provenance', request);
      assert.equal(first.event.sequence, 1);
      assert.equal(replay.event.sequence, 1);
      assert.equal((await registry.eventsAfter('proc-provenance', 0)).length, 1);
      const { invocation } = first.event;
      assert.deepEqual(invocation.scope, { session_id: 'owner-session' });
      assert.deepEqual(invocation.subject, {
        type: 'process_event',
        process_id: 'proc-provenance',
        sequence: 1,
        event_type: 'producer.custom_wake',
      });
      assert.deepEqual(invocation.caused_by, { type: 'process', process_id: 'proc-provenance' });
      assert.equal(invocation.replay?.key, 'custom-wake:build-failed');
      const wake = first.wake_delivery!;
      assert.ok(wake, 'wake delivery must be present');
      assert.equal(wake.event_type, 'producer.custom_wake');
      assert.deepEqual(wake.event_invocation, invocation);
      assert.deepEqual(wake.process_caused_by, causedBy);
      assert.equal(wake.target_session_id, 'target-session');
      assert.equal(wake.target_scope_id, 'session:target-session/frame:target-frame');
      assert.equal(wake.process_id, 'proc-provenance');
      assert.equal(wake.sequence, 1);
      assert.equal(wake.dedupe_key, 'proc-provenance:1');
      assert.equal(wake.input, 'custom wake: build failed');
      assert.equal(replay.wake_delivery!.wake_id, wake.wake_id);
      // Catalogue §9 derived value.
      assert.equal(wake.wake_id, 'wake:46cb109adef9ba0513a94be3a54c1a0adf5e05fcbbe38b46ba57e14f546b1e00');
    });

    it('PR-06 event streams filter and order, and waiters wake without old events', async (t) => {
      const { registry } = await freshRegistry(t, driver);
      await registry.registerProcess(
        registration('proc-stream', [
          plainEventType('producer.line'),
          wakeEventType('producer.wake'),
          plainEventType('producer.future'),
        ]),
      );
      const pid = 'proc-stream';
      await registry.appendEvent(pid, { event_type: 'producer.line', payload: { line: 'one' } });
      await registry.appendEvent(pid, {
        event_type: 'producer.wake',
        payload: { wake_input: 'wake two' },
        wake_target_scope: processScope('root'),
      });
      await registry.appendEvent(pid, { event_type: 'producer.line', payload: { line: 'three' } });
      const pairs = (events: { sequence: number; event_type: string }[]) => events.map((e) => [e.sequence, e.event_type]);
      assert.deepEqual(pairs(await registry.eventsAfter(pid, 1)), [
        [2, 'producer.wake'],
        [3, 'producer.line'],
      ]);
      assert.deepEqual(await registry.eventsAfter(pid, 3), []);
      assert.deepEqual(pairs(await registry.wakeEventsAfter(pid, 1)), [[2, 'producer.wake']]);
      assert.deepEqual(await registry.wakeEventsAfter(pid, 2), []);
      assert.equal((await registry.waitEventAfter(pid, 'producer.line', 1)).sequence, 3);

      const waiter = registry.waitEventAfter(pid, 'producer.future', 3);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await registry.appendEvent(pid, { event_type: 'producer.future', payload: { line: 'four' } });
      const timeout = AbortSignal.timeout(1000);
      const event = await Promise.race([
        waiter,
        new Promise<never>((_, reject) => timeout.addEventListener('abort', () => reject(new Error('waiter took over 1 s')))),
      ]);
      assert.equal(event.sequence, 4);
    });

    it('PR-07 the wake semantics matrix materializes declared wakes', async (t) => {
      const { registry } = await freshRegistry(t, driver);
      const pid = 'proc-wake-matrix';
      await registry.registerProcess(
        registration(pid, [
          wakeEventTypeWith('matrix.when_false', {
            when: { const: false },
            input: { const: 'must not wake' },
            dedupe_key: 'event_identity',
          }),
          wakeEventTypeWith('matrix.payload', { input: 'payload', dedupe_key: 'event_identity' }),
          wakeEventTypeWith('matrix.const_input', { input: { const: 'constant wake input' }, dedupe_key: 'event_identity' }),
          wakeEventTypeWith('matrix.template', {
            input: { template: { template: 'line {line} #{n}', fields: { line: { pointer: '/line' }, n: { pointer: '/n' } } } },
            dedupe_key: 'event_identity',
          }),
          wakeEventTypeWith('matrix.selector_dedupe', {
            input: { pointer: '/wake_input' },
            dedupe_key: { selector: { pointer: '/dedupe' } },
          }),
          wakeEventTypeWith('matrix.const_dedupe', { input: { pointer: '/wake_input' }, dedupe_key: { const: 'constant-dedupe' } }),
        ]),
      );
      const target = processScope('root');
      const append = (event_type: string, payload: Parameters<typeof registry.appendEvent>[1]['payload']) =>
        registry.appendEvent(pid, { event_type, payload, wake_target_scope: target });
      const wakeOf = async (promise: ReturnType<typeof append>) => {
        const result = await promise;
        assert.ok(result.wake_delivery, `event ${result.event.sequence} must wake`);
        return result.wake_delivery;
      };

      assert.equal((await append('matrix.when_false', {})).wake_delivery, undefined);
      const payloadWake = await wakeOf(append('matrix.payload', 'payload wake'));
      assert.equal(payloadWake.input, 'payload wake');
      assert.equal(payloadWake.dedupe_key, 'proc-wake-matrix:2');
      assert.equal((await wakeOf(append('matrix.const_input', {}))).input, 'constant wake input');
      assert.equal((await wakeOf(append('matrix.template', { line: 'done', n: 7 }))).input, 'line done #7');
      const selectorOne = await wakeOf(append('matrix.selector_dedupe', { wake_input: 'selector one', dedupe: 'group-a' }));
      const selectorTwo = await wakeOf(append('matrix.selector_dedupe', { wake_input: 'selector two', dedupe: 'group-a' }));
      assert.equal(selectorOne.dedupe_key, 'group-a');
      assert.equal(selectorOne.wake_id, selectorTwo.wake_id);
      const constOne = await wakeOf(append('matrix.const_dedupe', { wake_input: 'const one' }));
      const constTwo = await wakeOf(append('matrix.const_dedupe', { wake_input: 'const two' }));
      assert.equal(constOne.dedupe_key, 'constant-dedupe');
      assert.equal(constOne.wake_id, constTwo.wake_id);
      assert.deepEqual(
        (await registry.wakeEventsAfter(pid, 0)).map((event) => event.sequence),
        [2, 3, 4, 5, 6, 7, 8],
      );
      assert.equal((await registry.eventsAfter(pid, 0)).length, 8);
    });

    it('PR-08 keyed events materialize idempotent wakes', async (t) => {
      const { registry } = await freshRegistry(t, driver);
      const target = processScope('session');
      await registry.registerProcess(registration('proc-wake', [wakeEventType('process.wake')]));
      const request = {
        event_type: 'process.wake',
        payload: { message: 'deploy failed', wake_input: 'Process wake: deploy failed' },
        replay: { key: 'wake:deploy failed' },
        wake_target_scope: target,
      };
      const first = await registry.appendEvent('proc-wake', request);
      const second = await registry.appendEvent('proc-wake', request);
      assert.equal(first.event.sequence, second.event.sequence);
      assert.deepEqual(second.wake_delivery, first.wake_delivery);
      const wake = first.wake_delivery!;
      assert.equal(wake.input, 'Process wake: deploy failed');
      assert.equal(wake.target_scope_id, 'session:session');
      assert.equal(wake.process_id, 'proc-wake');
      assert.equal(wake.sequence, first.event.sequence);
      // Catalogue §9 derived value.
      assert.equal(wake.wake_id, 'wake:9139c975e42a7d703f7e1fae04306248789f18b2af461fea0c8af565c1b9a700');
      const conflict = await rejection(
        registry.appendEvent('proc-wake', {
          event_type: 'process.wake',
          payload: { message: 'other', wake_input: 'Process wake: other' },
          replay: { key: 'wake:deploy failed' },
        }),
      );
      assert.equal(
        conflict.message,
        'plugin session error: process `proc-wake` event replay key `wake:deploy failed` conflicts with an existing event',
      );
      assert.equal((await registry.eventsAfter('proc-wake', 0)).length, 1);
    });

    it('PR-09 a wake event without a target fails and persists nothing', async (t) => {
      const { registry } = await freshRegistry(t, driver);
      const pid = 'proc-missing-wake-target';
      await registry.registerProcess(registration(pid, [wakeEventType('process.wake')]));
      const before = await registry.getProcess(pid);
      const error = await rejection(
        registry.appendEvent(pid, {
          event_type: 'process.wake',
          payload: { message: 'target missing', wake_input: 'Process wake: target missing' },
          replay: { key: 'wake:missing-target' },
        }),
      );
      assert.ok(error instanceof PluginError);
      assert.match(error.message, /without a wake target scope/);
      assert.deepEqual(await registry.eventsAfter(pid, 0), []);
      assert.deepEqual(await registry.getProcess(pid), before, 'the record is not rewritten either');
    });

    it('PR-10 terminal and cancel events require keys', async (t) => {
      const { registry } = await freshRegistry(t, driver);
      await registry.registerProcess(registration('proc-terminal'));
      const unkeyed = await rejection(
        registry.appendEvent('proc-terminal', { event_type: 'process.cancel_requested', payload: { reason: 'stop' } }),
      );
      assert.equal(
        unkeyed.message,
        'plugin session error: process `proc-terminal` event `process.cancel_requested` requires a deterministic replay key',
      );
      const request = cancelRequested('proc-terminal', 'stop');
      // Catalogue §9 derived value.
      assert.equal(
        request.replay!.key,
        'process:proc-terminal:cancel_requested:85a6238fa9840bc3105d1a06ca03df61803080fefa838ab687d36662275be019',
      );
      await registry.appendEvent('proc-terminal', request);
      await registry.completeProcess('proc-terminal', { type: 'cancelled', message: 'stopped' });
      const record = await registry.getProcess('proc-terminal');
      assert.equal(record!.status.state, 'cancelled');
      assert.deepEqual(record!.status, { state: 'cancelled', await_output: { type: 'cancelled', message: 'stopped' } });
    });

    it('PR-11 awaitProcess reads the terminal materialized output', async (t) => {
      const { registry } = await freshRegistry(t, driver);
      await registry.registerProcess(registration('proc-2'));
      await registry.completeProcess('proc-2', { type: 'success', value: { ok: true } });
      assert.deepEqual(await registry.awaitProcess('proc-2'), { type: 'success', value: { ok: true } });
      assert.notEqual((await registry.getProcess('proc-2'))!.status.state, 'running');
    });

    it('PR-12 transferring handle grants moves addressability', async (t) => {
      const { registry } = await freshRegistry(t, driver);
      const s1 = processScope('s1');
      const s2 = processScope('s2');
      await registry.registerProcess(registration('proc-3'));
      await registry.grantHandle(s1, 'proc-3', { kind: 'tool', label: 'demo' });
      await registry.transferHandleGrants(s1, s2, ['proc-3']);
      assert.equal((await registry.listHandleGrants(s1)).length, 0);
      const moved = await registry.listHandleGrants(s2);
      assert.equal(moved.length, 1);
      assert.deepEqual(moved[0]![0], { session_id: 's2', process_id: 'proc-3', descriptor: { kind: 'tool', label: 'demo' } });
      assert.deepEqual(await registry.eventsAfter('proc-3', 0), []);
    });

    it('PR-13 several sessions can hold grants', async (t) => {
      const { registry } = await freshRegistry(t, driver);
      const [s1, s2, s3] = ['s1', 's2', 's3'].map(processScope);
      await registry.registerProcess(registration('proc-5'));
      await registry.grantHandle(s1!, 'proc-5', { kind: 'tool', label: 'demo' });
      await registry.grantHandle(s2!, 'proc-5', { kind: 'worker', label: 'demo' });
      const sessions = async () => (await registry.handleGrantsForProcess('proc-5')).map((grant) => grant.session_id);
      assert.deepEqual(await sessions(), ['s1', 's2']);
      await registry.transferHandleGrants(s1!, s3!, ['proc-5']);
      assert.deepEqual(await sessions(), ['s2', 's3']);
      assert.deepEqual(await registry.eventsAfter('proc-5', 0), []);
    });

    it('PR-14 processes can exist with zero grants', async (t) => {
      const { registry } = await freshRegistry(t, driver);
      await registry.registerProcess(registration('proc-4'));
      assert.deepEqual(await registry.listHandleGrants(processScope('s1')), []);
    });

    it('PR-15 deleting a session revokes its handles and reports what to cancel', async (t) => {
      const { registry } = await freshRegistry(t, driver);
      const deleted = processScope('deleted');
      const remaining = processScope('remaining');
      for (const id of ['sole', 'shared', 'terminal']) {
        await registry.registerProcess(registration(id, [wakeEventType('producer.wake')]));
        await registry.grantHandle(deleted, id, { kind: 'test', label: id });
      }
      await registry.grantHandle(remaining, 'shared', { kind: 'test', label: 'shared' });
      await registry.completeProcess('terminal', { type: 'success', value: null });
      await registry.appendEvent('sole', {
        event_type: 'producer.wake',
        payload: { wake_input: 'wake deleted' },
        wake_target_scope: deleted,
      });
      const report = await registry.deleteSessionProcessState('deleted');
      assert.deepEqual(report, {
        session_id: 'deleted',
        revoked_handle_count: 3,
        deleted_wake_count: 0,
        cancel_process_ids: ['sole'],
        preserved_process_ids: ['shared'],
      });
      assert.deepEqual(await registry.listHandleGrants(deleted), []);
      assert.equal((await registry.listHandleGrants(remaining)).length, 1);
    });

    it('PR-16 listNonTerminal excludes terminal processes', async (t) => {
      const { registry } = await freshRegistry(t, driver);
      await registry.registerProcess(registration('proc-live'));
      await registry.registerProcess(registration('proc-done'));
      await registry.completeProcess('proc-done', { type: 'success', value: null });
      assert.deepEqual((await registry.listNonTerminal()).map((record) => record.id), ['proc-live']);
    });

    it('PR-17 listLiveHandleGrants excludes terminal history', async (t) => {
      const { registry } = await freshRegistry(t, driver);
      const scope = processScope('history-owner');
      for (const id of ['proc-live-grant', 'proc-done-grant']) {
        await registry.registerProcess(registration(id));
        await registry.grantHandle(scope, id, { kind: 'test', label: id });
      }
      await registry.completeProcess('proc-done-grant', { type: 'success', value: null });
      const ids = (entries: Awaited<ReturnType<typeof registry.listHandleGrants>>) => entries.map(([grant]) => grant.process_id);
      assert.deepEqual(ids(await registry.listLiveHandleGrants(scope)), ['proc-live-grant']);
      assert.deepEqual(ids(await registry.listHandleGrants(scope)), ['proc-done-grant', 'proc-live-grant']);
    });
  });
}
