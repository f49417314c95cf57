/**
 * Process-registry fixtures of the conformance catalogue (§2.2) and a helper
 * that opens a registry on a fresh database of the driver under test.
 */
import type { TestContext } from 'node:test';
import {
  anySchema,
  externalInput,
  processRegistration,
  SqliteProcessRegistry,
  type ProcessEventType,
  type ProcessRegistration,
  type ProcessWakeSpec,
  type SqliteConnection,
  type SqliteProcessRegistryOptions,
} from '../../src/index.ts';
import type { DriverUnderTest, Location } from '../support/drivers.ts';
import { CapturingLogger } from '../support/logger.ts';

/** `registration(id)`: external input (metadata null), the core event types, owner `root`, host `default`. */
export function registration(id: string, extra: ProcessEventType[] = []): ProcessRegistration {
  return processRegistration(id, externalInput(null), extra);
}

/** Schema any; wake when `/wake_input` is present, input `/wake_input`, dedupe by event identity. */
export function wakeEventType(name: string): ProcessEventType {
  return wakeEventTypeWith(name, {
    when: { present: '/wake_input' },
    input: { pointer: '/wake_input' },
    dedupe_key: 'event_identity',
  });
}

export function wakeEventTypeWith(name: string, wake: ProcessWakeSpec): ProcessEventType {
  return { name, payload_schema: anySchema(), semantics: { wake } };
}

export function plainEventType(name: string): ProcessEventType {
  return { name, payload_schema: anySchema(), semantics: {} };
}

export interface Opened {
  location: Location;
  conn: SqliteConnection;
  registry: SqliteProcessRegistry;
  logger: CapturingLogger;
}

/** A registry on a fresh database; closed when the test ends. */
export async function freshRegistry(
  t: TestContext,
  driver: DriverUnderTest,
  options: SqliteProcessRegistryOptions = {},
): Promise<Opened> {
  const location = await driver.fresh(t);
  return openOn(t, location, options);
}

/** Another registry (on a new connection) over the same database. */
export async function openOn(
  t: TestContext,
  location: Location,
  options: SqliteProcessRegistryOptions = {},
): Promise<Opened> {
  const conn = await location.open();
  const logger = new CapturingLogger();
  const registry = await SqliteProcessRegistry.open(conn, { logger, ...options });
  t.after(() => registry.close());
  return { location, conn, registry, logger };
}

/** Resolves to the rejection of `promise`, failing if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}

/** Row counts of every process table: used to prove that a refused call changed nothing. */
export function tableCounts(conn: SqliteConnection): Record<string, number> {
  const tables = ['processes', 'process_events', 'process_wake_acks', 'process_handle_grants', 'process_leases'];
  return Object.fromEntries(
    tables.map((table) => [table, conn.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)!.n]),
  );
}

/** The whole content of the process tables, for before/after comparisons. */
export function dump(conn: SqliteConnection): Record<string, unknown[]> {
  const tables = ['processes', 'process_events', 'process_wake_acks', 'process_handle_grants', 'process_leases'];
  return Object.fromEntries(tables.map((table) => [table, conn.all(`SELECT * FROM ${table} ORDER BY 1, 2`)]));
}

/** `promise`, or a rejection after `ms` (the guard's timer is always cleared). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
