/**
 * lash-sqlite-store/langgraph: a LangGraph.js checkpointer on any
 * `SqliteConnection` — node:sqlite, sql.js (browsers too), a Durable Object.
 * Needs `@langchain/langgraph-checkpoint` (an optional peer dependency).
 *
 * @module
 */
export { LashCheckpointSaver } from './adapters/langgraph/saver.ts';
export type { LashCheckpointSaverOptions } from './adapters/langgraph/saver.ts';
export { LANGGRAPH_SCHEMA, LANGGRAPH_SCHEMA_VERSION } from './adapters/langgraph/schema.ts';
export { copyCheckpoints } from './adapters/langgraph/copy.ts';
export type { CopyCheckpointsOptions, CopyReport } from './adapters/langgraph/copy.ts';
