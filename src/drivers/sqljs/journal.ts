/**
 * The journal of a persisted sql.js database: it records each committed
 * write transaction, hands the records to the persistence target in order,
 * tells waiters when what they committed is durable, and folds the log into
 * a new image in the background.
 *
 * - **Capture.** The driver reports BEGIN, every statement that may write,
 *   COMMIT and ROLLBACK (`begin` / `statement` / `commit` / `rollback`). A
 *   committed transaction with at least one recorded statement becomes one
 *   record with the next sequence number; a write outside BEGIN … COMMIT is
 *   a record of its own.
 * - **Pump.** One asynchronous loop, started on a microtask after a commit
 *   (so commits made in one synchronous stretch go out as one append), calls
 *   the target one method at a time: pending records first, then a fold
 *   when one is due. A failure stops the loop and rejects the waiters; the
 *   records stay queued, and the next commit, `whenDurable()` or `flush()`
 *   starts the loop again from the first record not yet on the target.
 * - **Fold.** `export()` cannot run inside a transaction, so a fold only
 *   starts while none is open; it covers every transaction committed so far.
 *   It is due when the log holds at least `checkpointLogBytes` and at least
 *   half the image's size (so the bytes rewritten per logged byte stay
 *   bounded whatever the database size), on `flush()`, after VACUUM, and
 *   after every commit for an `'image'` target.
 */
import { SqliteError } from '../../core/driver/errors.ts';
import type { SqlParam } from '../../core/driver/types.ts';
import type { RedoRecord, SqlJsPersistence } from './persistence.ts';
import { encodeTransactionRecord, type RecordedStatement } from './redo-record.ts';

/** What the journal needs from the database it records. */
export interface JournalHost {
  /** The current database as SQLite file bytes; only called while no transaction is open. */
  exportImage(): Uint8Array;
}

export interface JournalOptions {
  /** Fold the log once it holds this many bytes (and half the image's size). Default 4 MiB. */
  readonly checkpointLogBytes?: number;
}

/** Where the target stood when the database was opened. */
export interface JournalStart {
  /** Sequence number of the last committed transaction (image plus replayed records). */
  readonly seq: number;
  readonly imageSeq: number;
  readonly imageBytes: number;
  readonly logBytes: number;
}

interface Waiter {
  readonly seq: number;
  resolve(): void;
  reject(error: unknown): void;
}

const DEFAULT_CHECKPOINT_LOG_BYTES = 4 * 1024 * 1024;
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

export class Journal {
  readonly target: SqlJsPersistence;
  readonly #host: JournalHost;
  readonly #checkpointLogBytes: number;
  #seq: number;
  #durableSeq: number;
  #imageSeq: number;
  #imageBytes: number;
  #logBytes: number;
  #capture: RecordedStatement[] | null = null;
  #unsent: RedoRecord[] = [];
  #foldRequested = false;
  #scheduled = false;
  #running = false;
  #failure: unknown = null;
  #closing: Promise<void> | undefined;
  #targetClosed = false;
  readonly #durableWaiters: Waiter[] = [];
  readonly #foldWaiters: Waiter[] = [];
  readonly #idleWaiters: (() => void)[] = [];

  constructor(target: SqlJsPersistence, host: JournalHost, start: JournalStart, options: JournalOptions = {}) {
    this.target = target;
    this.#host = host;
    this.#checkpointLogBytes = options.checkpointLogBytes ?? DEFAULT_CHECKPOINT_LOG_BYTES;
    this.#seq = start.seq;
    this.#durableSeq = start.seq;
    this.#imageSeq = start.imageSeq;
    this.#imageBytes = start.imageBytes;
    this.#logBytes = start.logBytes;
  }

  get inTransaction(): boolean {
    return this.#capture !== null;
  }

  get committedSeq(): number {
    return this.#seq;
  }

  get durableSeq(): number {
    return this.#durableSeq;
  }

  /** The last failure not yet followed by a successful write, or `null`. */
  get failure(): unknown {
    return this.#failure;
  }

  begin(): void {
    this.#capture = [];
  }

