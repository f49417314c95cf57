/**
 * Opening database files for the tool: checks that say clearly what is wrong
 * with a path, a read-only open that never changes a byte of the file or its
 * sidecars, and a writable open for the commands that change the store.
 *
 * Why the read-only open is not just `readOnly: true`: SQLite's read-only
 * connections still write. On a WAL database a reader maps the `-shm` index
 * read-write and updates its read marks in it, and when `-wal`/`-shm` are
 * absent it creates them (both measured on node:sqlite 3.53). So the open
 * picks, from the file header and the sidecars present, a mode that writes
 * nothing (see docs/cli.md, "Read-only opens"):
 *
 * - rollback-journal file (header byte 18 = 1): `mode=ro`; readers of such a
 *   file only take shared locks and create nothing;
 * - WAL file with `-wal` and `-shm`: `mode=ro&readonly_shm=1`; SQLite maps
 *   the index read-only and rebuilds what it needs in private memory;
 * - WAL file without `-wal`: `mode=ro&immutable=1`; there are no WAL frames
 *   to miss, and nothing is created (a writer that starts meanwhile is not
 *   seen — the report is of the file as it was);
 * - WAL file with `-wal` but no `-shm` (no live writer has it open): main
 *   file and `-wal` are copied to a private temporary folder and the copy is
 *   opened; the original is only read.
 */
import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SqliteBusyError } from '../core/driver/errors.ts';
import { openNodeSqlite, type NodeSqliteConnection } from '../drivers/node-sqlite/connection.ts';
import { CliError, EXIT, usageError } from './errors.ts';

const SQLITE_MAGIC = 'SQLite format 3\u0000';
const HEADER_BYTES = 100;

export type ReadOnlyMode = 'rollback' | 'wal-readonly-shm' | 'immutable' | 'private-copy';

export interface ReadOnlyDatabase {
  readonly conn: NodeSqliteConnection;
  readonly path: string;
  readonly mode: ReadOnlyMode;
  /** The file's journal mode from its header (a connection's own `PRAGMA journal_mode` says how *it* opened). */
  readonly journal: 'wal' | 'rollback';
  close(): void;
}

export interface FileSizes {
  readonly main_bytes: number;
  /** `null` when the sidecar does not exist. */
  readonly wal_bytes: number | null;
  readonly shm_bytes: number | null;
}

/** Refuses a missing path, a folder, or a file that is not a SQLite database (exit 2). */
export function checkDatabaseFile(path: string): void {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw usageError(`no such file: ${path}`);
  }
  if (stat.isDirectory()) throw usageError(`${path} is a folder, not a database file`);
  if (!stat.isFile()) throw usageError(`${path} is not a regular file`);
  // SQLite reads an empty file as an empty database.
  if (stat.size === 0) return;
  const header = readHeader(path);
  if (header.length < HEADER_BYTES || Buffer.from(header.subarray(0, 16)).toString('latin1') !== SQLITE_MAGIC) {
    throw usageError(`${path} is not a SQLite database`);
  }
}

/** Whether the file starts with the SQLite header (for telling the two import forms apart). */
export function isSqliteFile(path: string): boolean {
  const header = readHeader(path);
  return header.length >= 16 && Buffer.from(header.subarray(0, 16)).toString('latin1') === SQLITE_MAGIC;
}

export function fileSizes(path: string): FileSizes {
  return { main_bytes: sizeOf(path) ?? 0, wal_bytes: sizeOf(`${path}-wal`), shm_bytes: sizeOf(`${path}-shm`) };
}

/** Opens `path` read-only without writing to it or its sidecars (see the module comment). */
export function openReadOnly(path: string): ReadOnlyDatabase {
  checkDatabaseFile(path);
  const header = readHeader(path);
  const walHeader = header.length >= HEADER_BYTES && header[18] === 2;
  const hasWal = existsSync(`${path}-wal`);
  const hasShm = existsSync(`${path}-shm`);
  if (!walHeader) return openUri(path, path, 'rollback', 'mode=ro');
  if (!hasWal) return openUri(path, path, 'immutable', 'mode=ro&immutable=1');
  if (hasShm) return openUri(path, path, 'wal-readonly-shm', 'mode=ro&readonly_shm=1');
  const dir = mkdtempSync(join(tmpdir(), 'lash-store-'));
  try {
    const copy = join(dir, basename(path));
    copyFileSync(path, copy);
    copyFileSync(`${path}-wal`, `${copy}-wal`);
    const opened = openUri(path, copy, 'private-copy', 'mode=ro');
    return {
      ...opened,
      close() {
        opened.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Opens an existing database for writing, waiting at most `busyTimeoutMs` for another writer. */
export function openWritable(path: string, busyTimeoutMs: number): NodeSqliteConnection {
  checkDatabaseFile(path);
  const conn = openNodeSqlite(path, { busyTimeoutMs });
  probe(conn, path);
  return conn;
}

/** Refuses to write over `path` unless `force`; with `force`, removes it and its sidecars. */
export function claimTarget(path: string, force: boolean): void {
  const taken = [path, `${path}-wal`, `${path}-shm`].filter((p) => existsSync(p));
  if (taken.length === 0) return;
  if (!force) throw usageError(`${path} already exists; pass --force to replace it`);
  if (existsSync(path) && statSync(path).isDirectory()) throw usageError(`${path} is a folder`);
  for (const p of taken) rmSync(p, { force: true });
}

function openUri(path: string, target: string, mode: ReadOnlyMode, query: string): ReadOnlyDatabase {
  const uri = `${pathToFileURL(resolve(target)).href}?${query}`;
  let conn: NodeSqliteConnection;
  try {
    conn = openNodeSqlite(uri, { readOnly: true, busyTimeoutMs: 2_000 });
  } catch (error) {
    // A lock is not the file's fault: let it report as busy (exit 3).
    if (error instanceof SqliteBusyError) throw error;
    throw new CliError(`cannot open ${path} read-only: ${(error as Error).message}`, EXIT.usage, { cause: error });
  }
  probe(conn, path);
  return { conn, path, mode, journal: mode === 'rollback' ? 'rollback' : 'wal', close: () => conn.close() };
}

/** Reads the schema once, so a damaged or foreign file fails here with a clear message. */
function probe(conn: NodeSqliteConnection, path: string): void {
  try {
    conn.get('SELECT count(*) AS n FROM sqlite_master');
  } catch (error) {
    conn.close();
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_NOTADB') throw new CliError(`${path} is not a SQLite database`, EXIT.usage, { cause: error });
    throw error;
  }
}

function readHeader(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buffer = new Uint8Array(HEADER_BYTES);
    const n = readSync(fd, buffer, 0, HEADER_BYTES, 0);
    return buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function sizeOf(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
}
