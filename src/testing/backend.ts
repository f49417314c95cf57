/**
 * What the conformance kit needs to know about a backend: how to get an
 * empty database and connections to it, what it can do, and the durability
 * it declares. The kit runs every contract case against it.
 */
import type { SqliteConnection } from '../core/driver/types.ts';

/** The durability tier a backend declares; every component on it must report this tier. */
export type ConformanceDurability = 'durable' | 'inline';

/**
 * The per-case context the kit hands to {@link ConformanceBackend.fresh}: the
 * backend registers its clean-up with `after` (close the connections it
 * opened, delete the database). `node:test`'s `TestContext` is one.
 */
export interface ConformanceTestContext {
  /** Runs `fn` when the case ends, pass or fail. */
  after(fn: () => unknown): void;
}

/** Options a case may pass to {@link ConformanceDatabase.open}. */
export interface ConformanceOpenOptions {
  /** A read-only connection (only asked for when {@link ConformanceCapabilities.readOnly} is true). */
  readonly readOnly?: boolean;
}

/** One empty database of the backend, made for one case. */
export interface ConformanceDatabase {
  /**
   * A new connection to this database. A second call must give a second,
   * independent connection to the *same* database (another `DatabaseSync` on
   * the same file, another handle on the same named in-memory database): the
   * reopen cases write through one and read through the other.
   */
  open(options?: ConformanceOpenOptions): Promise<SqliteConnection>;
}

/**
 * What a backend can do beyond one connection to one database. A case that
 * needs a capability the backend lacks is reported as skipped, with the
 * reason, never as passed.
 */
export interface ConformanceCapabilities {
  /** `open()` may be called more than once on one database (default `true`). */
  readonly multiConnection?: boolean;
  /** `fresh()` may be called more than once in one case, giving independent databases (default `true`). */
  readonly independentDatabases?: boolean;
  /** `open({ readOnly: true })` gives a connection that refuses writes (default `false`). */
  readonly readOnly?: boolean;
}

/** A backend under test: a `SqliteConnection` driver and the databases it opens. */
export interface ConformanceBackend {
  /** Shown in every suite title, e.g. `runtime persistence conformance [my-driver]`. */
  readonly name: string;
  /** The tier its connections declare (`ConnectionInfo.durability`); the tier cases expect it. */
  readonly durability: ConformanceDurability;
  /** What it can do; omitted fields take their documented defaults. */
  readonly capabilities?: ConformanceCapabilities;
  /**
   * An empty database for one case. Register the clean-up with `t.after`:
   * the kit never closes a connection it was given (the component contract:
   * whoever opened a connection closes it).
   */
  fresh(t: ConformanceTestContext): Promise<ConformanceDatabase>;
}
