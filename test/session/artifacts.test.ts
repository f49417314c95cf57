/**
 * The lashlang artifact codec and the in-memory artifact store. The artifact
 * store cases on the session store (AR-1..AR-5) are the `artifacts` suite of
 * the conformance kit (src/testing/suites/artifacts.ts), run here on both
 * drivers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArtifactStoreError, InMemoryLashlangArtifactStore, type ModuleArtifact } from '../../src/index.ts';
import { moduleArtifactFromStoreBytes, moduleArtifactToStoreBytes } from '../../src/advanced.ts';
import { utf8Encode } from '../../src/core/codec/utf8.ts';
import { runConformance } from '../../src/testing.ts';
import { ARTIFACT_FIXTURES as fixtures } from '../../src/testing/fixtures/artifacts.ts';
import { DRIVERS } from '../support/drivers.ts';

const sample = (): ModuleArtifact => structuredClone(fixtures.echo);
const bytesOf = (artifact: ModuleArtifact) => Array.from(moduleArtifactToStoreBytes(artifact));

for (const driver of DRIVERS) runConformance(driver, { suites: ['artifacts'] });

describe('lashlang artifact codec', () => {
  it('AR-X refuses corrupted store bytes', () => {
    const error = (() => {
      try {
        moduleArtifactFromStoreBytes(utf8Encode('not an artifact'));
      } catch (e) {
        return e;
      }
    })();
    assert.ok(error instanceof ArtifactStoreError);
    assert.equal(error.kind, 'Decode');
  });

  it('encodes canonically: key order does not matter, empty dependencies are skipped', () => {
    const artifact = sample();
    const reordered = Object.fromEntries(Object.entries(artifact).reverse()) as ModuleArtifact;
    assert.deepEqual(bytesOf(reordered), bytesOf(artifact));
    assert.deepEqual(bytesOf({ ...artifact, dependencies: [] }), bytesOf(artifact));
  });

  it('the in-memory artifact store satisfies AR-1..AR-3', async () => {
    const store = new InMemoryLashlangArtifactStore();
    assert.equal(store.durabilityTier(), 'inline');
    assert.equal(await store.getModuleArtifact(sample().module_ref), null);
    await store.putModuleArtifact(sample());
    assert.deepEqual(bytesOf((await store.getModuleArtifact(sample().module_ref))!), bytesOf(sample()));
  });
});
