/** Options of `Store.open`, checked once with clear messages. */
import { DEFAULT_BLOB_GRACE_MS } from '../blobs/pins.ts';
import { isBlobProfile, type BuiltinBlobProfile } from '../blobs/profile.ts';
import type { Codecs } from '../codec/codecs.ts';
import type { ConnectionInfo } from '../driver/types.ts';
import { InvalidInputError } from '../contract/errors.ts';
import { consoleLogger, systemClock, type Clock, type Logger } from '../logger.ts';
import { u64Problem } from '../validation.ts';

/** When the store collects garbage on its own. */
export interface StoreGcPolicy {
  /** Run `gcUnreachable` after every n-th successful commit; `null` (default) never. */
  autoRunEveryCommits: number | null;
  /**
   * How long a blob written on its own (`putBlob`, `putCheckpoint`…) is kept
   * by GC while no commit references it. Default one hour.
   */
  blobGraceMs?: number;
}

/** Options of `Store.open`. */
export interface StoreOptions {
  /** Default `Balanced` for file-backed connections, `LowLatency` for in-memory ones. */
  blobProfile?: BuiltinBlobProfile;
  /** When the store collects garbage on its own (default: never). */
  gcPolicy?: StoreGcPolicy;
  /** Epoch milliseconds; read once per operation. Default `Date.now`. */
  clock?: Clock;
  /** Where corrupt rows and auto-GC failures are reported. Default: `console.warn`. */
  logger?: Logger;
  /** Default: the connection's codecs, else the portable ones. */
  codecs?: Codecs;
}

export interface ResolvedStoreOptions {
  readonly blobProfile: BuiltinBlobProfile;
  readonly autoGcEvery: number | null;
  readonly blobGraceMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly codecs: Codecs | undefined;
}

export function resolveStoreOptions(options: StoreOptions, info: ConnectionInfo): ResolvedStoreOptions {
  if (typeof options !== 'object' || options === null) throw new InvalidInputError('StoreOptions must be an object');
  const { blobProfile, gcPolicy, clock, logger, codecs } = options;
  if (blobProfile !== undefined && !isBlobProfile(blobProfile)) {
    throw new InvalidInputError(`blobProfile must be 'LowLatency', 'Balanced' or 'Compact' (got ${String(blobProfile)})`);
  }
  let autoGcEvery: number | null = null;
  let blobGraceMs = DEFAULT_BLOB_GRACE_MS;
  if (gcPolicy !== undefined) {
    if (typeof gcPolicy !== 'object' || gcPolicy === null) throw new InvalidInputError('gcPolicy must be an object');
    const every = gcPolicy.autoRunEveryCommits;
    if (every !== null) {
      const problem = u64Problem(every, 'gcPolicy.autoRunEveryCommits');
      if (problem !== null) throw new InvalidInputError(problem);
      autoGcEvery = every;
    }
    if (gcPolicy.blobGraceMs !== undefined) {
      const problem = u64Problem(gcPolicy.blobGraceMs, 'gcPolicy.blobGraceMs');
      if (problem !== null) throw new InvalidInputError(problem);
      blobGraceMs = gcPolicy.blobGraceMs;
    }
  }
  if (clock !== undefined && typeof clock !== 'function') throw new InvalidInputError('clock must be a function');
  if (logger !== undefined && typeof logger?.warn !== 'function') throw new InvalidInputError('logger must have a warn method');
  return {
    blobProfile: blobProfile ?? (info.memory ? 'LowLatency' : 'Balanced'),
    autoGcEvery,
    blobGraceMs,
    clock: clock ?? systemClock,
    logger: logger ?? consoleLogger,
    codecs,
  };
}
