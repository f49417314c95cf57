/**
 * lash-sqlite-store/sqljs: the sql.js (WebAssembly) driver, for Node and
 * browsers.
 */
export { deleteSqlJsDatabase, hasSqlJsDatabase, openSqlJs } from './drivers/sqljs/connection.ts';
export type { SqlJsConnection, SqlJsOptions, SqlJsPersistence } from './drivers/sqljs/connection.ts';

// ---- Session store factory (area: session) ----
export { SqlJsSessionStoreFactory } from './drivers/sqljs/session-factory.ts';
export type { SqlJsSessionStoreFactoryOptions } from './drivers/sqljs/session-factory.ts';

// ---- Session API (area: api): open sessions on sql.js ----
export { openSqlJsSessions } from './drivers/sqljs/open-sessions.ts';
export type { SqlJsSessionsOptions } from './drivers/sqljs/open-sessions.ts';
