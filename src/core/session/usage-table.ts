/**
 * The token-usage ledger: an append-only `usage_deltas` table, merged by
 * `(source, model)` on read.
 */
import type { SqliteConnection } from '../driver/types.ts';
import { tokenUsageTotal, type TokenLedgerEntry } from '../contract/session-model.ts';

const INSERT_USAGE =
  'INSERT INTO usage_deltas (source, model, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens) VALUES (?, ?, ?, ?, ?, ?)';
const SELECT_USAGE =
  'SELECT source, model, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens FROM usage_deltas ORDER BY seq';

interface UsageRow {
  source: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  reasoning_tokens: number;
}

export function insertUsageDeltas(conn: SqliteConnection, entries: readonly TokenLedgerEntry[]): void {
  for (const { source, model, usage } of entries) {
    conn.run(INSERT_USAGE, [
      source,
      model,
      usage.input_tokens,
      usage.output_tokens,
      usage.cached_input_tokens,
      usage.reasoning_tokens,
    ]);
  }
}

/** Every row in insertion order, unmerged. */
export function loadUsageDeltas(conn: SqliteConnection): TokenLedgerEntry[] {
  return conn.all<UsageRow>(SELECT_USAGE).map(entryOf);
}

function entryOf(row: UsageRow): TokenLedgerEntry {
  return {
    source: row.source,
    model: row.model,
    usage: {
      input_tokens: row.input_tokens,
      output_tokens: row.output_tokens,
      cached_input_tokens: row.cached_input_tokens,
      reasoning_tokens: row.reasoning_tokens,
    },
  };
}

// The merge below, done by SQLite: rows that count nothing are left out, the
// rest summed per `(source, model)` in the order each pair first appeared.
const SELECT_LEDGER = `
SELECT source, model, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
       SUM(cached_input_tokens) AS cached_input_tokens, SUM(reasoning_tokens) AS reasoning_tokens
  FROM usage_deltas
 WHERE input_tokens + output_tokens + reasoning_tokens <> 0 OR cached_input_tokens <> 0
 GROUP BY source, model
 ORDER BY MIN(seq)`;

/**
 * The merged ledger ({@link mergeTokenLedger} of every row), aggregated in
 * SQL: a session load reads one row per `(source, model)`, not one per turn.
 */
export function loadTokenLedger(conn: SqliteConnection): TokenLedgerEntry[] {
  return conn.all<UsageRow>(SELECT_LEDGER).map(entryOf);
}

/**
 * Sums entries with the same `(source, model)`, in first-seen order. An
 * entry is dropped only when it counts nothing at all, cached input included
 * (the runtime's rule; the reference SQLite store also dropped cached-only
 * entries).
 */
export function mergeTokenLedger(entries: readonly TokenLedgerEntry[]): TokenLedgerEntry[] {
  const merged: TokenLedgerEntry[] = [];
  const byKey = new Map<string, TokenLedgerEntry>();
  for (const entry of entries) {
    if (tokenUsageTotal(entry.usage) === 0 && entry.usage.cached_input_tokens === 0) continue;
    const key = JSON.stringify([entry.source, entry.model]);
    const existing = byKey.get(key);
    if (existing === undefined) {
      const copy = { source: entry.source, model: entry.model, usage: { ...entry.usage } };
      byKey.set(key, copy);
      merged.push(copy);
    } else {
      existing.usage.input_tokens += entry.usage.input_tokens;
      existing.usage.output_tokens += entry.usage.output_tokens;
      existing.usage.cached_input_tokens += entry.usage.cached_input_tokens;
      existing.usage.reasoning_tokens += entry.usage.reasoning_tokens;
    }
  }
  return merged;
}
