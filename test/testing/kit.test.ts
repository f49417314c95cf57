/**
 * The conformance kit itself: what it registers, with injected test
 * functions, and how it treats a backend's capabilities and its failures.
 * (Its cases run for real in the contract test files, on both drivers.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CONFORMANCE_SUITES,
  runConformance,
  type ConformanceBackend,
  type ConformanceCaseContext,
  type ConformanceCaseOptions,
  type ConformanceOptions,
} from '../../src/testing.ts';
import { sqlJsDriver } from '../support/drivers.ts';

interface Registered {
  readonly name: string;
  readonly options: ConformanceCaseOptions;
  readonly fn: (t: ConformanceCaseContext) => Promise<void>;
}

/** Registers through recording test functions; returns every case, by full name. */
function record(backend: ConformanceBackend, options: Omit<ConformanceOptions, 'test'> = {}): Map<string, Registered> {
  const cases = new Map<string, Registered>();
  const path: string[] = [];
  runConformance(backend, {
    ...options,
    test: {
      describe(name, fn) {
        path.push(name);
        fn();
        path.pop();
      },
      it(name, caseOptions, fn) {
        const full = [...path, name].join(' > ');
        assert.ok(!cases.has(full), `two cases named ${full}`);
        cases.set(full, { name: full, options: caseOptions, fn });
      },
    },
  });
  return cases;
}

/** Runs one recorded case the way a runner would: `t.after` hooks last-first, `t.skip` recorded. */
async function runRecorded(registered: Registered): Promise<{ skipped: string | undefined }> {
  const hooks: Array<() => unknown> = [];
  let skipped: string | undefined;
  try {
    await registered.fn({ after: (fn) => void hooks.push(fn), skip: (message) => void (skipped = message ?? 'skipped') });
  } finally {
    for (const hook of hooks.reverse()) await hook();
  }
  return { skipped };
}

/** A backend on the repository's sql.js driver with other declarations. */
function sqljsAs(overrides: Partial<ConformanceBackend>): ConformanceBackend {
  return { name: 'sqljs-under-test', durability: 'inline', fresh: (t) => sqlJsDriver.fresh(t), ...overrides };
}

describe('conformance kit', () => {
  it('registers every suite, one describe per suite titled with the backend name, cases uniquely named', () => {
    const cases = record(sqljsAs({}));
    assert.ok(cases.size >= 120, `${cases.size} cases`);
    for (const name of cases.keys()) assert.match(name, /^[^>]+ \[sqljs-under-test\] > /);
    const perSuite = CONFORMANCE_SUITES.map((suite) => record(sqljsAs({}), { suites: [suite] }).size);
    assert.ok(perSuite.every((n) => n > 0), `every suite has cases: ${perSuite}`);
    assert.equal(perSuite.reduce((a, b) => a + b, 0), cases.size, 'the suites partition the cases');
  });

  it('refuses an unknown suite name before registering anything', () => {
    let registered = 0;
    assert.throws(
      () =>
        runConformance(sqljsAs({}), {
          suites: ['runtime-persistence', 'no-such-suite' as never],
          test: { describe: (_name, fn) => fn(), it: () => void registered++ },
        }),
      (error: unknown) => error instanceof TypeError && /unknown suite "no-such-suite"/.test(error.message),
    );
    assert.equal(registered, 0);
  });

  it('registers a case that needs an undeclared capability as skipped, with the reason', () => {
    const readOnlyCase = (backend: ConformanceBackend) =>
      [...record(backend, { suites: ['process-reopen'] }).values()].find((c) => c.name.includes('read-only connection'))!;
    assert.equal(readOnlyCase(sqljsAs({})).options.skip, 'not supported by backend sqljs-under-test: a read-only connection (capabilities.readOnly)');
    assert.equal(readOnlyCase(sqljsAs({ capabilities: { readOnly: true } })).options.skip, undefined);
  });

  it('skips, while it runs, a case that asks for a second database the backend rules out', async () => {
    const cadence = (backend: ConformanceBackend) =>
      [...record(backend, { suites: ['garbage-collection'] }).values()].find((c) => c.name.endsWith('auto-GC follows its cadence and is off by default'))!;
    const limited = await runRecorded(cadence(sqljsAs({ capabilities: { independentDatabases: false } })));
    assert.match(limited.skipped ?? '', /a second independent database in one case \(capabilities\.independentDatabases\)/);
    assert.deepEqual(await runRecorded(cadence(sqljsAs({}))), { skipped: undefined });
  });

  it('skips the reopen cases when a second connection is ruled out', async () => {
    const rp19 = [...record(sqljsAs({ capabilities: { multiConnection: false } }), { suites: ['runtime-persistence'] }).values()].find((c) =>
      c.name.includes('RP-19'),
    )!;
    assert.match((await runRecorded(rp19)).skipped ?? '', /a second connection to one database/);
  });

  it('fails a case when the backend does not do what it declares', async () => {
    // sql.js connections are inline; a backend that declares them durable fails RP-01.
    const rp01 = [...record(sqljsAs({ durability: 'durable' }), { suites: ['runtime-persistence'] }).values()].find((c) => c.name.includes('RP-01'))!;
    await assert.rejects(runRecorded(rp01), (error: unknown) => error instanceof assert.AssertionError && error.actual === 'inline' && error.expected === 'durable');
  });

  it('uses the injected assertions', async () => {
    const calls: string[] = [];
    const counting = new Proxy(assert, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? (...args: unknown[]) => (calls.push(String(key)), value.apply(target, args)) : value;
      },
    });
    const rp03 = [...record(sqljsAs({}), { suites: ['runtime-persistence'], assert: counting }).values()].find((c) => c.name.includes('RP-03'))!;
    await runRecorded(rp03);
    assert.ok(calls.includes('deepEqual') && calls.includes('equal'), calls.join(','));
  });

  it('docs/testing.md lists every suite in order, with its case count and the total', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/testing.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([a-z-]+)` \| (\d+) \|/gm)].map((m) => [m[1], Number(m[2])]);
    const actual = CONFORMANCE_SUITES.map((suite) => [suite, record(sqljsAs({}), { suites: [suite] }).size]);
    assert.deepEqual(rows, actual);
    const total = actual.reduce((sum, [, n]) => sum + (n as number), 0);
    assert.match(doc, new RegExp(`— ${total} cases,`));
    assert.match(doc, new RegExp(`two of the ${total} cases skipped`));
  });
});
