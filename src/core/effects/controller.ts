/**
 * The effect-host contract (§5.1): a host hands out controllers bound to an
 * effect scope; a controller executes effect envelopes, replaying what it
 * has recorded.
 */
import type { DurabilityTier } from '../driver/types.ts';
import type { RuntimeEffectLocalExecutor } from './local-executor.ts';
import { EffectScope, copyEffectScope } from './scope.ts';
import type { RuntimeEffectEnvelope, RuntimeEffectOutcome } from '../contract/effects.ts';

export interface RuntimeEffectController {
  durabilityTier(): DurabilityTier;
  requiresDurableAttachmentStore(): boolean;
  /** Rejects with `RuntimeEffectControllerError`. */
  executeEffect(envelope: RuntimeEffectEnvelope, local: RuntimeEffectLocalExecutor): Promise<RuntimeEffectOutcome>;
}

export interface EffectHost {
  durabilityTier(): DurabilityTier;
  requiresDurableAttachmentStore(): boolean;
  /** Validates the scope (`RuntimeError` `missing_effect_scope_id`) and returns a controller bound to it. */
  scoped(scope: EffectScope): ScopedEffectController;
  /** Same as `scoped`, for long-lived workers; `null` when the host cannot offer one. */
  scopedStatic(scope: EffectScope): ScopedEffectController | null;
}

/** A controller plus the scope it serves. The scope is checked on construction and copied. */
export class ScopedEffectController {
  readonly #controller: RuntimeEffectController;
  readonly #scope: EffectScope;

  constructor(controller: RuntimeEffectController, scope: EffectScope) {
    EffectScope.validate(scope);
    this.#controller = controller;
    this.#scope = Object.freeze(copyEffectScope(scope));
  }

  controller(): RuntimeEffectController {
    return this.#controller;
  }

  effectScope(): EffectScope {
    return this.#scope;
  }

  scopeId(): string {
    return EffectScope.id(this.#scope);
  }

  turnId(): string | undefined {
    return EffectScope.turnId(this.#scope);
  }
}
