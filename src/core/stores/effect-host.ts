/**
 * `SqliteEffectHost` and `SqliteRuntimeEffectController` (§6): every effect
 * outcome, or error, is recorded under `(scope id, replay key)` and replayed
 * by key, whatever order effects are requested in. In-progress effects are
 * leased; a lease that expires (its owner crashed or overran) is reclaimed
 * and the effect runs again, and the overrun owner then gets
 * `sqlite_effect_replay_lease_lost` when it tries to record.
 */
import type { DurabilityTier, SqliteConnection } from '../driver/types.ts';
import { RuntimeEffectControllerError } from '../contract/errors.ts';
import type { RuntimeEffectKind } from '../contract/invocation.ts';
import { ScopedEffectController, type EffectHost, type RuntimeEffectController } from '../effects/controller.ts';
import type { EffectClaim } from '../effects/journal.ts';
import { executeLocal, intoProcess, toControllerError, type RuntimeEffectLocalExecutor } from '../effects/local-executor.ts';
import { executeProcessCommand } from '../effects/process-command.ts';
import { EffectScope } from '../effects/scope.ts';
import type { RuntimeEffectEnvelope, RuntimeEffectOutcome } from '../contract/effects.ts';
import {
  DEFAULT_EFFECT_LEASE_TTL_MS,
  DEFAULT_EFFECT_POLL_INTERVAL_MS,
  EffectReplayState,
  effectRequest,
  encodeResult,
  type SqliteEffectReplayOptions,
} from '../effects/replay-state.ts';

export { DEFAULT_EFFECT_LEASE_TTL_MS, DEFAULT_EFFECT_POLL_INTERVAL_MS, type SqliteEffectReplayOptions };

/** What hosts and controllers answer the same way: both are views of one replay state. */
abstract class ReplayStateView {
  /** @internal */
  protected readonly state: EffectReplayState;

  protected constructor(state: EffectReplayState) {
    this.state = state;
  }

  /** Strict replay for every user of this replay state: a missing row becomes `sqlite_effect_replay_missing`. */
  startReplay(): void {
    this.state.replayMode = true;
  }

  /** `durable` on a file-backed node:sqlite connection, `inline` in memory (spec decision 7). */
  durabilityTier(): DurabilityTier {
    return this.state.conn.info.durability;
  }

  /** Whether attachments must be stored durably too (when outcomes are). */
  requiresDurableAttachmentStore(): boolean {
    return this.durabilityTier() === 'durable';
  }
}

/**
 * A deployment-level effect host: controllers for any scope, sharing one
 * journal and one replay-mode flag (`startReplay()` affects them all).
 */
export class SqliteEffectHost extends ReplayStateView implements EffectHost {
  private constructor(state: EffectReplayState) {
    super(state);
  }

  /** Creates or checks the `effects` schema (version 1) on `conn` and returns the host. */
  static async open(conn: SqliteConnection, options: SqliteEffectReplayOptions = {}): Promise<SqliteEffectHost> {
    return new SqliteEffectHost(await EffectReplayState.open(conn, options));
  }

  scoped(scope: EffectScope): ScopedEffectController {
    return new ScopedEffectController(new SqliteRuntimeEffectController(this.state, scope), scope);
  }

  scopedStatic(scope: EffectScope): ScopedEffectController {
    return this.scoped(scope);
  }

  /** Stops every wait of every controller of this host (they reject with `sqlite_effect_replay_closed`). The connection stays open. */
  close(): void {
    this.state.close();
  }
}

/** Records and replays the effects of one scope. `startReplay()` affects its host's other controllers too. */
export class SqliteRuntimeEffectController extends ReplayStateView implements RuntimeEffectController {
  readonly #scopeId: string;
  readonly #ownsState: boolean;

  /** Use `SqliteRuntimeEffectController.open` or `SqliteEffectHost#scoped`. */
  constructor(state: EffectReplayState, scope: EffectScope, ownsState = false) {
    EffectScope.validate(scope);
    super(state);
    this.#scopeId = EffectScope.id(scope);
    this.#ownsState = ownsState;
  }

  /** A controller with its own replay state (own owner id and replay flag) on `conn`. */
  static async open(
    conn: SqliteConnection,
    scope: EffectScope,
    options: SqliteEffectReplayOptions = {},
  ): Promise<SqliteRuntimeEffectController> {
    EffectScope.validate(scope);
    return new SqliteRuntimeEffectController(await EffectReplayState.open(conn, options), scope, true);
  }

  /**
   * Replays the recorded outcome or error of `envelope`, or claims it, runs
   * it on `local` (outside any transaction) and records the result.
   */
  async executeEffect(envelope: RuntimeEffectEnvelope, local: RuntimeEffectLocalExecutor): Promise<RuntimeEffectOutcome> {
    const state = this.state;
    const request = effectRequest(this.#scopeId, envelope, state.codecs);
    for (;;) {
      const pending = state.prepare(request);
      const prepared = pending instanceof Promise ? await pending : pending;
      switch (prepared.kind) {
        case 'replay_outcome':
          if (prepared.dueAtMs !== null) await state.sleepUntil(prepared.dueAtMs);
          return prepared.outcome;
        case 'replay_error':
          throw prepared.error;
        case 'busy':
          await state.waitBusy(prepared.retryAtMs);
          continue;
        case 'claimed':
          return this.#runClaimed(prepared.claim, envelope, local, request.kind);
      }
    }
  }

  /** Closes the replay state of a controller made by `open` (a host's controllers are closed by the host). */
  close(): void {
    if (this.#ownsState) this.state.close();
  }

  async #runClaimed(
    claim: EffectClaim,
    envelope: RuntimeEffectEnvelope,
    local: RuntimeEffectLocalExecutor,
    kind: RuntimeEffectKind,
  ): Promise<RuntimeEffectOutcome> {
    let outcome: RuntimeEffectOutcome | undefined;
    let failure: RuntimeEffectControllerError | undefined;
    try {
      outcome = await this.#executeClaimed(claim, envelope, local);
    } catch (error) {
      failure = toControllerError(error);
    }
    const encoded = encodeResult(outcome, failure, kind);
    await this.state.finalize(claim, encoded.result);
    if (encoded.error !== undefined) throw encoded.error;
    return outcome!;
  }

  async #executeClaimed(
    claim: EffectClaim,
    envelope: RuntimeEffectEnvelope,
    local: RuntimeEffectLocalExecutor,
  ): Promise<RuntimeEffectOutcome> {
    const command = envelope.command;
    if (command.type === 'sleep') {
      // The recorded deadline, not the executor: a reclaimed sleep keeps its original due time.
      await this.state.sleepUntil(claim.dueAtMs);
      return { type: 'sleep' };
    }
    if (command.type === 'process') {
      const registry = intoProcess(local);
      return { type: 'process', result: await executeProcessCommand(command.command, registry, this.state.closeSignal) };
    }
    return executeLocal(local, envelope);
  }
}
