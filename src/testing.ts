/**
 * lash-sqlite-store/testing: the contract conformance suite as a library.
 * Another backend (a `SqliteConnection` driver) runs every contract case of
 * the package against itself in a few lines, on `node:test` by default:
 *
 * ```ts
 * import { runConformance } from 'lash-sqlite-store/testing';
 * runConformance({ name: 'my-driver', durability: 'durable', fresh: async (t) => … });
 * ```
 *
 * Node-only (it imports `node:test` and `node:assert/strict`); see
 * `docs/testing.md`.
 */
export type {
  ConformanceBackend,
  ConformanceCapabilities,
  ConformanceDatabase,
  ConformanceDurability,
  ConformanceOpenOptions,
  ConformanceTestContext,
} from './testing/backend.ts';
export type {
  ConformanceAssert,
  ConformanceCaseContext,
  ConformanceCaseOptions,
  ConformanceTestFunctions,
} from './testing/harness.ts';
export { CONFORMANCE_SUITES, runConformance } from './testing/run.ts';
export type { ConformanceOptions } from './testing/run.ts';
export type { ConformanceSuiteName } from './testing/suites.ts';
