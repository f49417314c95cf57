/**
 * `inspect <dir>`: every session database in a folder (one file per session,
 * spec §3.1), with what a resume picker shows: the first user message, the
 * number of user messages, and when the file last changed.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../../core/stores/session-store.ts';
import { CollectingLogger, componentStatuses, COMPONENT_KEYS } from '../components.ts';
import { isSqliteFile, openReadOnly } from '../database-file.ts';
import { formatTime, table, type Output } from '../output.ts';
import { shorten } from './session-summary.ts';

export interface DirectoryReport {
  readonly directory: string;
  readonly sessions: Array<{
    path: string;
    session_id: string | null;
    first_user_message: string;
    user_message_count: number;
    head_revision: number | null;
    updated_at_ms: number;
  }>;
  /** lash databases without a session component (a process registry file, …). */
  readonly other_databases: Array<{ path: string; components: string[] }>;
  /** Files that look like databases but could not be read. */
  readonly errors: Array<{ path: string; error: string }>;
}

export async function inspectDirectory(dir: string): Promise<DirectoryReport> {
  const report: DirectoryReport = { directory: dir, sessions: [], other_databases: [], errors: [] };
  const names = readdirSync(dir).filter((name) => !name.endsWith('-wal') && !name.endsWith('-shm') && !name.endsWith('-journal'));
  for (const name of names.sort()) {
    const path = join(dir, name);
    try {
      if (!statSync(path).isFile() || statSync(path).size === 0 || !isSqliteFile(path)) continue;
    } catch {
      continue;
    }
    try {
      await listOne(path, report);
    } catch (error) {
      report.errors.push({ path, error: (error as Error).message });
    }
  }
  return report;
}

async function listOne(path: string, report: DirectoryReport): Promise<void> {
  const db = openReadOnly(path);
  try {
    const components = componentStatuses(db.conn);
    if (components.session.state !== 'present') {
      const held = COMPONENT_KEYS.filter((key) => components[key].state !== 'absent');
      if (components.session.state === 'unsupported') throw new Error(components.session.problem!);
      if (held.length > 0) report.other_databases.push({ path, components: held });
      return;
    }
    const store = await Store.open(db.conn, { logger: new CollectingLogger() });
    try {
      const picker = await store.loadPickerInfo();
      const head = await store.loadSessionHeadMeta().catch(() => null);
      report.sessions.push({
        path,
        session_id: picker?.session_id ?? head?.session_id ?? null,
        first_user_message: picker?.first_user_message ?? '',
        user_message_count: picker?.user_message_count ?? 0,
        head_revision: head?.head_revision ?? null,
        updated_at_ms: lastChange(path),
      });
    } finally {
      store.close();
    }
  } finally {
    db.close();
  }
}

/** The newest mtime of the file and its WAL (a commit may not have reached the main file yet). */
function lastChange(path: string): number {
  let latest = statSync(path).mtimeMs;
  try {
    latest = Math.max(latest, statSync(`${path}-wal`).mtimeMs);
  } catch {
    // no WAL
  }
  return Math.floor(latest);
}

export function renderDirectory(report: DirectoryReport, out: Output): void {
  out.line(out.paint('bold', `${report.directory}: ${report.sessions.length} session database(s)`));
  const rows = report.sessions.map((s) => [
    s.session_id ?? '-',
    String(s.user_message_count),
    formatTime(s.updated_at_ms),
    shorten(s.first_user_message || '(no user message)', 60),
  ]);
  if (rows.length > 0) for (const line of table([['session', 'user msgs', 'updated', 'first user message'], ...rows])) out.line(`  ${line}`);
  for (const other of report.other_databases) out.line(`  ${other.path}: ${other.components.join(', ')} (no session)`);
  for (const failed of report.errors) out.warn(`${failed.path}: ${failed.error}`);
}
