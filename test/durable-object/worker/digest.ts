/**
 * A digest of everything a Durable Object's database holds: every table's
 * rows in a fixed order, hashed. Equal digests before and after a restart
 * mean the state survived it exactly.
 */
import { canonicalJson } from '../../../src/index.ts';
import { portableCodecs } from '../../../src/core/codec/codecs.ts';
import type { DurableObjectSqlCursor, DurableObjectSqlValue, DurableObjectStorageLike } from '../../../src/durable-object.ts';

function rowsOf(cursor: DurableObjectSqlCursor): DurableObjectSqlValue[][] {
  const rows: DurableObjectSqlValue[][] = [];
  const raw = cursor.raw();
  for (let next = raw.next(); !next.done; next = raw.next()) rows.push(next.value);
  return rows;
}

export function databaseDigest(storage: DurableObjectStorageLike): string {
  const sql = storage.sql;
  const tables = rowsOf(
    sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name"),
  ).map((row) => row[0] as string);
  const content: Record<string, unknown[]> = {};
  for (const table of tables) {
    const cursor = sql.exec(`SELECT * FROM "${table.replaceAll('"', '""')}"`);
    const rows = rowsOf(cursor).map((row) => row.map((value) => (value instanceof ArrayBuffer ? portableCodecs.sha256Hex(new Uint8Array(value)) : value)));
    content[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return `${tables.length} tables, ${Object.values(content).reduce((n, rows) => n + rows.length, 0)} rows, sha256 ${portableCodecs.sha256Hex(canonicalJson(content))}`;
}
