/**
 * The session half of `RuntimePersistence` over one connection: reads of the
 * head and graph, the atomic commit, session meta, tombstones and vacuum,
 * and checkpoints on their own. Each method is one transaction run by the
 * store's operations (`ctx.ops`): input checked first (`InvalidInput`,
 * nothing written), lock waits retried asynchronously, `StoreError` out.
 */
import { rollback } from '../driver/transaction.ts';
import { StoreError, type SessionReadScope } from '../contract/errors.ts';
import { expectArray, expectId, expectString } from '../shape.ts';
import { hydrateCheckpoint, storeCheckpoint } from './checkpoints.ts';
import { decodeHydratedCheckpoint, decodeRuntimeCommit, decodeSessionMetaInput, isReadScope } from './codecs.ts';
import { applyRuntimeCommit, prepareRuntimeCommit } from './commit.ts';
import type { StoreContext } from './context.ts';
import { SessionGraph } from '../contract/session-graph.ts';
import { deleteTombstoned, loadActivePathNodes, loadLiveNode, loadLiveNodes, tombstoneNodeIds } from './graph-table.ts';
import { readHeadMeta, updateHeadNodeCount } from './head-table.ts';
import { readSessionMeta, writeSessionMeta } from './meta-table.ts';
import type { SessionNodeRecord } from '../contract/session-model.ts';
import type {
  HydratedSessionCheckpoint,
  PersistedSessionRead,
  RuntimeCommit,
  RuntimeCommitResult,
  SessionMeta,
  StoredSessionCheckpoint,
  VacuumReport,
} from '../contract/session-records.ts';
import { rememberCommittedGraph } from './turn-commit.ts';
import { loadTokenLedger } from './usage-table.ts';
import type { BlobRef } from '../blobs/blob-table.ts';
import { pinBlob } from '../blobs/pins.ts';
import { readEpochMs } from '../validation.ts';

