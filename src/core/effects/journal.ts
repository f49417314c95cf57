/**
 * The effect replay journal: the two transactions of `executeEffect`
 * (§6.3). `prepare` decides, in one `BEGIN IMMEDIATE`, whether an effect
 * replays, waits, or is claimed for execution; `finalize` records the result
 * of a claimed execution if, and only if, the claim still holds its lease.
 * Nothing here awaits: the local executor runs between the two transactions,
 * never inside one.
 */
import { writeAttempt } from '../driver/transaction.ts';
import type { SqliteConnection } from '../driver/types.ts';
import { RuntimeEffectControllerError } from '../contract/errors.ts';
import type { Clock, Logger } from '../logger.ts';
import { isJsonObject } from '../contract/json.ts';
import { readEpochMs, saturatingAdd } from '../validation.ts';
import type { RuntimeEffectKind } from '../contract/invocation.ts';
import type { RuntimeEffectControllerErrorJson, RuntimeEffectOutcome } from '../contract/effects.ts';
import { expectString, object, shapeOf, shapeProblem } from '../shape.ts';

const STATUS_IN_PROGRESS = 'in_progress';
const STATUS_COMPLETED = 'completed';
const STATUS_FAILED = 'failed';

const SQL = {
  select: `SELECT envelope_hash, status, outcome_json, error_json, lease_expires_at_ms, due_at_ms
    FROM runtime_effect_replay WHERE scope_id = ? AND replay_key = ?`,
  insert: `INSERT INTO runtime_effect_replay (
      scope_id, replay_key, envelope_hash, status, outcome_json, error_json,
      lease_owner_id, lease_token, lease_expires_at_ms, due_at_ms, created_at_ms, updated_at_ms
    ) VALUES (?, ?, ?, '${STATUS_IN_PROGRESS}', NULL, NULL, ?, ?, ?, ?, ?, ?)`,
  reclaim: `UPDATE runtime_effect_replay
    SET lease_owner_id = ?, lease_token = ?, lease_expires_at_ms = ?, due_at_ms = ?, updated_at_ms = ?
    WHERE scope_id = ? AND replay_key = ?`,
  // No expiry check: a slow owner may still finalize if nobody reclaimed the row meanwhile.
  finalize: `UPDATE runtime_effect_replay
    SET status = ?, outcome_json = ?, error_json = ?, lease_owner_id = NULL, lease_token = NULL,
        lease_expires_at_ms = 0, updated_at_ms = ?
    WHERE scope_id = ? AND replay_key = ? AND envelope_hash = ? AND lease_token = ? AND status = '${STATUS_IN_PROGRESS}'`,
} as const;

interface ReplayRow {
  envelope_hash: string;
  status: string;
  outcome_json: string | null;
  error_json: string | null;
  lease_expires_at_ms: number;
  due_at_ms: number | null;
}

/** What one effect call asks of the journal; everything pure is computed before the transaction. */
export interface EffectRequest {
  readonly scopeId: string;
  readonly replayKey: string;
  readonly envelopeHash: string;
  readonly kind: RuntimeEffectKind;
  /** `duration_ms` of a sleep command, else `null`. */
  readonly sleepMs: number | null;
}

/** A claimed execution: finalize needs all of it. */
export interface EffectClaim {
  readonly scopeId: string;
  readonly replayKey: string;
  readonly envelopeHash: string;
  readonly leaseToken: string;
  /** The sleep deadline (the original one when a crashed sleep is reclaimed). */
  readonly dueAtMs: number | null;
}

export type PreparedEffect =
  | { readonly kind: 'replay_outcome'; readonly outcome: RuntimeEffectOutcome; readonly dueAtMs: number | null }
  | { readonly kind: 'replay_error'; readonly error: RuntimeEffectControllerError }
  | { readonly kind: 'busy'; readonly retryAtMs: number }
  | { readonly kind: 'claimed'; readonly claim: EffectClaim };

export interface JournalLease {
  readonly ownerId: string;
  /** A fresh lease token; only called when a row is claimed. */
  nextToken(): string;
  readonly ttlMs: number;
}

/** A recorded result, already encoded: exactly one of the two JSON texts is set. */
export type EncodedResult =
  | { readonly ok: true; readonly outcomeJson: string }
  | { readonly ok: false; readonly errorJson: string };

/**
 * Looks the effect up and decides. Replay mode only forbids a missing row:
 * an expired in-progress row is reclaimed even then. The envelope hash is
 * compared before the status, so a reused key is caught whatever state its
 * row is in.
 */
