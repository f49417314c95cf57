import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import {
  EffectScope,
  InlineEffectHost,
  RuntimeError,
  SqliteEffectHost,
  type EffectHost,
} from '../../src/index.ts';
import { describeEachDriver } from '../support/drivers.ts';

/** The `effect_host` conformance suite: EH-1, EH-2, EH-3 against a fresh host each. */
function effectHostSuite(make: (t: TestContext) => Promise<EffectHost>): void {
  it('EH-1 preserves scope metadata', async (t) => {
    const host = await make(t);
    const drainScope = EffectScope.queueDrain('session-1', 'drain-1');
    const drain = host.scoped(drainScope);
    assert.deepEqual(drain.effectScope(), drainScope);
    assert.equal(drain.scopeId(), 'drain-1');
    assert.equal(drain.turnId(), undefined);
    const turnScope = EffectScope.turn('session-1', 'turn-1');
    const turn = host.scoped(turnScope);
    assert.deepEqual(turn.effectScope(), turnScope);
    assert.equal(turn.scopeId(), 'turn-1');
    assert.equal(turn.turnId(), 'turn-1');
  });

  it('EH-2 rejects missing scope ids', async (t) => {
    const host = await make(t);
    const invalid = [
      EffectScope.turn('', 'turn'),
      EffectScope.turn('session', ''),
      EffectScope.process(''),
      EffectScope.queueDrain('session', ''),
      EffectScope.sessionDelete(''),
      EffectScope.runtimeOperation(''),
    ];
    for (const scope of invalid) {
      assert.throws(
        () => host.scoped(scope),
        (error: unknown) => {
          assert.ok(error instanceof RuntimeError, JSON.stringify(scope));
          assert.equal(error.code, 'missing_effect_scope_id');
          assert.equal(error.message, 'effect scopes require non-empty stable ids');
          return true;
        },
      );
    }
  });

  it('EH-3 keeps static scope metadata when available', async (t) => {
    const host = await make(t);
    const scope = EffectScope.runtimeOperation('static-runtime-op');
    const scoped = host.scopedStatic(scope);
    assert.notEqual(scoped, null, 'both hosts here support static scopes');
    assert.deepEqual(scoped!.effectScope(), scope);
    assert.equal(scoped!.scopeId(), 'static-runtime-op');
  });
}

describeEachDriver('effect host conformance, SqliteEffectHost (EH-1..EH-3)', (driver) => {
  effectHostSuite(async (t) => SqliteEffectHost.open(await (await driver.fresh(t)).open()));

  it('reports the connection tier and whether it needs a durable attachment store', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    const host = await SqliteEffectHost.open(conn);
    const durable = driver.name === 'node-sqlite';
    assert.equal(host.durabilityTier(), durable ? 'durable' : 'inline');
    assert.equal(host.requiresDurableAttachmentStore(), durable);
    const controller = host.scoped(EffectScope.turn('s', 't')).controller();
    assert.equal(controller.durabilityTier(), host.durabilityTier());
  });
});

describe('effect host conformance, InlineEffectHost (EH-1..EH-3)', () => {
  effectHostSuite(async () => new InlineEffectHost());

  it('is inline and shares one controller', () => {
    const host = new InlineEffectHost();
    assert.equal(host.durabilityTier(), 'inline');
    assert.equal(host.requiresDurableAttachmentStore(), false);
    assert.equal(host.scoped(EffectScope.process('a')).controller(), host.scopedStatic(EffectScope.process('b'))!.controller());
  });
});

describe('effect scopes', () => {
  it('expose id, session id and turn id per variant', () => {
    const cases: Array<[EffectScope, string, string | undefined, string | undefined]> = [
      [EffectScope.turn('s', 't'), 't', 's', 't'],
      [EffectScope.process('p'), 'p', undefined, undefined],
      [EffectScope.queueDrain('s', 'd'), 'd', 's', undefined],
      [EffectScope.sessionDelete('s'), 's', 's', undefined],
      [EffectScope.runtimeOperation('o'), 'o', undefined, undefined],
    ];
    for (const [scope, id, sessionId, turnId] of cases) {
      assert.equal(EffectScope.id(scope), id);
      assert.equal(EffectScope.sessionId(scope), sessionId);
      assert.equal(EffectScope.turnId(scope), turnId);
    }
  });

  it('treat blank ids as missing and refuse malformed ones with their own code', () => {
    const host = new InlineEffectHost();
    assert.throws(() => host.scoped(EffectScope.turn('  ', 't')), { code: 'missing_effect_scope_id' });
    assert.throws(() => host.scoped(EffectScope.process('\t\n')), { code: 'missing_effect_scope_id' });
    assert.throws(() => host.scoped(EffectScope.process('a\0b')), { code: 'invalid_effect_scope_id' });
    assert.throws(() => host.scoped(EffectScope.process('a\uDC00')), { code: 'invalid_effect_scope_id' });
    assert.throws(() => host.scoped({ type: 'galaxy' } as never), { code: 'invalid_effect_scope_id' });
    assert.throws(() => host.scoped(null as never), { code: 'invalid_effect_scope_id' });
    assert.throws(() => host.scoped({ type: 'turn', session_id: 's' } as never), { code: 'missing_effect_scope_id' });
  });

  it('are copied, so a caller mutating its scope object cannot move a controller', () => {
    const scope = EffectScope.turn('s', 't') as { type: 'turn'; session_id: string; turn_id: string };
    const scoped = new InlineEffectHost().scoped(scope);
    scope.turn_id = 'other';
    assert.equal(scoped.scopeId(), 't');
  });
});
