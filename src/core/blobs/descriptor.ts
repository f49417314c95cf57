/**
 * What a stored blob is, and how it may be stored. The descriptor travels
 * inside the blob envelope; its field names and variant strings are the
 * reference's wire values.
 */
import { ShapeError, expectArray, expectObject } from '../shape.ts';

/** What a blob holds (stored in its envelope). */
export type PersistedArtifactKind =
  | 'GenericBlob'
  | 'CheckpointManifest'
  | 'ToolState'
  | 'PluginSessionSnapshot'
  | 'ExecutionStateSnapshot'
  | 'LashlangModule';

/** Hints for how a blob is stored. */
export type BlobStorageHint = 'Compressible' | 'InlinePreferred' | 'LargePayload';

/** How a blob's content is stored in its envelope. */
export type BlobCompression = 'None' | 'Zlib';

/** Describes a blob: its kind and storage hints. */
export interface BlobArtifactDescriptor {
  /** What it holds. */
  kind: PersistedArtifactKind;
  /** Left out when empty. */
  hints?: BlobStorageHint[];
}

export const PERSISTED_ARTIFACT_KINDS: readonly PersistedArtifactKind[] = [
  'GenericBlob',
  'CheckpointManifest',
  'ToolState',
  'PluginSessionSnapshot',
  'ExecutionStateSnapshot',
  'LashlangModule',
];

export const BLOB_STORAGE_HINTS: readonly BlobStorageHint[] = ['Compressible', 'InlinePreferred', 'LargePayload'];

/** The built-in descriptors of the reference. */
export const BlobDescriptors = Object.freeze({
  /** A checkpoint manifest. */
  checkpointManifest: (): BlobArtifactDescriptor => ({ kind: 'CheckpointManifest', hints: ['Compressible'] }),
  /** A tool-state snapshot. */
  toolStateSnapshot: (): BlobArtifactDescriptor => ({ kind: 'ToolState', hints: ['Compressible', 'LargePayload'] }),
  /** A plugin-session snapshot. */
  pluginSessionSnapshot: (): BlobArtifactDescriptor => ({
    kind: 'PluginSessionSnapshot',
    hints: ['Compressible', 'LargePayload'],
  }),
  /** An execution-state snapshot. */
  executionStateSnapshot: (): BlobArtifactDescriptor => ({
    kind: 'ExecutionStateSnapshot',
    hints: ['Compressible', 'LargePayload'],
  }),
  /** A lashlang module. */
  lashlangModule: (): BlobArtifactDescriptor => ({ kind: 'LashlangModule', hints: ['Compressible', 'LargePayload'] }),
  /** Any other blob. */
  generic: (): BlobArtifactDescriptor => ({ kind: 'GenericBlob' }),
});

/** Checks a descriptor given by a caller (or read from an envelope). */
export function decodeDescriptor(value: unknown, path: string): BlobArtifactDescriptor {
  const record = expectObject(value, path);
  if (typeof record.kind !== 'string' || !(PERSISTED_ARTIFACT_KINDS as readonly string[]).includes(record.kind)) {
    throw new ShapeError(`${path}.kind must be one of ${PERSISTED_ARTIFACT_KINDS.join(', ')}`, `${path}.kind`);
  }
  const hints = record.hints === undefined || record.hints === null ? [] : expectArray(record.hints, `${path}.hints`);
  for (const hint of hints) {
    if (!(BLOB_STORAGE_HINTS as readonly unknown[]).includes(hint)) {
      throw new ShapeError(`${path}.hints must hold only ${BLOB_STORAGE_HINTS.join(', ')}`, `${path}.hints`);
    }
  }
  const descriptor: BlobArtifactDescriptor = { kind: record.kind as BlobArtifactDescriptor['kind'] };
  if (hints.length > 0) descriptor.hints = hints as BlobArtifactDescriptor['hints'];
  return descriptor;
}
