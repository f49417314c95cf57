/**
 * lash-sqlite-store/node: the node:sqlite driver and Node-only extras
 * (fast `node:crypto`/`node:zlib` codecs, atomic file persistence for sql.js).
 * Requires Node ≥ 22.13.
 *
 * @module
 */
export { openNodeSqlite, DEFAULT_BUSY_TIMEOUT_MS } from './drivers/node-sqlite/connection.ts';
export type { NodeSqliteConnection, NodeSqliteOptions } from './drivers/node-sqlite/connection.ts';
export { nodeCodecs } from './drivers/node-sqlite/codecs.ts';
export { atomicFilePersistence, writeFileAtomically } from './drivers/node-sqlite/atomic-file.ts';
export { fileLogPersistence } from './drivers/node-sqlite/file-log.ts';

// ---- Session store factory (area: session) ----
export { SqliteSessionStoreFactory } from './drivers/node-sqlite/session-factory.ts';
export type { SqliteSessionStoreFactoryOptions } from './drivers/node-sqlite/session-factory.ts';

// ---- Session API (area: api): open sessions on a file, in memory, or one file per session ----
export { openSessions, SHARED_DATABASE_FILE } from './openers/node-sessions.ts';
export type { NodeSessionsOptions } from './openers/node-sessions.ts';

// ---- Node 22's node:sqlite ExperimentalWarning, filtered on request (area: package; docs/node-sqlite-warning.md) ----
export { silenceSqliteExperimentalWarning } from './drivers/node-sqlite/experimental-warning.ts';
