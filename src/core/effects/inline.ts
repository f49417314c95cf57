/**
 * The non-durable effect host (§5.3): nothing is recorded, so nothing is
 * replayed. Process commands run against the registry of a process
 * executor; everything else runs on the local executor. For tests and for
 * hosts that keep no effect journal.
 */
import type { DurabilityTier } from '../driver/types.ts';
import { ScopedEffectController, type EffectHost, type RuntimeEffectController } from './controller.ts';
import { executeLocal, intoProcess, toControllerError, type RuntimeEffectLocalExecutor } from './local-executor.ts';
import { executeProcessCommand } from './process-command.ts';
import type { EffectScope } from './scope.ts';
import type { RuntimeEffectEnvelope, RuntimeEffectOutcome } from '../contract/effects.ts';

/** An effect controller that records nothing: every effect runs each time (no replay). */
export class InlineRuntimeEffectController implements RuntimeEffectController {
  /** Always `'inline'`. */
  durabilityTier(): DurabilityTier {
    return 'inline';
  }

  /** Always `false`. */
  requiresDurableAttachmentStore(): boolean {
    return false;
  }

  async executeEffect(envelope: RuntimeEffectEnvelope, local: RuntimeEffectLocalExecutor): Promise<RuntimeEffectOutcome> {
    try {
      if (envelope.command.type === 'process') {
        return { type: 'process', result: await executeProcessCommand(envelope.command.command, intoProcess(local)) };
      }
      return await executeLocal(local, envelope);
    } catch (error) {
      throw toControllerError(error);
    }
  }
}

/** An effect host whose controllers record nothing (see `InlineRuntimeEffectController`). */
export class InlineEffectHost implements EffectHost {
  readonly #controller: InlineRuntimeEffectController;

  constructor(controller: InlineRuntimeEffectController = new InlineRuntimeEffectController()) {
    this.#controller = controller;
  }

  /** Always `'inline'`. */
  durabilityTier(): DurabilityTier {
    return this.#controller.durabilityTier();
  }

  /** Always `false`. */
  requiresDurableAttachmentStore(): boolean {
    return this.#controller.requiresDurableAttachmentStore();
  }

  scoped(scope: EffectScope): ScopedEffectController {
    return new ScopedEffectController(this.#controller, scope);
  }

  scopedStatic(scope: EffectScope): ScopedEffectController {
    return new ScopedEffectController(this.#controller, scope);
  }
}
