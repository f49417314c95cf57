/**
 * `fileLogPersistence(dir)`: a sql.js database kept in a directory as an
 * image checkpoint plus a redo log, the layout the OPFS target uses
 * (`image-0`, `image-1`, `log-0`, `log-1`; see `slotted-log.ts`). Each
 * commit appends one frame and fsyncs it, so its cost follows the size of
 * the write, not of the database. `image-N` files are plain SQLite images of
 * a checkpoint; the current state is image plus log (`await conn.flush()`
 * folds the log into a new image).
 *
 * One process at a time: a second open of the same directory in this
 * process is refused with `SqliteBusyError`; other processes are not kept
 * out (sql.js has no file locking).
 */
import { closeSync, constants, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SqliteBusyError } from '../../core/driver/errors.ts';
import type { SqlJsPersistence } from '../sqljs/persistence.ts';
import { SlottedLogTarget, type SlotFileName, type SlotFiles } from '../sqljs/slotted-log.ts';

const openDirectories = new Set<string>();

/** A sql.js persistence target in the folder `dir`: an image checkpoint plus a redo log of every committed write transaction. */
export function fileLogPersistence(dir: string): SqlJsPersistence {
  const root = resolve(dir);
  if (openDirectories.has(root)) {
    throw new SqliteBusyError(`the sql.js log directory ${root} is already open in this process`, 5);
  }
  mkdirSync(root, { recursive: true });
  openDirectories.add(root);
  return new SlottedLogTarget(new NodeSlotFiles(root), {
    kind: 'file-log',
    durable: true,
    storagePersisted: null,
    onClose: () => void openDirectories.delete(root),
  });
}

class NodeSlotFiles implements SlotFiles {
  readonly #dir: string;
  readonly #fds = new Map<SlotFileName, number>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  async read(file: SlotFileName): Promise<Uint8Array> {
    try {
      return new Uint8Array(readFileSync(join(this.#dir, file)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Uint8Array(0);
      throw error;
    }
  }

  async write(file: SlotFileName, offset: number, bytes: Uint8Array, truncate: boolean): Promise<void> {
    const fd = this.#open(file);
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, offset + written);
    if (truncate) ftruncateSync(fd, offset + bytes.length);
    fsyncSync(fd);
  }

  async close(): Promise<void> {
    for (const fd of this.#fds.values()) closeSync(fd);
    this.#fds.clear();
  }

  #open(file: SlotFileName): number {
    let fd = this.#fds.get(file);
    if (fd === undefined) {
      fd = openSync(join(this.#dir, file), constants.O_RDWR | constants.O_CREAT, 0o644);
      this.#fds.set(file, fd);
      // The new directory entry must survive a crash too.
      const dirFd = openSync(this.#dir, 'r');
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
    }
    return fd;
  }
}
