/**
 * `Store`: the session store over any driver connection — a composition of
 * the engines that share its connection and options:
 *
 * | part | module |
 * |---|---|
 * | head, graph, commit, meta, tombstones, checkpoints | `session-engine.ts` |
 * | host API: raw head and graph, usage, picker info, head copy | `host-api.ts` |
 * | blobs on their own (pinned against GC) | `../blobs/blob-engine.ts` |
 * | GC and auto-GC | `gc.ts` |
 * | queued work | `../queue/queued-work.ts` |
 * | attachment manifest | `../attachments/manifest.ts` |
 * | lashlang artifacts | `../artifacts/lashlang.ts` |
 *
 * One database holds one session head (bound by the first commit); queued
 * work and the attachment manifest are partitioned by session id. Every
 * method runs through the store's operations (`../driver/operations.ts`):
 * bad input is `InvalidInput` before anything is written, lock waits are
 * retried asynchronously up to the connection's `busyTimeoutMs` (then
 * `Busy`), writes resolve once durable (else `NotPersisted`), and every
 * failure is a `StoreError` (`ArtifactStoreError` for artifacts,
 * `SchemaVersionError` from `open`).
 */
import { AttachmentManifestEngine, type AttachmentManifest } from '../attachments/manifest.ts';
import { ArtifactEngine, type LashlangArtifactStore } from '../artifacts/lashlang.ts';
import { BlobEngine } from '../blobs/blob-engine.ts';
import { portableCodecs } from '../codec/codecs.ts';
import { ComponentOperations, storeErrorFamily } from '../driver/operations.ts';
import { OperationRunner } from '../driver/runner.ts';
import { isConnection } from '../driver/values.ts';
import type { DurabilityTier, SqliteConnection } from '../driver/types.ts';
import { InvalidInputError, StoreError } from '../contract/errors.ts';
import { QueuedWork } from '../queue/queued-work.ts';
import { openComponentSchema } from '../schema/versions.ts';
import type { StoreContext } from '../session/context.ts';
import { AutoGc, collectGarbage } from '../session/gc.ts';
import { SessionHostApi } from '../session/host-api.ts';
import { resolveStoreOptions, type StoreOptions } from '../session/options.ts';
import type { QueueMethodName, RuntimePersistence } from '../contract/session.ts';
import type { GcReport } from '../contract/session-records.ts';
import { SESSION_SCHEMA } from '../schema/session.ts';
import { SessionEngine } from '../session/session-engine.ts';
import type { Args, Returns } from './delegation.ts';

type Session = SessionEngine;
type Host = SessionHostApi;
type Blobs = BlobEngine;
type Manifest = AttachmentManifestEngine;
type Artifacts = ArtifactEngine;
type Queue = Pick<RuntimePersistence, QueueMethodName>;

/**
 * The session store on SQLite: one database holds one session. Implements the lash `RuntimePersistence` contract (head with compare-and-swap, graph, idempotent turn commits, checkpoints as content-addressed blobs, usage, GC, queued work), the attachment manifest and the lashlang artifact store, plus the host API (blobs, head, graph, usage). It never closes the connection it was given.
 * @example
 * ```ts
 * import { Store, graphDelta, newRuntimeSessionState, persistedStateWithGraphCommit, stampTurnCommit } from 'lash-sqlite-store';
 * import { nodeCodecs, openNodeSqlite } from 'lash-sqlite-store/node';
 *
 * const conn = openNodeSqlite('./session.db');
 * const store = await Store.open(conn);
 * const state = newRuntimeSessionState('chat', { provider_id: 'openai', model: { id: 'gpt', limits: { context_window_tokens: 200_000 } } });
 * const commit = persistedStateWithGraphCommit(state, graphDelta.append([], null));
 * const result = await store.commitRuntimeState(stampTurnCommit(commit, 'turn-1', nodeCodecs));
 * console.log(result.head_revision); // 1
 * store.close();
 * conn.close();
 * ```
 */
export class Store implements RuntimePersistence, AttachmentManifest, LashlangArtifactStore {
  readonly #ctx: StoreContext;
  readonly #session: SessionEngine;
  readonly #host: SessionHostApi;
  readonly #blobs: BlobEngine;
  readonly #manifest: AttachmentManifestEngine;
  readonly #artifacts: ArtifactEngine;
  readonly #queue: QueuedWork;
  readonly #autoGc: AutoGc;
  readonly #blobGraceMs: number;
  #closed = false;

