/**
 * lash-sqlite-store/advanced: the building blocks under the stores — the
 * driver interface and transaction helper, codecs, blob envelopes, schema
 * versioning, commit builders, record decoders — for runtime authors, driver
 * writers and the package's own adapters, CLI and tools. Hosts normally need
 * only the root entry.
 */
export * from './index.ts';

// ---- internals the command-line tool reads rows with (area: cli) ----
export { lookupBlob } from './core/blobs/blob-table.ts';
export type { BlobIo, BlobLookup } from './core/blobs/blob-table.ts';
export { parseEnvelope } from './core/blobs/envelope.ts';
export { decodeMsgpack } from './core/codec/msgpack.ts';
export { readVersion } from './core/schema/versions.ts';
export { decodeNode } from './core/session/codecs.ts';
export { decodeRelation } from './core/session/codecs.ts';
export { decodeSessionCheckpoint } from './core/session/codecs.ts';
export { decodeToolState } from './core/session/codecs.ts';
export { decodePluginSnapshot } from './core/session/codecs.ts';
export { decodeCommitResult } from './core/session/codecs.ts';
export { expectBytes } from './core/shape.ts';
export { parseDeliveryPolicy } from './core/queue/codec.ts';
export { parseSlotPolicy } from './core/queue/codec.ts';
export { decodeMergeKey } from './core/queue/codec.ts';
export { decodePayload } from './core/queue/codec.ts';
export { decodeRecord as decodeProcessRecord } from './core/process/decode.ts';
export { decodeEvent as decodeProcessEvent } from './core/process/decode.ts';
export { decodeDescriptor as decodeProcessHandleDescriptor } from './core/process/decode.ts';
export { decodeSubscriptionRecord } from './core/host-events/records.ts';
export { decodeOccurrenceRecord } from './core/host-events/records.ts';

// ---- Session API (area: api): the metadata a new session gets, as the factories write it ----
export { checkSessionId } from './core/session/factory.ts';
export { initialSessionMeta } from './core/session/factory.ts';
export { unixCreatedAt } from './core/session/factory.ts';
// ---- Driver building blocks (area: browser / sql.js driver) ----
export { checkParams, checkReadNumber } from './core/driver/values.ts';
export { sqliteErrorFor } from './core/driver/errors.ts';
// ---- framework adapters (area: adapters): the envelope and codecs the LangGraph saver stores with ----
export { encodeEnvelope } from './core/blobs/envelope.ts';
export { envelopeContent } from './core/blobs/envelope.ts';
export { isBlobProfile } from './core/blobs/profile.ts';
export { encodeMsgpack } from './core/codec/msgpack.ts';
export { toHex } from './core/codec/hex.ts';
export { identifierProblem } from './core/validation.ts';
export { jsonValueProblem } from './core/validation.ts';
