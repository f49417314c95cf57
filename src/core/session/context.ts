/**
 * What every part of the session store works with: the connection, the
 * codecs, the logger, the clock and the blob profile. The `Store` builds one
 * context on open and hands it to each component (graph, checkpoints, GC,
 * attachments, artifacts, and the queued-work component), so they share one
 * connection and one set of options without reaching into each other.
 */
import type { BlobIo } from '../blobs/blob-table.ts';
import type { BuiltinBlobProfile } from '../blobs/profile.ts';
import type { Codecs } from '../codec/codecs.ts';
import type { ComponentOperations } from '../driver/operations.ts';
import type { SqliteConnection } from '../driver/types.ts';
import type { Clock, Logger } from '../logger.ts';

export interface StoreContext extends BlobIo {
  readonly conn: SqliteConnection;
  readonly codecs: Codecs;
  readonly logger: Logger;
  /** Read inside the transaction that uses it (after the write lock is taken), through `readStoreClock`. */
  readonly clock: Clock;
  readonly profile: BuiltinBlobProfile;
  /** How every method runs: closed check, input check, lock-wait retry, durability, `StoreError`. */
  readonly ops: ComponentOperations;
}
