/**
 * `SqliteProcessRegistry`: the process registry over any driver connection
 * (its own file, or one shared with other components).
 *
 * Every mutating method is one `BEGIN IMMEDIATE` transaction whose body is
 * synchronous; any error rolls the whole of it back. Blocking reads
 * (`waitEventAfter`, `awaitProcess`) re-check on this instance's commits and
 * every `pollIntervalMs`, which is how writes from other connections and
 * other processes are seen.
 */
import { portableCodecs, type Codecs } from '../codec/codecs.ts';
import { ComponentOperations, pluginErrorFamily } from '../driver/operations.ts';
import { writeAttempt } from '../driver/transaction.ts';
import { OperationRunner } from '../driver/runner.ts';
import type { DurabilityTier, SqliteConnection } from '../driver/types.ts';
import { InvalidInputError, PluginError } from '../contract/errors.ts';
import { consoleLogger, systemClock, type Clock, type Logger } from '../logger.ts';
import type { U64 } from '../contract/json.ts';
import { openComponentSchema } from '../schema/versions.ts';
import { TokenSource } from '../tokens.ts';
import { readEpochMs, u64Problem } from '../validation.ts';
import {
  normaliseAppendRequest,
  prepareProcessEventAppend,
  refuseMalformedScope,
  terminalReplayKey,
} from '../process/append.ts';
import { decodeAwaitOutput, decodeDescriptor, decodeExternalRef, decodeScope, normaliseInput } from '../process/decode.ts';
import { HandleGrants } from '../process/grants.ts';
import { ProcessLeases } from '../process/leases.ts';
import { isTerminal, statusAwaitOutput, terminalEventTypeFor } from '../process/model.ts';
import { prepareProcessRegistration, refuseMalformed } from '../process/registration.ts';
import { ProcessRows, unknownProcess } from '../process/rows.ts';
import { PROCESS_SCHEMA } from '../process/schema.ts';
import { PROCESS_LEASE_SCHEMA_VERSION } from '../contract/process.ts';
import type {
  ProcessAwaitOutput,
  ProcessEvent,
  ProcessEventAppendRequest,
  ProcessEventAppendResult,
  ProcessExternalRef,
  ProcessHandleDescriptor,
  ProcessHandleGrant,
  ProcessHandleGrantEntry,
  ProcessLease,
  ProcessLeaseCompletion,
  ProcessRecord,
  ProcessRegistration,
  ProcessRegistry,
  ProcessScope,
  ProcessSessionDeleteReport,
} from '../contract/process.ts';
import { ChangeNotifier } from '../process/waiters.ts';

export const DEFAULT_PROCESS_POLL_INTERVAL_MS = 50;

/** Events `eventsAfter` and `wakeEventsAfter` return when the caller names no `limit`. */
export const DEFAULT_EVENTS_LIMIT = 1000;

/** A page of events: the next page starts after the last returned `sequence`. */
export interface ProcessEventsOptions {
  /** At most this many events (a positive safe integer). Default 1000. */
  limit?: number;
}

export interface SqliteProcessRegistryOptions {
  /** Epoch milliseconds; read once per operation. Default `Date.now`. */
  clock?: Clock;
  /** Where corrupt rows are reported. Default: `console.warn`. */
  logger?: Logger;
  /** How often blocking reads re-check for writes made elsewhere. Default 50 ms. */
  pollIntervalMs?: number;
  /** Hashing codecs. Default: the connection's, else the portable ones. */
  codecs?: Codecs;
}

export class SqliteProcessRegistry implements ProcessRegistry {
  readonly #conn: SqliteConnection;
  readonly #codecs: Codecs;
  readonly #clock: Clock;
  readonly #pollIntervalMs: number;
  readonly #rows: ProcessRows;
  readonly #grants: HandleGrants;
  readonly #leases: ProcessLeases;
  readonly #notifier = new ChangeNotifier();
  readonly #ops: ComponentOperations;
  #closed = false;

  private constructor(conn: SqliteConnection, options: SqliteProcessRegistryOptions) {
    const logger = options.logger ?? consoleLogger;
    this.#conn = conn;
    this.#codecs = options.codecs ?? conn.codecs ?? portableCodecs;
    this.#clock = options.clock ?? systemClock;
    this.#pollIntervalMs = options.pollIntervalMs ?? DEFAULT_PROCESS_POLL_INTERVAL_MS;
    this.#rows = new ProcessRows(conn, logger);
    this.#grants = new HandleGrants(conn, this.#rows, logger);
    this.#leases = new ProcessLeases(conn, new TokenSource(this.#codecs));
    this.#ops = new ComponentOperations(new OperationRunner(conn), REGISTRY_ERRORS, () => this.#closed);
  }

