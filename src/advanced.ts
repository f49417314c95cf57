/**
 * lash-sqlite-store/advanced: the building blocks under the stores — the
 * driver interface and transaction helper, codecs, blob envelopes, schema
 * versioning, commit builders, record decoders — for runtime authors, driver
 * writers and the package's own adapters, CLI and tools. Hosts normally need
 * only the root entry.
 */
export * from './index.ts';

// ---- Driver building blocks (area: browser / sql.js driver) ----
export { checkParams, checkReadNumber } from './core/driver/values.ts';
export { sqliteErrorFor } from './core/driver/errors.ts';
