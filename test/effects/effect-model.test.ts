import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  InlineEffectHost,
  LocalExecutor,
  PluginError,
  RuntimeEffectControllerError,
  RuntimeError,
  EffectScope,
  canonicalJson,
  createRuntimeEffectEnvelope,
  effectInvocation,
  expectRuntimeEffectOutcome,
  runtimeScope,
  runtimeScopeForTurn,
  type ProcessRegistry,
  type RuntimeEffectEnvelope,
} from '../../src/index.ts';
import { executeLocal, intoProcess } from '../../src/core/effects/local-executor.ts';
import { portableCodecs } from '../../src/core/codec/codecs.ts';
import { runtimeEffectEnvelopeHash } from '../../src/core/effects/envelope.ts';
import { nodeCodecs } from '../../src/node.ts';
import { execEnvelope, execOutcome, marker } from './samples.ts';

function rejectsWith(code: string, message: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof RuntimeEffectControllerError);
    assert.equal(error.code, code);
    assert.equal(error.detail, message);
    assert.equal(error.message, `${code}: ${message}`);
    assert.deepEqual(error.toJSON(), { code, message });
    return true;
  };
}

const SLEEP_ENVELOPE: RuntimeEffectEnvelope = createRuntimeEffectEnvelope(
  effectInvocation(runtimeScope('session-1'), 'sleep-effect', 'sleep', 'host-event:button-1:sleep-effect'),
  { type: 'sleep', duration_ms: 0 },
);

describe('effect envelopes', () => {
  it('build the reference invocation shape', () => {
    assert.deepEqual(execEnvelope('k', 'code'), {
      invocation: {
        scope: { session_id: 'effect-session', turn_id: 'effect-turn', turn_index: 1, protocol_iteration: 0 },
        subject: { type: 'effect', effect_id: 'k', kind: 'exec_code' },
        replay: { key: 'k' },
      },
      command: { type: 'exec_code', code: 'code' },
    });
    const caused = effectInvocation(runtimeScope('s'), 'e', 'sleep', 'key', { type: 'host_event', occurrence_id: 'o' });
    assert.deepEqual(Object.keys(caused), ['scope', 'subject', 'caused_by', 'replay']);
  });

  it('check construction in the reference order, with its codes and messages', () => {
    const scope = runtimeScopeForTurn('s', 't', 0, 0);
    const command = { type: 'exec_code', code: 'x' } as const;
    assert.throws(
      () => createRuntimeEffectEnvelope({ scope, subject: { type: 'process', process_id: 'p' }, replay: { key: 'k' } }, command),
      rejectsWith('runtime_effect_invocation_subject', 'runtime effect envelope subject must be an effect'),
    );
    assert.throws(
      () => createRuntimeEffectEnvelope(effectInvocation(scope, '  ', 'sleep', 'k'), command),
      rejectsWith('runtime_effect_invocation_subject', 'runtime effect envelope effect id must be non-empty'),
    );
    assert.throws(
      () => createRuntimeEffectEnvelope(effectInvocation(scope, 'e', 'sleep', 'k'), command),
      rejectsWith('runtime_effect_invocation_kind', 'runtime effect invocation kind sleep does not match command kind exec_code'),
    );
    assert.throws(
      () => createRuntimeEffectEnvelope({ scope, subject: { type: 'effect', effect_id: 'e', kind: 'exec_code' } }, command),
      rejectsWith('runtime_effect_replay_required', 'runtime effect envelope requires replay.key'),
    );
  });

  it('hash to the canonical-JSON SHA-256 of {invocation, command}, whatever the key order or codecs', () => {
    const envelope = execEnvelope('k', 'code');
    const expected = portableCodecs.sha256Hex(canonicalJson({ invocation: envelope.invocation, command: envelope.command }));
    assert.match(expected, /^[0-9a-f]{64}$/);
    assert.equal(runtimeEffectEnvelopeHash(envelope), expected);
    assert.equal(runtimeEffectEnvelopeHash(envelope, nodeCodecs), expected);
    const reordered = JSON.parse(JSON.stringify({ command: envelope.command, invocation: envelope.invocation })) as RuntimeEffectEnvelope;
    assert.equal(runtimeEffectEnvelopeHash(reordered), expected);
    assert.equal(runtimeEffectEnvelopeHash({ ...envelope, extra: 1 } as RuntimeEffectEnvelope), expected, 'only the two fields count');
    assert.notEqual(runtimeEffectEnvelopeHash(execEnvelope('k', 'other')), expected);
  });

  it('fail to hash what canonical JSON cannot hold', () => {
    const bad = { ...execEnvelope('k', 'x'), command: { type: 'exec_code', code: 1n } } as unknown as RuntimeEffectEnvelope;
    assert.throws(() => runtimeEffectEnvelopeHash(bad), (error: unknown) => {
      assert.ok(error instanceof RuntimeEffectControllerError);
      assert.equal(error.code, 'runtime_effect_envelope_hash');
      assert.match(error.message, /^runtime_effect_envelope_hash: failed to serialize runtime effect envelope: /);
      return true;
    });
  });

  it('narrow outcomes by kind or fail with runtime_effect_wrong_outcome', () => {
    assert.equal(marker(expectRuntimeEffectOutcome(execOutcome('m'), 'exec_code')), 'm');
    assert.throws(
      () => expectRuntimeEffectOutcome({ type: 'sleep' }, 'process'),
      rejectsWith('runtime_effect_wrong_outcome', 'expected process outcome, got sleep'),
    );
  });
});

