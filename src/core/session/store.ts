/**
 * `Store`: the session store over any driver connection. One database holds
 * one session head (bound by the first commit); queued work and the
 * attachment manifest are partitioned by session id.
 *
 * Every method does its database work synchronously inside one transaction
 * (`writeTransaction` for writes, `readTransaction` for multi-statement
 * reads) and reports failures as typed errors: `StoreError` for the session
 * contract, `ArtifactStoreError` for lashlang artifacts, `SchemaVersionError`
 * from `open`. Bad input is refused before anything is written.
 */
import {
  deleteAttachmentEntry,
  insertAttachmentIntent,
  selectUncommittedAttachments,
  stampAttachmentsCommitted,
  type AttachmentId,
  type AttachmentIntent,
  type AttachmentManifestEntry,
} from '../attachments/manifest.ts';
import {
  insertModuleArtifact,
  moduleArtifactToStoreBytes,
  moduleRefProblem,
  readModuleArtifact,
  type LashlangArtifactStore,
  type ModuleArtifact,
  type ModuleRef,
} from '../artifacts/lashlang.ts';
import { insertArtifactBlob, insertRawBlob, lookupBlob, readBlob, type BlobRef } from '../blobs/blob-table.ts';
import type { BlobArtifactDescriptor } from '../blobs/descriptor.ts';
import { portableCodecs } from '../codec/codecs.ts';
import { decodeMsgpack, encodeMsgpack } from '../codec/msgpack.ts';
import { utf8Decode } from '../codec/utf8.ts';
import { readTransaction, rollback, writeTransaction } from '../driver/transaction.ts';
import type { DurabilityTier, SqliteConnection } from '../driver/types.ts';
import { ArtifactStoreError, SchemaVersionError, StoreError, type SessionReadScope } from '../errors.ts';
import { QueuedWork } from '../queue/queued-work.ts';
import type { QueuedWorkBatch, QueuedWorkClaim } from '../queue/types.ts';
import { ensureComponentSchema } from '../schema/versions.ts';
import { hydrateCheckpoint, lookupManifest, storeCheckpoint } from './checkpoints.ts';
import {
  checkHeadMetaInput,
  decodeDescriptor,
  decodeGraphData,
  decodeHydratedCheckpoint,
  decodeLedgerEntry,
  decodeNodes,
  decodeRuntimeCommit,
  decodeSessionHeadInput,
  decodeSessionMetaInput,
  isReadScope,
} from './codecs.ts';
import { applyRuntimeCommit, prepareRuntimeCommit } from './commit.ts';
import type { StoreContext } from './context.ts';
import { collectGarbage } from './gc.ts';
import { SessionGraph } from './graph.ts';
import {
  deleteTombstoned,
  insertNodes,
  loadActivePathNodes,
  loadLiveNode,
  loadLiveNodes,
  replaceAllNodes,
  tombstoneNodeIds,
} from './graph-table.ts';
import { readHeadMeta, updateHeadNodeCount, writeHeadMeta } from './head-table.ts';
import { readSessionMeta, writeSessionMeta } from './meta-table.ts';
import type { SessionNodeRecord, TokenLedgerEntry } from './model.ts';
import { resolveStoreOptions, type StoreOptions } from './options.ts';
import type { QueueMethodName, RuntimePersistence } from './persistence.ts';
import type {
  GcReport,
  HydratedSessionCheckpoint,
  PersistedSessionRead,
  RuntimeCommit,
  RuntimeCommitResult,
  SessionHead,
  SessionHeadMeta,
  SessionMeta,
  SessionPickerInfo,
  StoredSessionCheckpoint,
  VacuumReport,
} from './records.ts';
import { SESSION_SCHEMA } from './schema.ts';
import { expectArray, expectId, expectObject, expectString, expectU64, messageOf } from './shape.ts';
import { loadUsageDeltas, insertUsageDeltas, mergeTokenLedger } from './usage-table.ts';

/** The parameters of a queue method of `RuntimePersistence`. */
type QueueArgs<M extends QueueMethodName> = Parameters<RuntimePersistence[M]>;

