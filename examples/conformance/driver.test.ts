/**
 * Every contract case of lash-sqlite-store against two drivers, on node:test:
 * run it with `node --test driver.test.ts`. The drivers here are the
 * package's own node:sqlite and sql.js connections; put yours in their place.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqliteConnection } from 'lash-sqlite-store';
import { openNodeSqlite } from 'lash-sqlite-store/node';
import { deleteSqlJsDatabase, openSqlJs } from 'lash-sqlite-store/sqljs';
import { runConformance, type ConformanceBackend } from 'lash-sqlite-store/testing';

// A file-backed driver: each case gets a new file, and every open() is
// another connection to it (the reopen cases write through one, read through another).
const fileDriver: ConformanceBackend = {
  name: 'node:sqlite file',
  durability: 'durable',
  capabilities: { readOnly: true },
  async fresh(t) {
    const dir = mkdtempSync(join(tmpdir(), 'conformance-'));
    const opened: SqliteConnection[] = [];
    // The kit never closes a connection it was given: whoever opens it closes it.
    t.after(() => {
      for (const conn of opened) conn.close();
      rmSync(dir, { recursive: true, force: true });
    });
    return {
      async open(options) {
        const conn = openNodeSqlite(join(dir, 'test.db'), options);
        opened.push(conn);
        return conn;
      },
    };
  },
};

// An in-memory driver: handles opened with the same name share one database.
let databases = 0;
const memoryDriver: ConformanceBackend = {
  name: 'sql.js memory',
  durability: 'inline',
  async fresh(t) {
    const name = `conformance-${process.pid}-${++databases}`;
    const opened: SqliteConnection[] = [];
    t.after(() => {
      for (const conn of opened) conn.close();
      deleteSqlJsDatabase(name);
    });
    return {
      async open() {
        const conn = await openSqlJs({ name });
        opened.push(conn);
        return conn;
      },
    };
  },
};

runConformance(fileDriver);
runConformance(memoryDriver);
