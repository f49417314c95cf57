/**
 * The replay state a host shares with every controller it hands out, and the
 * pure parts of one effect call (the request, the encoded result). Both
 * transactions of a call run through the shared operation runner.
 */
import { portableCodecs, type Codecs } from '../codec/codecs.ts';
import { stringifyJsonRow } from '../codec/json-bytes.ts';
import { ComponentOperations, type ErrorFamily } from '../driver/operations.ts';
import { OperationRunner } from '../driver/runner.ts';
import { isConnection } from '../driver/values.ts';
import type { SqliteConnection } from '../driver/types.ts';
import { InvalidInputError, RuntimeEffectControllerError, conditionOf } from '../contract/errors.ts';
import { silentLogger, systemClock, type Clock, type Logger } from '../logger.ts';
import { RUNTIME_EFFECT_KINDS, type RuntimeEffectKind } from '../contract/invocation.ts';
import { isJsonObject } from '../contract/json.ts';
import { openComponentSchema } from '../schema/versions.ts';
import { TokenSource } from '../tokens.ts';
import { identifierProblem, jsonValueProblem, readEpochMs, u64Problem } from '../validation.ts';
import { delay, sleepUntil } from './delay.ts';
import { wrongOutcome, runtimeEffectEnvelopeHash } from './envelope.ts';
import {
  finalizeEffect,
  prepareEffect,
  type EffectClaim,
  type EffectRequest,
  type EncodedResult,
  type JournalLease,
  type PreparedEffect,
} from './journal.ts';
import { EFFECT_SCHEMA } from './schema.ts';
import type { RuntimeEffectEnvelope, RuntimeEffectOutcome } from '../contract/effects.ts';

/** The default lease of an in-progress effect (ms). */
export const DEFAULT_EFFECT_LEASE_TTL_MS = 30_000;
/** The default poll interval while another holder runs an effect (ms). */
export const DEFAULT_EFFECT_POLL_INTERVAL_MS = 25;

/** Options of `SqliteEffectHost.open` and `SqliteRuntimeEffectController.open`. */
export interface SqliteEffectReplayOptions {
  /** How long a claimed effect is leased; never renewed. Default 30 000 ms; 0 counts as 1 ms. */
  leaseTtlMs?: number;
  /** Epoch milliseconds, read once per transaction. Default `Date.now`. */
  clock?: Clock;
  /** Where corrupt rows are reported. Default: silent. */
  logger?: Logger;
  /** How often a busy effect is re-checked, and the longest a sleep goes without re-reading the clock. Default 25 ms. */
  pollIntervalMs?: number;
  /** Hashing codecs. Default: `conn.codecs`, else the portable ones. */
  codecs?: Codecs;
}

const KINDS: ReadonlySet<string> = new Set<string>(RUNTIME_EFFECT_KINDS);

let ownerCounter = 0;

/**
 * The state a host shares with every controller it hands out (the
 * reference's "inner"): the connection, the owner id and its lease tokens,
 * the replay-mode flag, and the signal that `close()` raises.
 */
export class EffectReplayState implements JournalLease {
  readonly conn: SqliteConnection;
  readonly ownerId: string;
  readonly ttlMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly pollIntervalMs: number;
  readonly codecs: Codecs;
  replayMode = false;
  readonly #tokens: TokenSource;
  readonly #closing = new AbortController();
  readonly #ops: ComponentOperations;

  constructor(conn: SqliteConnection, options: SqliteEffectReplayOptions) {
    this.conn = conn;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_EFFECT_POLL_INTERVAL_MS;
    this.codecs = options.codecs ?? conn.codecs ?? portableCodecs;
    this.ttlMs = Math.max(1, Math.floor(options.leaseTtlMs ?? DEFAULT_EFFECT_LEASE_TTL_MS));
    this.#tokens = new TokenSource(this.codecs);
    this.#ops = new ComponentOperations(new OperationRunner(conn), EFFECT_ERRORS, () => this.closed);
    this.ownerId = `${processLabel()}-${++ownerCounter}-${this.clock()}`;
  }

