/**
 * What every part of the session store works with: the connection, the
 * codecs, the logger, the clock and the blob profile. The `Store` builds one
 * context on open and hands it to each component (graph, checkpoints, GC,
 * attachments, artifacts, and the queued-work component), so they share one
 * connection and one set of options without reaching into each other.
 */
import type { BlobEngineContext } from '../blobs/blob-engine.ts';
import type { BuiltinBlobProfile } from '../blobs/profile.ts';

/**
 * The blob engine's context is the store's: connection, codecs, logger,
 * clock (read inside the transaction that uses it, through `readEpochMs`),
 * blob profile, and the operations every method runs through (closed check,
 * input check, lock-wait retry, durability, `StoreError`).
 */
export interface StoreContext extends BlobEngineContext {
  /**
   * The profile a commit writes its checkpoint's blobs with. It is `profile`,
   * except under auto-GC with a compressing profile: commits then write
   * `LowLatency` (no zlib on the commit path) and each GC compresses, as
   * `profile` says, the blobs it keeps (`gc.ts`) — most snapshots are
   * superseded and collected before compressing them would have paid.
   */
  readonly commitProfile: BuiltinBlobProfile;
}
