/**
 * The effect-host contract (§5.1): a host hands out controllers bound to an
 * effect scope; a controller executes effect envelopes, replaying what it
 * has recorded.
 */
import type { DurabilityTier } from '../driver/types.ts';
import type { RuntimeEffectLocalExecutor } from './local-executor.ts';
import { EffectScope, copyEffectScope } from './scope.ts';
import type { RuntimeEffectEnvelope, RuntimeEffectOutcome } from '../contract/effects.ts';

/** The runtime's effect controller for one scope: records each effect's outcome and replays it. */
export interface RuntimeEffectController {
  /** `'durable'` when recorded outcomes survive a crash. */
  durabilityTier(): DurabilityTier;
  /** Whether attachments must be stored durably too (when outcomes are). */
  requiresDurableAttachmentStore(): boolean;
  /** Rejects with `RuntimeEffectControllerError`. */
  executeEffect(envelope: RuntimeEffectEnvelope, local: RuntimeEffectLocalExecutor): Promise<RuntimeEffectOutcome>;
}

/** The effect host: gives controllers for scopes. */
export interface EffectHost {
  /** `'durable'` when recorded outcomes survive a crash. */
  durabilityTier(): DurabilityTier;
  /** Whether attachments must be stored durably too (when outcomes are). */
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

  /** The controller. */
  controller(): RuntimeEffectController {
    return this.#controller;
  }

  /** The scope it serves. */
  effectScope(): EffectScope {
    return this.#scope;
  }

  /** The scope's id. */
  scopeId(): string {
    return EffectScope.id(this.#scope);
  }

  /** The scope's turn, if it has one. */
  turnId(): string | undefined {
    return EffectScope.turnId(this.#scope);
  }
}