export class Store implements RuntimePersistence, LashlangArtifactStore {
  readonly #ctx: StoreContext;
  /** The queue methods are delegated to this component (`src/core/queue/`). */
  readonly #queue: QueuedWork;
  readonly #autoGcEvery: number | null;
  /** Successful commits since open: the auto-GC cadence (per instance, like the reference). */
  #commitCount = 0;
  /** Artifacts put or read through this instance (frozen; per instance). */
  readonly #artifacts = new Map<ModuleRef, ModuleArtifact>();
  #closed = false;

  /**
   * Use {@link Store.open}. Components that share the connection (queued
   * work) are built here from the same context.
   */
  private constructor(ctx: StoreContext, autoGcEvery: number | null) {
    this.#ctx = ctx;
    this.#autoGcEvery = autoGcEvery;
    this.#queue = new QueuedWork(ctx.conn, { clock: ctx.clock, codecs: ctx.codecs, logger: ctx.logger });
  }

  /**
   * Opens the session store on a connection: creates the schema in an empty
   * database, checks its version otherwise (`SchemaVersionError`, nothing
   * changed). On a read-only connection nothing is written and every write is
   * refused. The store never closes `conn`.
   */
  static async open(conn: SqliteConnection, options: StoreOptions = {}): Promise<Store> {
    const resolved = resolveStoreOptions(options, conn.info);
    try {
      ensureComponentSchema(conn, SESSION_SCHEMA);
    } catch (error) {
      throw error instanceof SchemaVersionError ? error : StoreError.from(error);
    }
    const ctx: StoreContext = Object.freeze({
      conn,
      codecs: resolved.codecs ?? conn.codecs ?? portableCodecs,
      logger: resolved.logger,
      clock: resolved.clock,
      profile: resolved.blobProfile,
    });
    return new Store(ctx, resolved.autoGcEvery);
  }

  /** The connection's honest tier: `durable` only when commits reach stable storage. */
  durabilityTier(): DurabilityTier {
    return this.#ctx.conn.info.durability;
  }

  /** The blob profile in use (`Balanced`, `LowLatency` or `Compact`). */
  get blobProfile(): StoreContext['profile'] {
    return this.#ctx.profile;
  }