  private constructor(ctx: Omit<StoreContext, 'ops'>, autoGcEvery: number | null, blobGraceMs: number) {
    const ops = new ComponentOperations(new OperationRunner(ctx.conn), storeErrorFamily, () => this.#closed);
    this.#ctx = Object.freeze({ ...ctx, ops });
    this.#session = new SessionEngine(this.#ctx);
    this.#host = new SessionHostApi(this.#ctx);
    this.#blobs = new BlobEngine(this.#ctx);
    this.#manifest = new AttachmentManifestEngine(this.#ctx);
    this.#artifacts = new ArtifactEngine(this.#ctx);
    this.#queue = new QueuedWork(ctx.conn, { clock: ctx.clock, codecs: ctx.codecs, logger: ctx.logger }, ops);
    this.#autoGc = new AutoGc(this.#ctx, autoGcEvery, blobGraceMs);
    this.#blobGraceMs = blobGraceMs;
  }

  /**
   * Opens the session store on a connection: creates the schema in an empty
   * database, checks its version otherwise (`SchemaVersionError`, nothing
   * changed). On a read-only connection nothing is written and every write is
   * refused. The store never closes `conn`. A value that is not a connection,
   * or bad options, is `InvalidInputError`.
   */
  static async open(conn: SqliteConnection, options: StoreOptions = {}): Promise<Store> {
    const resolved = isConnection(conn) ? resolveStoreOptions(options, conn.info) : null;
    await openComponentSchema(conn, SESSION_SCHEMA, storeErrorFamily, 'Store.open');
    if (resolved === null) throw new InvalidInputError('Store.open needs a SqliteConnection');
    const ctx = {
      conn,
      codecs: resolved.codecs ?? conn.codecs ?? portableCodecs,
      logger: resolved.logger,
      clock: resolved.clock,
      profile: resolved.blobProfile,
      commitProfile: deferredCompression(resolved.autoGcEvery) ? 'LowLatency' : resolved.blobProfile,
    } as const;
    return new Store(ctx, resolved.autoGcEvery, resolved.blobGraceMs);
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

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  // ---- RuntimePersistence: session (session-engine.ts) ----------------------

  loadSession(...args: Args<Session, 'loadSession'>): Returns<Session, 'loadSession'> {
    return this.#session.loadSession(...args);
  }

  loadNode(...args: Args<Session, 'loadNode'>): Returns<Session, 'loadNode'> {
    return this.#session.loadNode(...args);
  }

  /**
   * Commits a state change atomically (`contract-session.md` §2.4.1); see
   * `SessionEngine.commitRuntimeState`. Auto-GC, when due, runs after the
   * commit's transaction, and its failure is only logged.
   */
  async commitRuntimeState(...args: Args<Session, 'commitRuntimeState'>): Returns<Session, 'commitRuntimeState'> {
    const result = await this.#session.commitRuntimeState(...args);
    await this.#autoGc.afterCommit();
    return result;
  }

  saveSessionMeta(...args: Args<Session, 'saveSessionMeta'>): Returns<Session, 'saveSessionMeta'> {
    return this.#session.saveSessionMeta(...args);
  }

  /** Writes the session metadata only when none exists; returns whether it wrote. */
  saveSessionMetaIfAbsent(...args: Args<Session, 'saveSessionMetaIfAbsent'>): Returns<Session, 'saveSessionMetaIfAbsent'> {
    return this.#session.saveSessionMetaIfAbsent(...args);
  }

  loadSessionMeta(): Returns<Session, 'loadSessionMeta'> {
    return this.#session.loadSessionMeta();
  }

  tombstoneNodes(...args: Args<Session, 'tombstoneNodes'>): Returns<Session, 'tombstoneNodes'> {
    return this.#session.tombstoneNodes(...args);
  }

  vacuum(): Returns<Session, 'vacuum'> {
    return this.#session.vacuum();
  }

  /**
   * Deletes every blob no live root reaches and no pin protects (§3.9), in
   * batches that release the write lock in between. Throws `Backend`, and
   * deletes nothing, when the head or a live manifest cannot be decoded.
   */
  async gcUnreachable(): Promise<GcReport> {
    return collectGarbage(this.#ctx, this.#blobGraceMs);
  }

  /** Stores a hydrated checkpoint: its snapshots as blobs, then its manifest. */
  putCheckpoint(...args: Args<Session, 'putCheckpoint'>): Returns<Session, 'putCheckpoint'> {
    return this.#session.putCheckpoint(...args);
  }

  /** The checkpoint with that manifest ref, hydrated; `null` when missing. */
  getCheckpoint(...args: Args<Session, 'getCheckpoint'>): Returns<Session, 'getCheckpoint'> {
    return this.#session.getCheckpoint(...args);
  }

  // ---- AttachmentManifest (synchronous; attachments/manifest.ts) -------------

  recordIntent(...args: Args<Manifest, 'recordIntent'>): void {
    this.#manifest.recordIntent(...args);
  }

  commitRefs(...args: Args<Manifest, 'commitRefs'>): void {
    this.#manifest.commitRefs(...args);
  }

  listUncommitted(...args: Args<Manifest, 'listUncommitted'>): Returns<Manifest, 'listUncommitted'> {
    return this.#manifest.listUncommitted(...args);
  }

  forget(...args: Args<Manifest, 'forget'>): void {
    this.#manifest.forget(...args);
  }

  // ---- lashlang artifacts (artifacts/lashlang.ts) -----------------------------

  /** Stores a lashlang module artifact (a `LashlangModule` blob, rooted for GC). */
  putModuleArtifact(...args: Args<Artifacts, 'putModuleArtifact'>): Returns<Artifacts, 'putModuleArtifact'> {
    return this.#artifacts.putModuleArtifact(...args);
  }

  getModuleArtifact(...args: Args<Artifacts, 'getModuleArtifact'>): Returns<Artifacts, 'getModuleArtifact'> {
    return this.#artifacts.getModuleArtifact(...args);
  }

  // ---- host API (host-api.ts) ------------------------------------------------

  /** What a resume picker shows; `null` before the first commit. */
  loadPickerInfo(): Returns<Host, 'loadPickerInfo'> {
    return this.#host.loadPickerInfo();
  }

  /** Writes the head's metadata (host API). */
  saveSessionHeadMeta(...args: Args<Host, 'saveSessionHeadMeta'>): Returns<Host, 'saveSessionHeadMeta'> {
    return this.#host.saveSessionHeadMeta(...args);
  }

  /** The head's metadata, or `null`. */
  loadSessionHeadMeta(): Returns<Host, 'loadSessionHeadMeta'> {
    return this.#host.loadSessionHeadMeta();
  }

  /** Writes the whole head: config, frames, graph, checkpoint ref, ledger (host API). */
  saveSessionHead(...args: Args<Host, 'saveSessionHead'>): Returns<Host, 'saveSessionHead'> {
    return this.#host.saveSessionHead(...args);
  }

  /** The whole head, or `null`. */
  loadSessionHead(): Returns<Host, 'loadSessionHead'> {
    return this.#host.loadSessionHead();
  }

  /**
   * Copies the head of another store into this one (a fork or an export):
   * the checkpoint manifest and every snapshot it names, the frames'
   * execution-state blobs, then the graph and the head meta with revision 0.
   */
  async headCopyFromStore(source: Store): Promise<void> {
    this.#ctx.ops.ensureOpen();
    if (typeof source !== 'object' || source === null || !(#host in source)) {
      throw StoreError.invalidInput('headCopyFromStore needs a Store to copy from');
    }
    const copy = await source.#host.readHeadCopy();
    if (copy !== null) await this.#host.writeHeadCopy(copy);
  }

  /** Appends token-ledger entries. */
  appendUsageDeltas(...args: Args<Host, 'appendUsageDeltas'>): Returns<Host, 'appendUsageDeltas'> {
    return this.#host.appendUsageDeltas(...args);
  }

  /** The raw token-ledger entries, unmerged. */
  loadUsageDeltas(): Returns<Host, 'loadUsageDeltas'> {
    return this.#host.loadUsageDeltas();
  }

  /** Replaces the session graph. */
  replaceSessionGraph(...args: Args<Host, 'replaceSessionGraph'>): Returns<Host, 'replaceSessionGraph'> {
    return this.#host.replaceSessionGraph(...args);
  }

  /** Appends nodes to the session graph. */
  appendSessionGraphNodes(...args: Args<Host, 'appendSessionGraphNodes'>): Returns<Host, 'appendSessionGraphNodes'> {
    return this.#host.appendSessionGraphNodes(...args);
  }

  /** The whole session graph (leaf `null`). */
  loadSessionGraph(): Returns<Host, 'loadSessionGraph'> {
    return this.#host.loadSessionGraph();
  }

  // ---- blobs (blobs/blob-engine.ts) --------------------------------------------

  /** Stores raw bytes (no envelope); returns their ref. */
  putBlob(...args: Args<Blobs, 'putBlob'>): Returns<Blobs, 'putBlob'> {
    return this.#blobs.putBlob(...args);
  }

  /** Stores bytes in an envelope with `descriptor`; returns their ref. */
  putArtifactBlob(...args: Args<Blobs, 'putArtifactBlob'>): Returns<Blobs, 'putArtifactBlob'> {
    return this.#blobs.putArtifactBlob(...args);
  }

  /** The logical content of a blob, or `null` (a corrupt blob reads as missing and is logged). */
  getBlob(...args: Args<Blobs, 'getBlob'>): Returns<Blobs, 'getBlob'> {
    return this.#blobs.getBlob(...args);
  }

  /** Stores a value as msgpack (raw); returns its ref. */
  putTypedBlob(...args: Args<Blobs, 'putTypedBlob'>): Returns<Blobs, 'putTypedBlob'> {
    return this.#blobs.putTypedBlob(...args);
  }

  /** Stores a value as msgpack in an envelope with `descriptor`. */
  putTypedArtifactBlob(...args: Args<Blobs, 'putTypedArtifactBlob'>): Returns<Blobs, 'putTypedArtifactBlob'> {
    return this.#blobs.putTypedArtifactBlob(...args);
  }

  /** Decodes a msgpack blob, or `null`. */
  getTypedBlob<T = unknown>(ref: string): Promise<T | null> {
    return this.#blobs.getTypedBlob<T>(ref);
  }

  // ---- RuntimePersistence: queued work (queue/queued-work.ts) -----------------

  enqueueQueuedWork(...args: Args<Queue, 'enqueueQueuedWork'>): Returns<Queue, 'enqueueQueuedWork'> {
    return this.#queue.enqueueQueuedWork(...args);
  }

  claimReadyQueuedWork(...args: Args<Queue, 'claimReadyQueuedWork'>): Returns<Queue, 'claimReadyQueuedWork'> {
    return this.#queue.claimReadyQueuedWork(...args);
  }

  claimReadyQueuedWorkByBatchIds(
    ...args: Args<Queue, 'claimReadyQueuedWorkByBatchIds'>
  ): Returns<Queue, 'claimReadyQueuedWorkByBatchIds'> {
    return this.#queue.claimReadyQueuedWorkByBatchIds(...args);
  }

  renewQueuedWorkClaim(...args: Args<Queue, 'renewQueuedWorkClaim'>): Returns<Queue, 'renewQueuedWorkClaim'> {
    return this.#queue.renewQueuedWorkClaim(...args);
  }

  abandonQueuedWorkClaim(...args: Args<Queue, 'abandonQueuedWorkClaim'>): Returns<Queue, 'abandonQueuedWorkClaim'> {
    return this.#queue.abandonQueuedWorkClaim(...args);
  }

  cancelQueuedWorkBatch(...args: Args<Queue, 'cancelQueuedWorkBatch'>): Returns<Queue, 'cancelQueuedWorkBatch'> {
    return this.#queue.cancelQueuedWorkBatch(...args);
  }

  listQueuedWork(...args: Args<Queue, 'listQueuedWork'>): Returns<Queue, 'listQueuedWork'> {
    return this.#queue.listQueuedWork(...args);
  }

  listPendingQueuedWork(...args: Args<Queue, 'listPendingQueuedWork'>): Returns<Queue, 'listPendingQueuedWork'> {
    return this.#queue.listPendingQueuedWork(...args);
  }
}

/** Compression moves from the commit to the GC pass when auto-GC runs (`StoreContext.commitProfile`). */
function deferredCompression(autoGcEvery: number | null): boolean {
  return autoGcEvery !== null && autoGcEvery > 0;
}
