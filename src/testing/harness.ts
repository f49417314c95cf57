/**
 * The harness the suites are written against: the injected test functions,
 * the assertions, and the backend wrapped so that a case needing a
 * capability the backend lacks ends as skipped (with the reason) instead of
 * failing on it.
 */
import type { strict } from 'node:assert';
import type {
  ConformanceBackend,
  ConformanceCapabilities,
  ConformanceDatabase,
  ConformanceTestContext,
} from './backend.ts';

/** `node:assert/strict`, or anything with its shape. */
export type ConformanceAssert = typeof strict;

/** Options the kit passes with a case: `skip` is set when the backend lacks what the case needs. */
export interface ConformanceCaseOptions {
  /** The reason the case is skipped; absent when it runs. */
  readonly skip?: string;
}

/** The context a case receives from the test runner (`node:test`'s `TestContext` is one). */
export interface ConformanceCaseContext extends ConformanceTestContext {
  /** Marks the running case as skipped with `message` (the kit returns right after). */
  skip(message?: string): void;
}

/**
 * The test functions the kit registers its cases with. `node:test`'s
 * `describe` and `it` fit; so does any runner with the same calling shape.
 */
export interface ConformanceTestFunctions {
  /** Groups cases; `fn` registers them synchronously. */
  describe(name: string, fn: () => void): unknown;
  /** One case; `fn` resolves when it passed and rejects when it failed. */
  it(name: string, options: ConformanceCaseOptions, fn: (t: ConformanceCaseContext) => Promise<void>): unknown;
}

/** The capabilities with their defaults applied. */
export type ResolvedCapabilities = Required<ConformanceCapabilities>;

/** The backend as the suites see it: capabilities resolved, every use checked against them. */
export interface KitBackend extends ConformanceBackend {
  readonly capabilities: ResolvedCapabilities;
}

/** The body of a case as the suites write it. */
type CaseBody = (t: ConformanceCaseContext) => Promise<void> | void;

/** What a suite module receives. */
export interface Kit {
  readonly assert: ConformanceAssert;
  /** A `describe` titled `<title> [<backend name>]`; `body` registers its cases, given the backend. */
  suite(title: string, body: (driver: KitBackend) => void): void;
  /** Registers a case (`it(name, fn)` or `it(name, kit.needs('readOnly'), fn)`). */
  it(name: string, fn: CaseBody): void;
  it(name: string, options: ConformanceCaseOptions, fn: CaseBody): void;
  /** The case options for a case that needs `capability`: skipped when the backend lacks it. */
  needs(capability: keyof ConformanceCapabilities): ConformanceCaseOptions;
}

const DEFAULT_CAPABILITIES: ResolvedCapabilities = { multiConnection: true, independentDatabases: true, readOnly: false };

const DESCRIPTIONS: Record<keyof ConformanceCapabilities, string> = {
  multiConnection: 'a second connection to one database',
  independentDatabases: 'a second independent database in one case',
  readOnly: 'a read-only connection',
};

/** Thrown when a case asks the backend for what its capabilities rule out; the case is then skipped. */
class UnsupportedByBackend extends Error {
  override name = 'UnsupportedByBackend';
}

function reasonFor(backend: string, capability: keyof ConformanceCapabilities): string {
  return `not supported by backend ${backend}: ${DESCRIPTIONS[capability]} (capabilities.${capability})`;
}

function unsupported(backend: string, capability: keyof ConformanceCapabilities): never {
  throw new UnsupportedByBackend(reasonFor(backend, capability));
}

/** The UnsupportedByBackend in an error's cause chain (components wrap what they throw), if any. */
function unsupportedIn(error: unknown): UnsupportedByBackend | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof UnsupportedByBackend) return e;
  }
  return undefined;
}

function checked(backend: ConformanceBackend, capabilities: ResolvedCapabilities): KitBackend {
  const databases = new WeakMap<ConformanceTestContext, number>();
  return {
    name: backend.name,
    durability: backend.durability,
    capabilities,
    async fresh(t) {
      const count = (databases.get(t) ?? 0) + 1;
      databases.set(t, count);
      if (count > 1 && !capabilities.independentDatabases) unsupported(backend.name, 'independentDatabases');
      const database = await backend.fresh(t);
      let connections = 0;
      const open: ConformanceDatabase['open'] = async (options) => {
        if (++connections > 1 && !capabilities.multiConnection) unsupported(backend.name, 'multiConnection');
        if (options?.readOnly === true && !capabilities.readOnly) unsupported(backend.name, 'readOnly');
        return database.open(options);
      };
      return { open };
    },
  };
}

/** The harness for one backend. */
export function createKit(backend: ConformanceBackend, test: ConformanceTestFunctions, assert: ConformanceAssert): Kit {
  const capabilities: ResolvedCapabilities = { ...DEFAULT_CAPABILITIES, ...backend.capabilities };
  const driver = checked(backend, capabilities);
  // A capability the backend lacks can show up only while a case runs (a
  // helper opens a second connection): that case ends as skipped, not failed.
  const register = (name: string, options: ConformanceCaseOptions, fn: CaseBody) => {
    test.it(name, options, async (t) => {
      try {
        await fn(t);
      } catch (error) {
        const reason = unsupportedIn(error);
        if (reason === undefined) throw error;
        t.skip(reason.message);
      }
    });
  };
  function it(name: string, ...rest: [CaseBody] | [ConformanceCaseOptions, CaseBody]): void {
    if (rest.length === 1) register(name, {}, rest[0]);
    else register(name, rest[0], rest[1]);
  }
  return {
    assert,
    suite: (title, body) => void test.describe(`${title} [${backend.name}]`, () => body(driver)),
    it,
    needs: (capability) => (capabilities[capability] ? {} : { skip: reasonFor(backend.name, capability) }),
  };
}
