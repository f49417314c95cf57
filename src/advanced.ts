/**
 * lash-sqlite-store/advanced: the building blocks under the stores — the
 * driver interface and transaction helper, codecs, blob envelopes, schema
 * versioning, commit builders, record decoders — for runtime authors, driver
 * writers and the package's own adapters, CLI and tools. Hosts normally need
 * only the root entry.
 */
export * from './index.ts';

// ---- Session API (area: api): the metadata a new session gets, as the factories write it ----
export { checkSessionId } from './core/session/factory.ts';
export { initialSessionMeta } from './core/session/factory.ts';
export { unixCreatedAt } from './core/session/factory.ts';