  /**
   * Opens the registry on `conn`, creating its tables (schema component
   * `process`, version 6) in an empty database. A database holding another
   * version is refused with `SchemaVersionError` and left unchanged.
   */
  static async open(conn: SqliteConnection, options: SqliteProcessRegistryOptions = {}): Promise<SqliteProcessRegistry> {
    const poll = options.pollIntervalMs;
    if (poll !== undefined && (u64Problem(poll, 'pollIntervalMs') !== null || poll === 0)) {
      throw new InvalidInputError(`pollIntervalMs must be a positive safe integer (got ${String(poll)})`);
    }
    await openComponentSchema(conn, PROCESS_SCHEMA, REGISTRY_ERRORS, 'SqliteProcessRegistry.open');
    return new SqliteProcessRegistry(conn, options);
  }

  /** `'durable'` on a file-backed connection, `'inline'` in memory (spec decision 7). */
  durabilityTier(): DurabilityTier {
    return this.#conn.info.durability;
  }

  /** Stops every waiter (they reject) and refuses further calls. The connection stays open. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#notifier.close(closedError());
    this.#rows.clearCache();
  }

  // -------------------------------------------------------------------------
  // Registration and records
  // -------------------------------------------------------------------------

  async registerProcess(registration: ProcessRegistration): Promise<ProcessRecord> {
    const prepared = this.#ops.input('registration', () => prepareProcessRegistration(registration, this.#codecs));
    const { id } = prepared.registration;
    return this.#ops.write(() => {
      const existing = this.#rows.load(id);
      if (existing !== undefined) {
        if (existing.registration_hash === prepared.registration_hash) return existing;
        throw PluginError.session(
          `process \`${id}\` registration hash conflict: existing ${existing.registration_hash}, new ${prepared.registration_hash}`,
        );
      }
      const now = readEpochMs(this.#clock);
      const record: ProcessRecord = {
        ...prepared.registration,
        registration_hash: prepared.registration_hash,
        created_at_ms: now,
        updated_at_ms: now,
        status: { state: 'running' },
      };
      this.#rows.insert(record);
      return record;
    });
  }

  async setExternalRef(processId: string, externalRef: ProcessExternalRef): Promise<ProcessRecord> {
    const ref = this.#ops.input('external ref', () => {
      checkProcessId(processId);
      return normaliseInput('external ref', externalRef, decodeExternalRef);
    });
    return this.#ops.write(() => {
      const record: ProcessRecord = { ...this.#rows.require(processId), external_ref: ref, updated_at_ms: readEpochMs(this.#clock) };
      this.#rows.save(record);
      return record;
    });
  }

  async getProcess(processId: string): Promise<ProcessRecord | undefined> {
    this.#ops.ensureOpen();
    if (!isWellFormedId(processId)) return undefined;
    return this.#ops.attempt(() => {
      try {
        return this.#rows.load(processId);
      } catch (error) {
        // A corrupt row was logged by the decoder; the contract reads it as missing.
        if (error instanceof PluginError) return undefined;
        throw error;
      }
    });
  }

  async listNonTerminal(): Promise<ProcessRecord[]> {
    return this.#ops.attempt(() => this.#rows.listRunning());
  }

  // -------------------------------------------------------------------------
  // Handle grants
  // -------------------------------------------------------------------------

  async grantHandle(
    owner: ProcessScope,
    processId: string,
    descriptor: ProcessHandleDescriptor,
  ): Promise<ProcessHandleGrant> {
    const [scope, clean] = this.#ops.input('grant', () => {
      const checked = checkScope(owner, 'owner scope');
      checkProcessId(processId);
      return [checked, normaliseInput('descriptor', descriptor, decodeDescriptor)] as const;
    });
    await this.#ops.write(() => {
      if (!this.#rows.exists(processId)) throw unknownProcess(processId);
      this.#grants.upsert(scope, processId, clean);
    });
    return { session_id: scope.session_id, process_id: processId, descriptor: clean };
  }

  async revokeHandle(owner: ProcessScope, processId: string): Promise<void> {
    const scope = this.#ops.input('revocation', () => {
      const checked = checkScope(owner, 'owner scope');
      checkProcessId(processId);
      return checked;
    });
    await this.#ops.write(() => this.#grants.revoke(scope, processId));
  }

  async transferHandleGrants(from: ProcessScope, to: ProcessScope, processIds: readonly string[]): Promise<void> {
    const [fromScope, toScope] = this.#ops.input('transfer', () => {
      const scopes = [checkScope(from, 'source scope'), checkScope(to, 'target scope')] as const;
      if (!Array.isArray(processIds)) throw PluginError.invalidInput('process ids must be an array of strings');
      processIds.forEach(checkProcessId);
      return scopes;
    });
    // One transaction: a pid missing from the source undoes the pids moved before it.
    await this.#ops.write(() => {
      for (const processId of processIds) this.#grants.transfer(fromScope, toScope, processId);
    });
  }

  async listHandleGrants(owner: ProcessScope): Promise<ProcessHandleGrantEntry[]> {
    const scope = this.#ops.input('owner scope', () => checkScope(owner, 'owner scope', true));
    return this.#ops.attempt(() => this.#grants.listForScope(scope, false));
  }

  async listLiveHandleGrants(owner: ProcessScope): Promise<ProcessHandleGrantEntry[]> {
    const scope = this.#ops.input('owner scope', () => checkScope(owner, 'owner scope', true));
    return this.#ops.attempt(() => this.#grants.listForScope(scope, true));
  }

  async hasHandleGrant(owner: ProcessScope, processId: string): Promise<boolean> {
    const scope = this.#ops.input('grant', () => {
      const checked = checkScope(owner, 'owner scope', true);
      checkProcessId(processId);
      return checked;
    });
    return this.#ops.attempt(() => this.#grants.has(scope, processId));
  }

  async handleGrantsForProcess(processId: string): Promise<ProcessHandleGrant[]> {
    this.#ops.input('process id', () => checkProcessId(processId));
    return this.#ops.read(() => {
      if (!this.#rows.exists(processId)) throw unknownProcess(processId);
      return this.#grants.forProcess(processId);
    });
  }

  async deleteSessionProcessState(sessionId: string): Promise<ProcessSessionDeleteReport> {
    this.#ops.input('session id', () => refuseMalformed(sessionId, 'session id', true));
    return this.#ops.write(() => {
      const removed = this.#grants.forSession(sessionId);
      const revoked = this.#grants.deleteSession(sessionId);
      const cancel = new Set<string>();
      const preserved = new Set<string>();
      for (const [processId, record] of removed) {
        if (isTerminal(record)) continue;
        (this.#grants.countForProcess(processId) === 0 ? cancel : preserved).add(processId);
      }
      return {
        session_id: sessionId,
        revoked_handle_count: revoked,
        deleted_wake_count: 0,
        cancel_process_ids: [...cancel].sort(),
        preserved_process_ids: [...preserved].sort(),
      };
    });
  }

  // -------------------------------------------------------------------------
  // Events
  // -------------------------------------------------------------------------

  async appendEvent(processId: string, request: ProcessEventAppendRequest): Promise<ProcessEventAppendResult> {
    const clean = this.#ops.input('append request', () => {
      checkProcessId(processId);
      return normaliseAppendRequest(request);
    });
    const pending = this.#append(processId, clean);
    // The hot path: no lock wait and no persistence target, so no promise hop.
    const { result, appended } = pending instanceof Promise ? await pending : pending;
    // Waiters of this instance re-check now; others see the row on their next poll.
    if (appended) this.#notifier.notify();
    return result;
  }

  #append(
    processId: string,
    request: ProcessEventAppendRequest,
  ): AppendOutcome | Promise<AppendOutcome> {
    return this.#ops.writeOperationFast(() => writeAttempt(this.#conn, (): AppendOutcome => {
      const now = readEpochMs(this.#clock);
      const { record, next: sequence } = this.#rows.loadForAppend(processId);
      const lookup = request.replay && this.#rows.eventByKey(processId, request.replay.key);
      const prepared = prepareProcessEventAppend(record, request, sequence, lookup, now, this.#codecs);
      const result: ProcessEventAppendResult = { event: prepared.event };
      if (prepared.wake_delivery) result.wake_delivery = prepared.wake_delivery;
      if (prepared.replayed) return { result, appended: false };
      this.#rows.insertEvent(prepared.event, prepared.payload_hash, prepared.occurred_at_ms);
      // Only a status change rewrites the record (re-read: the append path's
      // copy may be cached); otherwise readers take updated_at_ms from this
      // event (see `RECORD_TOUCHED_AT`).
      if (prepared.status_update) {
        this.#rows.save({ ...this.#rows.require(processId), updated_at_ms: now, status: prepared.status_update });
      }
      return { result, appended: true };
    }));
  }

  /**
   * Events after `afterSequence`, in order, at most `options.limit` (default
   * 1000): page by calling again after the last returned sequence. (The
   * reference returned every event.)
   */
  async eventsAfter(processId: string, afterSequence: U64, options?: ProcessEventsOptions): Promise<ProcessEvent[]> {
    const limit = this.#checkEventsAfter(processId, afterSequence, options);
    return this.#ops.read(() => {
      if (!this.#rows.exists(processId)) throw unknownProcess(processId);
      return this.#rows.eventsAfter(processId, afterSequence, limit);
    });
  }

  #checkEventsAfter(processId: string, afterSequence: U64, options: ProcessEventsOptions | undefined): number {
    return this.#ops.input('events query', () => {
      checkProcessId(processId);
      checkSequence(afterSequence, 'after sequence');
      return checkLimit(options);
    });
  }

  /**
   * Unacknowledged wake events after `afterSequence`, at most
   * `options.limit` (default 1000). Scans the log in pages of the limit
   * until it has that many, in one snapshot.
   */
  async wakeEventsAfter(processId: string, afterSequence: U64, options?: ProcessEventsOptions): Promise<ProcessEvent[]> {
    const limit = this.#checkEventsAfter(processId, afterSequence, options);
    return this.#ops.read(() => {
      if (!this.#rows.exists(processId)) throw unknownProcess(processId);
      const acked = this.#rows.ackedSequences(processId);
      const wakes: ProcessEvent[] = [];
      for (let after = afterSequence; wakes.length < limit; ) {
        const page = this.#rows.eventsAfter(processId, after, limit);
        for (const event of page) {
          if (event.semantics.wake !== undefined && !acked.has(event.sequence) && wakes.length < limit) wakes.push(event);
        }
        if (page.length < limit) break;
        after = page[page.length - 1]!.sequence;
      }
      return wakes;
    });
  }

  async ackWake(processId: string, sequence: U64): Promise<void> {
    this.#ops.input('wake ack', () => {
      checkProcessId(processId);
      checkSequence(sequence, 'sequence');
    });
    await this.#ops.write(() => {
      if (!this.#rows.exists(processId)) throw unknownProcess(processId);
      this.#rows.ack(processId, sequence);
    });
  }

  async waitEventAfter(
    processId: string,
    eventType: string,
    afterSequence: U64,
    signal?: AbortSignal,
  ): Promise<ProcessEvent> {
    this.#ops.input('wait', () => {
      checkProcessId(processId);
      refuseMalformed(eventType, 'event type', true);
      checkSequence(afterSequence, 'after sequence');
      checkSignal(signal);
    });
    return this.#notifier.waitUntil(
      () =>
        this.#ops.read(() => {
          if (!this.#rows.exists(processId)) throw unknownProcess(processId);
          return this.#rows.firstOfTypeAfter(processId, eventType, afterSequence);
        }),
      { pollIntervalMs: this.#pollIntervalMs, signal },
    );
  }

  async awaitProcess(processId: string, signal?: AbortSignal): Promise<ProcessAwaitOutput> {
    this.#ops.input('wait', () => {
      checkProcessId(processId);
      checkSignal(signal);
    });
    return this.#notifier.waitUntil(
      () => this.#ops.attempt(() => statusAwaitOutput(this.#rows.require(processId).status)),
      { pollIntervalMs: this.#pollIntervalMs, signal },
    );
  }

  /**
   * Appends the core terminal event matching the output's kind under the
   * deterministic key `process:{pid}:terminal:{type}`: completing twice with
   * the same output is a replay, with another output a conflict.
   */
  async completeProcess(processId: string, output: ProcessAwaitOutput): Promise<ProcessRecord> {
    const clean = this.#ops.input('await output', () =>
      normaliseInput('await output', output, (value) => decodeAwaitOutput(value, 'await_output')),
    );
    const eventType = terminalEventTypeFor(clean);
    await this.appendEvent(processId, {
      event_type: eventType,
      payload: { await_output: clean },
      replay: { key: terminalReplayKey(processId, eventType) },
    });
    return this.#ops.attempt(() => {
      const record = this.#rows.load(processId);
      if (record === undefined) throw PluginError.session(`unknown process \`${processId}\` after terminal event`);
      return record;
    });
  }

  // -------------------------------------------------------------------------
  // Leases
  // -------------------------------------------------------------------------

  async claimProcessLease(processId: string, ownerId: string, leaseTtlMs: U64): Promise<ProcessLease> {
    this.#ops.input('lease claim', () => {
      checkProcessId(processId);
      refuseMalformed(ownerId, 'lease owner id');
      checkSequence(leaseTtlMs, 'lease ttl ms');
    });
    return this.#ops.write(() => {
      // The terminal status is not checked: callers re-read the record after claiming.
      if (!this.#rows.exists(processId)) throw unknownProcess(processId);
      return this.#leases.claim(processId, ownerId, leaseTtlMs, readEpochMs(this.#clock));
    });
  }

  async renewProcessLease(lease: ProcessLease, leaseTtlMs: U64): Promise<ProcessLease> {
    const clean = this.#ops.input('lease renewal', () => {
      checkSequence(leaseTtlMs, 'lease ttl ms');
      return checkLease(lease);
    });
    return this.#ops.write(() => this.#leases.renew(clean, leaseTtlMs, readEpochMs(this.#clock)));
  }

  async completeProcessLease(completion: ProcessLeaseCompletion): Promise<void> {
    this.#ops.input('lease completion', () => {
      if (typeof completion !== 'object' || completion === null) {
        throw PluginError.invalidInput('a lease completion must be an object');
      }
      checkProcessId(completion.process_id);
      refuseMalformed(completion.lease_token, 'lease token', true);
    });
    await this.#ops.write(() =>
      this.#leases.release({ process_id: completion.process_id, lease_token: completion.lease_token }),
    );
  }
}

