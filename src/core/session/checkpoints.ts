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
  return {
    turn_state: manifest.turn_state,
    tool_state_ref: manifest.tool_state_ref ?? null,
    tool_state: readTyped(ctx, manifest.tool_state_ref, decodeToolState),
    plugin_snapshot_ref: manifest.plugin_snapshot_ref ?? null,
    plugin_snapshot: readTyped(ctx, manifest.plugin_snapshot_ref, decodePluginSnapshot),
    plugin_snapshot_revision: manifest.plugin_snapshot_revision ?? null,
    execution_state_ref: manifest.execution_state_ref ?? null,
    execution_state: readTyped(ctx, manifest.execution_state_ref, expectBytes),
  };
}

function readTyped<T>(ctx: StoreContext, ref: BlobRef | undefined, decode: (value: unknown, path: string) => T): T | null {
  if (ref === undefined) return null;
  const found = lookupBlob(ctx, ref);
  if (found.status !== 'ok') {
    ctx.logger.warn(`checkpoint snapshot blob is ${found.status}; reading it as missing`, {
      ref,
      ...(found.status === 'corrupt' ? { reason: found.reason } : {}),
    });
    return null;
  }
  try {
    return decode(decodeMsgpack(found.content), 'snapshot');
  } catch (error) {
    ctx.logger.warn('checkpoint snapshot blob does not decode; reading it as missing', { ref, reason: messageOf(error) });
    return null;
  }
}
