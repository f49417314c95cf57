/**
 * Effect hosts. The `SqliteEffectHost` cases (EH-1..EH-3 and its tier) are
 * the `effect-host` suite of the conformance kit
 * (src/testing/suites/effect-host.ts), run here on both drivers; the same
 * EH cases run here against the in-memory `InlineEffectHost`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EffectScope, InlineEffectHost } from '../../src/index.ts';
import { runConformance } from '../../src/testing.ts';
import { effectHostCases } from '../../src/testing/suites/effect-host.ts';
import { DRIVERS } from '../support/drivers.ts';

for (const driver of DRIVERS) runConformance(driver, { suites: ['effect-host'] });

describe('effect host conformance, InlineEffectHost (EH-1..EH-3)', () => {
  effectHostCases(it, assert, async () => new InlineEffectHost());

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