  /** Stops using the connection (which stays open) and drops the per-instance caches. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#artifacts.clear();
  }

  get closed(): boolean {
    return this.#closed;
  }

  // ---- RuntimePersistence ---------------------------------------------------

  async loadSession(scope: SessionReadScope): Promise<PersistedSessionRead | null> {
    if (!isReadScope(scope)) throw new StoreError({ kind: 'UnsupportedReadScope', scope });
    return this.#sync(() => {
      const { conn, logger } = this.#ctx;
      return readTransaction(conn, () => {
        const meta = readHeadMeta(conn);
        if (meta === null) return null;
        const persistedLeaf = meta.leaf_node_id ?? null;
        let leaf = persistedLeaf;
        let nodes: SessionNodeRecord[];
        if (scope.kind === 'FullGraph') {
          nodes = loadLiveNodes(conn, logger);
        } else {
          leaf = scope.leaf_node_id ?? persistedLeaf;
          nodes = leaf === null ? [] : loadActivePathNodes(conn, logger, leaf);
        }
        const checkpointRef = meta.checkpoint_ref ?? null;
        return {
          session_id: meta.session_id,
          head_revision: meta.head_revision,
          config: meta.config,
          agent_frames: meta.agent_frames,
          current_agent_frame_id: meta.current_agent_frame_id ?? '',
          graph: new SessionGraph(nodes, leaf),
          checkpoint_ref: checkpointRef,
          checkpoint: checkpointRef === null ? null : hydrateCheckpoint(this.#ctx, checkpointRef),
          token_ledger: mergeTokenLedger(loadUsageDeltas(conn)),
        };
      });
    });
  }

  async loadNode(nodeId: string): Promise<SessionNodeRecord | null> {
    return this.#sync(() => {
      this.#input('node id', () => expectId(nodeId, 'nodeId'));
      return loadLiveNode(this.#ctx.conn, this.#ctx.logger, nodeId);
    });
  }

  /**
   * Commits a state change atomically (`contract-session.md` §2.4.1). Throws
   * `SessionBindingMismatch`, `RuntimeTurnCommitConflict`,
   * `HeadRevisionConflict`, `QueuedWorkClaimExpired` or `Backend`; on any
   * error nothing is written. A retry with the same turn stamp returns the
   * first result.
   */
  async commitRuntimeState(commit: RuntimeCommit): Promise<RuntimeCommitResult> {
    const result = this.#sync(() => {
      const prepared = this.#input('commit', () => prepareRuntimeCommit(this.#ctx, decodeRuntimeCommit(commit)));
      return writeTransaction(this.#ctx.conn, () => applyRuntimeCommit(this.#ctx, prepared, this.#ctx.clock()));
    });
    this.#maybeAutoGc();
    return result;
  }

  async saveSessionMeta(meta: SessionMeta): Promise<void> {
    this.#sync(() => {
      const checked = this.#input('session meta', () => decodeSessionMetaInput(meta));
      writeTransaction(this.#ctx.conn, () => writeSessionMeta(this.#ctx.conn, checked));
    });
  }

  /**
   * Writes the meta only when none exists, in one transaction (so concurrent
   * first opens keep the first writer's meta). Returns whether it wrote.
   */
  async saveSessionMetaIfAbsent(meta: SessionMeta): Promise<boolean> {
    return this.#sync(() => {
      const checked = this.#input('session meta', () => decodeSessionMetaInput(meta));
      const { conn } = this.#ctx;
      return writeTransaction(conn, () => {
        if (readSessionMeta(conn) !== null) return rollback(false);
        writeSessionMeta(conn, checked);
        return true;
      });
    });
  }

  async loadSessionMeta(): Promise<SessionMeta | null> {
    return this.#sync(() => readSessionMeta(this.#ctx.conn));
  }

  /** Hides nodes from every read until `vacuum`; unknown ids are ignored. */
  async tombstoneNodes(ids: readonly string[]): Promise<void> {
    this.#sync(() => {
      const checked = this.#input('node ids', () => idList(ids, 'ids'));
      if (checked.length === 0) return;
      const { conn } = this.#ctx;
      writeTransaction(conn, () => {
        const changed = tombstoneNodeIds(conn, checked);
        if (changed > 0) updateHeadNodeCount(conn, (count) => count - changed);
      });
    });
  }

  /** Deletes tombstoned nodes for good. */
  async vacuum(): Promise<VacuumReport> {
    return this.#sync(() => ({
      removed_node_count: writeTransaction(this.#ctx.conn, () => deleteTombstoned(this.#ctx.conn)),
    }));
  }

  /**
   * Deletes every blob no live root reaches (§3.9). Throws `Backend`, and
   * deletes nothing, when the head or a live manifest cannot be decoded.
   */
  async gcUnreachable(): Promise<GcReport> {
    return this.#sync(() => writeTransaction(this.#ctx.conn, () => collectGarbage(this.#ctx)));
  }

  // ---- AttachmentManifest (synchronous) -------------------------------------

  recordIntent(intent: AttachmentIntent): void {
    this.#sync(() => {
      const checked = this.#input('attachment intent', () => checkIntent(intent));
      writeTransaction(this.#ctx.conn, () => insertAttachmentIntent(this.#ctx.conn, checked));
    });
  }

  commitRefs(sessionId: string, attachmentIds: readonly AttachmentId[]): void {
    this.#sync(() => {
      const ids = this.#input('attachment ids', () => {
        expectId(sessionId, 'sessionId');
        return idList(attachmentIds, 'attachmentIds');
      });
      if (ids.length === 0) return;
      const { conn, clock } = this.#ctx;
      writeTransaction(conn, () => stampAttachmentsCommitted(conn, sessionId, ids, clock()));
    });
  }

  listUncommitted(olderThanEpochMs: number): AttachmentManifestEntry[] {
    return this.#sync(() => {
      this.#input('olderThanEpochMs', () => expectU64(olderThanEpochMs, 'olderThanEpochMs'));
      return selectUncommittedAttachments(this.#ctx.conn, this.#ctx.logger, olderThanEpochMs);
    });
  }

  forget(attachmentId: AttachmentId): void {
    this.#sync(() => {
      this.#input('attachment id', () => expectId(attachmentId, 'attachmentId'));
      writeTransaction(this.#ctx.conn, () => deleteAttachmentEntry(this.#ctx.conn, attachmentId));
    });
  }

  // ---- lashlang artifacts -----------------------------------------------------

  /** Stores an artifact (a GC root from now on). Throws `ArtifactStoreError`. */
  async putModuleArtifact(artifact: ModuleArtifact): Promise<void> {
    this.#artifactGuard();
    const bytes = moduleArtifactToStoreBytes(artifact);
    try {
      writeTransaction(this.#ctx.conn, () => insertModuleArtifact(this.#ctx, artifact.module_ref, bytes));
    } catch (error) {
      throw new ArtifactStoreError('Backend', messageOf(error), { cause: error });
    }
    this.#artifacts.set(artifact.module_ref, deepFreeze(JSON.parse(utf8Decode(bytes)) as ModuleArtifact));
  }

  /** The artifact, or `null` for an unknown ref. Throws `ArtifactStoreError` for corrupt or mismatched bytes. */
  async getModuleArtifact(moduleRef: ModuleRef): Promise<ModuleArtifact | null> {
    this.#artifactGuard();
    const problem = moduleRefProblem(moduleRef);
    if (problem !== null) throw new ArtifactStoreError('Backend', problem);
    const cached = this.#artifacts.get(moduleRef);
    if (cached !== undefined) return cached;
    let artifact: ModuleArtifact | null;
    try {
      artifact = readModuleArtifact(this.#ctx, moduleRef);
    } catch (error) {
      throw error instanceof ArtifactStoreError ? error : new ArtifactStoreError('Backend', messageOf(error), { cause: error });
    }
    if (artifact === null) return null;
    const frozen = deepFreeze(artifact);
    this.#artifacts.set(moduleRef, frozen);
    return frozen;
  }

  // ---- host API (§1.11, §2.12) ----------------------------------------------

  /** Resume-picker info: `null` without a `session_meta` row. */
  async loadPickerInfo(): Promise<SessionPickerInfo | null> {
    return this.#sync(() => {
      const { conn, logger } = this.#ctx;
      return readTransaction(conn, () => {
        const meta = readSessionMeta(conn);
        if (meta === null) return null;
        const graph = new SessionGraph(loadLiveNodes(conn, logger));
        return {
          session_id: meta.session_id,
          cwd: meta.cwd,
          relation: meta.relation,
          first_user_message: graph.firstUserMessage(),
          user_message_count: graph.userMessageCount(),
        };
      });
    });
  }

  /** Raw head write: no CAS, no binding check. */
  async saveSessionHeadMeta(meta: SessionHeadMeta): Promise<void> {
    this.#sync(() => {
      const checked = this.#input('session head meta', () => checkHeadMetaInput(meta));
      writeTransaction(this.#ctx.conn, () => writeHeadMeta(this.#ctx.conn, checked));
    });
  }

  async loadSessionHeadMeta(): Promise<SessionHeadMeta | null> {
    return this.#sync(() => readHeadMeta(this.#ctx.conn));
  }

  /**
   * Replaces the graph and writes the head meta, in one transaction (the
   * reference used two). The given `head_revision` is written as is; usage
   * is not written.
   */
  async saveSessionHead(head: SessionHead): Promise<void> {
    this.#sync(() => {
      const checked = this.#input('session head', () => decodeSessionHeadInput(head));
      const { conn } = this.#ctx;
      writeTransaction(conn, () => {
        replaceAllNodes(conn, checked.graph.nodes);
        writeHeadMeta(conn, headMetaOf(checked, checked.head_revision));
      });
    });
  }

  /** Head meta, the full graph (leaf from the head) and the merged ledger; `null` without a head. */
  async loadSessionHead(): Promise<SessionHead | null> {
    return this.#sync(() => readTransaction(this.#ctx.conn, () => this.#readHead()));
  }

  /**
   * Copies the head of another store into this one (a fork or an export):
   * the checkpoint manifest and every snapshot it names — the execution state
   * too, which the reference left dangling — and the frames' execution-state
   * blobs, then the graph and the head meta with revision 0.
   */
  async headCopyFromStore(source: Store): Promise<void> {
    this.#sync(() => {
      const copy = source.#sync(() => readTransaction(source.#ctx.conn, () => source.#readHeadForCopy()));
      if (copy === null) return;
      const { conn } = this.#ctx;
      writeTransaction(conn, () => {
        for (const blob of copy.blobs) {
          if (blob.descriptor === null) insertRawBlob(this.#ctx, blob.content);
          else insertArtifactBlob(this.#ctx, this.#ctx.profile, blob.descriptor, blob.content);
        }
        replaceAllNodes(conn, copy.head.graph.nodes);
        writeHeadMeta(conn, headMetaOf(copy.head, 0));
      });
    });
  }

  /** Stores bytes without an envelope; the ref is their SHA-256. */
  async putBlob(content: Uint8Array): Promise<BlobRef> {
    return this.#sync(() => {
      this.#input('blob', () => checkBytes(content));
      return writeTransaction(this.#ctx.conn, () => insertRawBlob(this.#ctx, content));
    });
  }

  /** Stores bytes in an envelope, compressed when the descriptor and profile allow. */
  async putArtifactBlob(descriptor: BlobArtifactDescriptor, content: Uint8Array): Promise<BlobRef> {
    return this.#sync(() => {
      const checked = this.#input('blob', () => {
        checkBytes(content);
        return decodeDescriptor(descriptor, 'descriptor');
      });
      return writeTransaction(this.#ctx.conn, () => insertArtifactBlob(this.#ctx, this.#ctx.profile, checked, content));
    });
  }

  /** The verified content, or `null` when missing — or corrupt, which is logged (spec decision 6). */
  async getBlob(ref: BlobRef): Promise<Uint8Array | null> {
    return this.#sync(() => {
      this.#input('blob ref', () => expectString(ref, 'ref'));
      return readBlob(this.#ctx, ref);
    });
  }

  async putTypedBlob(value: unknown): Promise<BlobRef> {
    return this.#sync(() => {
      const bytes = this.#input('value', () => encodeMsgpack(value));
      return writeTransaction(this.#ctx.conn, () => insertRawBlob(this.#ctx, bytes));
    });
  }

  async putTypedArtifactBlob(descriptor: BlobArtifactDescriptor, value: unknown): Promise<BlobRef> {
    return this.#sync(() => {
      const [checked, bytes] = this.#input('blob', () => [decodeDescriptor(descriptor, 'descriptor'), encodeMsgpack(value)] as const);
      return writeTransaction(this.#ctx.conn, () => insertArtifactBlob(this.#ctx, this.#ctx.profile, checked, bytes));
    });
  }

  /** The msgpack-decoded blob, or `null` when missing, corrupt or not msgpack (logged). */
  async getTypedBlob<T = unknown>(ref: BlobRef): Promise<T | null> {
    return this.#sync(() => {
      this.#input('blob ref', () => expectString(ref, 'ref'));
      const bytes = readBlob(this.#ctx, ref);
      if (bytes === null) return null;
      try {
        return decodeMsgpack(bytes) as T;
      } catch (error) {
        this.#ctx.logger.warn('blob is not msgpack; reading it as missing', { ref, reason: messageOf(error) });
        return null;
      }
    });
  }

  /** Stores a checkpoint's snapshots and manifest (commit step 6 on its own). */
  async putCheckpoint(checkpoint: HydratedSessionCheckpoint): Promise<StoredSessionCheckpoint> {
    return this.#sync(() => {
      const checked = this.#input('checkpoint', () => decodeHydratedCheckpoint(checkpoint, 'checkpoint'));
      return writeTransaction(this.#ctx.conn, () => storeCheckpoint(this.#ctx, checked));
    });
  }

  /** The hydrated checkpoint, or `null` when its manifest is missing or corrupt (logged). */
  async getCheckpoint(ref: BlobRef): Promise<HydratedSessionCheckpoint | null> {
    return this.#sync(() => {
      this.#input('checkpoint ref', () => expectString(ref, 'ref'));
      return readTransaction(this.#ctx.conn, () => hydrateCheckpoint(this.#ctx, ref));
    });
  }

  async appendUsageDeltas(entries: readonly TokenLedgerEntry[]): Promise<void> {
    this.#sync(() => {
      const checked = this.#input('usage deltas', () =>
        expectArray(entries, 'entries').map((entry, i) => decodeLedgerEntry(entry, `entries[${i}]`)),
      );
      if (checked.length === 0) return;
      writeTransaction(this.#ctx.conn, () => insertUsageDeltas(this.#ctx.conn, checked));
    });
  }

  /** Every usage row, unmerged. */
  async loadUsageDeltas(): Promise<TokenLedgerEntry[]> {
    return this.#sync(() => loadUsageDeltas(this.#ctx.conn));
  }

  /** Deletes every node (tombstones too) and inserts the graph's nodes. The head's leaf is left alone. */
  async replaceSessionGraph(graph: SessionGraph | { nodes: readonly SessionNodeRecord[] }): Promise<void> {
    this.#sync(() => {
      const { nodes } = this.#input('graph', () => decodeGraphData(graph, 'graph'));
      const { conn } = this.#ctx;
      writeTransaction(conn, () => {
        replaceAllNodes(conn, nodes);
        updateHeadNodeCount(conn, () => nodes.length);
      });
    });
  }

  async appendSessionGraphNodes(nodes: readonly SessionNodeRecord[]): Promise<void> {
    this.#sync(() => {
      const checked = this.#input('nodes', () => decodeNodes(nodes, 'nodes'));
      if (checked.length === 0) return;
      const { conn } = this.#ctx;
      writeTransaction(conn, () => {
        insertNodes(conn, checked);
        updateHeadNodeCount(conn, (count) => count + checked.length);
      });
    });
  }

  /** Every live node in insertion order, with no leaf. */
  async loadSessionGraph(): Promise<SessionGraph> {
    return this.#sync(() => new SessionGraph(loadLiveNodes(this.#ctx.conn, this.#ctx.logger)));
  }

  // ---- internals --------------------------------------------------------------

  #readHead(): SessionHead | null {
    const { conn, logger } = this.#ctx;
    const meta = readHeadMeta(conn);
    if (meta === null) return null;
    const nodes = loadLiveNodes(conn, logger);
    const graph = meta.leaf_node_id === undefined ? { nodes } : { nodes, leaf_node_id: meta.leaf_node_id };
    const head: SessionHead = {
      session_id: meta.session_id,
      head_revision: meta.head_revision,
      agent_frames: meta.agent_frames,
      current_agent_frame_id: meta.current_agent_frame_id ?? '',
      graph,
      config: meta.config,
    };
    if (meta.checkpoint_ref !== undefined) head.checkpoint_ref = meta.checkpoint_ref;
    const ledger = mergeTokenLedger(loadUsageDeltas(conn));
    if (ledger.length > 0) head.token_ledger = ledger;
    return head;
  }

  /** The head plus every blob it reaches, verified, with the descriptor each was stored under. */
  #readHeadForCopy(): { head: SessionHead; blobs: CopiedBlob[] } | null {
    const head = this.#readHead();
    if (head === null) return null;
    const refs: BlobRef[] = [];
    if (head.checkpoint_ref !== undefined) {
      const found = lookupManifest(this.#ctx, head.checkpoint_ref);
      if (found.status === 'ok') {
        const { tool_state_ref, plugin_snapshot_ref, execution_state_ref } = found.manifest;
        for (const ref of [tool_state_ref, plugin_snapshot_ref, execution_state_ref]) if (ref !== undefined) refs.push(ref);
      }
      refs.push(head.checkpoint_ref);
    }
    for (const frame of head.agent_frames) {
      if (typeof frame.execution_state_ref === 'string') refs.push(frame.execution_state_ref);
    }
    const blobs: CopiedBlob[] = [];
    for (const ref of refs) {
      const found = lookupBlob(this.#ctx, ref);
      if (found.status === 'ok') blobs.push({ content: found.content, descriptor: found.descriptor });
      else this.#ctx.logger.warn(`headCopyFromStore: source blob is ${found.status}; not copied`, { ref });
    }
    return { head, blobs };
  }

  #maybeAutoGc(): void {
    const every = this.#autoGcEvery;
    if (every === null) return;
    this.#commitCount += 1;
    if (every === 0 || this.#commitCount % every !== 0) return;
    try {
      writeTransaction(this.#ctx.conn, () => collectGarbage(this.#ctx));
    } catch (error) {
      // The commit is already durable; GC failing must not turn it into an error.
      this.#ctx.logger.warn('auto-GC after a commit failed; nothing was collected', { reason: messageOf(error) });
    }
  }

  // ---- RuntimePersistence: queued work (delegated to QueuedWork) --------------
  // Same parameters as `RuntimePersistence` (see `src/core/queue/queued-work.ts`).

  async enqueueQueuedWork(...args: QueueArgs<'enqueueQueuedWork'>): Promise<QueuedWorkBatch> {
    return this.#queueWork().enqueueQueuedWork(...args);
  }

  async claimReadyQueuedWork(...args: QueueArgs<'claimReadyQueuedWork'>): Promise<QueuedWorkClaim | null> {
    return this.#queueWork().claimReadyQueuedWork(...args);
  }

  async claimReadyQueuedWorkByBatchIds(
    ...args: QueueArgs<'claimReadyQueuedWorkByBatchIds'>
  ): Promise<QueuedWorkClaim | null> {
    return this.#queueWork().claimReadyQueuedWorkByBatchIds(...args);
  }

  async renewQueuedWorkClaim(...args: QueueArgs<'renewQueuedWorkClaim'>): Promise<QueuedWorkClaim> {
    return this.#queueWork().renewQueuedWorkClaim(...args);
  }

  async abandonQueuedWorkClaim(...args: QueueArgs<'abandonQueuedWorkClaim'>): Promise<void> {
    return this.#queueWork().abandonQueuedWorkClaim(...args);
  }

  async cancelQueuedWorkBatch(...args: QueueArgs<'cancelQueuedWorkBatch'>): Promise<QueuedWorkBatch | null> {
    return this.#queueWork().cancelQueuedWorkBatch(...args);
  }

  async listQueuedWork(...args: QueueArgs<'listQueuedWork'>): Promise<QueuedWorkBatch[]> {
    return this.#queueWork().listQueuedWork(...args);
  }

  async listPendingQueuedWork(...args: QueueArgs<'listPendingQueuedWork'>): Promise<QueuedWorkBatch[]> {
    return this.#queueWork().listPendingQueuedWork(...args);
  }

  /** The queue component, refusing a closed store like every other method. */
  #queueWork(): QueuedWork {
    return this.#sync(() => this.#queue);
  }

  /** Runs a store operation: refuses a closed store, types every error as `StoreError`. */
  #sync<T>(body: () => T): T {
    if (this.#closed) throw StoreError.backend('the store is closed');
    try {
      return body();
    } catch (error) {
      throw StoreError.from(error);
    }
  }

  /** Checks caller input; a shape problem becomes `Backend("invalid <what>: …")` before anything is written. */
  #input<T>(what: string, check: () => T): T {
    try {
      return check();
    } catch (error) {
      // Checks and encoders touch nothing but the input: whatever they throw is about the input.
      throw StoreError.backend(`invalid ${what}: ${messageOf(error)}`, error);
    }
  }

  #artifactGuard(): void {
    if (this.#closed) throw new ArtifactStoreError('Backend', 'the store is closed');
  }
}

