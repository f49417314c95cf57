/**
 * `SqliteProcessRegistry`: the process registry over any driver connection
 * (its own file, or one shared with other components) — a composition of
 * the registry's engines over one context (`src/core/process/`):
 *
 * | part | module |
 * |---|---|
 * | registration, external ref, record reads | `record-engine.ts` |
 * | handle grants | `grant-engine.ts` |
 * | events, wake acks, blocking waits | `event-engine.ts` |
 * | process leases | `lease-engine.ts` |
 *
 * Every mutating method is one `BEGIN IMMEDIATE` transaction whose body is
 * synchronous, run through the registry's operations (input checked first,
 * lock waits retried asynchronously, `PluginError` out). Blocking reads
 * (`waitEventAfter`, `awaitProcess`) re-check on commits of the registries
 * on this connection and when the connection's one poll (every
 * `pollIntervalMs`) sees a commit made elsewhere: other connections, other
 * processes.
 */
import { portableCodecs, type Codecs } from '../codec/codecs.ts';
import { ComponentOperations, pluginErrorFamily } from '../driver/operations.ts';
import { OperationRunner } from '../driver/runner.ts';
import type { DurabilityTier, SqliteConnection } from '../driver/types.ts';
import { InvalidInputError, PluginError } from '../contract/errors.ts';
import { consoleLogger, systemClock, type Clock, type Logger } from '../logger.ts';
import { openComponentSchema } from '../schema/versions.ts';
import { TokenSource } from '../tokens.ts';
import { u64Problem } from '../validation.ts';
import { terminalReplayKey } from '../process/append.ts';
import type { ProcessContext } from '../process/context.ts';
import { decodeAwaitOutput, normaliseInput } from '../process/decode.ts';
import { ProcessEventEngine } from '../process/event-engine.ts';
import { HandleGrantEngine } from '../process/grant-engine.ts';
import { HandleGrants } from '../process/grants.ts';
import { ProcessLeaseEngine } from '../process/lease-engine.ts';
import { ProcessLeases } from '../process/leases.ts';
import { terminalEventTypeFor } from '../process/model.ts';
import { ProcessRecordEngine } from '../process/record-engine.ts';
import { ProcessRows } from '../process/rows.ts';
import { PROCESS_SCHEMA } from '../process/schema.ts';
import { ChangeNotifier } from '../process/waiters.ts';
import type { ProcessAwaitOutput, ProcessRecord, ProcessRegistry } from '../contract/process.ts';
import type { Args, Returns } from './delegation.ts';

export { DEFAULT_EVENTS_LIMIT, type ProcessEventsOptions } from '../process/input.ts';

/** The default poll interval of blocking waits (ms). */
export const DEFAULT_PROCESS_POLL_INTERVAL_MS = 50;

/** Options of `SqliteProcessRegistry.open`. */
export interface SqliteProcessRegistryOptions {
  /** Epoch milliseconds; read once per operation, under the lock. Default `Date.now`. */
  clock?: Clock;
  /** Where corrupt rows are reported. Default: `console.warn`. */
  logger?: Logger;
  /** How often blocking reads re-check for writes made elsewhere. Default 50 ms. */
  pollIntervalMs?: number;
  /** Hashing codecs. Default: the connection's, else the portable ones. */
  codecs?: Codecs;
}

type Records = ProcessRecordEngine;
type Grants = HandleGrantEngine;
type Events = ProcessEventEngine;
type Leases = ProcessLeaseEngine;

/**
 * The process registry on SQLite: registration (idempotent by id and hash), handle grants, typed event streams with schema validation, keyed replay and wakes, blocking waits, and process leases with fencing. It never closes the connection it was given.
 * @example
 * ```ts
 * import { SqliteProcessRegistry, externalInput, processRegistration } from 'lash-sqlite-store';
 *
 * const registry = await SqliteProcessRegistry.open(conn);
 * await registry.registerProcess(processRegistration('job-1', externalInput(null)));
 * await registry.completeProcess('job-1', { type: 'success', value: 'done' });
 * console.log(await registry.awaitProcess('job-1')); // { type: 'success', value: 'done' }
 * ```
 */
export class SqliteProcessRegistry implements ProcessRegistry {
  readonly #ctx: ProcessContext;
  readonly #records: ProcessRecordEngine;
  readonly #grants: HandleGrantEngine;
  readonly #events: ProcessEventEngine;
  readonly #leases: ProcessLeaseEngine;
  #closed = false;

