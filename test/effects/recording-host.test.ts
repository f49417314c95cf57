// EH-F: the reference's RecordingEffectHost test fixture, rebuilt on the
// public EffectHost interface, and its self-test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  EffectScope,
  LocalExecutor,
  RuntimeEffectControllerError,
  createRuntimeEffectEnvelope,
  effectInvocation,
  runtimeScope,
  type EffectHost,
  type RuntimeEffectController,
  type RuntimeEffectEnvelope,
  type RuntimeEffectOutcome,
} from '../../src/index.ts';
import { ScopedEffectController } from '../../src/core/effects/controller.ts';
import { runtimeEffectEnvelopeHash } from '../../src/core/effects/envelope.ts';

interface Recorded {
  runtime_scope: unknown;
  effect_scope: EffectScope;
  effect_id: string | undefined;
  effect_kind: string | undefined;
  replay_key: string | undefined;
  envelope_hash: string;
}

class RecordingEffectHost implements EffectHost {
  readonly selectedScopes: EffectScope[] = [];
  readonly records: Recorded[] = [];
  durabilityTier() {
    return 'inline' as const;
  }
  requiresDurableAttachmentStore() {
    return false;
  }
  scoped(scope: EffectScope): ScopedEffectController {
    this.selectedScopes.push(scope);
    const records = this.records;
    const controller: RuntimeEffectController = {
      durabilityTier: () => 'inline',
      requiresDurableAttachmentStore: () => false,
      async executeEffect(envelope: RuntimeEffectEnvelope): Promise<RuntimeEffectOutcome> {
        const subject = envelope.invocation.subject;
        records.push({
          runtime_scope: envelope.invocation.scope,
          effect_scope: scope,
          effect_id: subject.type === 'effect' ? subject.effect_id : undefined,
          effect_kind: subject.type === 'effect' ? subject.kind : undefined,
          replay_key: envelope.invocation.replay?.key,
          envelope_hash: runtimeEffectEnvelopeHash(envelope),
        });
        if (envelope.command.type === 'sleep') return { type: 'sleep' };
        throw new RuntimeEffectControllerError('recording_effect_host_unsupported_command', `unsupported ${envelope.command.type}`);
      },
    };
    return new ScopedEffectController(controller, scope);
  }
  scopedStatic(scope: EffectScope): ScopedEffectController {
    return this.scoped(scope);
  }
}

describe('EH-F recording effect host fixture', () => {
  it('records the selected scope and the envelope', async () => {
    const host = new RecordingEffectHost();
    const scope = EffectScope.runtimeOperation('host-event:button-1');
    const scoped = host.scoped(scope);
    const envelope = createRuntimeEffectEnvelope(
      effectInvocation(runtimeScope('session-1'), 'sleep-effect', 'sleep', 'host-event:button-1:sleep-effect'),
      { type: 'sleep', duration_ms: 0 },
    );
    assert.deepEqual(await scoped.controller().executeEffect(envelope, LocalExecutor.unavailable()), { type: 'sleep' });
    assert.deepEqual(host.selectedScopes, [scope]);
    assert.equal(host.records.length, 1);
    const [record] = host.records;
    assert.deepEqual(record!.effect_scope, scope);
    assert.deepEqual(record!.runtime_scope, { session_id: 'session-1' });
    assert.equal(record!.effect_id, 'sleep-effect');
    assert.equal(record!.effect_kind, 'sleep');
    assert.equal(record!.replay_key, 'host-event:button-1:sleep-effect');
    assert.equal(record!.envelope_hash, runtimeEffectEnvelopeHash(envelope));
  });
});
