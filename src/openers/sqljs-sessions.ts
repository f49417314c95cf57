/**
 * `openSqlJsSessions`: the session API on sql.js in one call, for browsers
 * and in-memory tests. `{ name }` shares one database among the handles of
 * that name in this process (so a page can close and reopen it), `{ data }`
 * starts from the bytes of a database file, `{ persistence }` writes every
 * committed state to a target; with none, a private in-memory database.
 * The database holds one session; the store closes the connection it
 * opened.
 */
import { Sessions, type SessionsOptions } from '../api/sessions.ts';
import { openFailed } from '../api/errors.ts';
import { openSqlJs, type SqlJsConnection, type SqlJsOptions } from '../drivers/sqljs/connection.ts';
import { isSqlJsMissingError } from '../drivers/sqljs/module.ts';

/** Options of `openSqlJsSessions`: the session API's options and `openSqlJs`'s. */
export interface SqlJsSessionsOptions extends Omit<SessionsOptions, 'location' | 'onClose'>, Omit<SqlJsOptions, 'codecs'> {}

/**
 * Opens the session API on sql.js (Node and browsers): in memory, shared by `name`, from `data`, or on a `persistence` target.
 * @example
 * ```ts
 * import { openSqlJsSessions } from 'lash-sqlite-store/sqljs';
 *
 * await using sessions = await openSqlJsSessions({ name: 'playground' });
 * await using chat = await sessions.session('scratch');
 * await chat.commitTurn({ messages: [{ role: 'user', text: 'Write a haiku' }] });
 * ```
 */
export async function openSqlJsSessions(options: SqlJsSessionsOptions = {}): Promise<Sessions> {
  // The store's options are taken out; everything else is the driver's (whatever options it grows).
  const { blobProfile, gcPolicy, clock, logger, codecs, cwd, ...driverOptions } = options;
  const sessionsOptions: SessionsOptions = { blobProfile, gcPolicy, clock, logger, codecs, cwd };
  const name = driverOptions.name;
  const location = name === undefined ? 'a private sql.js database' : `the sql.js database "${name}"`;
  let conn: SqlJsConnection;
  try {
    conn = await openSqlJs({ ...driverOptions, codecs });
  } catch (error) {
    // A missing sql.js package is not about this database: its error already says what to install.
    if (isSqlJsMissingError(error)) throw error;
    throw openFailed(location, error);
  }
  try {
    return await Sessions.open(conn, { ...sessionsOptions, location, onClose: () => conn.close() });
  } catch (error) {
    conn.close();
    throw error;
  }
}
