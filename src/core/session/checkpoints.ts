/**
 * Checkpoints as content-addressed blobs: each snapshot value (tool state,
 * plugin snapshot, execution state) is a msgpack blob with its descriptor,
 * and the manifest that names them is itself a blob whose ref is the
 * checkpoint ref. Equal content gives equal refs, so an unchanged turn
 * reproduces the same checkpoint ref and stores nothing new.
 */
import { insertEnvelopes, lookupBlob, type BlobRef } from '../blobs/blob-table.ts';
import { encodeEnvelope } from '../blobs/envelope.ts';
import type { BuiltinBlobProfile } from '../blobs/profile.ts';
import { BlobDescriptors, type BlobArtifactDescriptor } from '../blobs/descriptor.ts';
import type { Codecs } from '../codec/codecs.ts';
import { decodeMsgpack, encodeMsgpackTransient } from '../codec/msgpack.ts';
import type { StoreContext } from './context.ts';
import { decodePluginSnapshot, decodeSessionCheckpoint, decodeToolState, encodeSessionCheckpoint } from './codecs.ts';
import type { HydratedSessionCheckpoint, SessionCheckpoint, StoredSessionCheckpoint } from '../contract/session-records.ts';
import { expectBytes, messageOf } from '../shape.ts';
import { snapshotDigest } from './snapshot-digest.ts';

const TOOL_STATE = BlobDescriptors.toolStateSnapshot();
const PLUGIN_SNAPSHOT = BlobDescriptors.pluginSessionSnapshot();
const EXECUTION_STATE = BlobDescriptors.executionStateSnapshot();
const MANIFEST = BlobDescriptors.checkpointManifest();

/** A blob ready to insert: its ref (the hash of its logical content) and its envelope. */
interface PreparedBlob {
  readonly ref: BlobRef;
  readonly envelope: Uint8Array;
}

/** A checkpoint encoded, hashed and enveloped, ready to write: snapshot blobs, then the manifest blob. */
export interface PreparedCheckpoint extends StoredSessionCheckpoint {
  readonly blobs: readonly PreparedBlob[];
}

/**
 * Encodes, hashes and envelopes (compressing where the profile says so) the
 * snapshot values that are present — the others keep their passthrough refs,
 * which are not checked — and the manifest naming them. Pure CPU work
 * touching no table, so a commit does it before taking the write lock. A
 * snapshot travels in a commit only when it changed, so compressing before
 * knowing whether the blob is already stored is rarely wasted.
 */
export function prepareCheckpoint(
  codecs: Codecs,
  profile: BuiltinBlobProfile,
  checkpoint: HydratedSessionCheckpoint,
): PreparedCheckpoint {
  const blobs: PreparedBlob[] = [];
  const add = (descriptor: BlobArtifactDescriptor, content: Uint8Array, ref: BlobRef): BlobRef => {
    blobs.push({ ref, envelope: encodeEnvelope(codecs, profile, descriptor, content) });
    return ref;
  };
  // A snapshot's digest is usually known already: the turn stamp computed it in this run.
  const snapshot = (descriptor: BlobArtifactDescriptor, value: object): BlobRef => {
    const { content, ref } = snapshotDigest(codecs, value);
    return add(descriptor, content, ref);
  };
  const toolRef = checkpoint.tool_state !== null ? snapshot(TOOL_STATE, checkpoint.tool_state) : checkpoint.tool_state_ref;
  const pluginRef =
    checkpoint.plugin_snapshot !== null ? snapshot(PLUGIN_SNAPSHOT, checkpoint.plugin_snapshot) : checkpoint.plugin_snapshot_ref;
  const executionRef =
    checkpoint.execution_state !== null ? snapshot(EXECUTION_STATE, checkpoint.execution_state) : checkpoint.execution_state_ref;
  const manifest: SessionCheckpoint = { turn_state: checkpoint.turn_state };
  if (toolRef !== null) manifest.tool_state_ref = toolRef;
  if (pluginRef !== null) manifest.plugin_snapshot_ref = pluginRef;
  if (checkpoint.plugin_snapshot_revision !== null) manifest.plugin_snapshot_revision = checkpoint.plugin_snapshot_revision;
  if (executionRef !== null) manifest.execution_state_ref = executionRef;
  // The transient encoding is hashed and copied into the envelope at once.
  const manifestContent = encodeMsgpackTransient(encodeSessionCheckpoint(manifest));
  const checkpointRef = add(MANIFEST, manifestContent, codecs.sha256Hex(manifestContent));
  return { checkpoint_ref: checkpointRef, manifest, blobs };
}

/** Writes a prepared checkpoint's blobs. Runs inside the caller's write transaction. */
export function writeCheckpoint(ctx: StoreContext, prepared: PreparedCheckpoint): StoredSessionCheckpoint {
  if (prepared.blobs.length > 0) insertEnvelopes(ctx, prepared.blobs);
  return { checkpoint_ref: prepared.checkpoint_ref, manifest: prepared.manifest };
}

