/**
 * `commitRuntimeState` (`contract-session.md` §2.4.1): the body that runs
 * inside one `BEGIN IMMEDIATE` transaction. The checks come first and in the
 * reference's order — session binding, turn stamp, head-revision CAS, queue
 * completions — so a failing check has written nothing; any error later rolls
 * the whole transaction back.
 */
import { stampAttachmentsCommitted } from '../attachments/manifest.ts';
import type { SqliteConnection } from '../driver/types.ts';
import { StoreError } from '../errors.ts';
import { deleteCompletedBatches, validateQueueCompletions } from '../queue/completion.ts';
import { storeCheckpoint } from './checkpoints.ts';
import type { StoreContext } from './context.ts';
import { countLiveNodes, insertNodes, replaceAllNodes } from './graph-table.ts';
import { readHeadMeta, writeHeadMeta } from './head-table.ts';
import type { GraphCommitDelta, RuntimeCommit, RuntimeCommitResult, SessionHeadMeta } from './records.ts';
import { findTurnCommit, insertTurnCommit } from './turn-commit-table.ts';
import { insertUsageDeltas } from './usage-table.ts';

/** Runs the commit; `commit` must already be checked (`decodeRuntimeCommit`). */
export function applyRuntimeCommit(ctx: StoreContext, commit: RuntimeCommit, now: number): RuntimeCommitResult {
  const { conn } = ctx;
  const existing = readHeadMeta(conn);
  if (existing !== null && existing.session_id !== commit.session_id) {
    throw new StoreError({
      kind: 'SessionBindingMismatch',
      bound_session_id: existing.session_id,
      attempted_session_id: commit.session_id,
    });
  }

  const stamp = commit.turn_commit;
  if (stamp !== null) {
    const conflict = () =>
      new StoreError({ kind: 'RuntimeTurnCommitConflict', session_id: stamp.session_id, turn_id: stamp.turn_id });
    if (stamp.session_id !== commit.session_id) throw conflict();
    const prior = findTurnCommit(conn, stamp);
    if (prior !== undefined) {
      // An idempotent retry: hand back the first result, check nothing else.
      if (prior.hash === stamp.turn_commit_hash) return prior.result();
      throw conflict();
    }
  }

  const actual = existing?.head_revision ?? 0;
  if (commit.expected_head_revision !== null && commit.expected_head_revision !== actual) {
    throw new StoreError({ kind: 'HeadRevisionConflict', expected: commit.expected_head_revision, actual });
  }
  validateQueueCompletions(conn, commit.session_id, commit.completed_queue_claims);

  const stored = storeCheckpoint(ctx, commit.checkpoint);
  insertUsageDeltas(conn, commit.usage_deltas);
  const graph = applyGraphDelta(conn, commit.graph, existing);
  const next = actual + 1;
  const meta: SessionHeadMeta = {
    session_id: commit.session_id,
    head_revision: next,
    config: commit.config,
    agent_frames: commit.agent_frames,
    checkpoint_ref: stored.checkpoint_ref,
    graph_node_count: graph.liveCount,
  };
  if (commit.current_agent_frame_id !== '') meta.current_agent_frame_id = commit.current_agent_frame_id;
  if (graph.leaf !== null) meta.leaf_node_id = graph.leaf;
  writeHeadMeta(conn, meta);
  deleteCompletedBatches(conn, commit.completed_queue_claims);
  if (commit.committed_attachment_ids.length > 0) {
    stampAttachmentsCommitted(conn, commit.session_id, commit.committed_attachment_ids, now);
  }
  const result: RuntimeCommitResult = { head_revision: next, checkpoint_ref: stored.checkpoint_ref, manifest: stored.manifest };
  if (stamp !== null) insertTurnCommit(conn, stamp, result, now);
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
  existing: SessionHeadMeta | null,
): { leaf: string | null; liveCount: number } {
  const before = () => (existing === null ? countLiveNodes(conn) : existing.graph_node_count);
  if ('Unchanged' in delta) return { leaf: delta.Unchanged.leaf_node_id, liveCount: before() };
  if ('Append' in delta) {
    const count = before();
    insertNodes(conn, delta.Append.nodes);
    return { leaf: delta.Append.leaf_node_id, liveCount: count + delta.Append.nodes.length };
  }
  replaceAllNodes(conn, delta.ReplaceFull.nodes);
  return { leaf: delta.ReplaceFull.leaf_node_id ?? null, liveCount: delta.ReplaceFull.nodes.length };
}
