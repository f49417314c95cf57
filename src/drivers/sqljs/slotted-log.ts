/**
 * A `'log'`-mode persistence target over four files, shared by the OPFS and
 * the Node file targets: two image slots and two redo logs.
 *
 * ```
 * image-0  log-0     slot 0: an image (plain SQLite bytes) and the log continuing it
 * image-1  log-1     slot 1: the same, one generation apart
 * ```
 *
 * Each log starts with a base frame naming its slot's image by generation,
 * length and CRC-32 (see `log-frames.ts`). Opening picks the newest slot
 * whose image matches its base, and replays that log's intact records.
 *
 * A checkpoint writes the *other* slot, in an order that is safe at every
 * step: (1) empty the other log, so that slot is invalid; (2) write the new
 * image; (3) write the new base frame. A crash before (3) leaves the current
 * slot, whose image and log hold every acknowledged transaction; after (3)
 * the new slot is complete. Appends go to the current slot's log only, and
 * never overlap a checkpoint (the driver calls one method at a time).
 *
 * If the newest image is damaged but the older slot is intact and its log
 * reaches the newest image's sequence number, opening chains the older image,
 * its log and the newest log, and asks for a checkpoint.
 */
import { encodeBaseFrame, encodeRecordFrames, imageMatches, parseLog, type ParsedLog } from './log-frames.ts';
import type { PersistedDatabase, PersistenceSize, RedoRecord, SqlJsPersistence } from './persistence.ts';

/** The files a slotted-log target keeps: two image slots and two log slots. */
export type SlotFileName = 'image-0' | 'image-1' | 'log-0' | 'log-1';

/** The file operations the target needs (OPFS sync handles, OPFS writables, node:fs). */
export interface SlotFiles {
  /** The whole file; empty when it does not exist. */
  read(file: SlotFileName): Promise<Uint8Array>;
  /**
   * Writes `bytes` at `offset`, cuts the file there when `truncate`, and
   * resolves once that is on stable storage. A rejected write may leave
   * bytes past `offset`, never before it.
   */
  write(file: SlotFileName, offset: number, bytes: Uint8Array, truncate: boolean): Promise<void>;
  /** Releases handles. */
  close(): Promise<void>;
}

interface Slot {
  readonly index: 0 | 1;
  readonly generation: number;
  /** Bytes of intact frames in this slot's log (where the next append goes). */
  end: number;
  imageBytes: number;
  logRecords: number;
}

/** Options of `SlottedLogTarget`. */
export interface SlottedLogOptions {
  /** The target's kind, for reports. */
  readonly kind: string;
  /** Whether a completed write survives a crash. */
  readonly durable: boolean;
  /** Whether the storage is persisted (`null`: unknown). */
  readonly storagePersisted: boolean | null;
  /** Runs after the files are closed (releases a lock). */
  readonly onClose?: () => void | Promise<void>;
}

const EMPTY = new Uint8Array(0);

export class SlottedLogTarget implements SqlJsPersistence {
  readonly kind: string;
  readonly mode = 'log' as const;
  readonly durable: boolean;
  readonly storagePersisted: boolean | null;
  readonly #files: SlotFiles;
  readonly #onClose: (() => void | Promise<void>) | undefined;
  /** Fresh targets start "before" slot 0, so their first checkpoint is generation 1 in slot 0. */
  #slot: Slot = { index: 1, generation: 0, end: 0, imageBytes: 0, logRecords: 0 };
  #closed: Promise<void> | undefined;

  constructor(files: SlotFiles, options: SlottedLogOptions) {
    this.#files = files;
    this.kind = options.kind;
    this.durable = options.durable;
    this.storagePersisted = options.storagePersisted;
    this.#onClose = options.onClose;
  }

