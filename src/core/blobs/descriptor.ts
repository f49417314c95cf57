/**
 * What a stored blob is, and how it may be stored. The descriptor travels
 * inside the blob envelope; its field names and variant strings are the
 * reference's wire values.
 */

export type PersistedArtifactKind =
  | 'GenericBlob'
  | 'CheckpointManifest'
  | 'ToolState'
  | 'PluginSessionSnapshot'
  | 'ExecutionStateSnapshot'
  | 'LashlangModule';

export type BlobStorageHint = 'Compressible' | 'InlinePreferred' | 'LargePayload';

export type BlobCompression = 'None' | 'Zlib';

export interface BlobArtifactDescriptor {
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
  checkpointManifest: (): BlobArtifactDescriptor => ({ kind: 'CheckpointManifest', hints: ['Compressible'] }),
  toolStateSnapshot: (): BlobArtifactDescriptor => ({ kind: 'ToolState', hints: ['Compressible', 'LargePayload'] }),
  pluginSessionSnapshot: (): BlobArtifactDescriptor => ({
    kind: 'PluginSessionSnapshot',
    hints: ['Compressible', 'LargePayload'],
  }),
  executionStateSnapshot: (): BlobArtifactDescriptor => ({
    kind: 'ExecutionStateSnapshot',
    hints: ['Compressible', 'LargePayload'],
  }),
  lashlangModule: (): BlobArtifactDescriptor => ({ kind: 'LashlangModule', hints: ['Compressible', 'LargePayload'] }),
  generic: (): BlobArtifactDescriptor => ({ kind: 'GenericBlob' }),
});
