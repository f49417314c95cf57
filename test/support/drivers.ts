/**
 * The driver matrix every contract test runs against.
 *
 * `driver.fresh(t)` gives an empty database *location*; `location.open()`
 * opens a connection to it (a second call gives a second, independent
 * connection: a new `DatabaseSync` on the same file, or a new handle on the
 * same named sql.js database). Everything opened is closed and deleted when
 * the test ends.
 *
 * Each driver is also a backend of the conformance kit (`src/testing`): the
 * contract test files run the kit's suites on every driver of this matrix.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, type TestContext } from 'node:test';
import { openNodeSqlite, type NodeSqliteOptions } from '../../src/node.ts';
import { deleteSqlJsDatabase, openSqlJs, type SqlJsConnection } from '../../src/sqljs.ts';
import type { SqliteConnection } from '../../src/index.ts';
import type { ConformanceBackend } from '../../src/testing.ts';

export type DriverName = 'node-sqlite' | 'sqljs';

export interface Location {
  readonly driver: DriverName;
  /** File path (node-sqlite) or database name (sqljs). */
  readonly id: string;
  /** A new connection to this database. */
  open(options?: NodeSqliteOptions): Promise<SqliteConnection>;
  /** The database as SQLite file bytes. */
  image(): Promise<Uint8Array>;
}

export interface DriverUnderTest extends ConformanceBackend {
  readonly name: DriverName;
  /** True when the driver has real files, WAL and cross-process locking. */
  readonly multiProcess: boolean;
  fresh(t: TestContext | { after(fn: () => void): void }): Promise<Location>;
}

let counter = 0;

export function tempDir(t: { after(fn: () => void): void }, label = 'lash'): string {
  const dir = mkdtempSync(join(tmpdir(), `${label}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const nodeSqliteDriver: DriverUnderTest = {
  name: 'node-sqlite',
  multiProcess: true,
  durability: 'durable',
  capabilities: { readOnly: true },
  async fresh(t) {
    const dir = tempDir(t, 'lash-node');
    const path = join(dir, 'test.db');
    const opened: SqliteConnection[] = [];
    t.after(() => opened.forEach((conn) => conn.close()));
    return {
      driver: 'node-sqlite',
      id: path,
      async open(options) {
        const conn = openNodeSqlite(path, options);
        opened.push(conn);
        return conn;
      },
      async image() {
        const conn = openNodeSqlite(path);
        try {
          conn.exec('PRAGMA wal_checkpoint(TRUNCATE)');
          return conn.raw.serialize();
        } finally {
          conn.close();
        }
      },
    };
  },
};

export const sqlJsDriver: DriverUnderTest = {
  name: 'sqljs',
  multiProcess: false,
  durability: 'inline',
  async fresh(t) {
    const name = `test-${process.pid}-${++counter}`;
    const opened: SqlJsConnection[] = [];
    t.after(() => {
      opened.forEach((conn) => conn.close());
      deleteSqlJsDatabase(name);
    });
    return {
      driver: 'sqljs',
      id: name,
      async open() {
        const conn = await openSqlJs({ name });
        opened.push(conn);
        return conn;
      },
      async image() {
        const conn = await openSqlJs({ name });
        try {
          return conn.export();
        } finally {
          conn.close();
        }
      },
    };
  },
};

export const DRIVERS: readonly DriverUnderTest[] = [nodeSqliteDriver, sqlJsDriver];

/** `describe(title [driver])` once per driver. */
export function describeEachDriver(title: string, body: (driver: DriverUnderTest) => void): void {
  for (const driver of DRIVERS) describe(`${title} [${driver.name}]`, () => body(driver));
}

/** Writes a file image where a test wants one. */
export function writeImage(path: string, bytes: Uint8Array): void {
  writeFileSync(path, bytes);
}