/** What one append did: the result, and whether a row was written (a replay writes none). */
interface AppendOutcome {
  readonly result: ProcessEventAppendResult;
  readonly appended: boolean;
}

/** `PluginError` `session` for everything; bad input, lock waits and failed persistence carry their `condition`. */
const REGISTRY_ERRORS = pluginErrorFamily('process registry is closed');

function closedError(): PluginError {
  return REGISTRY_ERRORS.closed() as PluginError;
}

function isWellFormedId(value: unknown): value is string {
  return typeof value === 'string' && !value.includes('\0') && value.isWellFormed();
}

/** Process ids may be empty here (an empty id is simply unknown), but must be well-formed strings. */
function checkProcessId(processId: unknown): asserts processId is string {
  if (typeof processId !== 'string') throw PluginError.invalidInput('process id must be a string');
  refuseMalformed(processId, 'process id', true);
}

function checkLimit(options: ProcessEventsOptions | undefined): number {
  if (options === undefined) return DEFAULT_EVENTS_LIMIT;
  if (typeof options !== 'object' || options === null) throw PluginError.invalidInput('events options must be an object');
  if (options.limit === undefined) return DEFAULT_EVENTS_LIMIT;
  checkSequence(options.limit, 'limit');
  if (options.limit === 0) throw PluginError.invalidInput('limit must be at least 1');
  return options.limit;
}

function checkSignal(signal: unknown): void {
  if (signal === undefined) return;
  const candidate = signal as Partial<AbortSignal> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.throwIfAborted !== 'function' || typeof candidate.addEventListener !== 'function') {
    throw PluginError.invalidInput('signal must be an AbortSignal');
  }
}

function checkSequence(value: unknown, what: string): asserts value is U64 {
  const problem = u64Problem(value, what);
  if (problem !== null) throw PluginError.invalidInput(problem);
}

/**
 * A normalised scope. Writes refuse an empty session id; reads
 * (`readOnly`) accept it, since such a scope simply holds nothing.
 */
function checkScope(scope: ProcessScope, what: string, readOnly = false): ProcessScope {
  const clean = normaliseInput(what, scope, (value) => decodeScope(value, what.replaceAll(' ', '_')));
  if (readOnly) {
    refuseMalformed(clean.session_id, `${what} session id`, true);
    if (clean.agent_frame_id !== undefined) refuseMalformed(clean.agent_frame_id, `${what} agent frame id`, true);
  } else {
    refuseMalformedScope(clean, what);
  }
  return clean;
}

function checkLease(lease: ProcessLease): ProcessLease {
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
