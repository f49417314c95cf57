/**
 * The host's shared state in one Durable Object: the process registry,
 * effect replay and host events, three components on one SQLite database
 * (one connection). Sessions live in their own objects (`SessionObject`).
 */
import { DurableObject } from 'cloudflare:workers';
import {
  EffectScope,
  LocalExecutor,
  SqliteEffectHost,
  SqliteHostEventStore,
  SqliteProcessRegistry,
  createRuntimeEffectEnvelope,
  effectInvocation,
  runtimeScopeForTurn,
  type HostEventOccurrenceRecord,
  type JsonValue,
  type HostEventOccurrenceRequest,
  type ProcessAwaitOutput,
  type ProcessEvent,
  type ProcessEventAppendRequest,
  type ProcessEventAppendResult,
  type ProcessRecord,
  type ProcessRegistration,
  type RuntimeEffectOutcome,
  type TriggerDeliveryReservation,
  type TriggerSubscriptionDraft,
  type TriggerSubscriptionRecord,
} from 'lash-sqlite-store';
import { openDurableObjectSqlite, rpcOutcome, type RpcOutcome } from 'lash-sqlite-store/durable-object';
import type { Env } from './env.ts';

interface Components {
  registry: SqliteProcessRegistry;
  effects: SqliteEffectHost;
  hostEvents: SqliteHostEventStore;
}

/** What an example effect recorded: its result, and whether this call replayed it. */
export interface EffectRun {
  outcome: RuntimeEffectOutcome;
  replayed: boolean;
}

export class HostObject extends DurableObject<Env> {
  readonly #components: Promise<Components>;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const conn = openDurableObjectSqlite(ctx.storage, { location: ctx.id.toString() });
    this.#components = (async () => ({
      registry: await SqliteProcessRegistry.open(conn),
      effects: await SqliteEffectHost.open(conn),
      hostEvents: await SqliteHostEventStore.open(conn),
    }))();
    this.#components.catch(() => undefined);
  }

  // ---- process registry ------------------------------------------------------------

  registerProcess(registration: ProcessRegistration): Promise<RpcOutcome<ProcessRecord>> {
    return this.#call(({ registry }) => registry.registerProcess(registration));
  }

  getProcess(processId: string): Promise<RpcOutcome<ProcessRecord | null>> {
    return this.#call(async ({ registry }) => (await registry.getProcess(processId)) ?? null);
  }

  appendEvent(processId: string, request: ProcessEventAppendRequest): Promise<RpcOutcome<ProcessEventAppendResult>> {
    return this.#call(({ registry }) => registry.appendEvent(processId, request));
  }

  eventsAfter(processId: string, afterSequence: number): Promise<RpcOutcome<ProcessEvent[]>> {
    return this.#call(({ registry }) => registry.eventsAfter(processId, afterSequence));
  }

  completeProcess(processId: string, output: ProcessAwaitOutput): Promise<RpcOutcome<ProcessRecord>> {
    return this.#call(({ registry }) => registry.completeProcess(processId, output));
  }

  /** Resolves when the process reaches a terminal state (the registry polls its table meanwhile). */
  awaitProcess(processId: string): Promise<RpcOutcome<ProcessAwaitOutput>> {
    return this.#call(({ registry }) => registry.awaitProcess(processId));
  }

  // ---- effect replay -------------------------------------------------------------------

  /**
   * Runs a tool call of a turn at most once: the first call records its
   * outcome (here: the call and a fresh run id, standing in for real work),
   * every later call with the same replay key gets the recorded outcome back
   * without running it — also after a restart.
   */
  runToolEffect(sessionId: string, turnId: string, replayKey: string, call: JsonValue): Promise<RpcOutcome<EffectRun>> {
    return this.#call(async ({ effects }) => {
      const envelope = createRuntimeEffectEnvelope(
        effectInvocation(runtimeScopeForTurn(sessionId, turnId, 1, 0), replayKey, 'tool_call', replayKey),
        { type: 'tool_call', call },
      );
      let ran = false;
      const local = LocalExecutor.runner(async () => {
        ran = true;
        return { type: 'tool_call', result: { call, run_id: crypto.randomUUID() } };
      });
      const outcome = await effects.scoped(EffectScope.turn(sessionId, turnId)).controller().executeEffect(envelope, local);
      return { outcome, replayed: !ran };
    });
  }

  // ---- host events ---------------------------------------------------------------------

  registerSubscription(draft: TriggerSubscriptionDraft): Promise<RpcOutcome<TriggerSubscriptionRecord>> {
    return this.#call(({ hostEvents }) => hostEvents.registerSubscription(draft));
  }

  /** Records an occurrence (idempotent by its key) and reserves the deliveries it triggers. */
  emitHostEvent(
    request: HostEventOccurrenceRequest,
  ): Promise<RpcOutcome<{ occurrence: HostEventOccurrenceRecord; deliveries: TriggerDeliveryReservation[] }>> {
    return this.#call(async ({ hostEvents }) => {
      const occurrence = await hostEvents.recordOccurrence(request);
      return { occurrence, deliveries: await hostEvents.reserveMatchingDeliveries(occurrence.occurrence_id) };
    });
  }

  #call<T>(body: (components: Components) => Promise<T>): Promise<RpcOutcome<T>> {
    return rpcOutcome(async () => body(await this.#components));
  }
}
