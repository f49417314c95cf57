/** The names our savers run LangGraph's conformance suite under. */
export const VALIDATION_NAMES = Object.freeze({
  nodeSqlite: 'LashCheckpointSaver (node:sqlite)',
  sqlJs: 'LashCheckpointSaver (sql.js)',
});
