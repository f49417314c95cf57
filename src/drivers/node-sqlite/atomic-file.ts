/**
 * Persistence targets for sql.js databases in Node.
 *
 * - `atomicFilePersistence(path)` keeps the database as one plain SQLite file
 *   (readable by node:sqlite and every SQLite tool): after each commit the
 *   whole image is written to a temporary file, fsynced, and renamed over the
 *   target, so a crash leaves either the previous image or the new one. The
 *   cost grows with the database; fine for small ones.
 * - `fileLogPersistence(dir)` (in `file-log.ts`) appends a redo record per
 *   commit instead, as the browser targets do.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PersistedDatabase, SqlJsPersistence } from '../sqljs/persistence.ts';

/** A sql.js persistence target that writes the whole database image to `path` atomically after each committed write (temp file, fsync, rename). */
export function atomicFilePersistence(path: string): SqlJsPersistence {
  return Object.freeze({
    kind: 'file',
    mode: 'image' as const,
    durable: true,
    storagePersisted: null,
    async load(): Promise<PersistedDatabase> {
      const image = readIfExists(path);
      return { image, imageSeq: 0, records: [], notes: [] };
    },
    async append(): Promise<void> {
      throw new Error('atomicFilePersistence keeps whole images; it has no log');
    },
    async checkpoint(image: Uint8Array): Promise<void> {
      writeFileAtomically(path, image);
    },
    async size() {
      const imageBytes = readSize(path);
      return { imageBytes, logBytes: 0, logRecords: 0 };
    },
    async close(): Promise<void> {},
  });
}

/** Writes `bytes` to `path` atomically: a temp file beside it, fsync, rename. */
export function writeFileAtomically(path: string, bytes: Uint8Array): void {
  const temp = `${path}.${process.pid}.tmp`;
  let fd = openSync(temp, 'w');
  try {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
  // Make the rename itself durable.
  fd = openSync(dirname(path), 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function readIfExists(path: string): Uint8Array | null {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function readSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}