  async load(): Promise<PersistedDatabase> {
    const notes: string[] = [];
    const logs = [parseLog(await this.#files.read('log-0')), parseLog(await this.#files.read('log-1'))] as const;
    logs.forEach((log, index) => {
      if (log.base === null && log.tornBytes > 0) notes.push(`log-${index}: no intact base frame in ${log.tornBytes} bytes; slot ignored`);
    });
    const order = ([0, 1] as const)
      .filter((index) => logs[index].base !== null)
      .sort((a, b) => logs[b].base!.generation - logs[a].base!.generation);
    if (order.length === 0) return { image: null, imageSeq: 0, records: [], notes };

    const newest = order[0]!;
    const image = await this.#files.read(`image-${newest}`);
    if (imageMatches(logs[newest].base!, image)) {
      await this.#adopt(newest, logs[newest], image.length, notes);
      return {
        image: image.subarray(0, logs[newest].base!.imageLength),
        imageSeq: logs[newest].base!.seq,
        records: logs[newest].records,
        notes,
      };
    }
    notes.push(`image-${newest} (generation ${logs[newest].base!.generation}) does not match its checksum`);
    const older = order[1];
    if (older !== undefined) {
      const chained = await this.#chain(older, logs[older], logs[newest], notes);
      if (chained !== null) return chained;
    }
    throw new Error(`the ${this.kind} target holds no intact image: ${notes.join('; ')}`);
  }

  async append(records: readonly RedoRecord[]): Promise<void> {
    if (records.length === 0) return;
    const frames = encodeRecordFrames(this.#slot.generation, records);
    await this.#files.write(`log-${this.#slot.index}`, this.#slot.end, frames, true);
    this.#slot.end += frames.length;
    this.#slot.logRecords += records.length;
  }

  async checkpoint(image: Uint8Array, seq: number): Promise<void> {
    const index = this.#slot.index === 0 ? 1 : 0;
    const generation = this.#slot.generation + 1;
    const base = encodeBaseFrame(generation, seq, image);
    await this.#files.write(`log-${index}`, 0, EMPTY, true);
    await this.#files.write(`image-${index}`, 0, image, true);
    await this.#files.write(`log-${index}`, 0, base, true);
    this.#slot = { index, generation, end: base.length, imageBytes: image.length, logRecords: 0 };
  }

  /** How many bytes the target holds. */
  async size(): Promise<PersistenceSize> {
    return { imageBytes: this.#slot.imageBytes, logBytes: this.#slot.end, logRecords: this.#slot.logRecords };
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      try {
        await this.#files.close();
      } finally {
        await this.#onClose?.();
      }
    })();
    return this.#closed;
  }

  /** Continues slot `index`; cuts a torn tail off its log so the next append starts on a frame boundary. */
  async #adopt(index: 0 | 1, log: ParsedLog, imageBytes: number, notes: string[]): Promise<void> {
    if (log.tornBytes > 0) {
      notes.push(`log-${index}: discarded ${log.tornBytes} bytes after ${log.records.length} intact records (a write cut short)`);
      await this.#files.write(`log-${index}`, log.validBytes, EMPTY, true);
    }
    this.#slot = {
      index,
      generation: log.base!.generation,
      end: log.validBytes,
      imageBytes,
      logRecords: log.records.length,
    };
  }

  /** The older image, its log, and the newest log's records, when they join without a gap. */
  async #chain(older: 0 | 1, olderLog: ParsedLog, newestLog: ParsedLog, notes: string[]): Promise<PersistedDatabase | null> {
    const image = await this.#files.read(`image-${older}`);
    if (!imageMatches(olderLog.base!, image)) {
      notes.push(`image-${older} does not match its checksum either`);
      return null;
    }
    const reach = olderLog.base!.seq + olderLog.records.length;
    if (reach < newestLog.base!.seq) {
      notes.push(`log-${older} ends at transaction ${reach}, before the newest image's ${newestLog.base!.seq}`);
      return null;
    }
    const records = [...olderLog.records.filter((r) => r.seq <= newestLog.base!.seq), ...newestLog.records];
    notes.push(`recovered from image-${older} and both logs; a new checkpoint is written`);
    // Appends must continue a log whose base is intact: the driver checkpoints right after replay.
    this.#slot = { index: older, generation: newestLog.base!.generation, end: 0, imageBytes: image.length, logRecords: 0 };
    return {
      image: image.subarray(0, olderLog.base!.imageLength),
      imageSeq: olderLog.base!.seq,
      records,
      notes,
      needsCheckpoint: true,
    };
  }
}