describe('local executors', () => {
  const exec = execEnvelope('k', 'x');

  it('run, refuse or sleep per variant, with the reference messages', async () => {
    assert.equal(marker(await executeLocal(LocalExecutor.runner(async () => execOutcome('ran')), exec)), 'ran');
    await assert.rejects(
      executeLocal(LocalExecutor.unavailable(), exec),
      rejectsWith('runtime_effect_local_executor_unavailable', 'no local executor is available for exec_code'),
    );
    await assert.rejects(
      executeLocal(LocalExecutor.processControl({} as ProcessRegistry), exec),
      rejectsWith('runtime_effect_local_executor_mismatch', 'process executor cannot execute exec_code command directly'),
    );
    await assert.rejects(
      executeLocal(LocalExecutor.sleep(), exec),
      rejectsWith('runtime_effect_local_executor_mismatch', 'local sleep executor cannot execute exec_code command'),
    );
    assert.deepEqual(await executeLocal(LocalExecutor.sleep(), SLEEP_ENVELOPE), { type: 'sleep' });
  });

  it('cancel a local sleep through its signal', async () => {
    const abort = new AbortController();
    const long = createRuntimeEffectEnvelope(effectInvocation(runtimeScope('s'), 'e', 'sleep', 'k'), { type: 'sleep', duration_ms: 60_000 });
    const pending = executeLocal(LocalExecutor.sleep(abort.signal), long);
    abort.abort();
    await assert.rejects(pending, rejectsWith('runtime_effect_sleep_cancelled', 'runtime effect sleep was cancelled'));
    await assert.rejects(executeLocal(LocalExecutor.sleep(abort.signal), long), { code: 'runtime_effect_sleep_cancelled' });
  });

  it('hand out a registry only from a process executor', () => {
    const registry = {} as ProcessRegistry;
    assert.equal(intoProcess(LocalExecutor.processControl(registry)), registry);
    for (const local of [LocalExecutor.unavailable(), LocalExecutor.sleep(), LocalExecutor.runner(async () => ({ type: 'sleep' }))]) {
      assert.throws(
        () => intoProcess(local),
        rejectsWith('runtime_effect_local_executor_unavailable', 'no process executor is available for process command'),
      );
    }
  });
});

describe('InlineRuntimeEffectController', () => {
  const controller = new InlineEffectHost().scoped(EffectScope.runtimeOperation('host-event:button-1')).controller();

  it('runs every time: nothing is recorded', async () => {
    let runs = 0;
    const local = () => LocalExecutor.runner(async () => execOutcome(`run-${++runs}`));
    assert.equal(marker(await controller.executeEffect(execEnvelope('k', 'x'), local())), 'run-1');
    assert.equal(marker(await controller.executeEffect(execEnvelope('k', 'x'), local())), 'run-2');
  });

  it('sleeps only with a sleep executor (EH-F shape: sleep 0 with unavailable is refused)', async () => {
    assert.deepEqual(await controller.executeEffect(SLEEP_ENVELOPE, LocalExecutor.sleep()), { type: 'sleep' });
    await assert.rejects(controller.executeEffect(SLEEP_ENVELOPE, LocalExecutor.unavailable()), {
      code: 'runtime_effect_local_executor_unavailable',
    });
  });

  it('converts what executors throw into controller errors', async () => {
    const cases: Array<[unknown, string, string]> = [
      [PluginError.session('nope'), 'plugin', 'plugin session error: nope'],
      [new RuntimeError('some_runtime_code', 'went wrong'), 'some_runtime_code', 'went wrong'],
      [new Error('plain'), 'runtime_effect_local_executor_error', 'plain'],
      ['a string', 'runtime_effect_local_executor_error', 'a string'],
    ];
    for (const [thrown, code, message] of cases) {
      await assert.rejects(
        controller.executeEffect(execEnvelope('k', 'x'), LocalExecutor.runner(async () => { throw thrown; })),
        rejectsWith(code, message),
      );
    }
  });
});
