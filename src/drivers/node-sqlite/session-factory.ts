/**
 * `SqliteSessionStoreFactory`: one node:sqlite database file per session,
 * named by `safeSessionDbFileName` under a root directory. The factory owns
 * the connections it opens and closes them on `deleteSession` and `close`.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DurabilityTier } from '../../core/driver/types.ts';
import {
  checkCreateRequest,
  checkSessionId,
  initialSessionMeta,
  unixCreatedAt,
  type SessionStoreCreateRequest,
  type SessionStoreFactory,
} from '../../core/session/factory.ts';
import { safeSessionDbFileName } from '../../core/session/file-name.ts';
import type { StoreOptions } from '../../core/session/options.ts';
import { Store } from '../../core/stores/session-store.ts';
import { nodeCodecs } from './codecs.ts';
import { openNodeSqlite, type NodeSqliteConnection } from './connection.ts';

/** Options of `SqliteSessionStoreFactory`. */
export interface SqliteSessionStoreFactoryOptions extends StoreOptions {
  /** `NORMAL` (default) or `FULL`; see `openNodeSqlite`. */
  synchronous?: 'NORMAL' | 'FULL';
  /** How long a write waits for another connection's lock (ms, default 15 000). */
  busyTimeoutMs?: number;
}

interface OpenStore {
  readonly store: Store;
  readonly conn: NodeSqliteConnection;
}

/** A session store factory on node:sqlite: one database file per session under `root` (see `safeSessionDbFileName`). */
export class SqliteSessionStoreFactory implements SessionStoreFactory<Store> {
  /** The folder the session files are in. */
  readonly root: string;
  readonly #options: SqliteSessionStoreFactoryOptions;
  readonly #open = new Map<string, Set<OpenStore>>();
  #closed = false;

  constructor(root: string, options: SqliteSessionStoreFactoryOptions = {}) {
    if (typeof root !== 'string' || root === '') throw new TypeError('root must be a non-empty directory path');
    this.root = root;
    this.#options = options;
  }

  /** Always `'durable'`. */
  durabilityTier(): DurabilityTier {
    return 'durable';
  }

  /** `root/{safe}-{sha256(id)[0..16]}.db`. Throws `InvalidInputError` for an empty or malformed id. */
  pathForSession(sessionId: string): string {
    return join(this.root, safeSessionDbFileName(checkSessionId(sessionId), nodeCodecs));
  }

  /**
   * Opens (creating when needed) the session's database with a new
   * connection, and writes its metadata if it has none: an existing meta is
   * never overwritten.
   */
  async createStore(request: SessionStoreCreateRequest): Promise<Store> {
    if (this.#closed) throw new Error('the session store factory is closed');
    const checked = checkCreateRequest(request);
    const { synchronous, busyTimeoutMs, ...storeOptions } = this.#options;
    mkdirSync(this.root, { recursive: true });
    const conn = openNodeSqlite(this.pathForSession(checked.session_id), { synchronous, busyTimeoutMs });
    // From here on, every way out either registers the connection (closed by
    // deleteSession or close) or closes it: a failed or interrupted open leaks nothing.
    let store: Store | undefined;
    try {
      store = await Store.open(conn, storeOptions);
      const now = (storeOptions.clock ?? Date.now)();
      await store.saveSessionMetaIfAbsent(initialSessionMeta(checked, unixCreatedAt(now), currentDirectory()));
      if (this.#closed) throw new Error('the session store factory was closed while the store was being opened');
      const opened = this.#open.get(checked.session_id) ?? new Set<OpenStore>();
      opened.add({ store, conn });
      this.#open.set(checked.session_id, opened);
      return store;
    } catch (error) {
      store?.close();
      conn.close();
      throw error;
    }
  }

  /**
   * Closes the session's stores opened here, then removes the database and
   * its `-wal` and `-shm` files. Missing files are fine (idempotent).
   */
  async deleteSession(sessionId: string): Promise<void> {
    const path = this.pathForSession(sessionId);
    this.#closeSession(sessionId);
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      try {
        rmSync(file, { force: true });
      } catch (error) {
        throw new Error(`remove session store ${file}: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      }
    }
  }

  /** Closes every store and connection this factory opened. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const sessionId of [...this.#open.keys()]) this.#closeSession(sessionId);
  }

  #closeSession(sessionId: string): void {
    for (const { store, conn } of this.#open.get(sessionId) ?? []) {
      store.close();
      conn.close();
    }
    this.#open.delete(sessionId);
  }
}

/** `process.cwd()`, or `null` when it cannot be read (a deleted directory). */
function currentDirectory(): string | null {
  try {
    return process.cwd();
  } catch {
    return null;
  }
}
