/**
 * Mark-and-sweep over the `blobs` table (`contract-session.md` §3.9).
 *
 * Roots: the head's checkpoint manifest, the execution-state refs the head's
 * agent frames hold, and every lashlang artifact; a manifest root pulls in
 * its snapshot refs. Blobs written on their own (`putBlob`, `putCheckpoint`…)
 * are kept for the grace period even without a root (`blobs/pins.ts`). If a
 * live root exists but cannot be decoded (the head, or a manifest), GC throws
 * and deletes nothing: guessing would delete live data.
 *
 * The sweep never holds the write lock for long: the mark runs in one read
 * snapshot, and the unreachable blobs are then deleted in batches of
 * {@link GC_BATCH_SIZE}, each its own write transaction that releases the
 * lock before the next. Because a commit may land between batches (and
 * reference a blob the mark found unreachable — content addressing reuses
 * rows), every batch recomputes the live set under its own lock and deletes
 * only what is still unreachable and unpinned.
 */
import { compressStoredBlob, deleteBlobs, type BlobRef } from '../blobs/blob-table.ts';
import { dropExpiredPins, livePins } from '../blobs/pins.ts';
import { artifactRootRefs } from '../artifacts/lashlang.ts';
import { StoreError } from '../contract/errors.ts';
import { messageOf } from '../shape.ts';
import { readEpochMs } from '../validation.ts';
import { lookupManifest } from './checkpoints.ts';
import type { StoreContext } from './context.ts';
import { readHeadMeta } from './head-table.ts';
import type { GcReport } from '../contract/session-records.ts';

/** Blobs deleted per write transaction. */
export const GC_BATCH_SIZE = 256;

const SELECT_HASHES = 'SELECT hash FROM blobs ORDER BY hash';

interface Root {
  readonly ref: BlobRef;
  readonly manifest: boolean;
}

interface LiveSet {
  readonly rootCount: number;
  readonly retained: ReadonlySet<BlobRef>;
}

/** One full GC: mark in a read snapshot, then sweep in bounded batches. */
export async function collectGarbage(ctx: StoreContext, graceMs: number): Promise<GcReport> {
  const { ops, conn } = ctx;
  const marked = await ops.read(() => {
    const live = liveSet(ctx);
    const pinned = livePins(conn, readEpochMs(ctx.clock), graceMs);
    const stored = conn.all<{ hash: string }>(SELECT_HASHES).map((row) => row.hash);
    const present = new Set(stored);
    const dangling = [...live.retained].filter((ref) => !present.has(ref));
    if (dangling.length > 0) ctx.logger.warn('gc: live refs point at missing blobs', { refs: dangling });
    return { live, candidates: stored.filter((hash) => !live.retained.has(hash) && !pinned.has(hash)) };
  });
  let deleted = 0;
  for (let start = 0; start < marked.candidates.length || start === 0; start += GC_BATCH_SIZE) {
    const batch = marked.candidates.slice(start, start + GC_BATCH_SIZE);
    const last = start + GC_BATCH_SIZE >= marked.candidates.length;
    deleted += await ops.write(() => {
      const now = readEpochMs(ctx.clock);
      if (last) dropExpiredPins(conn, now, graceMs);
      if (batch.length === 0) return 0;
      // Under this batch's lock: what a commit made since the mark reach is kept.
      const { retained } = liveSet(ctx);
      const pinned = livePins(conn, now, graceMs);
      return deleteBlobs(conn, batch.filter((hash) => !retained.has(hash) && !pinned.has(hash)));
    });
  }
  if (ctx.commitProfile !== ctx.profile) await compressRetained(ctx, marked.live.retained);
  return {
    root_count: marked.live.rootCount,
    retained_blob_count: marked.live.retained.size,
    deleted_blob_count: deleted,
  };
}

/**
 * The cadence of auto-GC (`gcPolicy.autoRunEveryCommits`): counts successful
 * commits of one store instance and runs a GC after every n-th, once the
 * commit's own transaction has committed. A failing auto-GC never fails the
 * commit (spec decision 14): its error goes to the logger.
 */
export class AutoGc {
  readonly #ctx: StoreContext;
  readonly #every: number | null;
  readonly #graceMs: number;
  #commits = 0;

  constructor(ctx: StoreContext, every: number | null, graceMs: number) {
    this.#ctx = ctx;
    this.#every = every;
    this.#graceMs = graceMs;
  }

  async afterCommit(): Promise<void> {
    const every = this.#every;
    if (every === null) return;
    this.#commits += 1;
    if (every === 0 || this.#commits % every !== 0) return;
    try {
      await collectGarbage(this.#ctx, this.#graceMs);
    } catch (error) {
      this.#ctx.logger.warn('auto-GC after a commit failed; the commit stands', { reason: messageOf(error) });
    }
  }
}

/**
 * The second half of deferred compression (`StoreContext.commitProfile`):
 * commits wrote their snapshots uncompressed, and the ones this GC kept are
 * compressed now, as the store's profile says. Blobs already compressed, or
 * too small for the profile, are left alone, so a pass over an unchanged
 * head writes nothing.
 */
async function compressRetained(ctx: StoreContext, retained: ReadonlySet<BlobRef>): Promise<void> {
  await ctx.ops.write(() => {
    for (const ref of retained) compressStoredBlob(ctx, ctx.profile, ref);
  });
}

function liveSet(ctx: StoreContext): LiveSet {
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
  return { rootCount: roots.length, retained };
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
