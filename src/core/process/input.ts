/**
 * Checks of the registry's arguments. Each throws `PluginError` with
 * `condition: 'InvalidInput'` (or the contract's own wording), before any
 * transaction.
 */
import { PluginError } from '../contract/errors.ts';
import type { U64 } from '../contract/json.ts';
import { u64Problem } from '../validation.ts';
import { refuseMalformedScope } from './append.ts';
import { decodeScope, normaliseInput } from './decode.ts';
import { refuseMalformed } from './registration.ts';
import { PROCESS_LEASE_SCHEMA_VERSION } from '../contract/process.ts';
import type {
  ProcessEventAppendResult,
  ProcessLease,
  ProcessScope,
} from '../contract/process.ts';

/** Events `eventsAfter` and `wakeEventsAfter` return when the caller names no `limit`. */
export const DEFAULT_EVENTS_LIMIT = 1000;

/** A page of events: the next page starts after the last returned `sequence`. */
export interface ProcessEventsOptions {
  /** At most this many events (a positive safe integer). Default 1000. */
  limit?: number;
}

/** What one append did: the result, and whether a row was written (a replay writes none). */
export interface AppendOutcome {
  readonly result: ProcessEventAppendResult;
  readonly appended: boolean;
}

export function isWellFormedId(value: unknown): value is string {
  return typeof value === 'string' && !value.includes('\0') && value.isWellFormed();
}

/** Process ids may be empty here (an empty id is simply unknown), but must be well-formed strings. */
export function checkProcessId(processId: unknown): asserts processId is string {
  if (typeof processId !== 'string') throw PluginError.invalidInput('process id must be a string');
  refuseMalformed(processId, 'process id', true);
}

export function checkLimit(options: ProcessEventsOptions | undefined): number {
  if (options === undefined) return DEFAULT_EVENTS_LIMIT;
  if (typeof options !== 'object' || options === null) throw PluginError.invalidInput('events options must be an object');
  if (options.limit === undefined) return DEFAULT_EVENTS_LIMIT;
  checkSequence(options.limit, 'limit');
  if (options.limit === 0) throw PluginError.invalidInput('limit must be at least 1');
  return options.limit;
}

export function checkSignal(signal: unknown): void {
  if (signal === undefined) return;
  const candidate = signal as Partial<AbortSignal> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.throwIfAborted !== 'function' || typeof candidate.addEventListener !== 'function') {
    throw PluginError.invalidInput('signal must be an AbortSignal');
  }
}

export function checkSequence(value: unknown, what: string): asserts value is U64 {
  const problem = u64Problem(value, what);
  if (problem !== null) throw PluginError.invalidInput(problem);
}

/**
 * A normalised scope. Writes refuse an empty session id; reads
 * (`readOnly`) accept it, since such a scope simply holds nothing.
 */
export function checkScope(scope: ProcessScope, what: string, readOnly = false): ProcessScope {
  const clean = normaliseInput(what, scope, (value) => decodeScope(value, what.replaceAll(' ', '_')));
  if (readOnly) {
    refuseMalformed(clean.session_id, `${what} session id`, true);
    if (clean.agent_frame_id !== undefined) refuseMalformed(clean.agent_frame_id, `${what} agent frame id`, true);
  } else {
    refuseMalformedScope(clean, what);
  }
  return clean;
}

export function checkLease(lease: ProcessLease): ProcessLease {
  if (typeof lease !== 'object' || lease === null) throw PluginError.invalidInput('a process lease must be an object');
  checkProcessId(lease.process_id);
  refuseMalformed(lease.lease_token, 'lease token', true);
  refuseMalformed(lease.owner_id, 'lease owner id', true);
  checkSequence(lease.fencing_token, 'fencing token');
  checkSequence(lease.claimed_at_epoch_ms, 'claimed_at_epoch_ms');
  checkSequence(lease.expires_at_epoch_ms, 'expires_at_epoch_ms');
  return {
    schema_version: PROCESS_LEASE_SCHEMA_VERSION,
    process_id: lease.process_id,
    owner_id: lease.owner_id,
    lease_token: lease.lease_token,
    fencing_token: lease.fencing_token,
    claimed_at_epoch_ms: lease.claimed_at_epoch_ms,
    expires_at_epoch_ms: lease.expires_at_epoch_ms,
  };
}
