import { EffectScope } from '../../core/effects/scope.ts';
import { RuntimeError } from '../../core/contract/errors.ts';
import { SqliteEffectHost } from '../../core/stores/effect-host.ts';
import { type EffectHost } from '../../core/effects/controller.ts';
import type { ConformanceTestContext } from '../backend.ts';
import type { ConformanceAssert, Kit } from '../harness.ts';

/** Registers a case; `node:test`'s `it` is one. */
export type CaseFunction = (name: string, fn: (t: ConformanceTestContext) => Promise<void>) => unknown;

/**
 * The reference's `effect_host` suite: EH-1, EH-2, EH-3 against a fresh host
 * each. Exported on its own because it also runs against hosts that have no
 * database (the in-memory `InlineEffectHost`, in the repository's tests).
 */
export function effectHostCases(it: CaseFunction, assert: ConformanceAssert, make: (t: ConformanceTestContext) => Promise<EffectHost>): void {
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

export function effectHostSuite(kit: Kit): void {
  const { it, suite } = kit;
  const assert: ConformanceAssert = kit.assert;

  suite('effect host conformance, SqliteEffectHost (EH-1..EH-3)', (driver) => {
    effectHostCases(it, assert, async (t) => SqliteEffectHost.open(await (await driver.fresh(t)).open()));

    it('reports the connection tier and whether it needs a durable attachment store', async (t) => {
      const conn = await (await driver.fresh(t)).open();
      const host = await SqliteEffectHost.open(conn);
      const durable = driver.durability === 'durable';
      assert.equal(host.durabilityTier(), durable ? 'durable' : 'inline');
      assert.equal(host.requiresDurableAttachmentStore(), durable);
      const controller = host.scoped(EffectScope.turn('s', 't')).controller();
      assert.equal(controller.durabilityTier(), host.durabilityTier());
    });
  });
}
