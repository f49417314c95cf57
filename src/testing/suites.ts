/** The suites of the conformance kit, by name, in the order `runConformance` runs them. */
import type { Kit } from './harness.ts';
import { artifactsSuite } from './suites/artifacts.ts';
import { attachmentManifestSuite } from './suites/attachment-manifest.ts';
import { effectControllerSuite } from './suites/effect-controller.ts';
import { effectHostSuite } from './suites/effect-host.ts';
import { garbageCollectionSuite } from './suites/garbage-collection.ts';
import { hostEventsSuite } from './suites/host-events.ts';
import { processLeasesSuite } from './suites/process-leases.ts';
import { processRegistrySuite } from './suites/process-registry.ts';
import { processReopenSuite } from './suites/process-reopen.ts';
import { queuedWorkStoreSuite } from './suites/queued-work-store.ts';
import { queuedWorkSuite } from './suites/queued-work.ts';
import { runtimePersistenceSuite } from './suites/runtime-persistence.ts';
import { schemaVersionsSuite } from './suites/schema-versions.ts';
import { sessionSchemaSuite } from './suites/session-schema.ts';

/**
 * The name of one suite of the kit. Each groups the cases of one contract
 * area (the catalogue ids are in the case titles, e.g. `RP-07`, `PR-18`).
 */
export type ConformanceSuiteName =
  | 'schema-versions'
  | 'runtime-persistence'
  | 'session-schema'
  | 'garbage-collection'
  | 'attachment-manifest'
  | 'artifacts'
  | 'queued-work'
  | 'queued-work-store'
  | 'process-registry'
  | 'process-leases'
  | 'process-reopen'
  | 'host-events'
  | 'effect-host'
  | 'effect-controller';

export const SUITES: Readonly<Record<ConformanceSuiteName, (kit: Kit) => void>> = {
  'schema-versions': schemaVersionsSuite,
  'runtime-persistence': runtimePersistenceSuite,
  'session-schema': sessionSchemaSuite,
  'garbage-collection': garbageCollectionSuite,
  'attachment-manifest': attachmentManifestSuite,
  artifacts: artifactsSuite,
  'queued-work': queuedWorkSuite,
  'queued-work-store': queuedWorkStoreSuite,
  'process-registry': processRegistrySuite,
  'process-leases': processLeasesSuite,
  'process-reopen': processReopenSuite,
  'host-events': hostEventsSuite,
  'effect-host': effectHostSuite,
  'effect-controller': effectControllerSuite,
};
