/**
 * `runConformance`: registers the contract cases of the conformance kit
 * against one backend, with `node:test` and `node:assert/strict` unless
 * other test functions are given.
 */
import assertStrict from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConformanceBackend } from './backend.ts';
import { createKit, type ConformanceAssert, type ConformanceTestFunctions } from './harness.ts';
import { SUITES, type ConformanceSuiteName } from './suites.ts';

/** Every suite of the kit, in the order {@link runConformance} registers them. */
export const CONFORMANCE_SUITES: readonly ConformanceSuiteName[] = Object.freeze(Object.keys(SUITES) as ConformanceSuiteName[]);

/** How {@link runConformance} registers the cases. */
export interface ConformanceOptions {
  /** Only these suites (default: every suite in {@link CONFORMANCE_SUITES}). */
  readonly suites?: readonly ConformanceSuiteName[];
  /** The test functions to register with (default: `describe` and `it` of `node:test`). */
  readonly test?: ConformanceTestFunctions;
  /** The assertions the cases use (default: `node:assert/strict`). */
  readonly assert?: ConformanceAssert;
}

const NODE_TEST: ConformanceTestFunctions = { describe, it };

/**
 * Registers every contract case of the kit (or of `options.suites`) against
 * `backend`: one `describe` per suite, titled `<suite title> [<backend name>]`,
 * one `it` per case. Call it at the top level of a test file; the runner
 * then runs the cases. A case that needs a capability the backend does not
 * declare is registered as skipped, with the reason.
 *
 * @throws TypeError when `options.suites` names a suite the kit does not have.
 */
export function runConformance(backend: ConformanceBackend, options: ConformanceOptions = {}): void {
  const names = options.suites ?? CONFORMANCE_SUITES;
  const unknown = names.filter((name) => !Object.hasOwn(SUITES, name));
  if (unknown.length > 0) {
    throw new TypeError(`runConformance: unknown suite ${unknown.map((name) => JSON.stringify(name)).join(', ')}; the suites are ${CONFORMANCE_SUITES.join(', ')}`);
  }
  const kit = createKit(backend, options.test ?? NODE_TEST, options.assert ?? assertStrict);
  for (const name of names) SUITES[name](kit);
}
