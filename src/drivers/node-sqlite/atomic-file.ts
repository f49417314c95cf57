/**
 * A durable persistence target for sql.js databases in Node: every image is
 * written to a temporary file, fsynced, and renamed over the target, so a
 * crash leaves either the previous image or the new one, never a torn file.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SqlJsPersistence } from '../sqljs/connection.ts';

export function atomicFilePersistence(path: string): SqlJsPersistence {
  return Object.freeze({
    durable: true,
    write(bytes: Uint8Array): void {
      writeFileAtomically(path, bytes);
    },
  });
}

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
