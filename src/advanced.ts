/**
 * lash-sqlite-store/advanced: the building blocks under the stores — the
 * driver interface and transaction helper, codecs, blob envelopes, schema
 * versioning, commit builders, record decoders — for runtime authors, driver
 * writers and the package's own adapters, CLI and tools. Hosts normally need
 * only the root entry.
 */
export * from './index.ts';

// ---- framework adapters (area: adapters): the envelope and codecs the LangGraph saver stores with ----
export { encodeEnvelope } from './core/blobs/envelope.ts';
export { parseEnvelope } from './core/blobs/envelope.ts';
export { envelopeContent } from './core/blobs/envelope.ts';
export { isBlobProfile } from './core/blobs/profile.ts';
export { encodeMsgpack } from './core/codec/msgpack.ts';
export { decodeMsgpack } from './core/codec/msgpack.ts';
export { toHex } from './core/codec/hex.ts';
export { identifierProblem } from './core/validation.ts';
export { jsonValueProblem } from './core/validation.ts';
