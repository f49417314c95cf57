/**
 * `commitRuntimeState` (`contract-session.md` §2.4.1) in two parts:
 *
 * - `prepareRuntimeCommit` does the CPU work that needs no table — encoding,
 *   hashing and compressing the checkpoint blobs, serialising the node rows —
 *   before the write lock is taken, so other connections wait only for the SQL;
 * - `applyRuntimeCommit` is the body that runs inside one `BEGIN IMMEDIATE`
 *   transaction. The checks come first and in the reference's order — session
 *   binding, turn stamp, head-revision CAS, queue completions — so a failing
 *   check leaves nothing written (the queue check deletes the batches as it
 *   checks them; its throw rolls that back); any error later rolls the whole
 *   transaction back.
 */
import { stampAttachmentsCommitted } from '../attachments/manifest.ts';
import type { SqliteConnection } from '../driver/types.ts';
import { StoreError } from '../contract/errors.ts';
import { completeQueueClaims } from '../queue/completion.ts';
import { prepareCheckpoint, writeCheckpoint, type PreparedCheckpoint } from './checkpoints.ts';
import type { StoreContext } from './context.ts';
import { checkedNodeRows, countLiveNodes, insertNodeRows, replaceAllNodeRows, type NodeRow } from './graph-table.ts';
import { readHeadBinding, writeHeadMeta, type HeadBinding } from './head-table.ts';
import type { GraphCommitDelta, RuntimeCommit, RuntimeCommitResult, SessionHeadMeta } from '../contract/session-records.ts';
import { claimTurnCommit, findTurnCommit } from './turn-commit-table.ts';
import { insertUsageDeltas } from './usage-table.ts';

/** A checked commit with its blobs encoded and hashed and its node rows serialised. */
export interface PreparedRuntimeCommit {
  readonly commit: RuntimeCommit;
  readonly checkpoint: PreparedCheckpoint;
  /** The rows of an `Append` or `ReplaceFull` delta (empty for `Unchanged`). */
  readonly rows: readonly NodeRow[];
}

/** The table-free half of a commit; `commit` must already be checked (`decodeRuntimeCommit`). */
export function prepareRuntimeCommit(ctx: StoreContext, commit: RuntimeCommit): PreparedRuntimeCommit {
  const { graph } = commit;
  const nodes = 'Append' in graph ? graph.Append.nodes : 'ReplaceFull' in graph ? graph.ReplaceFull.nodes : [];
  return { commit, checkpoint: prepareCheckpoint(ctx.codecs, ctx.commitProfile, commit.checkpoint), rows: checkedNodeRows(nodes) };
}

/** Runs a prepared commit inside the caller's write transaction. */
export function applyRuntimeCommit(ctx: StoreContext, prepared: PreparedRuntimeCommit, now: number): RuntimeCommitResult {
  const { conn } = ctx;
  const { commit } = prepared;
  const existing = readHeadBinding(conn);
  if (existing !== null && existing.session_id !== commit.session_id) {
    throw new StoreError({
      kind: 'SessionBindingMismatch',
      bound_session_id: existing.session_id,
      attempted_session_id: commit.session_id,
    });
  }

  const actual = existing?.head_revision ?? 0;
  const next = actual + 1;
  const { checkpoint } = prepared;
  const result: RuntimeCommitResult = { head_revision: next, checkpoint_ref: checkpoint.checkpoint_ref, manifest: checkpoint.manifest };
  const stamp = commit.turn_commit;
  if (stamp !== null) {
    const conflict = () =>
      new StoreError({ kind: 'RuntimeTurnCommitConflict', session_id: stamp.session_id, turn_id: stamp.turn_id });
    if (stamp.session_id !== commit.session_id) throw conflict();
    // The turn is claimed where it is checked: a row that exists means a
    // retry (hand back the first result, check nothing else) or a conflict.
    if (!claimTurnCommit(conn, stamp, result, now)) {
      const prior = findTurnCommit(conn, stamp);
      if (prior !== undefined && prior.hash === stamp.turn_commit_hash) return prior.result();
      throw conflict();
    }
  }

  if (commit.expected_head_revision !== null && commit.expected_head_revision !== actual) {
    throw new StoreError({ kind: 'HeadRevisionConflict', expected: commit.expected_head_revision, actual });
  }
  // Checks and deletes the claimed batches; a lost claim throws, undoing it all.
  completeQueueClaims(conn, commit.session_id, commit.completed_queue_claims);

  writeCheckpoint(ctx, checkpoint);
  insertUsageDeltas(conn, commit.usage_deltas);
  const graph = applyGraphDelta(conn, commit.graph, prepared.rows, existing);
  const meta: SessionHeadMeta = {
    session_id: commit.session_id,
    head_revision: next,
    config: commit.config,
    agent_frames: commit.agent_frames,
    checkpoint_ref: checkpoint.checkpoint_ref,
    graph_node_count: graph.liveCount,
  };
  if (commit.current_agent_frame_id !== '') meta.current_agent_frame_id = commit.current_agent_frame_id;
  if (graph.leaf !== null) meta.leaf_node_id = graph.leaf;
  writeHeadMeta(conn, meta);
  if (commit.committed_attachment_ids.length > 0) {
    stampAttachmentsCommitted(conn, commit.session_id, commit.committed_attachment_ids, now);
  }
  return result;
}

/**
 * Applies the delta and returns the new leaf and live-node count. The count
 * is carried forward in the head (kept exact by every graph write of this
 * store) rather than recounted, so a commit costs the same on a graph of any
 * size; only the first commit counts rows.
 */
function applyGraphDelta(
  conn: SqliteConnection,
  delta: GraphCommitDelta,
  rows: readonly NodeRow[],
  existing: HeadBinding | null,
): { leaf: string | null; liveCount: number } {
  const before = () => (existing === null ? countLiveNodes(conn) : existing.graph_node_count);
  if ('Unchanged' in delta) return { leaf: delta.Unchanged.leaf_node_id, liveCount: before() };
  if ('Append' in delta) {
    const count = before();
    insertNodeRows(conn, rows);
    return { leaf: delta.Append.leaf_node_id, liveCount: count + rows.length };
  }
  replaceAllNodeRows(conn, rows);
  return { leaf: delta.ReplaceFull.leaf_node_id ?? null, liveCount: rows.length };
}
