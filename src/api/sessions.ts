/**
 * `Sessions`: the session API's store — agent sessions by id, over one
 * database (which holds one session) or one database per session (a folder
 * of files, through a `SessionDatabaseOpener`).
 *
 * Isomorphic: it takes a `SqliteConnection` or an opener and never imports
 * an engine. `openSessions` (`lash-sqlite-store/node`) and
 * `openSqlJsSessions` (`lash-sqlite-store/sqljs`) open one in one call.
 *
 * Ownership: `close()` closes what the store opened (every per-session
 * database of a folder, the components it opened) and calls `onClose`; a
 * connection handed to `Sessions.open` is never closed by it.
 */
import type { Codecs } from '../core/codec/codecs.ts';
import type { HostEventOccurrenceRecord, HostEventOccurrenceRequest, TriggerDeliveryReservation } from '../core/contract/host-events.ts';
import type { ProcessEvent } from '../core/contract/process.ts';
import type { SessionRelation } from '../core/contract/session-model.ts';
import type { PersistedSessionRead, SessionMeta } from '../core/contract/session-records.ts';
import type { SqliteConnection } from '../core/driver/types.ts';
import type { StoreGcPolicy, StoreOptions } from '../core/session/options.ts';
import { portableCodecs } from '../core/codec/codecs.ts';
import { graphDelta, newRuntimeSessionState, persistedStateWithGraphCommit } from '../core/session/turn-commit.ts';
import { SqliteHostEventStore } from '../core/stores/host-event-store.ts';
import { SqliteProcessRegistry } from '../core/stores/process-registry.ts';
import { Store } from '../core/stores/session-store.ts';
import { checkSessionId, initialSessionMeta, unixCreatedAt } from '../core/session/factory.ts';
import { SessionError, messageOf, openFailed, storeErrorKind } from './errors.ts';
import { messageIndexes } from './messages.ts';
import { Session, policyOf, wrongSession, type SessionBinding, type SessionConfig } from './session.ts';
import { DeliveryInbox, deliveryStream, processEventStream, type ProcessEventStreamOptions, type StreamOptions } from './streams.ts';
import { Wakeup } from './wait.ts';

/** Options of `Sessions.open` (and the openers): the store options plus the session API's own. */
export interface SessionsOptions extends StoreOptions {
  /**
   * Default here (not on a bare `Store`): `{ autoRunEveryCommits: 100 }`, a
   * GC of unreachable blobs after every 100th commit; `{ autoRunEveryCommits: null }` opts out.
   */
  gcPolicy?: StoreGcPolicy;
  /** The working directory recorded in new sessions' metadata. Default `null`. */
  cwd?: string | null;
  /** How the database is named in messages. Default: the connection's file or sql.js name. */
  location?: string;
  /** Called once when the store closes (an opener closes the connection it opened here). */
  onClose?: () => void | Promise<void>;
}

/** Where a folder-form store finds its databases: one per session. */
export interface SessionDatabaseOpener {
  /** The folder, for messages. */
  readonly location: string;
  /** The database of a session (a file path), for messages. Throws `InvalidInputError` for an id that cannot name one. */
  locate(sessionId: string): string;
  /** Opens the session's database, creating it when missing. The store closes it. */
  open(sessionId: string): Promise<SqliteConnection>;
  /** The session databases that exist now. */
  list(): Promise<Array<{
    /** The database (a file path), for messages. */
    location: string;
    /** Opens it. */
    open(): Promise<SqliteConnection>;
  }>>;
  /** Deletes the session's database (idempotent). Its connections are closed first. */
  remove(sessionId: string): Promise<void>;
  /** The database the process registry and host-event store live in, shared by all sessions. */
  openShared?(): Promise<SqliteConnection>;
}

/** Options of `sessions.session(id, options)`. */
export interface OpenSessionOptions {
  /** Recorded when the session is created; on resume, the model the next commits record. */
  config?: SessionConfig;
  /** `false`: throw `NotFound` instead of creating a missing session. Default true. */
  create?: boolean;
  /** How a new session relates to others (a sub-agent's session is a `child`). Default root. */
  relation?: SessionRelation;
}

/** A session as `list()` shows it. */
export interface SessionSummary {
  /** The session id. */
  id: string;
  /** Its database. */
  location: string;
  /** The head revision. */
  revision: number;
  /** Messages on the active path. */
  messageCount: number;
  /** Text of the first user message (any branch), `''` when none. */
  firstUserMessage: string;
  /** Timestamp of the newest node, `null` when the session has none. */
  updatedAt: string | null;
  /** As recorded at creation (`unix:{seconds}`), `null` when unknown. */
  createdAt: string | null;
}

