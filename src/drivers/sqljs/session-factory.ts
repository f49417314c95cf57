/**
 * `SqlJsSessionStoreFactory`: one in-memory sql.js database per session id,
 * for tests and browsers. Creating a session's store again returns the same
 * instance, so a worker rebuilding a session sees its state. The factory owns
 * the databases and closes them on `deleteSession` and `close`.
 */
import type { DurabilityTier } from '../../core/driver/types.ts';
import {
  checkCreateRequest,
  checkSessionId,
  initialSessionMeta,
  unixCreatedAt,
  type SessionStoreCreateRequest,
  type SessionStoreFactory,
} from '../../core/session/factory.ts';
import type { StoreOptions } from '../../core/session/options.ts';
import { Store } from '../../core/stores/session-store.ts';
import { openSqlJs, type SqlJsConnection, type SqlJsModule } from './connection.ts';

/** Options of `SqlJsSessionStoreFactory`. */
export interface SqlJsSessionStoreFactoryOptions extends StoreOptions {
  /** An initialised sql.js module; by default the driver loads one. */
  sqlJs?: SqlJsModule;
  /** Where sql.js finds its `.wasm` file (browsers). */
  locateFile?: (file: string) => string;
  /** `cwd` written into new sessions' metadata. Default `null`. */
  cwd?: string | null;
}

interface OpenStore {
  readonly store: Store;
  readonly conn: SqlJsConnection;
}

/** A session store factory on sql.js: one in-memory database per session id. */
export class SqlJsSessionStoreFactory implements SessionStoreFactory<Store> {
  readonly #options: SqlJsSessionStoreFactoryOptions;
  /** Promises, so two concurrent creates of one session share one database. */
  readonly #open = new Map<string, Promise<OpenStore>>();
  #closed = false;

  constructor(options: SqlJsSessionStoreFactoryOptions = {}) {
    this.#options = options;
  }

  /** In memory: `inline`. */
  durabilityTier(): DurabilityTier {
    return 'inline';
  }

  /** The session's store, created (with its metadata) on first use and the same instance afterwards. */
  async createStore(request: SessionStoreCreateRequest): Promise<Store> {
    if (this.#closed) throw new Error('the session store factory is closed');
    const checked = checkCreateRequest(request);
    let opening = this.#open.get(checked.session_id);
    if (opening === undefined) {
      opening = this.#openSession(checked);
      this.#open.set(checked.session_id, opening);
      opening.catch(() => this.#open.delete(checked.session_id));
    }
    return (await opening).store;
  }

  /** Closes and discards the session's database. Idempotent. */
  async deleteSession(sessionId: string): Promise<void> {
    checkSessionId(sessionId);
    const opening = this.#open.get(sessionId);
    this.#open.delete(sessionId);
    if (opening !== undefined) closeQuietly(await opening.catch(() => undefined));
  }

  /** The session's database as SQLite file bytes (opens in either driver), or `null` for an unknown session. */
  async exportSession(sessionId: string): Promise<Uint8Array | null> {
    const opening = this.#open.get(checkSessionId(sessionId));
    return opening === undefined ? null : (await opening).conn.export();
  }

  /** Closes every database. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#open.values()];
    this.#open.clear();
    for (const opening of all) closeQuietly(await opening.catch(() => undefined));
  }

  async #openSession(request: SessionStoreCreateRequest): Promise<OpenStore> {
    const { sqlJs, locateFile, cwd, ...storeOptions } = this.#options;
    const conn = await openSqlJs({ sqlJs, locateFile });
    try {
      const store = await Store.open(conn, storeOptions);
      const now = (storeOptions.clock ?? Date.now)();
      await store.saveSessionMetaIfAbsent(initialSessionMeta(request, unixCreatedAt(now), cwd ?? null));
      return { store, conn };
    } catch (error) {
      conn.close();
      throw error;
    }
  }
}

function closeQuietly(open: OpenStore | undefined): void {
  if (open === undefined) return;
  open.store.close();
  open.conn.close();
}