export class SessionEngine {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  /**
   * The head and the graph in one snapshot. An `ActivePath` read loads only
   * the leaf's ancestors and says so: its graph is `partial`, so a commit made
   * from it can never replace (and so delete) the nodes it did not load.
   */
  async loadSession(scope: SessionReadScope): Promise<PersistedSessionRead | null> {
    const { ops } = this.#ctx;
    ops.input('read scope', () => checkReadScope(scope));
    return ops.read(() => {
      const { conn, logger } = this.#ctx;
      const meta = readHeadMeta(conn);
      if (meta === null) return null;
      const persistedLeaf = meta.leaf_node_id ?? null;
      let graph: SessionGraph;
      if (scope.kind === 'FullGraph') {
        graph = new SessionGraph(loadLiveNodes(conn, logger), persistedLeaf);
      } else {
        const leaf = scope.leaf_node_id ?? persistedLeaf;
        graph = new SessionGraph(leaf === null ? [] : loadActivePathNodes(conn, logger, leaf), leaf, { partial: true });
      }
      const checkpointRef = meta.checkpoint_ref ?? null;
      return {
        session_id: meta.session_id,
        head_revision: meta.head_revision,
        config: meta.config,
        agent_frames: meta.agent_frames,
        current_agent_frame_id: meta.current_agent_frame_id ?? '',
        graph,
        checkpoint_ref: checkpointRef,
        checkpoint: checkpointRef === null ? null : hydrateCheckpoint(this.#ctx, checkpointRef),
        token_ledger: loadTokenLedger(conn),
      };
    });
  }

  async loadNode(nodeId: string): Promise<SessionNodeRecord | null> {
    const { ops, conn, logger } = this.#ctx;
    ops.input('node id', () => expectId(nodeId, 'nodeId'));
    return ops.read(() => loadLiveNode(conn, logger, nodeId));
  }

  /**
   * Commits a state change atomically (`contract-session.md` §2.4.1). The
   * blobs are encoded and hashed and the rows serialised before the write
   * lock is taken; the checks run first inside it, so a failing one has
   * written nothing. A retry with the same turn stamp returns the first
   * result.
   */
  async commitRuntimeState(commit: RuntimeCommit): Promise<RuntimeCommitResult> {
    const ctx = this.#ctx;
    const prepared = ctx.ops.input('commit', () => prepareRuntimeCommit(ctx, decodeRuntimeCommit(commit)));
    const result = await ctx.ops.write(() => applyRuntimeCommit(ctx, prepared, readEpochMs(ctx.clock)));
    rememberCommittedGraph(result, prepared.commit.graph);
    return result;
  }

  async saveSessionMeta(meta: SessionMeta): Promise<void> {
    const { ops, conn } = this.#ctx;
    const checked = ops.input('session meta', () => decodeSessionMetaInput(meta));
    await ops.write(() => writeSessionMeta(conn, checked));
  }

  /**
   * Writes the meta only when none exists, in one transaction (so concurrent
   * first opens keep the first writer's meta). Returns whether it wrote.
   */
  async saveSessionMetaIfAbsent(meta: SessionMeta): Promise<boolean> {
    const { ops, conn } = this.#ctx;
    const checked = ops.input('session meta', () => decodeSessionMetaInput(meta));
    return ops.write(() => {
      if (readSessionMeta(conn) !== null) return rollback(false);
      writeSessionMeta(conn, checked);
      return true;
    });
  }

  async loadSessionMeta(): Promise<SessionMeta | null> {
    const { ops, conn } = this.#ctx;
    return ops.read(() => readSessionMeta(conn));
  }

  /** Hides nodes from every read until `vacuum`; unknown ids are ignored. */
  async tombstoneNodes(ids: readonly string[]): Promise<void> {
    const { ops, conn } = this.#ctx;
    const checked = ops.input('node ids', () => idList(ids, 'ids'));
    if (checked.length === 0) return;
    await ops.write(() => {
      const changed = tombstoneNodeIds(conn, checked);
      if (changed > 0) updateHeadNodeCount(conn, (count) => count - changed);
    });
  }

  /** Deletes tombstoned nodes for good. */
  async vacuum(): Promise<VacuumReport> {
    const { ops, conn } = this.#ctx;
    return { removed_node_count: await ops.write(() => deleteTombstoned(conn)) };
  }

  /**
   * Stores a checkpoint's snapshots and manifest (commit step 6 on its own).
   * Nothing references them until a commit does, so they are pinned against
   * GC for the grace period (see `blob-engine.ts`).
   */
  async putCheckpoint(checkpoint: HydratedSessionCheckpoint): Promise<StoredSessionCheckpoint> {
    const ctx = this.#ctx;
    const checked = ctx.ops.input('checkpoint', () => decodeHydratedCheckpoint(checkpoint, 'checkpoint'));
    return ctx.ops.write(() => {
      const stored = storeCheckpoint(ctx, checked);
      const now = readEpochMs(ctx.clock);
      for (const ref of checkpointRefs(stored)) pinBlob(ctx.conn, ref, now);
      return stored;
    });
  }

  /** The hydrated checkpoint, or `null` when its manifest is missing or corrupt (logged). */
  async getCheckpoint(ref: BlobRef): Promise<HydratedSessionCheckpoint | null> {
    const ctx = this.#ctx;
    ctx.ops.input('checkpoint ref', () => expectString(ref, 'ref'));
    return ctx.ops.read(() => hydrateCheckpoint(ctx, ref));
  }
}

/** The manifest's ref and every snapshot ref it names. */
function checkpointRefs(stored: StoredSessionCheckpoint): BlobRef[] {
  const { tool_state_ref, plugin_snapshot_ref, execution_state_ref } = stored.manifest;
  const refs = [stored.checkpoint_ref];
  for (const ref of [tool_state_ref, plugin_snapshot_ref, execution_state_ref]) if (ref !== undefined) refs.push(ref);
  return refs;
}

/** A scope the contract has, else `UnsupportedReadScope`; a missing scope is bad input. */
function checkReadScope(scope: unknown): void {
  if (typeof scope !== 'object' || scope === null) {
    throw new TypeError(`scope must be { kind: 'FullGraph' } or { kind: 'ActivePath', leaf_node_id } (got ${scope === null ? 'null' : typeof scope})`);
  }
  if (!isReadScope(scope)) throw new StoreError({ kind: 'UnsupportedReadScope', scope: scope as SessionReadScope });
}

export function idList(ids: readonly string[], path: string): string[] {
  return expectArray(ids, path).map((id, i) => expectId(id, `${path}[${i}]`));
}
