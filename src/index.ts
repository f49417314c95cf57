/**
 * lash-sqlite-store: the isomorphic core. Engine drivers live in the
 * `lash-sqlite-store/node` and `lash-sqlite-store/sqljs` entry points.
 */

// Driver interface and transactions
export type {
  ConnectionInfo,
  DurabilityTier,
  RunResult,
  SqliteConnection,
  SqlParam,
  SqlRow,
  SqlValue,
} from './core/driver/types.ts';
export {
  SqliteBusyError,
  SqliteError,
  SqliteReadOnlyError,
  SqliteValueError,
  TransactionError,
  isConstraintError,
} from './core/driver/errors.ts';
export { Rollback, readTransaction, rollback, writeTransaction } from './core/driver/transaction.ts';

// Errors of the contracts
export {
  ArtifactStoreError,
  InvalidInputError,
  PluginError,
  RuntimeEffectControllerError,
  RuntimeError,
  SchemaVersionError,
  StoreError,
  ensureSupportedSchemaVersion,
} from './core/errors.ts';
export type {
  ArtifactStoreErrorDetail,
  PluginErrorKind,
  SessionReadScope,
  StoreErrorDetail,
  StoreErrorKind,
} from './core/errors.ts';

// Codecs and hashing
export type { Codecs } from './core/codec/codecs.ts';
export { portableCodecs } from './core/codec/codecs.ts';
export { canonicalJson, stableJsonSha256Hex } from './core/codec/canonical-json.ts';

// Blobs
export type {
  BlobArtifactDescriptor,
  BlobCompression,
  BlobStorageHint,
  PersistedArtifactKind,
} from './core/blobs/descriptor.ts';
export { BlobDescriptors } from './core/blobs/descriptor.ts';
export type { BuiltinBlobProfile } from './core/blobs/profile.ts';
export { COMPRESSION_THRESHOLD } from './core/blobs/profile.ts';
export type { StoredBlobEnvelope } from './core/blobs/envelope.ts';
export type { BlobRef } from './core/blobs/blob-table.ts';

// Schema versioning
export type { ComponentSchema } from './core/schema/versions.ts';
export { ensureComponentSchema } from './core/schema/versions.ts';
export { SESSION_SCHEMA, SESSION_SCHEMA_VERSION } from './core/session/schema.ts';

// Session files, logging, time
export { safeSessionDbFileName } from './core/session/file-name.ts';
export type { Clock, Logger } from './core/logger.ts';
export { consoleLogger, silentLogger, systemClock } from './core/logger.ts';

// ---- Session store (area: session) ----
export { Store } from './core/session/store.ts';
export type { StoreGcPolicy, StoreOptions } from './core/session/options.ts';
export type { StoreContext } from './core/session/context.ts';
export type { RuntimePersistence, QueueMethodName, SessionPersistence } from './core/session/persistence.ts';
export { QUEUE_METHOD_NAMES } from './core/session/persistence.ts';
export { SessionGraph } from './core/session/graph.ts';
export { MAX_ACTIVE_PATH_LENGTH } from './core/session/graph-table.ts';
export type {
  AgentFrameId,
  AgentFrameRecord,
  ConversationRecord,
  MessageOrigin,
  MessageRole,
  ModelLimits,
  ModelSpec,
  Part,
  PartKind,
  PersistedSessionConfig,
  PersistedTurnState,
  PluginSessionSnapshot,
  PromptUsage,
  ProtocolEvent,
  PruneState,
  SessionEventRecord,
  SessionGraphData,
  SessionNodePayload,
  SessionNodeRecord,
  SessionRelation,
  TokenLedgerEntry,
  TokenUsage,
  ToolState,
} from './core/session/model.ts';
export { emptyTokenUsage, parentSessionId, tokenUsageTotal } from './core/session/model.ts';
export type {
  GcReport,
  GraphCommitDelta,
  HydratedSessionCheckpoint,
  PersistedSessionRead,
  RuntimeCommit,
  RuntimeCommitResult,
  RuntimeTurnCommitStamp,
  SessionCheckpoint,
  SessionHead,
  SessionHeadMeta,
  SessionMeta,
  SessionPickerInfo,
  StoredSessionCheckpoint,
  VacuumReport,
} from './core/session/records.ts';
export { graphCommitDeltaLeaf } from './core/session/records.ts';
export type { RuntimeSessionState } from './core/session/turn-commit.ts';
export {
  applyCommitResult,
  completingQueueClaim,
  completingQueueClaims,
  graphDelta,
  newRuntimeSessionState,
  persistedStateCommit,
  persistedStateWithGraphCommit,
  runtimeSessionStateFromRead,
  stampTurnCommit,
  turnCommitHash,
  turnCommitStamp,
  withCommittedAttachments,
  withTurnCommit,
} from './core/session/turn-commit.ts';
export { mergeTokenLedger } from './core/session/usage-table.ts';
export type { SessionStoreCreateRequest, SessionStoreFactory } from './core/session/factory.ts';
export type {
  AttachmentId,
  AttachmentIntent,
  AttachmentManifest,
  AttachmentManifestEntry,
} from './core/attachments/manifest.ts';
export { NOOP_ATTACHMENT_MANIFEST } from './core/attachments/manifest.ts';
export type {
  AttachmentCreateMeta,
  AttachmentMeta,
  AttachmentRef,
  AttachmentStore,
  AttachmentStoreErrorDetail,
  AttachmentStorePersistence,
  ImageMediaType,
  MediaType,
  StoredAttachment,
} from './core/attachments/store.ts';
export {
  AttachmentStoreError,
  InMemoryAttachmentStore,
  SessionScopedAttachmentStore,
  contentId,
} from './core/attachments/store.ts';
export type { LashlangArtifactStore, ModuleArtifact, ModuleRef } from './core/artifacts/lashlang.ts';
export {
  InMemoryLashlangArtifactStore,
  moduleArtifactFromStoreBytes,
  moduleArtifactToStoreBytes,
} from './core/artifacts/lashlang.ts';