interface CopiedBlob {
  readonly content: Uint8Array;
  readonly descriptor: BlobArtifactDescriptor | null;
}

function headMetaOf(head: SessionHead, revision: number): SessionHeadMeta {
  const meta: SessionHeadMeta = {
    session_id: head.session_id,
    head_revision: revision,
    config: head.config,
    agent_frames: head.agent_frames,
    graph_node_count: head.graph.nodes.length,
  };
  if (head.current_agent_frame_id !== '') meta.current_agent_frame_id = head.current_agent_frame_id;
  if (head.checkpoint_ref !== undefined) meta.checkpoint_ref = head.checkpoint_ref;
  if (head.graph.leaf_node_id !== undefined) meta.leaf_node_id = head.graph.leaf_node_id;
  return meta;
}

function idList(ids: readonly string[], path: string): string[] {
  return expectArray(ids, path).map((id, i) => expectId(id, `${path}[${i}]`));
}

function checkIntent(intent: AttachmentIntent): AttachmentIntent {
  const record = expectObject(intent, 'intent');
  return {
    attachment_id: expectId(record.attachment_id, 'intent.attachment_id'),
    session_id: expectId(record.session_id, 'intent.session_id'),
    canonical_uri: expectString(record.canonical_uri, 'intent.canonical_uri'),
    intent_at_epoch_ms: expectU64(record.intent_at_epoch_ms, 'intent.intent_at_epoch_ms'),
  };
}

function checkBytes(content: unknown): void {
  if (!(content instanceof Uint8Array)) throw new TypeError('content must be a Uint8Array');
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