interface Opened {
  readonly sessionId: string | null;
  readonly store: Store;
  readonly conn: SqliteConnection;
  readonly location: string;
  users: number;
}

/** The databases under a `Sessions`: one, or one per session. */
interface Databases {
  readonly location: string;
  readonly form: 'file' | 'folder';
  acquire(sessionId: string): Promise<Opened>;
  release(opened: Opened): void;
  summaries(read: (store: Store, location: string) => Promise<SessionSummary | null>): Promise<SessionSummary[]>;
  remove(sessionId: string): Promise<void>;
  shared(): Promise<SqliteConnection>;
  close(): Promise<void>;
}

const DEFAULT_CONFIG: SessionConfig = { provider: '', model: '' };

/**
 * The session API's store: sessions by id over one database (one session) or one database per session, plus the process registry and host-event store beside them. Open it with `Sessions.open(connection | opener)`, or with `openSessions` (node) / `openSqlJsSessions` (sqljs).
 * @example
 * ```ts
 * import { Sessions } from 'lash-sqlite-store';
 * import { openNodeSqlite } from 'lash-sqlite-store/node';
 *
 * const conn = openNodeSqlite('./chat.db');
 * await using sessions = await Sessions.open(conn); // a connection handed over stays open
 * await using chat = await sessions.session('chat-42', { config: { provider: 'openai', model: 'gpt-5.4-mini' } });
 * console.log(chat.revision, (await chat.history()).length);
 * conn.close();
 * ```
 */
export class Sessions implements AsyncDisposable {
  readonly #databases: Databases;
  readonly #options: SessionsOptions;
  readonly #clock: () => number;
  readonly #sessions = new Set<Session>();
  readonly #wakeups = new Map<string, Wakeup>();
  readonly #inbox = new DeliveryInbox();
  readonly #stop = new AbortController();
  #processes: Promise<SqliteProcessRegistry> | undefined;
  #hostEvents: Promise<SqliteHostEventStore> | undefined;
  #closed = false;

  private constructor(databases: Databases, options: SessionsOptions) {
    this.#databases = databases;
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
  }

  /**
   * A store over one database (a connection: it holds one session, and is
   * never closed by the store) or over one database per session (an
   * opener). The schema is checked (or created) now.
   */
  static async open(source: SqliteConnection | SessionDatabaseOpener, options: SessionsOptions = {}): Promise<Sessions> {
    const databases = isOpener(source) ? new PerSessionDatabases(source, options) : await OneDatabase.open(source, options);
    return new Sessions(databases, options);
  }

  /** The database file, folder or sql.js name. */
  get location(): string {
    return this.#databases.location;
  }