  private constructor(conn: SqliteConnection, options: SqliteProcessRegistryOptions) {
    const logger = options.logger ?? consoleLogger;
    const codecs = options.codecs ?? conn.codecs ?? portableCodecs;
    const rows = new ProcessRows(conn, logger);
    this.#ctx = Object.freeze({
      conn,
      codecs,
      clock: options.clock ?? systemClock,
      pollIntervalMs: options.pollIntervalMs ?? DEFAULT_PROCESS_POLL_INTERVAL_MS,
      rows,
      grants: new HandleGrants(conn, rows, logger),
      leases: new ProcessLeases(conn, new TokenSource(codecs)),
      notifier: new ChangeNotifier(conn),
      ops: new ComponentOperations(new OperationRunner(conn), REGISTRY_ERRORS, () => this.#closed),
    });
    this.#records = new ProcessRecordEngine(this.#ctx);
    this.#grants = new HandleGrantEngine(this.#ctx);
    this.#events = new ProcessEventEngine(this.#ctx);
    this.#leases = new ProcessLeaseEngine(this.#ctx);
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
    return this.#ctx.conn.info.durability;
  }

  /** Stops every waiter (they reject) and refuses further calls. The connection stays open. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ctx.notifier.close(REGISTRY_ERRORS.closed() as PluginError);
    this.#ctx.rows.clearCache();
  }

  // ---- registration and records (record-engine.ts) ----------------------------

  registerProcess(...args: Args<Records, 'registerProcess'>): Returns<Records, 'registerProcess'> {
    return this.#records.registerProcess(...args);
  }

  setExternalRef(...args: Args<Records, 'setExternalRef'>): Returns<Records, 'setExternalRef'> {
    return this.#records.setExternalRef(...args);
  }

  getProcess(...args: Args<Records, 'getProcess'>): Returns<Records, 'getProcess'> {
    return this.#records.getProcess(...args);
  }

  listNonTerminal(): Returns<Records, 'listNonTerminal'> {
    return this.#records.listNonTerminal();
  }

  // ---- handle grants (grant-engine.ts) ------------------------------------------

  grantHandle(...args: Args<Grants, 'grantHandle'>): Returns<Grants, 'grantHandle'> {
    return this.#grants.grantHandle(...args);
  }

  revokeHandle(...args: Args<Grants, 'revokeHandle'>): Returns<Grants, 'revokeHandle'> {
    return this.#grants.revokeHandle(...args);
  }

  transferHandleGrants(...args: Args<Grants, 'transferHandleGrants'>): Returns<Grants, 'transferHandleGrants'> {
    return this.#grants.transferHandleGrants(...args);
  }

  listHandleGrants(...args: Args<Grants, 'listHandleGrants'>): Returns<Grants, 'listHandleGrants'> {
    return this.#grants.listHandleGrants(...args);
  }

  listLiveHandleGrants(...args: Args<Grants, 'listLiveHandleGrants'>): Returns<Grants, 'listLiveHandleGrants'> {
    return this.#grants.listLiveHandleGrants(...args);
  }

  hasHandleGrant(...args: Args<Grants, 'hasHandleGrant'>): Returns<Grants, 'hasHandleGrant'> {
    return this.#grants.hasHandleGrant(...args);
  }

  handleGrantsForProcess(...args: Args<Grants, 'handleGrantsForProcess'>): Returns<Grants, 'handleGrantsForProcess'> {
    return this.#grants.handleGrantsForProcess(...args);
  }

  deleteSessionProcessState(...args: Args<Grants, 'deleteSessionProcessState'>): Returns<Grants, 'deleteSessionProcessState'> {
    return this.#grants.deleteSessionProcessState(...args);
  }

  // ---- events (event-engine.ts) -------------------------------------------------

  appendEvent(...args: Args<Events, 'appendEvent'>): Returns<Events, 'appendEvent'> {
    return this.#events.appendEvent(...args);
  }

  eventsAfter(...args: Args<Events, 'eventsAfter'>): Returns<Events, 'eventsAfter'> {
    return this.#events.eventsAfter(...args);
  }

  wakeEventsAfter(...args: Args<Events, 'wakeEventsAfter'>): Returns<Events, 'wakeEventsAfter'> {
    return this.#events.wakeEventsAfter(...args);
  }

  ackWake(...args: Args<Events, 'ackWake'>): Returns<Events, 'ackWake'> {
    return this.#events.ackWake(...args);
  }

  waitEventAfter(...args: Args<Events, 'waitEventAfter'>): Returns<Events, 'waitEventAfter'> {
    return this.#events.waitEventAfter(...args);
  }

  awaitProcess(...args: Args<Events, 'awaitProcess'>): Returns<Events, 'awaitProcess'> {
    return this.#events.awaitProcess(...args);
  }

  /**
   * Appends the core terminal event matching the output's kind under the
   * deterministic key `process:{pid}:terminal:{type}`: completing twice with
   * the same output is a replay, with another output a conflict.
   */
  async completeProcess(processId: string, output: ProcessAwaitOutput): Promise<ProcessRecord> {
    const clean = this.#ctx.ops.input('await output', () =>
      normaliseInput('await output', output, (value) => decodeAwaitOutput(value, 'await_output')),
    );
    const eventType = terminalEventTypeFor(clean);
    await this.appendEvent(processId, {
      event_type: eventType,
      payload: { await_output: clean },
      replay: { key: terminalReplayKey(processId, eventType) },
    });
    return this.#ctx.ops.attempt(() => {
      const record = this.#ctx.rows.load(processId);
      if (record === undefined) throw PluginError.session(`unknown process \`${processId}\` after terminal event`);
      return record;
    });
  }

  // ---- leases (lease-engine.ts) ---------------------------------------------------

  claimProcessLease(...args: Args<Leases, 'claimProcessLease'>): Returns<Leases, 'claimProcessLease'> {
    return this.#leases.claimProcessLease(...args);
  }

  renewProcessLease(...args: Args<Leases, 'renewProcessLease'>): Returns<Leases, 'renewProcessLease'> {
    return this.#leases.renewProcessLease(...args);
  }

  completeProcessLease(...args: Args<Leases, 'completeProcessLease'>): Returns<Leases, 'completeProcessLease'> {
    return this.#leases.completeProcessLease(...args);
  }
}

/** `PluginError` `session` for everything; bad input, lock waits and failed persistence carry their `condition`. */
const REGISTRY_ERRORS = pluginErrorFamily('process registry is closed');
