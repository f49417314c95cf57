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
} from './core/contract/errors.ts';
export type {
  ArtifactStoreErrorDetail,
  PluginErrorKind,
  SessionReadScope,
  StoreErrorDetail,
  StoreErrorKind,
} from './core/contract/errors.ts';

// Codecs and hashing
export type { Codecs } from './core/codec/codecs.ts';
export { portableCodecs } from './core/codec/codecs.ts';
export { CanonicalJsonError, canonicalJson, stableJsonSha256Hex } from './core/codec/canonical-json.ts';

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
export { SESSION_SCHEMA, SESSION_SCHEMA_VERSION } from './core/schema/session.ts';

// Session files, logging, time
export { safeSessionDbFileName } from './core/session/file-name.ts';
export type { Clock, Logger } from './core/logger.ts';
export { consoleLogger, silentLogger, systemClock } from './core/logger.ts';

// ---- Session store (area: session) ----
export { Store } from './core/stores/session-store.ts';
export type { StoreGcPolicy, StoreOptions } from './core/session/options.ts';
export type { StoreContext } from './core/session/context.ts';
export type { RuntimePersistence, QueueMethodName, SessionPersistence } from './core/contract/session.ts';
export { QUEUE_METHOD_NAMES } from './core/contract/session.ts';
export { RuntimePersistenceBase, UNSUPPORTED_QUEUED_WORK } from './core/session/persistence-base.ts';
export { SessionGraph } from './core/contract/session-graph.ts';
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

// Process registry
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
export type * from './core/contract/process.ts';
export { PROCESS_LEASE_SCHEMA_VERSION } from './core/contract/process.ts';
export {
  DEFAULT_EVENTS_LIMIT,
  DEFAULT_PROCESS_POLL_INTERVAL_MS,
  SqliteProcessRegistry,
} from './core/stores/process-registry.ts';
export type { ProcessEventsOptions, SqliteProcessRegistryOptions } from './core/stores/process-registry.ts';
export { PROCESS_SCHEMA, PROCESS_SCHEMA_VERSION } from './core/process/schema.ts';
export {
  CANCEL_REQUESTED_EVENT,
  CANCELLED_EVENT,
  COMPLETED_EVENT,
  FAILED_EVENT,
  agentFrameScope,
  anySchema,
  awaitOutputTerminalState,
  defaultProcessEventTypes,
  externalInput,
  isTerminal,
  lashlangProcessEventTypes,
  objectSchema,
  ownerScopeId,
  processRegistration,
  processScope,
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
export type { ProcessCommand, ProcessEffectOutcome } from './core/process/commands.ts';
export { observeEvent, observeProcess, snapshotForSession } from './core/process/observation.ts';
export type {
  ObservedProcess,
  ObservedProcessEvent,
  ObservedWorkItem,
  ProcessWorkSnapshot,
} from './core/process/observation.ts';

// Host event store (area: effects / host events)
export { SqliteHostEventStore, DEFAULT_RESERVATION_TTL_MS } from './core/stores/host-event-store.ts';
export type { SqliteHostEventStoreOptions } from './core/stores/host-event-store.ts';
export { HOST_EVENT_SCHEMA, HOST_EVENT_SCHEMA_VERSION } from './core/host-events/schema.ts';
export {
  defaultHostEventSourceKey,
  deterministicDeliveryProcessId,
  deterministicOccurrenceId,
  emptyHostEventSourceKey,
  hostEventOccurrenceRequestHash,
} from './core/host-events/keys.ts';
export { subscriptionMatches, subscriptionsForSession, triggerRegistration } from './core/host-events/filter.ts';
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

// Effect replay (area: effects / host events)
export { EffectScope, INVALID_EFFECT_SCOPE_ID, MISSING_EFFECT_SCOPE_ID } from './core/effects/scope.ts';
export {
  createRuntimeEffectEnvelope,
  effectInvocation,
  expectRuntimeEffectOutcome,
  runtimeEffectCommandKind,
  runtimeEffectEnvelopeHash,
  runtimeScope,
  runtimeScopeForTurn,
} from './core/effects/envelope.ts';
export { LocalExecutor, executeLocal, intoProcess } from './core/effects/local-executor.ts';
export { SESSION_DELETED_REASON, executeProcessCommand } from './core/effects/process-command.ts';
export type { RuntimeEffectLocalExecutor } from './core/effects/local-executor.ts';
export { ScopedEffectController } from './core/effects/controller.ts';
export type { EffectHost, RuntimeEffectController } from './core/effects/controller.ts';
export { InlineEffectHost, InlineRuntimeEffectController } from './core/effects/inline.ts';
export {
  DEFAULT_EFFECT_LEASE_TTL_MS,
  DEFAULT_EFFECT_POLL_INTERVAL_MS,
  SqliteEffectHost,
  SqliteRuntimeEffectController,
} from './core/stores/effect-host.ts';
export type { SqliteEffectReplayOptions } from './core/stores/effect-host.ts';
export { EFFECT_SCHEMA, EFFECT_SCHEMA_VERSION } from './core/effects/schema.ts';
export type {
  LlmRequestSpec,
  RuntimeEffectCommand,
  RuntimeEffectControllerErrorJson,
  RuntimeEffectEnvelope,
  RuntimeEffectOutcome,
  RustResult,
} from './core/contract/effects.ts';

// Queued work
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

// ---- Session API (area: api): sessions by id, turns in one call, history, branches, streams ----
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
export { DEFAULT_QUEUE_LIST_LIMIT, type QueuedWorkListOptions } from './core/queue/list.ts';
