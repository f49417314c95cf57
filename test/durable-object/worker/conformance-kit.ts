/**
 * The conformance kit (`lash-sqlite-store/testing`) inside the Durable
 * Object: every suite of the kit, registered with the in-object `node:test`
 * stand-in and assertions, against the object's own storage. This is the kit
 * run for a third backend, the way another driver's author would run it.
 */
import { runConformance } from '../../../src/testing.ts';
import assert from './assert.ts';
import { durableObjectDriver } from './drivers.ts';
import { describe, it, markDriverSuite } from './node-test.ts';

runConformance(durableObjectDriver, {
  test: {
    // The kit's suites are contract cases: mark them as `describeEachDriver` marks its own.
    describe: (name, fn) =>
      describe(name, () => {
        markDriverSuite();
        fn();
      }),
    it,
  },
  assert,
});