  /** `file`: one database, one session. `folder`: one database per session. */
  get form(): 'file' | 'folder' {
    return this.#databases.form;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Resumes the session `id`, or creates it (with `config`) when it does not
   * exist. A new session is committed at once, at revision 1, with a
   * compare-and-swap on "does not exist yet", so two processes creating it
   * together both end up on the same session.
   */
  async session(id: string, options: OpenSessionOptions = {}): Promise<Session> {
    this.#open();
    const sessionId = checkSessionId(id);
    const opened = await this.#databases.acquire(sessionId);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#databases.release(opened);
    };
    try {
      const { read, created } = await this.#loadOrCreate(opened, sessionId, options);
      const binding: SessionBinding = {
        store: opened.store,
        location: opened.location,
        codecs: codecsOf(opened.conn, this.#options),
        clock: this.#clock,
        wakeup: this.#wakeup(sessionId),
        release: () => {
          this.#sessions.delete(session);
          release();
        },
      };
      const session = new Session(sessionId, binding, read);
      if (options.config !== undefined && !created) session.setConfig(options.config);
      this.#sessions.add(session);
      return session;
    } catch (error) {
      release();
      throw error;
    }
  }

  /** Every session with its first user message, message count and last update, newest first. */
  async list(): Promise<SessionSummary[]> {
    this.#open();
    const summaries = await this.#databases.summaries(summarize);
    return summaries.sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''));
  }

  /** Deletes a session and its database (folder form). Its open handles are closed first. Idempotent. */
  async delete(id: string): Promise<void> {
    this.#open();
    const sessionId = checkSessionId(id);
    for (const session of [...this.#sessions]) if (session.id === sessionId) await session.close();
    await this.#databases.remove(sessionId);
  }

  // ---- processes and host events ------------------------------------------------

  /** The process registry (on the store's database; a folder keeps it in a shared file), opened on first use. */
  processes(): Promise<SqliteProcessRegistry> {
    this.#open();
    this.#processes ??= this.#databases.shared().then((conn) => SqliteProcessRegistry.open(conn, componentOptions(this.#options)));
    return this.#processes;
  }

  /** The host-event store, beside the process registry, opened on first use. */
  hostEvents(): Promise<SqliteHostEventStore> {
    this.#open();
    this.#hostEvents ??= this.#databases.shared().then((conn) => SqliteHostEventStore.open(conn, componentOptions(this.#options)));
    return this.#hostEvents;
  }

  /** A process's events as they are appended, for `for await`; ends after its terminal event, on abort, or when the store closes. */
  async *processEvents(processId: string, options: ProcessEventStreamOptions = {}): AsyncGenerator<ProcessEvent, void, undefined> {
    yield* processEventStream(await this.processes(), processId, options, this.#stop.signal);
  }

  /**
   * Records a host event (idempotent by its key) and reserves a delivery
   * for every subscription it matches; the reservations go to
   * `hostEventDeliveries()` streams of this store (and are returned).
   */
  async emitHostEvent(request: HostEventOccurrenceRequest): Promise<{
    /** The recorded occurrence. */
    occurrence: HostEventOccurrenceRecord;
    /** The deliveries reserved for it. */
    deliveries: TriggerDeliveryReservation[];
  }> {
    const store = await this.hostEvents();
    const occurrence = await store.recordOccurrence(request);
    const deliveries = await store.reserveMatchingDeliveries(occurrence.occurrence_id);
    this.#inbox.push(deliveries);
    return { occurrence, deliveries };
  }

  /**
   * Deliveries to start, for `for await`: those `emitHostEvent` reserved in
   * this process, and those whose holder never started them in time (after
   * a crash). Call `(await sessions.hostEvents()).markDeliveryStarted(…)`
   * once the delivery runs. Ends on abort or when the store closes.
   */
  async *hostEventDeliveries(options: StreamOptions = {}): AsyncGenerator<TriggerDeliveryReservation, void, undefined> {
    yield* deliveryStream(await this.hostEvents(), options, this.#inbox, this.#stop.signal);
  }

  // ---- lifecycle ----------------------------------------------------------------

  /** Closes every session handle, the components and the databases this store opened. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stop.abort();
    for (const session of [...this.#sessions]) await session.close();
    for (const component of [this.#processes, this.#hostEvents]) {
      if (component !== undefined) (await component.catch(() => undefined))?.close();
    }
    await this.#databases.close();
    await this.#options.onClose?.();
  }

  /** Closes the store (`await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---- internals ----------------------------------------------------------------

  async #loadOrCreate(opened: Opened, sessionId: string, options: OpenSessionOptions): Promise<{ read: PersistedSessionRead; created: boolean }> {
    const { store, location } = opened;
    const load = () => store.loadSession({ kind: 'ActivePath', leaf_node_id: null });
    let read = await guard(load, sessionId, location);
    const created = read === null;
    if (read === null) {
      if (options.create === false) {
        throw new SessionError('NotFound', `there is no session \`${sessionId}\` in ${location}: open it without { create: false } to create it.`, { sessionId, location });
      }
      await guard(() => this.#create(store, sessionId, options), sessionId, location);
      read = await guard(load, sessionId, location);
    }
    if (read === null) throw new SessionError('Failed', `session \`${sessionId}\` in ${location} vanished while it was created: open it again.`, { sessionId, location });
    if (read.session_id !== sessionId) throw wrongSession(location, read.session_id, sessionId);
    return { read, created };
  }

  async #create(store: Store, sessionId: string, options: OpenSessionOptions): Promise<void> {
    const policy = policyOf(options.config ?? DEFAULT_CONFIG);
    const relation = options.relation ?? { kind: 'root' };
    const meta: SessionMeta = initialSessionMeta({ session_id: sessionId, relation, policy }, unixCreatedAt(this.#clock()), this.#options.cwd ?? null);
    await store.saveSessionMetaIfAbsent(meta);
    const state = newRuntimeSessionState(sessionId, policy);
    // Revision 0: "must not exist yet". Losing that race to another creator is fine: its session is loaded.
    const commit = { ...persistedStateWithGraphCommit(state, graphDelta.unchanged(null)), expected_head_revision: 0 };
    try {
      await store.commitRuntimeState(commit);
    } catch (error) {
      if (storeErrorKind(error) !== 'HeadRevisionConflict') throw error;
    }
  }

  #wakeup(sessionId: string): Wakeup {
    let wakeup = this.#wakeups.get(sessionId);
    if (wakeup === undefined) {
      wakeup = new Wakeup();
      this.#wakeups.set(sessionId, wakeup);
    }
    return wakeup;
  }

  #open(): void {
    if (this.#closed) throw new SessionError('Closed', `the session store ${this.location} is closed: open it again.`, { location: this.location });
  }
}

// ---- the two forms ------------------------------------------------------------------

/** One database holding (at most) one session; the connection was handed over or opened by an opener that owns it. */
class OneDatabase implements Databases {
  readonly form = 'file';
  readonly location: string;
  readonly #opened: Opened;

  private constructor(opened: Opened) {
    this.#opened = opened;
    this.location = opened.location;
  }

  static async open(conn: SqliteConnection, options: SessionsOptions): Promise<OneDatabase> {
    const location = options.location ?? describeConnection(conn);
    const store = await openStore(conn, options, location);
    return new OneDatabase({ sessionId: null, store, conn, location, users: 0 });
  }

  async acquire(): Promise<Opened> {
    return this.#opened;
  }

  release(): void {}

  async summaries(read: (store: Store, location: string) => Promise<SessionSummary | null>): Promise<SessionSummary[]> {
    const summary = await read(this.#opened.store, this.location);
    return summary === null ? [] : [summary];
  }

  async remove(sessionId: string): Promise<void> {
    throw new SessionError('Unsupported', `${this.location} holds one session and cannot delete it: delete the file itself, or open a folder (openSessions({ dir })) to delete sessions by id.`, {
      sessionId,
      location: this.location,
    });
  }

  async shared(): Promise<SqliteConnection> {
    return this.#opened.conn;
  }

  async close(): Promise<void> {
    this.#opened.store.close();
  }
}

/** One database per session through an opener; a database stays open while a handle of its session is. */
class PerSessionDatabases implements Databases {
  readonly form = 'folder';
  readonly location: string;
  readonly #opener: SessionDatabaseOpener;
  readonly #options: SessionsOptions;
  readonly #open = new Map<string, { promise: Promise<Opened>; opened?: Opened }>();
  #shared: Promise<SqliteConnection> | undefined;

  constructor(opener: SessionDatabaseOpener, options: SessionsOptions) {
    this.#opener = opener;
    this.#options = options;
    this.location = opener.location;
  }

  async acquire(sessionId: string): Promise<Opened> {
    let entry = this.#open.get(sessionId);
    if (entry === undefined) {
      const opening: { promise: Promise<Opened>; opened?: Opened } = { promise: this.#openSession(sessionId) };
      opening.promise.then(
        (opened) => (opening.opened = opened),
        () => this.#open.delete(sessionId),
      );
      this.#open.set(sessionId, opening);
      entry = opening;
    }
    const opened = await entry.promise;
    opened.users += 1;
    return opened;
  }

  release(opened: Opened): void {
    opened.users -= 1;
    if (opened.users > 0 || opened.sessionId === null) return;
    if (this.#open.get(opened.sessionId)?.opened === opened) this.#open.delete(opened.sessionId);
    closeOpened(opened);
  }

  async summaries(read: (store: Store, location: string) => Promise<SessionSummary | null>): Promise<SessionSummary[]> {
    const out: SessionSummary[] = [];
    for (const entry of await this.#opener.list()) {
      let conn: SqliteConnection | undefined;
      try {
        conn = await entry.open();
        const summary = await read(await openStore(conn, this.#options, entry.location), entry.location);
        if (summary !== null) out.push(summary);
      } catch (error) {
        this.#options.logger?.warn('a session database could not be read; it is left out of the list', { location: entry.location, reason: messageOf(error) });
      } finally {
        conn?.close();
      }
    }
    return out;
  }

  async remove(sessionId: string): Promise<void> {
    const entry = this.#open.get(sessionId);
    this.#open.delete(sessionId);
    if (entry !== undefined) closeOpened(await entry.promise.catch(() => undefined));
    await this.#opener.remove(sessionId);
  }

  shared(): Promise<SqliteConnection> {
    if (this.#opener.openShared === undefined) {
      return Promise.reject(new SessionError('Unsupported', `the session folder ${this.location} has no shared database for processes and host events.`, { location: this.location }));
    }
    this.#shared ??= this.#opener.openShared();
    return this.#shared;
  }

  async close(): Promise<void> {
    const all = [...this.#open.values()];
    this.#open.clear();
    for (const entry of all) closeOpened(await entry.promise.catch(() => undefined));
    (await this.#shared?.catch(() => undefined))?.close();
  }

  async #openSession(sessionId: string): Promise<Opened> {
    const location = this.#opener.locate(sessionId);
    let conn: SqliteConnection;
    try {
      conn = await this.#opener.open(sessionId);
    } catch (error) {
      throw openFailed(location, error, sessionId);
    }
    try {
      return { sessionId, store: await openStore(conn, this.#options, location, sessionId), conn, location, users: 0 };
    } catch (error) {
      conn.close();
      throw error;
    }
  }
}

// ---- helpers ------------------------------------------------------------------------

/**
 * The default retention of the session API: a GC after every this many
 * commits of a store, so superseded checkpoint snapshots do not pile up
 * (each turn's tool state is a new blob). It collects only what no root
 * reaches — the head's checkpoint, the agent frames' execution states,
 * artifacts, blobs pinned by a put — and never a graph node. Opt out with
 * `gcPolicy: { autoRunEveryCommits: null }`.
 */
export const DEFAULT_SESSION_GC_EVERY_COMMITS = 100;

async function openStore(conn: SqliteConnection, options: SessionsOptions, location: string, sessionId?: string): Promise<Store> {
  const { cwd: _cwd, location: _location, onClose: _onClose, ...storeOptions } = options;
  storeOptions.gcPolicy ??= { autoRunEveryCommits: DEFAULT_SESSION_GC_EVERY_COMMITS };
  try {
    return await Store.open(conn, storeOptions);
  } catch (error) {
    throw openFailed(location, error, sessionId);
  }
}

async function summarize(store: Store, location: string): Promise<SessionSummary | null> {
  const read = await store.loadSession({ kind: 'FullGraph' });
  if (read === null) return null;
  const meta = await store.loadSessionMeta();
  let updatedAt: string | null = null;
  let newest = -Infinity;
  for (const node of read.graph.nodes) {
    const time = Date.parse(node.timestamp);
    if (time > newest) {
      newest = time;
      updatedAt = node.timestamp;
    }
  }
  return {
    id: read.session_id,
    location,
    revision: read.head_revision,
    messageCount: messageIndexes(read.graph.activePathNodes()).length,
    firstUserMessage: read.graph.firstUserMessage(),
    updatedAt,
    createdAt: meta?.created_at ?? null,
  };
}

/** Runs a store call of session opening, naming the session and database in its error. */
async function guard<T>(call: () => Promise<T>, sessionId: string, location: string): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof SessionError || (error as { name?: unknown })?.name === 'InvalidInputError') throw error;
    throw new SessionError('Failed', `session \`${sessionId}\` in ${location}: ${messageOf(error)}`, { sessionId, location, cause: error });
  }
}

function closeOpened(opened: Opened | undefined): void {
  if (opened === undefined) return;
  opened.store.close();
  opened.conn.close();
}

function isOpener(source: SqliteConnection | SessionDatabaseOpener): source is SessionDatabaseOpener {
  return typeof (source as SessionDatabaseOpener).locate === 'function' && typeof (source as SessionDatabaseOpener).open === 'function';
}

function describeConnection(conn: SqliteConnection): string {
  const { location, engine } = conn.info;
  if (location !== null) return engine === 'sqljs' ? `the sql.js database "${location}"` : location;
  if (engine === 'sqljs') return 'a private sql.js database';
  return engine === 'node-sqlite' ? ':memory:' : `an unnamed ${engine} database`;
}

function codecsOf(conn: SqliteConnection, options: SessionsOptions): Codecs {
  return options.codecs ?? conn.codecs ?? portableCodecs;
}

function componentOptions(options: SessionsOptions): { clock?: () => number; logger?: SessionsOptions['logger'] } {
  return { clock: options.clock, logger: options.logger };
}
