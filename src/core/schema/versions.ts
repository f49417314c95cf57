/**
 * Schema versioning: cutover, no migrations.
 *
 * Each component keeps its version in its own row of `lash_schema_versions`
 * (not `PRAGMA user_version`), so several components can share one file.
 * Setup runs inside `BEGIN IMMEDIATE`, so concurrent first opens serialize on
 * the busy timeout: exactly one creates the tables, the others find the row.
 */
import type { ErrorFamily } from '../driver/operations.ts';
import { OperationRunner } from '../driver/runner.ts';
import { retryWhileBusy, writeAttempt } from '../driver/transaction.ts';
import { isConnection } from '../driver/values.ts';
import type { SqliteConnection } from '../driver/types.ts';
import { InvalidInputError, SchemaVersionError } from '../contract/errors.ts';

/** A component's tables and the schema version they make. */
export interface ComponentSchema {
  /** Key of the version row: `session`, `process`, `host_events`, `effects`. */
  readonly component: string;
  /** How messages name it: `session`, `process registry`, … */
  readonly label: string;
  /** The schema version. */
  readonly version: number;
  /** Every table the component owns; a partial set without a version row is refused. */
  readonly tables: readonly string[];
  /** Idempotent DDL (`CREATE … IF NOT EXISTS`). */
  readonly ddl: string;
}

const VERSION_TABLE_DDL =
  'CREATE TABLE IF NOT EXISTS lash_schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)';

/**
 * Makes sure `conn` holds `schema` at its version: creates it in an empty
 * database, re-applies the idempotent DDL when the version matches, and
 * otherwise throws {@link SchemaVersionError} without changing anything.
 *
 * On a read-only connection nothing is written: a version row of another
 * version is still refused.
 */
export function ensureComponentSchema(conn: SqliteConnection, schema: ComponentSchema): void {
  retryWhileBusy(conn, () => ensureComponentSchemaAttempt(conn, schema));
}

/**
 * One attempt of {@link ensureComponentSchema} (a lock held elsewhere fails it
 * fast with `SqliteBusyError`); components run it through the operation
 * runner, which retries asynchronously.
 */
export function ensureComponentSchemaAttempt(conn: SqliteConnection, schema: ComponentSchema): void {
  if (conn.info.readOnly) {
    const found = readVersion(conn, schema.component);
    if (found !== undefined && found !== schema.version) throw refusal(schema, found);
    return;
  }
  writeAttempt(conn, () => {
    conn.exec(VERSION_TABLE_DDL);
    const found = readVersion(conn, schema.component);
    if (found === undefined) {
      if (existingTables(conn, schema.tables).length > 0) throw refusal(schema, 0);
      conn.exec(schema.ddl);
      conn.run('INSERT INTO lash_schema_versions (component, version) VALUES (?, ?)', [
        schema.component,
        schema.version,
      ]);
      return;
    }
    if (found !== schema.version) throw refusal(schema, found);
    conn.exec(schema.ddl);
  });
}

/** The stored version of a component, or `undefined` when it has none. */
export function readVersion(conn: SqliteConnection, component: string): number | undefined {
  const table = conn.get("SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = 'lash_schema_versions'");
  if (table === undefined) return undefined;
  const row = conn.get<{ version: number }>('SELECT version FROM lash_schema_versions WHERE component = ?', [component]);
  return row?.version;
}

function existingTables(conn: SqliteConnection, tables: readonly string[]): string[] {
  if (tables.length === 0) return [];
  const placeholders = tables.map(() => '?').join(', ');
  return conn
    .all<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (${placeholders})`, tables)
    .map((row) => row.name);
}

function refusal(schema: ComponentSchema, found: number): SchemaVersionError {
  return new SchemaVersionError(schema.component, schema.label, found, schema.version);
}

/**
 * What every component's `open` does first: refuses something that is not a
 * connection (`InvalidInputError` naming `opener`), then sets up or checks
 * the component's schema, waiting for a lock asynchronously like every other
 * operation. A schema of another version is `SchemaVersionError`; any other
 * failure leaves in the component's error family.
 */
export async function openComponentSchema(conn: SqliteConnection, schema: ComponentSchema, family: ErrorFamily, opener: string): Promise<void> {
  if (!isConnection(conn)) throw new InvalidInputError(`${opener} needs a SqliteConnection (openNodeSqlite, openSqlJs, …)`);
  try {
    await new OperationRunner(conn).attempt(() => ensureComponentSchemaAttempt(conn, schema));
  } catch (error) {
    throw error instanceof SchemaVersionError ? error : family.from(error);
  }
}