/** Prepares and writes a checkpoint. Runs inside the caller's write transaction. */
export function storeCheckpoint(ctx: StoreContext, checkpoint: HydratedSessionCheckpoint): StoredSessionCheckpoint {
  return writeCheckpoint(ctx, prepareCheckpoint(ctx.codecs, ctx.profile, checkpoint));
}

export type ManifestLookup =
  | { readonly status: 'missing' }
  | { readonly status: 'ok'; readonly manifest: SessionCheckpoint }
  | { readonly status: 'corrupt'; readonly reason: string };

/** Reads and decodes a manifest blob, telling missing from corrupt (GC must know the difference). */
export function lookupManifest(ctx: StoreContext, ref: BlobRef): ManifestLookup {
  const found = lookupBlob(ctx, ref);
  if (found.status !== 'ok') return found;
  try {
    return { status: 'ok', manifest: decodeSessionCheckpoint(decodeMsgpack(found.content), 'manifest') };
  } catch (error) {
    return { status: 'corrupt', reason: `not a checkpoint manifest: ${messageOf(error)}` };
  }
}

/**
 * The manifest with its snapshot values. A missing or corrupt manifest gives
 * `null`; a missing or corrupt snapshot gives `null` for that value with its
 * ref kept. Both are logged: a live ref whose blob is gone is a bug.
 *
 * Every blob is read and verified against its ref here, in the caller's read
 * snapshot. Decoding a snapshot value (msgpack and its shape: most of a
 * load's checkpoint cost) waits until the value is first read, since many
 * callers only want the refs — the session API drops the values at once —
 * and it needs no table, only the verified bytes already in memory. A value
 * whose bytes then do not decode reads as `null` and is logged at that point.
 */
export function hydrateCheckpoint(ctx: StoreContext, ref: BlobRef): HydratedSessionCheckpoint | null {
  const found = lookupManifest(ctx, ref);
  if (found.status !== 'ok') {
    ctx.logger.warn(`checkpoint manifest is ${found.status}; reading it as missing`, {
      ref,
      ...(found.status === 'corrupt' ? { reason: found.reason } : {}),
    });
    return null;
  }
  const { manifest } = found;
  const checkpoint: HydratedSessionCheckpoint = {
    turn_state: manifest.turn_state,
    tool_state_ref: manifest.tool_state_ref ?? null,
    tool_state: null,
    plugin_snapshot_ref: manifest.plugin_snapshot_ref ?? null,
    plugin_snapshot: null,
    plugin_snapshot_revision: manifest.plugin_snapshot_revision ?? null,
    execution_state_ref: manifest.execution_state_ref ?? null,
    execution_state: null,
  };
  deferSnapshot(ctx, checkpoint, 'tool_state', manifest.tool_state_ref, decodeToolState);
  deferSnapshot(ctx, checkpoint, 'plugin_snapshot', manifest.plugin_snapshot_ref, decodePluginSnapshot);
  deferSnapshot(ctx, checkpoint, 'execution_state', manifest.execution_state_ref, expectBytes);
  return checkpoint;
}

type SnapshotKey = 'tool_state' | 'plugin_snapshot' | 'execution_state';

/**
 * Reads and verifies the blob of `ref` now and makes `checkpoint[key]` an
 * own, enumerable property that decodes it on first read (then holds the
 * value as a plain data property; assigning it first replaces it the same
 * way). Spreading, cloning, JSON and deep equality see the value as usual.
 * A missing or corrupt blob leaves the value `null`, logged now.
 */
function deferSnapshot<K extends SnapshotKey>(
  ctx: StoreContext,
  checkpoint: HydratedSessionCheckpoint,
  key: K,
  ref: BlobRef | undefined,
  decode: (value: unknown, path: string) => HydratedSessionCheckpoint[K],
): void {
  if (ref === undefined) return;
  const found = lookupBlob(ctx, ref);
  if (found.status !== 'ok') {
    ctx.logger.warn(`checkpoint snapshot blob is ${found.status}; reading it as missing`, {
      ref,
      ...(found.status === 'corrupt' ? { reason: found.reason } : {}),
    });
    return;
  }
  const settle = (value: HydratedSessionCheckpoint[K]): void => {
    Object.defineProperty(checkpoint, key, { value, writable: true, enumerable: true, configurable: true });
  };
  Object.defineProperty(checkpoint, key, {
    enumerable: true,
    configurable: true,
    get() {
      let value: HydratedSessionCheckpoint[K] = null as HydratedSessionCheckpoint[K];
      try {
        value = decode(decodeMsgpack(found.content), 'snapshot');
      } catch (error) {
        ctx.logger.warn('checkpoint snapshot blob does not decode; reading it as missing', { ref, reason: messageOf(error) });
      }
      settle(value);
      return value;
    },
    set: settle,
  });
}