  /** A statement that may have written; outside a transaction it is a transaction of its own. */
  statement(sql: string, params: readonly SqlParam[] | null): void {
    const recorded: RecordedStatement = [sql, params === null ? null : params.map(copyBytes)];
    if (this.#capture !== null) this.#capture.push(recorded);
    else this.#committed(false, [recorded]);
  }

  commit(): void {
    const statements = this.#capture;
    this.#capture = null;
    if (statements !== null && statements.length > 0) this.#committed(true, statements);
    else if (this.#foldRequested) this.#schedule();
  }

  rollback(): void {
    this.#capture = null;
    if (this.#foldRequested) this.#schedule();
  }

  /** VACUUM rewrote the file without changing its content: a fold shrinks the image too. */
  vacuumed(): void {
    this.#foldRequested = true;
    this.#schedule();
  }

  /** Resolves once every transaction committed so far is on the target; rejects if writing it failed. */
  whenDurable(): Promise<void> {
    const seq = this.#seq;
    if (this.#durableSeq >= seq) return Promise.resolve();
    const waiting = new Promise<void>((resolve, reject) => this.#durableWaiters.push({ seq, resolve, reject }));
    this.#schedule();
    return waiting;
  }

  /** Makes everything durable and folds the log into a new image. */
  flush(): Promise<void> {
    this.#foldRequested = true;
    const seq = this.#seq;
    const folded = new Promise<void>((resolve, reject) => this.#foldWaiters.push({ seq, resolve, reject }));
    this.#schedule();
    return folded;
  }

  /** Writes what is pending, then releases the target. Rejects if something committed could not be written. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      let failure: unknown = null;
      try {
        await this.whenDurable();
      } catch (error) {
        failure = error;
      }
      await this.#idle();
      this.#targetClosed = true;
      await this.target.close();
      if (failure !== null) throw failure;
    })();
    return this.#closing;
  }

  #committed(explicit: boolean, statements: readonly RecordedStatement[]): void {
    this.#seq += 1;
    if (this.target.mode === 'log') {
      this.#unsent.push({ seq: this.#seq, bytes: encodeTransactionRecord({ explicit, statements }) });
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled || this.#running || this.#targetClosed) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      if (this.#running || this.#targetClosed) return;
      this.#running = true;
      void this.#pump();
    });
  }

  async #pump(): Promise<void> {
    try {
      for (;;) {
        if (this.target.mode === 'log' && this.#unsent.length > 0) await this.#appendUnsent();
        else if (this.#foldDue() && this.#capture === null) await this.#fold();
        else break;
      }
    } catch (error) {
      this.#failure = error;
      const failure = this.#persistError(error);
      for (const waiter of this.#durableWaiters.splice(0)) waiter.reject(failure);
      for (const waiter of this.#foldWaiters.splice(0)) waiter.reject(failure);
    } finally {
      this.#running = false;
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }

  async #appendUnsent(): Promise<void> {
    let bytes = 0;
    let count = 0;
    while (count < this.#unsent.length && (count === 0 || bytes + this.#unsent[count]!.bytes.length <= MAX_BATCH_BYTES)) {
      bytes += this.#unsent[count]!.bytes.length;
      count += 1;
    }
    const batch = this.#unsent.slice(0, count);
    await this.target.append(batch);
    this.#failure = null;
    this.#unsent.splice(0, count);
    this.#logBytes += bytes;
    this.#settle(this.#durableWaiters, (this.#durableSeq = batch[batch.length - 1]!.seq));
  }

  #foldDue(): boolean {
    if (this.#foldRequested) return true;
    if (this.target.mode === 'image') return this.#imageSeq < this.#seq;
    return this.#logBytes >= this.#checkpointLogBytes && this.#logBytes * 2 >= this.#imageBytes;
  }

  async #fold(): Promise<void> {
    const seq = this.#seq;
    this.#foldRequested = false;
    const image = this.#host.exportImage();
    try {
      await this.target.checkpoint(image, seq);
    } catch (error) {
      this.#foldRequested ||= this.#foldWaiters.length > 0;
      throw error;
    }
    this.#failure = null;
    this.#imageSeq = seq;
    this.#imageBytes = image.length;
    this.#logBytes = 0;
    // Records not yet appended are inside the image now.
    this.#unsent = this.#unsent.filter((record) => record.seq > seq);
    if (seq > this.#durableSeq) this.#settle(this.#durableWaiters, (this.#durableSeq = seq));
    this.#settle(this.#foldWaiters, seq);
  }

  #settle(waiters: Waiter[], seq: number): void {
    for (let i = 0; i < waiters.length; ) {
      if (waiters[i]!.seq <= seq) waiters.splice(i, 1)[0]!.resolve();
      else i += 1;
    }
  }

  #idle(): Promise<void> {
    if (!this.#running && !this.#scheduled) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #persistError(error: unknown): SqliteError {
    const message = error instanceof Error ? error.message : String(error);
    return new SqliteError(
      `the ${this.target.kind} target did not persist transactions ${this.#durableSeq + 1}..${this.#seq}: ${message}` +
        ' (they stay committed in memory; a later commit, whenDurable() or flush() writes them again)',
      10,
      { cause: error },
    );
  }
}

function copyBytes(param: SqlParam): SqlParam {
  // The caller may reuse its buffer after the statement ran; the record is encoded at COMMIT.
  return param instanceof Uint8Array ? param.slice() : param;
}
