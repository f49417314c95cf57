/**
 * lash-sqlite-store/advanced: the building blocks under the stores, for
 * runtime authors, driver writers and the package's own adapters, CLI and
 * tools — the transaction helpers, codecs, blob envelopes, schema
 * definitions, row decoders, engine helpers and defaults.
 *
 * It holds only what the root entry (`lash-sqlite-store`) does not: import
 * public names from the root. The rule that splits the two is at the top of
 * `src/index.ts` and in docs/design.md ("Public surface");
 * `test/architecture/surface.test.ts` pins both lists.
 *
 * @module
 */

// ---- Transactions and driver building blocks ----
export { Rollback, readTransaction, rollback, writeTransaction } from './core/driver/transaction.ts';
export { isConstraintError, sqliteErrorFor } from './core/driver/errors.ts';
export { checkParams, checkReadNumber } from './core/driver/values.ts';

// ---- Codecs and hashing ----
export { portableCodecs } from './core/codec/codecs.ts';
export { stableJsonSha256Hex } from './core/codec/canonical-json.ts';
export { decodeMsgpack, encodeMsgpack } from './core/codec/msgpack.ts';
export { toHex } from './core/codec/hex.ts';
export { expectBytes } from './core/shape.ts';
export type { Shape } from './core/shape.ts';
export { identifierProblem, jsonValueProblem } from './core/validation.ts';

// ---- Blobs: envelopes, thresholds, the blob table ----
export type { BlobCompression } from './core/blobs/descriptor.ts';
export { COMPRESSION_THRESHOLD, isBlobProfile } from './core/blobs/profile.ts';
export type { StoredBlobEnvelope } from './core/blobs/envelope.ts';
export { encodeEnvelope, envelopeContent, parseEnvelope } from './core/blobs/envelope.ts';
export { lookupBlob } from './core/blobs/blob-table.ts';
export type { BlobIo, BlobLookup } from './core/blobs/blob-table.ts';

// ---- Schema versioning: each component's tables and version ----
export type { ComponentSchema } from './core/schema/versions.ts';
export { ensureComponentSchema, readVersion } from './core/schema/versions.ts';
export { SESSION_SCHEMA, SESSION_SCHEMA_VERSION } from './core/schema/session.ts';
export { PROCESS_SCHEMA, PROCESS_SCHEMA_VERSION } from './core/process/schema.ts';
export { HOST_EVENT_SCHEMA, HOST_EVENT_SCHEMA_VERSION } from './core/host-events/schema.ts';
export { EFFECT_SCHEMA, EFFECT_SCHEMA_VERSION } from './core/effects/schema.ts';

// ---- Session store internals: context, graph bound, usage merge, row decoders, new-session metadata ----
export type { StoreContext } from './core/session/context.ts';
export { MAX_ACTIVE_PATH_LENGTH } from './core/session/graph-table.ts';
export { mergeTokenLedger } from './core/session/usage-table.ts';
export {
  decodeCommitResult,
  decodeNode,
  decodePluginSnapshot,
  decodeRelation,
  decodeSessionCheckpoint,
  decodeToolState,
} from './core/session/codecs.ts';
export { checkSessionId, initialSessionMeta, unixCreatedAt } from './core/session/factory.ts';
export { moduleArtifactFromStoreBytes, moduleArtifactToStoreBytes } from './core/artifacts/lashlang.ts';

// ---- Queued work internals: row codecs, the list bound ----
export { decodeMergeKey, decodePayload, parseDeliveryPolicy, parseSlotPolicy } from './core/queue/codec.ts';
export { DEFAULT_QUEUE_LIST_LIMIT } from './core/queue/list.ts';

// ---- Process registry internals: model helpers, event append, registration, semantics, commands, rows ----
export { DEFAULT_EVENTS_LIMIT, DEFAULT_PROCESS_POLL_INTERVAL_MS } from './core/stores/process-registry.ts';
export {
  awaitOutputTerminalState,
  isTerminal,
  ownerScopeId,
  processScopeId,
  processScopeIsEmpty,
  statusAwaitOutput,
  statusFromTerminal,
  terminalEventTypeFor,
} from './core/process/model.ts';
export {
  cancelRequested,
  prepareProcessEventAppend,
  processEventInvocation,
  processEventPayloadHash,
  terminalReplayKey,
  wakeId,
} from './core/process/append.ts';
export type { ReplayLookup } from './core/process/append.ts';
export { prepareProcessRegistration } from './core/process/registration.ts';
export type { PreparedRegistration } from './core/process/registration.ts';
export { lashSchemaProblem } from './core/process/lash-schema.ts';
export { materializeSemantics } from './core/process/materialize.ts';
export { jsonPointer, selectValue } from './core/process/selectors.ts';
export { epochMsFromSystemTime, eventOccurredAtMs, systemTimeFromEpochMs } from './core/process/time.ts';
export {
  hostEventDeliveryReplayKey,
  processCommandEffectId,
  processEffectInvocation,
  processSignalReplayKey,
  processWakeSourceKey,
} from './core/process/commands.ts';
export { observeEvent, observeProcess, snapshotForSession } from './core/process/observation.ts';
export type {
  ObservedProcess,
  ObservedProcessEvent,
  ObservedWorkItem,
  ProcessWorkSnapshot,
} from './core/process/observation.ts';
export {
  decodeDescriptor as decodeProcessHandleDescriptor,
  decodeEvent as decodeProcessEvent,
  decodeRecord as decodeProcessRecord,
} from './core/process/decode.ts';

// ---- Host event store internals: keys, filters, rows, the reservation TTL ----
export { DEFAULT_RESERVATION_TTL_MS } from './core/stores/host-event-store.ts';
export {
  defaultHostEventSourceKey,
  deterministicDeliveryProcessId,
  deterministicOccurrenceId,
  emptyHostEventSourceKey,
  hostEventOccurrenceRequestHash,
} from './core/host-events/keys.ts';
export { subscriptionMatches, subscriptionsForSession, triggerRegistration } from './core/host-events/filter.ts';
export { decodeOccurrenceRecord, decodeSubscriptionRecord } from './core/host-events/records.ts';

// ---- Effect replay internals: scope ids, envelope hashing, local execution, defaults ----
export { INVALID_EFFECT_SCOPE_ID, MISSING_EFFECT_SCOPE_ID } from './core/effects/scope.ts';
export { runtimeEffectCommandKind, runtimeEffectEnvelopeHash } from './core/effects/envelope.ts';
export { executeLocal, intoProcess } from './core/effects/local-executor.ts';
export { SESSION_DELETED_REASON, executeProcessCommand } from './core/effects/process-command.ts';
export { ScopedEffectController } from './core/effects/controller.ts';
export { DEFAULT_EFFECT_LEASE_TTL_MS, DEFAULT_EFFECT_POLL_INTERVAL_MS } from './core/stores/effect-host.ts';
