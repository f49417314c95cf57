/**
 * lash-sqlite-store/sqljs: the sql.js (WebAssembly) driver, for Node and
 * browsers.
 *
 * @module
 */
export { deleteSqlJsDatabase, hasSqlJsDatabase, openSqlJs } from './drivers/sqljs/connection.ts';
export type { SqlJsConnection, SqlJsOptions } from './drivers/sqljs/connection.ts';
// The sql.js types the driver's signatures use, declared by the package (no `@types/sql.js` needed; area: package).
export type { SqlJsDatabase, SqlJsExecResult, SqlJsModule, SqlJsStatement } from './drivers/sqljs/module.ts';

// ---- Persistence targets (area: browser) ----
export type {
  PersistedDatabase,
  PersistenceSize,
  RedoRecord,
  SqlJsPersistence,
  SqlJsRecoveryReport,
  SqlJsStorageReport,
} from './drivers/sqljs/persistence.ts';
export { SlottedLogTarget } from './drivers/sqljs/slotted-log.ts';
export { deleteOpfsDatabase, listOpfsDatabases, opfsPersistence } from './drivers/sqljs/opfs.ts';
export type { OpfsPersistenceOptions } from './drivers/sqljs/opfs.ts';
export { deleteIndexedDbDatabase, indexedDbPersistence, listIndexedDbDatabases } from './drivers/sqljs/indexeddb.ts';
export type { IndexedDbPersistenceOptions } from './drivers/sqljs/indexeddb.ts';
export type { BrowserPersistenceOptions } from './drivers/sqljs/web-lock.ts';
export type { SlotFileName, SlotFiles, SlottedLogOptions } from './drivers/sqljs/slotted-log.ts';

// ---- Session store factory (area: session) ----
export { SqlJsSessionStoreFactory } from './drivers/sqljs/session-factory.ts';
export type { SqlJsSessionStoreFactoryOptions } from './drivers/sqljs/session-factory.ts';

// ---- Session API (area: api): open sessions on sql.js ----
export { openSqlJsSessions } from './openers/sqljs-sessions.ts';
export type { SqlJsSessionsOptions } from './openers/sqljs-sessions.ts';
