/**
 * `openSessions`: the session API on node:sqlite files in one call.
 *
 * - `openSessions('./data/chat.db')` — one database file (one session); the
 *   parent folders are created.
 * - `openSessions(':memory:')` — a private in-memory database (unit tests).
 * - `openSessions({ dir: './data/sessions' })` — one database file per
 *   session under a folder, named by `safeSessionDbFileName` exactly as
 *   `SqliteSessionStoreFactory` names them; processes and host events share
 *   `lash-runtime.db` there.
 *
 * Every open error names the absolute path and what to do. The store closes
 * every connection it opened here.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Sessions, type SessionDatabaseOpener, type SessionsOptions } from '../api/sessions.ts';
import type { SqliteConnection } from '../core/driver/types.ts';
import { SessionError, openFailed } from '../api/errors.ts';
import { openNodeSqlite, type NodeSqliteOptions } from '../drivers/node-sqlite/connection.ts';
import { SqliteSessionStoreFactory } from '../drivers/node-sqlite/session-factory.ts';

/** Options of `openSessions`. */
export interface NodeSessionsOptions extends Omit<SessionsOptions, 'location' | 'onClose'> {
  /** `NORMAL` (default) or `FULL` (every commit survives power loss too); see `openNodeSqlite`. */
  synchronous?: NodeSqliteOptions['synchronous'];
  /** How long a writer waits for another's lock. Default 15 s. */
  busyTimeoutMs?: number;
}

/** The file in a session folder that holds the process registry and host events. */
export const SHARED_DATABASE_FILE = 'lash-runtime.db';
/** `{safe id}-{16 hex}.db`, the session database names of a folder. */
const SESSION_FILE = /-[0-9a-f]{16}\.db$/;

/**
 * Opens the session API on node:sqlite: one file holding one session, `':memory:'`, or `{ dir }` for one file per session (created if missing).
 * @example
 * ```ts
 * import { openSessions } from 'lash-sqlite-store/node';
 *
 * await using sessions = await openSessions({ dir: './data/sessions' });
 * await using chat = await sessions.session('chat-42');
 * await chat.commitTurn({ messages: [{ role: 'user', text: 'Hello' }, { role: 'assistant', text: 'Hi!' }] });
 * ```
 */
export async function openSessions(target: string | { dir: string }, options: NodeSessionsOptions = {}): Promise<Sessions> {
  const { synchronous, busyTimeoutMs, ...rest } = options;
  const connection: NodeSqliteOptions = { synchronous, busyTimeoutMs };
  const sessionsOptions: SessionsOptions = { cwd: currentDirectory(), ...rest };
  if (typeof target === 'object' && target !== null && typeof target.dir === 'string') {
    const root = resolve(target.dir);
    ensureFolder(root, root);
    return Sessions.open(folderOpener(root, connection), { ...sessionsOptions, location: root });
  }
  if (typeof target !== 'string' || target === '') {
    throw new TypeError("openSessions: pass a database file path, ':memory:', or { dir } for one database per session");
  }
  const path = target === ':memory:' ? target : resolve(target);
  if (path !== ':memory:') {
    if (isFolder(path)) {
      throw new SessionError('OpenFailed', `${path} is a folder: pass { dir: ${JSON.stringify(target)} } to keep one database per session there, or a file path for one session.`, {
        location: path,
      });
    }
    ensureFolder(dirname(path), path);
  }
  const conn = openConnection(path, connection);
  try {
    return await Sessions.open(conn, { ...sessionsOptions, location: path, onClose: () => conn.close() });
  } catch (error) {
    conn.close();
    throw error;
  }
}

function folderOpener(root: string, connection: NodeSqliteOptions): SessionDatabaseOpener {
  // The factory is used for its naming and deletion rules only; connections are opened here.
  const naming = new SqliteSessionStoreFactory(root);
  return {
    location: root,
    locate: (sessionId) => naming.pathForSession(sessionId),
    async open(sessionId) {
      const path = naming.pathForSession(sessionId);
      ensureFolder(root, path);
      return openConnection(path, connection);
    },
    async list() {
      let files: string[];
      try {
        files = readdirSync(root);
      } catch (error) {
        throw openFailed(root, error);
      }
      return files
        .filter((file) => SESSION_FILE.test(file))
        .sort()
        .map((file) => {
          const path = join(root, file);
          return { location: path, open: async (): Promise<SqliteConnection> => openConnection(path, { ...connection, readOnly: true }) };
        });
    },
    remove: (sessionId) => naming.deleteSession(sessionId),
    async openShared() {
      return openConnection(join(root, SHARED_DATABASE_FILE), connection);
    },
  };
}

function openConnection(path: string, options: NodeSqliteOptions): SqliteConnection {
  try {
    return openNodeSqlite(path, options);
  } catch (error) {
    throw openFailed(path, error);
  }
}

function ensureFolder(folder: string, forPath: string): void {
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const inTheWay = code === 'EEXIST' || code === 'ENOTDIR';
    throw openFailed(forPath, inTheWay ? new Error(`a file is in the way of the folder ${folder} (${String(code)})`, { cause: error }) : error);
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
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
