/**
 * A private, consistent copy of a database for `--dry-run`: the real
 * operation (the core's own GC or vacuum, not a re-implementation of it) runs
 * on the copy, and the report compares the copy before and after. The
 * original is only read, through the read-only open.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openNodeSqlite, type NodeSqliteConnection } from '../drivers/node-sqlite/connection.ts';
import { openReadOnly } from './database-file.ts';

export async function withScratchCopy<T>(path: string, body: (conn: NodeSqliteConnection) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'lash-store-dry-run-'));
  try {
    const copy = join(dir, 'copy.db');
    const source = openReadOnly(path);
    try {
      imageInto(source.conn, copy);
    } finally {
      source.close();
    }
    const conn = openNodeSqlite(copy);
    try {
      return await body(conn);
    } finally {
      conn.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Writes a consistent single-file image of `conn`'s database to `target`
 * (which must not exist): `VACUUM INTO` reads one snapshot, folds the WAL in,
 * and writes a compact rollback-journal file that every driver opens.
 */
export function imageInto(conn: NodeSqliteConnection, target: string): void {
  conn.run('VACUUM INTO ?', [target]);
}
