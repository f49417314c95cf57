/** What `verify` reports: problems (the store is unhealthy) and warnings (worth knowing, not damage). */

export interface Finding {
  /** `file`, `session`, `process`, `host_events`, `effects`. */
  readonly component: string;
  /** The row or ref concerned (`graph_nodes seq 4`, `head.checkpoint_ref`). */
  readonly where: string;
  readonly message: string;
}

export class Findings {
  readonly problems: Finding[] = [];
  readonly warnings: Finding[] = [];
  /** Rows (or refs) checked, per table. */
  readonly checked: Record<string, number> = {};

  problem(component: string, where: string, message: string): void {
    this.problems.push({ component, where, message });
  }

  warning(component: string, where: string, message: string): void {
    this.warnings.push({ component, where, message });
  }

  count(table: string, n = 1): void {
    this.checked[table] = (this.checked[table] ?? 0) + n;
  }

  /**
   * Runs a row check: whatever it throws (a decoder's `ShapeError`, a
   * `StoreError`, a JSON syntax error) becomes a problem naming the row.
   */
  attempt(component: string, where: string, check: () => void): void {
    try {
      check();
    } catch (error) {
      this.problem(component, where, messageOf(error));
    }
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Parses a JSON column, refusing anything but TEXT. */
export function parseJsonColumn(value: unknown, column: string): unknown {
  if (typeof value !== 'string') throw new Error(`${column} is not TEXT`);
  return JSON.parse(value);
}