  static async open(conn: SqliteConnection, options: SqliteEffectReplayOptions): Promise<EffectReplayState> {
    if (isConnection(conn)) checkOptions(options);
    await openComponentSchema(conn, EFFECT_SCHEMA, EFFECT_ERRORS, 'the effect replay host');
    return new EffectReplayState(conn, options);
  }

  nextToken(): string {
    return this.#tokens.next(this.ownerId);
  }

  get closed(): boolean {
    return this.#closing.signal.aborted;
  }

  /** Aborted by `close()`: waits inside effects (a process `await`) listen to it. */
  get closeSignal(): AbortSignal {
    return this.#closing.signal;
  }

  close(): void {
    this.#closing.abort();
  }

  /**
   * The first transaction of an effect call (retried on lock contention,
   * acknowledged once durable); synchronous when nothing has to be waited
   * for, since a replay is the hot path.
   */
  prepare(request: EffectRequest): PreparedEffect | Promise<PreparedEffect> {
    return this.#ops.writeOperationFast(() => prepareEffect(this.conn, request, this, this.replayMode, this.clock, this.logger));
  }

  /** The second: records the result of a claimed execution. */
  finalize(claim: EffectClaim, result: EncodedResult): Promise<void> {
    return this.#ops.writeOperation(() => finalizeEffect(this.conn, claim, result, this.clock));
  }

