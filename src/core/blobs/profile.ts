/**
 * Blob profiles: when a `Compressible` blob is worth compressing.
 * The thresholds are the reference's: never, ≥ 4 KiB, ≥ 1 KiB.
 */
import type { BlobArtifactDescriptor, BlobCompression } from './descriptor.ts';

/** How blobs are compressed: `LowLatency` (rarely), `Balanced` (the default for files) or `Compact` (whenever it helps). */
export type BuiltinBlobProfile = 'LowLatency' | 'Balanced' | 'Compact';

export const BLOB_PROFILES: readonly BuiltinBlobProfile[] = ['LowLatency', 'Balanced', 'Compact'];

/** Smallest content length that gets compressed, per profile (`Infinity` = never). */
export const COMPRESSION_THRESHOLD: Readonly<Record<BuiltinBlobProfile, number>> = Object.freeze({
  LowLatency: Number.POSITIVE_INFINITY,
  Balanced: 4096,
  Compact: 1024,
});

/**
 * The zlib level each profile compresses at. `Balanced` takes level 1: on
 * the snapshots a turn commit writes (a few KiB of JSON-like msgpack) it is
 * about twice as fast as level 6 for streams about a tenth larger, which is
 * the balance the profile names; `Compact` keeps level 6 (docs/deviations.md).
 */
export const COMPRESSION_LEVEL: Readonly<Record<BuiltinBlobProfile, number>> = Object.freeze({
  LowLatency: 6,
  Balanced: 1,
  Compact: 6,
});

/** The compression a blob of this descriptor and length gets under `profile`. */
export function compressionFor(
  profile: BuiltinBlobProfile,
  descriptor: BlobArtifactDescriptor,
  contentLength: number,
): BlobCompression {
  const compressible = descriptor.hints?.includes('Compressible') ?? false;
  return compressible && contentLength >= COMPRESSION_THRESHOLD[profile] ? 'Zlib' : 'None';
}

/** Whether `value` names a `BuiltinBlobProfile`. */
export function isBlobProfile(value: unknown): value is BuiltinBlobProfile {
  return typeof value === 'string' && (BLOB_PROFILES as readonly string[]).includes(value);
}