export function prepareEffect(
  conn: SqliteConnection,
  request: EffectRequest,
  lease: JournalLease,
  replayMode: boolean,
  clock: Clock,
  logger: Logger,
): PreparedEffect {
  return writeAttempt(conn, (): PreparedEffect => {
    // Read under the write lock: a wait for the lock does not age the lease.
    const now = readEpochMs(clock);
    const { scopeId, replayKey } = request;
    const row = conn.get<ReplayRow>(SQL.select, [scopeId, replayKey]);
    const expiresAt = saturatingAdd(now, lease.ttlMs);
    if (row === undefined) {
      if (replayMode) {
        throw new RuntimeEffectControllerError(
          'sqlite_effect_replay_missing',
          `no recorded runtime effect for scope \`${scopeId}\` and replay key \`${replayKey}\``,
        );
      }
      const dueAtMs = request.sleepMs === null ? null : saturatingAdd(now, request.sleepMs);
      const leaseToken = lease.nextToken();
      conn.run(SQL.insert, [scopeId, replayKey, request.envelopeHash, lease.ownerId, leaseToken, expiresAt, dueAtMs, now, now]);
      return { kind: 'claimed', claim: { scopeId, replayKey, envelopeHash: request.envelopeHash, leaseToken, dueAtMs } };
    }
    if (row.envelope_hash !== request.envelopeHash) {
      throw new RuntimeEffectControllerError(
        'sqlite_effect_replay_hash_conflict',
        `runtime effect replay key \`${replayKey}\` in scope \`${scopeId}\` was reused with a different envelope hash`,
      );
    }
    switch (row.status) {
      case STATUS_COMPLETED:
        return { kind: 'replay_outcome', outcome: decodeOutcome(row, request, logger), dueAtMs: row.due_at_ms };
      case STATUS_FAILED:
        return { kind: 'replay_error', error: decodeError(row, request, logger) };
      case STATUS_IN_PROGRESS: {
        if (row.lease_expires_at_ms > now) return { kind: 'busy', retryAtMs: row.lease_expires_at_ms };
        const dueAtMs = row.due_at_ms ?? (request.sleepMs === null ? null : saturatingAdd(now, request.sleepMs));
        const leaseToken = lease.nextToken();
        conn.run(SQL.reclaim, [lease.ownerId, leaseToken, expiresAt, dueAtMs, now, scopeId, replayKey]);
        return { kind: 'claimed', claim: { scopeId, replayKey, envelopeHash: request.envelopeHash, leaseToken, dueAtMs } };
      }
      default:
        throw corrupt(logger, request, `unknown runtime effect replay status \`${row.status}\``);
    }
  });
}

/** Records the result of a claimed execution; `sqlite_effect_replay_lease_lost` when the claim was reclaimed. */
export function finalizeEffect(conn: SqliteConnection, claim: EffectClaim, result: EncodedResult, clock: Clock): void {
  writeAttempt(conn, () => {
    const now = readEpochMs(clock);
    const { changes } = conn.run(SQL.finalize, [
      result.ok ? STATUS_COMPLETED : STATUS_FAILED,
      result.ok ? result.outcomeJson : null,
      result.ok ? null : result.errorJson,
      now,
      claim.scopeId,
      claim.replayKey,
      claim.envelopeHash,
      claim.leaseToken,
    ]);
    if (changes !== 1) {
      throw new RuntimeEffectControllerError(
        'sqlite_effect_replay_lease_lost',
        `runtime effect replay lease was lost before finalizing scope \`${claim.scopeId}\` replay key \`${claim.replayKey}\``,
      );
    }
  });
}

/**
 * A completed row's outcome. It must be an object tagged with the kind of
 * the command it answers: the envelope hash matched, so any other shape is a
 * damaged row, never data.
 */
function decodeOutcome(row: ReplayRow, request: EffectRequest, logger: Logger): RuntimeEffectOutcome {
  if (row.outcome_json === null) throw corrupt(logger, request, 'completed runtime effect row is missing outcome_json');
  const value = parse(row.outcome_json, request, logger);
  if (!isJsonObject(value) || value.type !== request.kind) {
    const found = isJsonObject(value) ? `a \`${String(value.type)}\` outcome` : 'not an object';
    throw decodeFailure(logger, request, `expected a ${request.kind} outcome, found ${found}`);
  }
  return value as RuntimeEffectOutcome;
}

function decodeError(row: ReplayRow, request: EffectRequest, logger: Logger): RuntimeEffectControllerError {
  if (row.error_json === null) throw corrupt(logger, request, 'failed runtime effect row is missing error_json');
  const value = parse(row.error_json, request, logger);
  const problem = shapeProblem(errorRecord, value, 'error');
  if (problem !== null) throw decodeFailure(logger, request, `expected an error object {code, message} (${problem})`);
  const { code, message } = value as RuntimeEffectControllerErrorJson;
  return new RuntimeEffectControllerError(code, message);
}

/** A failed row's error (`RuntimeEffectControllerError`'s serde form). */
const errorRecord = shapeOf<RuntimeEffectControllerErrorJson>()(object({ code: expectString, message: expectString }));

function parse(json: string, request: EffectRequest, logger: Logger): unknown {
  try {
    return JSON.parse(json);
  } catch (error) {
    throw decodeFailure(logger, request, (error as Error).message);
  }
}

function decodeFailure(logger: Logger, request: EffectRequest, problem: string): RuntimeEffectControllerError {
  logCorrupt(logger, request, problem);
  return new RuntimeEffectControllerError(
    'sqlite_effect_replay_decode',
    `failed to decode runtime effect replay row: ${problem}`,
  );
}

function corrupt(logger: Logger, request: EffectRequest, message: string): RuntimeEffectControllerError {
  logCorrupt(logger, request, message);
  return new RuntimeEffectControllerError('sqlite_effect_replay_corrupt_row', message);
}

function logCorrupt(logger: Logger, request: EffectRequest, problem: string): void {
  logger.warn('corrupt runtime effect replay row', {
    scope_id: request.scopeId,
    replay_key: request.replayKey,
    problem,
  });
}