  /** Sleeps until `dueAtMs` on this state's clock; only `close()` cuts it short. */
  async sleepUntil(dueAtMs: number | null): Promise<void> {
    if (dueAtMs === null) return;
    await sleepUntil(dueAtMs, this.clock, this.pollIntervalMs, this.#closing.signal, closedError);
  }

  /** One poll of a busy effect: until its lease expires, at most one poll interval. */
  async waitBusy(retryAtMs: number): Promise<void> {
    const now = readEpochMs(this.clock);
    const wait = retryAtMs > now ? Math.min(retryAtMs - now, this.pollIntervalMs) : this.pollIntervalMs;
    await delay(wait, this.#closing.signal, closedError);
  }

}


/** Everything pure about one call, checked and computed before any transaction. */
export function effectRequest(scopeId: string, envelope: RuntimeEffectEnvelope, codecs: Codecs): EffectRequest {
  if (!isJsonObject(envelope) || !isJsonObject(envelope.invocation) || !isJsonObject(envelope.command)) {
    throw invalidEnvelope('a runtime effect envelope needs an invocation and a command object');
  }
  const replayKey = envelope.invocation.replay?.key;
  if (typeof replayKey !== 'string' || replayKey.length === 0) {
    throw new RuntimeEffectControllerError('sqlite_effect_replay_key_missing', 'runtime effect envelope requires replay.key');
  }
  const keyProblem = identifierProblem(replayKey, 'replay.key');
  if (keyProblem !== null) throw new RuntimeEffectControllerError('sqlite_effect_replay_key_invalid', keyProblem);
  const command = envelope.command;
  if (!KINDS.has(command.type)) throw invalidEnvelope(`unknown runtime effect command type \`${String(command.type)}\``);
  let sleepMs: number | null = null;
  if (command.type === 'sleep') {
    const problem = u64Problem(command.duration_ms, 'sleep duration_ms');
    if (problem !== null) throw invalidEnvelope(problem);
    sleepMs = command.duration_ms;
  }
  return {
    scopeId,
    replayKey,
    envelopeHash: runtimeEffectEnvelopeHash(envelope, codecs),
    kind: command.type,
    sleepMs,
  };
}

/**
 * The row text of a result. An outcome that is not plain JSON tagged with
 * the command's kind is recorded as the failure it is, so the first call and
 * every replay see the same error.
 */
export function encodeResult(
  outcome: RuntimeEffectOutcome | undefined,
  failure: RuntimeEffectControllerError | undefined,
  kind: RuntimeEffectKind,
): { result: EncodedResult; error?: RuntimeEffectControllerError } {
  let error = failure;
  if (error === undefined) {
    if (!isJsonObject(outcome)) {
      error = new RuntimeEffectControllerError('sqlite_effect_replay_encode', 'the local executor returned no outcome object');
    } else if (outcome.type !== kind) {
      error = wrongOutcome(kind, String(outcome.type));
    } else {
      const problem = jsonValueProblem(outcome, 'outcome');
      if (problem === null) return { result: { ok: true, outcomeJson: stringifyJsonRow(outcome) } };
      error = new RuntimeEffectControllerError(
        'sqlite_effect_replay_encode',
        `failed to encode runtime effect replay row: ${problem}`,
      );
    }
  }
  return { result: { ok: false, errorJson: JSON.stringify(error.toJSON()) }, error };
}

/**
 * How effect replay reports failures: contract errors pass through; a lock
 * wait past the bound is `sqlite_effect_replay_busy` (retryable), a failed
 * persistence target `sqlite_effect_replay_not_persisted`, bad input
 * `sqlite_effect_replay_invalid_input`, any other driver failure
 * `sqlite_effect_replay_store`.
 */
const EFFECT_ERRORS: ErrorFamily = Object.freeze({
  from(error: unknown): Error {
    if (error instanceof RuntimeEffectControllerError) return error;
    const message = error instanceof Error ? error.message : String(error);
    const condition = conditionOf(error)?.kind;
    const code =
      condition === 'Busy'
        ? 'sqlite_effect_replay_busy'
        : condition === 'NotPersisted'
          ? 'sqlite_effect_replay_not_persisted'
          : condition === 'InvalidInput'
            ? 'sqlite_effect_replay_invalid_input'
            : 'sqlite_effect_replay_store';
    return new RuntimeEffectControllerError(code, message, { cause: error });
  },
  invalidInput: (message: string, _path: string | undefined, cause: unknown) =>
    new RuntimeEffectControllerError('sqlite_effect_replay_invalid_input', message, { cause }),
  closed: () => closedError(),
  isContractError: (error: unknown) => error instanceof RuntimeEffectControllerError,
});

function invalidEnvelope(message: string): RuntimeEffectControllerError {
  return new RuntimeEffectControllerError('runtime_effect_envelope_invalid', message);
}

export function closedError(): RuntimeEffectControllerError {
  return new RuntimeEffectControllerError('sqlite_effect_replay_closed', 'the effect replay host is closed');
}

/** `pid{n}` under Node; a random label where there is no process id (browsers). */
function processLabel(): string {
  const pid = (globalThis as { process?: { pid?: unknown } }).process?.pid;
  if (typeof pid === 'number') return `pid${pid}`;
  const random = new Uint32Array(1);
  globalThis.crypto.getRandomValues(random);
  return `js${random[0]!.toString(16)}`;
}

function checkOptions(options: SqliteEffectReplayOptions): void {
  const { leaseTtlMs, clock, pollIntervalMs } = options;
  if (leaseTtlMs !== undefined && (typeof leaseTtlMs !== 'number' || !(leaseTtlMs >= 0) || leaseTtlMs > Number.MAX_SAFE_INTEGER)) {
    throw new InvalidInputError(`leaseTtlMs must be a non-negative number of milliseconds (got ${String(leaseTtlMs)})`);
  }
  if (clock !== undefined && typeof clock !== 'function') {
    throw new InvalidInputError('clock must be a function returning epoch milliseconds');
  }
  if (pollIntervalMs !== undefined) {
    const problem = u64Problem(pollIntervalMs, 'pollIntervalMs');
    if (problem !== null || pollIntervalMs === 0) throw new InvalidInputError(problem ?? 'pollIntervalMs must be at least 1');
  }
}
