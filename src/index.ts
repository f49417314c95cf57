/**
 * lash-sqlite-store: the isomorphic root entry. Engine drivers live in the
 * `lash-sqlite-store/node` and `lash-sqlite-store/sqljs` entry points.
 *
 * The public surface, and the rule that decides it (docs/design.md, "Public
 * surface"). The root exports what a host calls or names:
 *
 * 1. the session API (`src/api/`): `Sessions`, `Session`, their options,
 *    records, streams and errors;
 * 2. the lash contract (`src/core/contract/`): every record and interface the
 *    runtime depends on, the contract's own helpers and constants, and the
 *    stores that implement it (`Store`, `QueuedWork`, `SqliteProcessRegistry`,
 *    `SqliteHostEventStore`, `SqliteEffectHost`,
 *    `SqliteRuntimeEffectController`, the in-memory ones) with their options;
 * 3. the builders a host calls to make the records those stores take (commit
 *    builders, queue drafts, process registrations, effect envelopes), and the
 *    names the specification pins here (`canonicalJson`, `turnCommitHash`,
 *    `safeSessionDbFileName`, the blob descriptor and profile types, the
 *    driver interface types);
 * 4. every error class, with its detail types.
 *
 * Everything else — transaction helpers, codecs, blob envelopes, schema
 * definitions, row decoders, engine helpers and defaults — is in
 * `lash-sqlite-store/advanced`, which does not repeat these names.
 * `test/architecture/surface.test.ts` pins both lists: a new public name is a
 * deliberate edit there.
 *
 * @module
 */

// ---- The session API (src/api/) ----
export { Sessions } from './api/sessions.ts';
export type { OpenSessionOptions, SessionDatabaseOpener, SessionSummary, SessionsOptions } from './api/sessions.ts';
export { Session, appendAfterTheirs, claimTexts } from './api/session.ts';
export type { Branch } from './api/branches.ts';
export type {
  Checkpoint,
  ClaimOptions,
  CommitOptions,
  ConflictContext,
  EnqueueOptions,
  HistoryOptions,
  MergeTurn,
  SessionConfig,
  Turn,
  TurnResult,
} from './api/session.ts';
export type {
  ChatRole,
  Message,
  MessageInput,
  MessagePart,
  PartsMessageInput,
  TextMessageInput,
  ToolCall,
  ToolCallsMessageInput,
  ToolResultMessageInput,
  TurnEntry,
} from './api/messages.ts';
export type { Usage, UsageInput, UsageTotals } from './api/usage.ts';
export { SessionConflictError, SessionError } from './api/errors.ts';
export type { SessionErrorCode, SessionErrorOptions } from './api/errors.ts';
export { hostEventDeliveries, processEvents } from './api/streams.ts';
export type { ProcessEventStreamOptions, StreamOptions } from './api/streams.ts';

// ---- The driver interface (pinned: the type every component opens on) ----
export type {
  ConnectionInfo,
  DurabilityTier,
  RunResult,
  SqliteConnection,
  SqlParam,
  SqlRow,
  SqlValue,
} from './core/driver/types.ts';
export type { Codecs } from './core/codec/codecs.ts';
export type { Clock, Logger } from './core/logger.ts';
export { consoleLogger, silentLogger, systemClock } from './core/logger.ts';

// ---- Errors ----
export {
  SqliteBusyError,
  SqliteError,
  SqliteReadOnlyError,
  SqliteValueError,
  TransactionError,
} from './core/driver/errors.ts';
export {
  ArtifactStoreError,
  InvalidInputError,
  PluginError,
  RuntimeEffectControllerError,
  RuntimeError,
  SchemaVersionError,
  StoreError,
  ensureSupportedSchemaVersion,
} from './core/contract/errors.ts';
export type {
  ArtifactStoreErrorDetail,
  ErrorCondition,
  PluginErrorKind,
  SessionReadScope,
  StoreErrorDetail,
  StoreErrorKind,
} from './core/contract/errors.ts';
export { CanonicalJsonError, canonicalJson } from './core/codec/canonical-json.ts';

// ---- The session store (contract: RuntimePersistence, AttachmentManifest, lashlang artifacts) ----
export { Store } from './core/stores/session-store.ts';
export type { StoreGcPolicy, StoreOptions } from './core/session/options.ts';
export type { RuntimePersistence, QueueMethodName, SessionPersistence } from './core/contract/session.ts';
export { QUEUE_METHOD_NAMES } from './core/contract/session.ts';
export { RuntimePersistenceBase, UNSUPPORTED_QUEUED_WORK } from './core/session/persistence-base.ts';
export { SessionGraph, type SessionGraphOptions } from './core/contract/session-graph.ts';
export { safeSessionDbFileName } from './core/session/file-name.ts';
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
} from './core/contract/session-model.ts';
export { emptyTokenUsage, parentSessionId, tokenUsageTotal } from './core/contract/session-model.ts';
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
} from './core/contract/session-records.ts';
export { graphCommitDeltaLeaf } from './core/contract/session-records.ts';
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
export type { SessionStoreCreateRequest, SessionStoreFactory } from './core/session/factory.ts';
export type {
  BlobArtifactDescriptor,
  BlobStorageHint,
  PersistedArtifactKind,
} from './core/blobs/descriptor.ts';
export { BlobDescriptors } from './core/blobs/descriptor.ts';
export type { BuiltinBlobProfile } from './core/blobs/profile.ts';
export type { BlobRef } from './core/blobs/blob-table.ts';
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
export { InMemoryLashlangArtifactStore } from './core/artifacts/lashlang.ts';

