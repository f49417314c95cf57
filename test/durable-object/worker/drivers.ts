/**
 * Stands in for `test/support/drivers.ts` inside the Durable Object: the one
 * driver under test is the object's own storage. A case's first `fresh()` is
 * the object's database (each case runs in a new object); `open()` gives
 * another connection to it. What one object cannot give — a second
 * independent database, a read-only connection, a file image — is reported
 * as not applicable.
 *
 * The driver is also the Durable Object's backend for the conformance kit
 * (worker/conformance-kit.ts): it declares what one object can give, so the
 * kit skips what it cannot.
 */
import { describe } from './node-test.ts';
import { markDriverSuite } from './node-test.ts';
import { openDurableObjectSqlite, type DurableObjectStorageLike } from '../../../src/durable-object.ts';
import type { SqliteConnection } from '../../../src/index.ts';
import type { ConformanceBackend } from '../../../src/testing.ts';
import { notApplicable } from './not-applicable.ts';

export type DriverName = 'node-sqlite' | 'sqljs' | 'durable-object';

export interface Location {
  readonly driver: DriverName;
  readonly id: string;
  open(options?: { readOnly?: boolean; codecs?: unknown }): Promise<SqliteConnection>;
  image(): Promise<Uint8Array>;
}

export interface DriverUnderTest extends ConformanceBackend {
  readonly name: DriverName;
  readonly multiProcess: boolean;
  fresh(t: { after(fn: () => void): void }): Promise<Location>;
}

let storage: DurableObjectStorageLike | undefined;
let handedOut = false;
let maxParams = 0;

/** The storage the next case runs on (its object's `ctx.storage`). */
export function beginCase(next: DurableObjectStorageLike): void {
  storage = next;
  handedOut = false;
  maxParams = 0;
}

/** The most parameters any statement of the case bound (the platform allows 100). */
export function maxParamsOfCase(): number {
  return maxParams;
}

/** The connection, counting the parameters of every statement. */
function counting(conn: SqliteConnection): SqliteConnection {
  const count = (params: unknown) => {
    if (Array.isArray(params)) maxParams = Math.max(maxParams, params.length);
  };
  return new Proxy(conn, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      if (key === 'run' || key === 'get' || key === 'all') {
        return (sql: string, params?: unknown) => {
          count(params);
          return value.call(target, sql, params);
        };
      }
      return value.bind(target);
    },
  });
}

export const durableObjectDriver: DriverUnderTest = {
  name: 'durable-object',
  multiProcess: false,
  durability: 'durable',
  // One object holds one database; it has no read-only connections.
  capabilities: { independentDatabases: false, readOnly: false },
  async fresh(t) {
    if (storage === undefined) throw new Error('no storage: beginCase was not called');
    if (handedOut) notApplicable('a second independent database (one object holds one)');
    handedOut = true;
    const opened: SqliteConnection[] = [];
    const own = storage;
    t.after(() => opened.forEach((conn) => conn.close()));
    return {
      driver: 'durable-object',
      id: 'durable-object',
      async open(options = {}) {
        if (options.readOnly) notApplicable('a read-only connection');
        // The location names the database in messages, as a file path does.
        const conn = counting(
          openDurableObjectSqlite(own, { location: 'durable-object', ...(options.codecs === undefined ? {} : { codecs: options.codecs as never }) }),
        );
        opened.push(conn);
        return conn;
      },
      async image() {
        return notApplicable('the database as a file image');
      },
    };
  },
};

const unavailable = (name: DriverName): DriverUnderTest => ({
  name,
  multiProcess: name === 'node-sqlite',
  durability: name === 'node-sqlite' ? 'durable' : 'inline',
  fresh: async () => notApplicable(`the ${name} driver`),
});

export const nodeSqliteDriver = unavailable('node-sqlite');
export const sqlJsDriver = unavailable('sqljs');
export const DRIVERS: readonly DriverUnderTest[] = [durableObjectDriver];

export function describeEachDriver(title: string, body: (driver: DriverUnderTest) => void): void {
  describe(`${title} [durable-object]`, () => {
    markDriverSuite();
    body(durableObjectDriver);
  });
}

export function tempDir(): string {
  return notApplicable('a temporary directory');
}

export function writeImage(): void {
  notApplicable('writing a database file');
}
