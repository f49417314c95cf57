/**
 * Mark-and-sweep over the `blobs` table (`contract-session.md` §3.9), run in
 * the caller's write transaction.
 *
 * Roots: the head's checkpoint manifest, the execution-state refs the head's
 * agent frames hold, and every lashlang artifact. A manifest root pulls in its
 * snapshot refs. If a live root exists but cannot be decoded (the head, or a
 * manifest), GC throws and deletes nothing: guessing would delete live data.
 */
import type { BlobRef } from '../blobs/blob-table.ts';
import { artifactRootRefs } from '../artifacts/lashlang.ts';
import { StoreError } from '../errors.ts';
import { lookupManifest } from './checkpoints.ts';
import type { StoreContext } from './context.ts';
import { readHeadMeta } from './head-table.ts';
import type { GcReport } from './records.ts';
import { messageOf } from './shape.ts';

const SELECT_HASHES = 'SELECT hash FROM blobs ORDER BY hash';
const DELETE_BLOB = 'DELETE FROM blobs WHERE hash = ?';

interface Root {
  readonly ref: BlobRef;
  readonly manifest: boolean;
}

export function collectGarbage(ctx: StoreContext): GcReport {
  const roots = liveRoots(ctx);
  const retained = new Set<BlobRef>();
  const stack = [...roots];
  while (stack.length > 0) {
    const root = stack.pop()!;
    if (retained.has(root.ref)) continue;
    retained.add(root.ref);
    if (!root.manifest) continue;
    const found = lookupManifest(ctx, root.ref);
    if (found.status === 'corrupt') {
      throw StoreError.backend(`gc: live checkpoint manifest \`${root.ref}\` could not be decoded: ${found.reason}`);
    }
    if (found.status === 'missing') continue;
    const { tool_state_ref, plugin_snapshot_ref, execution_state_ref } = found.manifest;
    for (const ref of [tool_state_ref, plugin_snapshot_ref, execution_state_ref]) {
      if (ref !== undefined) stack.push({ ref, manifest: false });
    }
  }

  const stored = ctx.conn.all<{ hash: string }>(SELECT_HASHES).map((row) => row.hash);
  const present = new Set(stored);
  const dangling = [...retained].filter((ref) => !present.has(ref));
  if (dangling.length > 0) ctx.logger.warn('gc: live refs point at missing blobs', { refs: dangling });
  let deleted = 0;
  for (const hash of stored) {
    if (!retained.has(hash)) deleted += ctx.conn.run(DELETE_BLOB, [hash]).changes;
  }
  return { root_count: roots.length, retained_blob_count: retained.size, deleted_blob_count: deleted };
}

function liveRoots(ctx: StoreContext): Root[] {
  let head;
  try {
    head = readHeadMeta(ctx.conn);
  } catch (error) {
    throw StoreError.backend(`gc: the session head could not be decoded, so nothing was collected: ${messageOf(error)}`, error);
  }
  const roots: Root[] = [];
  if (head?.checkpoint_ref !== undefined) roots.push({ ref: head.checkpoint_ref, manifest: true });
  for (const frame of head?.agent_frames ?? []) {
    if (typeof frame.execution_state_ref === 'string') roots.push({ ref: frame.execution_state_ref, manifest: false });
  }
  for (const ref of artifactRootRefs(ctx)) roots.push({ ref, manifest: false });
  return roots;
}
