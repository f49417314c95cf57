/**
 * `verify`: a read-only health check of a database file — SQLite's own
 * integrity and foreign-key checks, the schema version of each component,
 * then every component's refs and rows (`session-checks.ts`,
 * `registry-checks.ts`).
 */
import { COMPONENT_SCHEMAS, COMPONENT_KEYS, componentStatuses, unknownComponents, type ComponentStatuses } from '../components.ts';
import { openReadOnly } from '../database-file.ts';
import type { Output } from '../output.ts';
import * as read from '../read/store-tables.ts';
import { Findings, type Finding } from './findings.ts';
import { verifyEffects, verifyHostEvents, verifyProcesses } from './registry-checks.ts';
import { verifySession } from './session-checks.ts';

export interface VerifyReport {
  readonly path: string;
  readonly healthy: boolean;
  readonly components: ComponentStatuses;
  readonly checked: Record<string, number>;
  readonly problems: Finding[];
  readonly warnings: Finding[];
}

export async function verifyDatabase(path: string, out: Output): Promise<VerifyReport> {
  const db = openReadOnly(path);
  try {
    const { conn } = db;
    const findings = new Findings();
    for (const line of read.integrityProblems(conn)) findings.problem('file', 'integrity_check', line);
    const components = componentStatuses(conn);
    for (const violation of read.foreignKeyViolations(conn)) {
      findings.problem(ownerOf(violation.table), `${violation.table} rowid ${violation.rowid ?? '?'}`, `points at a missing ${violation.parent} row`);
    }
    for (const key of COMPONENT_KEYS) {
      const status = components[key];
      if (status.state === 'unsupported') findings.problem(key, 'lash_schema_versions', status.problem!);
      if (status.missing_tables.length > 0) findings.problem(key, 'schema', `missing table(s): ${status.missing_tables.join(', ')}`);
    }
    for (const name of unknownComponents(conn)) {
      findings.warning('file', 'lash_schema_versions', `component \`${name}\` is not one this build knows; its tables were not checked`);
    }
    const runnable = (key: keyof ComponentStatuses) => components[key].state === 'present' && components[key].missing_tables.length === 0;
    if (runnable('session')) await verifySession(conn, findings, out);
    if (runnable('process')) verifyProcesses(conn, findings);
    if (runnable('host_events')) verifyHostEvents(conn, findings);
    if (runnable('effects')) verifyEffects(conn, findings);
    return {
      path,
      healthy: findings.problems.length === 0,
      components,
      checked: findings.checked,
      problems: findings.problems,
      warnings: findings.warnings,
    };
  } finally {
    db.close();
  }
}

/** The component that owns a table (for naming foreign-key problems). */
function ownerOf(table: string): string {
  return COMPONENT_KEYS.find((key) => COMPONENT_SCHEMAS[key].tables.includes(table)) ?? 'file';
}

export function renderVerify(report: VerifyReport, out: Output): void {
  const held = COMPONENT_KEYS.filter((key) => report.components[key].state !== 'absent');
  const rows = Object.values(report.checked).reduce((a, b) => a + b, 0);
  out.line(`${report.path}: ${held.join(', ') || 'no lash components'}; ${rows} row(s) and ref(s) checked`);
  for (const p of report.problems) out.line(`  ${out.paint('red', 'problem')} ${p.component}: ${p.where}: ${p.message}`);
  for (const w of report.warnings) out.line(`  ${out.paint('yellow', 'warning')} ${w.component}: ${w.where}: ${w.message}`);
  out.line(
    report.healthy
      ? out.paint('green', 'healthy')
      : out.paint('red', `${report.problems.length} problem(s) found`),
  );
}
