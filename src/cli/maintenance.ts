/**
 * `gc` and `vacuum`, run for real or on a scratch copy (`--dry-run`).
 *
 * Both call the core's own operations — `Store.gcUnreachable()` (delete the
 * blobs no live root reaches) and `Store.vacuum()` (delete tombstoned graph
 * nodes) — and measure around them: which blobs went, and how many bytes the
 * file gives back. `vacuum` also runs SQLite's `VACUUM`, which is what returns
 * freed pages to the filesystem; `gc` alone frees pages inside the file for
 * later writes.
 */
import type { GcReport } from '../core/contract/session-records.ts';
import type { SqliteConnection } from '../core/driver/types.ts';
import { Store } from '../core/stores/session-store.ts';
import type { NodeSqliteConnection } from '../drivers/node-sqlite/connection.ts';
import { blobKind } from './blob-kind.ts';
import { CollectingLogger, componentStatuses, type ComponentStatus } from './components.ts';
import { fileSizes, openReadOnly, openWritable } from './database-file.ts';
import { CliError, EXIT } from './errors.ts';
import * as read from './read/store-tables.ts';
import { withScratchCopy } from './scratch-copy.ts';

export interface GcResult {
  readonly path: string;
  readonly dry_run: boolean;
  readonly report: GcReport;
  readonly deleted: Array<{ hash: string; kind: string; stored_bytes: number }>;
  /** Stored bytes of the deleted blobs: what GC frees inside the file. */
  readonly deleted_bytes: number;
  /** What the file would measure after a following `vacuum` (dry run only; `null` otherwise). */
  readonly file_bytes_after_vacuum: number | null;
  readonly warnings: string[];
}

export interface VacuumResult {
  readonly path: string;
  readonly dry_run: boolean;
  readonly removed_node_count: number;
  /** Main file plus WAL, before. */
  readonly file_bytes_before: number;
  /** Main file plus WAL, after (for a dry run: what it would be). */
  readonly file_bytes_after: number;
  readonly reclaimed_bytes: number;
}

/**
 * `graceMs`: how long a blob written on its own (`putBlob`) stays protected
 * while no commit references it; `undefined` keeps the store's default.
 */
export async function runGc(path: string, dryRun: boolean, busyTimeoutMs: number, graceMs?: number): Promise<GcResult> {
  const collect = async (conn: SqliteConnection, measureVacuum: boolean): Promise<GcResult> => {
    const logger = new CollectingLogger();
    const store = await openSessionStore(conn, path, logger, graceMs);
    try {
      const before = blobInventory(conn);
      const report = await store.gcUnreachable();
      const after = read.blobHashes(conn);
      const deleted = [...before].filter(([hash]) => !after.has(hash)).map(([hash, blob]) => ({ hash, ...blob }));
      let fileAfterVacuum: number | null = null;
      if (measureVacuum) {
        conn.exec('VACUUM');
        fileAfterVacuum = logicalBytes(conn);
      }
      return {
        path,
        dry_run: dryRun,
        report,
        deleted,
        deleted_bytes: deleted.reduce((sum, blob) => sum + blob.stored_bytes, 0),
        file_bytes_after_vacuum: fileAfterVacuum,
        warnings: logger.messages,
      };
    } finally {
      store.close();
    }
  };
  if (dryRun) return withScratchCopy(path, (conn) => collect(conn, true));
  return withWritable(path, busyTimeoutMs, (conn) => collect(conn, false));
}

export async function runVacuum(path: string, dryRun: boolean, busyTimeoutMs: number): Promise<VacuumResult> {
  const sizes = fileSizes(path);
  const before = sizes.main_bytes + (sizes.wal_bytes ?? 0);
  const compact = async (conn: NodeSqliteConnection): Promise<number> => {
    const store = await openSessionStore(conn, path, new CollectingLogger());
    try {
      const { removed_node_count } = await store.vacuum();
      conn.exec('VACUUM');
      return removed_node_count;
    } finally {
      store.close();
    }
  };
  let removed: number;
  let after: number;
  if (dryRun) {
    [removed, after] = await withScratchCopy(path, async (conn) => [await compact(conn), logicalBytes(conn)] as const);
  } else {
    removed = await withWritable(path, busyTimeoutMs, async (conn) => {
      const n = await compact(conn);
      // Fold the rewritten pages into the main file and empty the WAL, so the file really shrinks.
      conn.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      return n;
    });
    const now = fileSizes(path);
    after = now.main_bytes + (now.wal_bytes ?? 0);
  }
  return {
    path,
    dry_run: dryRun,
    removed_node_count: removed,
    file_bytes_before: before,
    file_bytes_after: after,
    reclaimed_bytes: Math.max(0, before - after),
  };
}

async function withWritable<T>(path: string, busyTimeoutMs: number, body: (conn: NodeSqliteConnection) => Promise<T>): Promise<T> {
  // Decide from a read-only look: a writable open already switches a file to WAL.
  const probe = openReadOnly(path);
  try {
    requireSession(componentStatuses(probe.conn).session, path);
  } finally {
    probe.close();
  }
  const conn = openWritable(path, busyTimeoutMs);
  try {
    return await body(conn);
  } finally {
    conn.close();
  }
}

/** The session store of a file that holds one; refuses a file without (opening would create the tables). */
export async function openSessionStore(
  conn: SqliteConnection,
  path: string,
  logger: CollectingLogger,
  blobGraceMs?: number,
): Promise<Store> {
  requireSession(componentStatuses(conn).session, path);
  return Store.open(conn, blobGraceMs === undefined ? { logger } : { logger, gcPolicy: { autoRunEveryCommits: null, blobGraceMs } });
}

function requireSession(status: ComponentStatus, path: string): void {
  if (status.state === 'absent') throw new CliError(`${path} holds no session store`, EXIT.usage);
  if (status.state === 'unsupported') throw new CliError(status.problem!, EXIT.schema);
}

function blobInventory(conn: SqliteConnection): Map<string, { kind: string; stored_bytes: number }> {
  const blobs = new Map<string, { kind: string; stored_bytes: number }>();
  for (const row of read.blobRows(conn)) {
    blobs.set(String(row.hash), {
      kind: blobKind(row.content),
      stored_bytes: row.content instanceof Uint8Array ? row.content.length : 0,
    });
  }
  return blobs;
}

/** Pages in use times the page size: the file's size once checkpointed. */
function logicalBytes(conn: SqliteConnection): number {
  const pragmas = read.readFilePragmas(conn);
  return pragmas.page_count * pragmas.page_size;
}
