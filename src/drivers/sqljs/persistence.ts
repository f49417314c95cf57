/**
 * The persistence target interface of the sql.js driver, and the reports a
 * persisted connection gives.
 *
 * A sql.js database lives in memory; a target keeps a durable copy of it.
 * Writing the whole image after every commit costs time proportional to the
 * database, so a target in `'log'` mode keeps an image *checkpoint* plus a
 * *redo log*: one record per committed write transaction (its statements
 * and parameters, captured by the driver), appended when the transaction
 * commits. Opening replays the records onto the image; the driver folds the
 * log into a new image in the background once it has grown (see
 * `journal.ts`). A target in `'image'` mode (small Node files) takes a whole
 * image after each commit instead and has no log.
 *
 * The driver calls a target's methods one at a time, never overlapping, in
 * commit order. A method that rejects must leave what `load()` would read as
 * if it had never been called, so the driver can simply call it again.
 */

/** One committed write transaction, encoded by the driver (see `redo-record.ts`). */
export interface RedoRecord {
  /** 1, 2, 3 … in commit order, continuing across checkpoints. */
  readonly seq: number;
  /** The transaction's page writes, encoded. */
  readonly bytes: Uint8Array;
}

/** What a target holds when it is opened. */
export interface PersistedDatabase {
  /** The newest checkpoint image (SQLite file bytes), or `null` for an empty target. */
  readonly image: Uint8Array | null;
  /** Sequence number of the last transaction inside `image` (0 when none). */
  readonly imageSeq: number;
  /** The records committed after the image, in order: `imageSeq + 1`, `+ 2` … with no gap. */
  readonly records: readonly RedoRecord[];
  /** What loading found and did, in words: a torn log tail discarded, an older slot used… */
  readonly notes: readonly string[];
  /** True when the target can only continue after a fresh checkpoint (the driver writes one while opening). */
  readonly needsCheckpoint?: boolean;
}

/** Bytes a target occupies. */
export interface PersistenceSize {
  /** Bytes of the image checkpoint. */
  readonly imageBytes: number;
  /** Bytes of the redo log. */
  readonly logBytes: number;
  /** Records in the log, not yet folded into the image. */
  readonly logRecords: number;
}

/** Where a sql.js database is kept (OPFS, IndexedDB, a Node file…). */
export interface SqlJsPersistence {
  /** A short name for reports: `'opfs'`, `'indexeddb'`, `'file'`, `'file-log'` … */
  readonly kind: string;
  /**
   * `'log'`: the driver appends a redo record per transaction and checkpoints
   * now and then; `'image'`: the driver checkpoints after every commit.
   */
  readonly mode: 'log' | 'image';
  /** True when a write that resolved is on stable storage (the connection is then `durable`). */
  readonly durable: boolean;
  /**
   * The answer to `navigator.storage.persist()` for browser targets (true:
   * the browser will not evict the data under storage pressure), `null`
   * where the question does not apply or could not be asked.
   */
  readonly storagePersisted: boolean | null;
  /** Reads what the target holds. Called once, before any other method. */
  load(): Promise<PersistedDatabase>;
  /** Appends records (in order, continuing the last one) and resolves once they are durable. `'log'` mode only. */
  append(records: readonly RedoRecord[]): Promise<void>;
  /** Replaces the image by one holding every transaction up to `seq`, and forgets the records up to `seq`. */
  checkpoint(image: Uint8Array, seq: number): Promise<void>;
  /** How many bytes the target holds. */
  size(): Promise<PersistenceSize>;
  /** Releases the target (files, handles, the cross-tab lock). The stored data stays. Idempotent. */
  close(): Promise<void>;
}

/** What `openSqlJs({ persistence })` found and did. */
export interface SqlJsRecoveryReport {
  /** The target's kind. */
  readonly target: string;
  /** Bytes of the checkpoint image the database started from (0: none). */
  readonly imageBytes: number;
  /** Sequence number of the last transaction in that image. */
  readonly imageSeq: number;
  /** Redo records replayed onto the image. */
  readonly replayedTransactions: number;
  /** True when the target was empty and the database started from `data`. */
  readonly startedFromData: boolean;
  /** The result of `PRAGMA integrity_check` after replay (opening fails unless it is `'ok'`). */
  readonly integrity: 'ok' | 'skipped';
  /** See {@link SqlJsPersistence.storagePersisted}. */
  readonly storagePersisted: boolean | null;
  /** The target's own notes (torn tail discarded, fallback slot…). */
  readonly notes: readonly string[];
  /** How long recovery took (ms). */
  readonly elapsedMs: number;
}

/** The sizes behind a persisted connection. */
export interface SqlJsStorageReport extends PersistenceSize {
  /** Which target (`opfs`, `indexeddb`, `file-log`, …). */
  readonly target: string;
  /** The live database: `page_count * page_size`. */
  readonly databaseBytes: number;
  /** Transactions committed on this connection's database so far (the last sequence number). */
  readonly committedSeq: number;
  /** The last sequence number known to be on the target. */
  readonly durableSeq: number;
  /** Whether the browser granted persistent storage (`null`: not asked or unknown). */
  readonly storagePersisted: boolean | null;
  /** The last persistence failure that is not yet retried successfully, as text. */
  readonly lastError: string | null;
}