// ---- Queued work (contract; on `Store`, or standalone as `QueuedWork`) ----
export type {
  DeliveryPolicy,
  InputItem,
  MergeKey,
  ProtocolTurnOptions,
  QueuedWorkBatch,
  QueuedWorkBatchDraft,
  QueuedWorkClaim,
  QueuedWorkClaimBoundary,
  QueuedWorkCompletion,
  QueuedWorkItem,
  QueuedWorkPayload,
  QueuedWorkPersistence,
  SessionCommand,
  SlotPolicy,
  TurnInput,
} from './core/contract/queue.ts';
export {
  CLAIM_BOUNDARIES,
  DELIVERY_POLICIES,
  QUEUED_WORK_CLAIM_TTL_MS,
  SLOT_POLICIES,
  claimCompletion,
  claimIsEmpty,
} from './core/contract/queue.ts';
export {
  newQueuedWorkDraft,
  processWakeBatchDraft,
  queuedTurnInputDraft,
  sessionCommandSourceKey,
  textTurnInput,
  turnInputPayload,
  withAvailableAtMs,
  withMergeKey,
  withSourceKey,
} from './core/queue/drafts.ts';
export { QueuedWork, type QueuedWorkOptions } from './core/queue/queued-work.ts';
export type { QueuedWorkListOptions } from './core/queue/list.ts';

// ---- The process registry (contract: ProcessRegistry) ----
export type * from './core/contract/process.ts';
export { PROCESS_LEASE_SCHEMA_VERSION } from './core/contract/process.ts';
export type {
  RuntimeEffectKind,
  RuntimeInvocation,
  RuntimeReplay,
  RuntimeScope,
  RuntimeSubject,
} from './core/contract/invocation.ts';
export {
  RUNTIME_EFFECT_KINDS,
  invocationCausalRef,
  invocationEffectId,
  invocationEffectKind,
  invocationReplayKey,
} from './core/contract/invocation.ts';
export type { CausalRef } from './core/contract/causal.ts';
export type { EpochMs, JsonObject, JsonValue, U64 } from './core/contract/json.ts';
export { SqliteProcessRegistry } from './core/stores/process-registry.ts';
export type { ProcessEventsOptions, SqliteProcessRegistryOptions } from './core/stores/process-registry.ts';
export {
  CANCEL_REQUESTED_EVENT,
  CANCELLED_EVENT,
  COMPLETED_EVENT,
  FAILED_EVENT,
  agentFrameScope,
  anySchema,
  defaultProcessEventTypes,
  externalInput,
  lashlangProcessEventTypes,
  objectSchema,
  processRegistration,
  processScope,
} from './core/process/model.ts';

// ---- The host event store (contract: HostEventStore) ----
export { SqliteHostEventStore } from './core/stores/host-event-store.ts';
export type { SqliteHostEventStoreOptions } from './core/stores/host-event-store.ts';
export type {
  HostEventEmitReport,
  HostEventOccurrenceRecord,
  HostEventOccurrenceRequest,
  HostEventStore,
  TriggerProcessRef,
  TriggerDeliveryReservation,
  TriggerInputBinding,
  TriggerInputTemplate,
  TriggerRegistration,
  TriggerSubscriptionDraft,
  TriggerSubscriptionFilter,
  TriggerSubscriptionRecord,
  TriggerTargetIdentity,
  TypeExpr,
} from './core/contract/host-events.ts';

// ---- Effect replay (contract: EffectHost, RuntimeEffectController) ----
export {
  SqliteEffectHost,
  SqliteRuntimeEffectController,
} from './core/stores/effect-host.ts';
export type { SqliteEffectReplayOptions } from './core/stores/effect-host.ts';
export type { EffectHost, RuntimeEffectController } from './core/effects/controller.ts';
export { InlineEffectHost, InlineRuntimeEffectController } from './core/effects/inline.ts';
export { EffectScope } from './core/effects/scope.ts';
export {
  createRuntimeEffectEnvelope,
  effectInvocation,
  expectRuntimeEffectOutcome,
  runtimeScope,
  runtimeScopeForTurn,
} from './core/effects/envelope.ts';
export { LocalExecutor } from './core/effects/local-executor.ts';
export type { RuntimeEffectLocalExecutor } from './core/effects/local-executor.ts';
export type {
  LlmRequestSpec,
  RuntimeEffectCommand,
  RuntimeEffectControllerErrorJson,
  RuntimeEffectEnvelope,
  RuntimeEffectOutcome,
  RustResult,
} from './core/contract/effects.ts';
