/** The lashlang artifact store on the session store (catalogue §8.2, AR-1..AR-5), with opaque JSON fixtures. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ArtifactStoreError, InMemoryLashlangArtifactStore, type ModuleArtifact } from '../../src/index.ts';
import { moduleArtifactFromStoreBytes, moduleArtifactToStoreBytes } from '../../src/core/artifacts/lashlang.ts';
import { writeTransaction } from '../../src/core/driver/transaction.ts';
import { utf8Encode } from '../../src/core/codec/utf8.ts';
import { describeEachDriver } from '../support/drivers.ts';
import { openFresh, rejection, snapshot } from './helpers.ts';

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/session-artifacts.json', import.meta.url), 'utf8')) as {
  echo: ModuleArtifact;
  scan: ModuleArtifact;
};
const sample = (): ModuleArtifact => structuredClone(fixtures.echo);
const bytesOf = (artifact: ModuleArtifact) => Array.from(moduleArtifactToStoreBytes(artifact));

describeEachDriver('lashlang artifact store', (driver) => {
  const tier = driver.name === 'node-sqlite' ? 'durable' : 'inline';

  it('AR-1 put then get round-trips the artifact byte-identically', async (t) => {
    const { store } = await openFresh(driver, t);
    const artifact = sample();
    await store.putModuleArtifact(artifact);
    const loaded = (await store.getModuleArtifact(artifact.module_ref))!;
    assert.ok(loaded !== null);
    assert.equal(loaded.module_ref, artifact.module_ref);
    assert.equal(loaded.required_surface_ref, artifact.required_surface_ref);
    assert.deepEqual(loaded.exports, artifact.exports);
    assert.deepEqual(bytesOf(loaded), bytesOf(artifact));
  });

  it('AR-2 an unknown ref is null, not an error', async (t) => {
    const { store } = await openFresh(driver, t);
    assert.equal(await store.getModuleArtifact(sample().module_ref), null);
  });

  it(`AR-3 reports its declared tier (${tier})`, async (t) => {
    const { store } = await openFresh(driver, t);
    assert.equal(store.durabilityTier(), tier);
  });

  it('AR-4 survives reopen: a second handle decodes the stored bytes', async (t) => {
    const { store, reopen } = await openFresh(driver, t);
    const reopened = await reopen();
    const artifact = sample();
    await store.putModuleArtifact(artifact);
    const loaded = (await reopened.getModuleArtifact(artifact.module_ref))!;
    assert.equal(loaded.module_ref, artifact.module_ref);
    assert.equal(loaded.required_surface_ref, artifact.required_surface_ref);
    assert.deepEqual(loaded.exports, artifact.exports);
    assert.deepEqual(bytesOf(loaded), bytesOf(artifact));
  });

  it('AR-5 round-trips a module with dependencies; process refs match', async (t) => {
    const { store, reopen } = await openFresh(driver, t);
    const linked = structuredClone(fixtures.scan);
    await store.putModuleArtifact(linked);
    for (const source of [store, await reopen()]) {
      const restored = (await source.getModuleArtifact(linked.module_ref))!;
      assert.equal(restored.module_ref, linked.module_ref);
      assert.deepEqual(restored.exports.processes?.scan, linked.exports.processes?.scan);
      assert.deepEqual(restored.dependencies, linked.dependencies);
    }
  });

  it('hands out copies from its per-instance cache: mutating one changes nothing stored or returned later', async (t) => {
    const { store, reopen } = await openFresh(driver, t);
    const artifact = sample();
    await store.putModuleArtifact(artifact);
    artifact.required_surface_ref = 'changed after put';
    const loaded = (await store.getModuleArtifact(artifact.module_ref))!;
    assert.equal(loaded.required_surface_ref, fixtures.echo.required_surface_ref);
    loaded.required_surface_ref = 'changed after get';
    (loaded.exports as Record<string, unknown>).processes = 'mutated';
    const again = (await store.getModuleArtifact(artifact.module_ref))!;
    assert.equal(again.required_surface_ref, fixtures.echo.required_surface_ref);
    assert.deepEqual(again.exports, fixtures.echo.exports);
    assert.notEqual(again, loaded);
    assert.deepEqual(await (await reopen()).getModuleArtifact(artifact.module_ref), again);
  });

  it('refuses undecodable bytes, a mismatched module_ref and a dangling index with ArtifactStoreError', async (t) => {
    const { store, conn, reopen, logger } = await openFresh(driver, t);
    const echo = sample();
    const scan = structuredClone(fixtures.scan);
    await store.putModuleArtifact(echo);
    await store.putModuleArtifact(scan);
    const refOf = (moduleRef: string): string => conn.get<{ blob_ref: string }>('SELECT blob_ref FROM artifact_refs WHERE artifact_ref = ?', [moduleRef])!.blob_ref;
    const junk = await store.putBlob(utf8Encode('not an artifact'));
    writeTransaction(conn, () => conn.run('UPDATE artifact_refs SET blob_ref = ? WHERE artifact_ref = ?', [junk, echo.module_ref]));
    const undecodable = await rejection((await reopen()).getModuleArtifact(echo.module_ref));
    assert.ok(undecodable instanceof ArtifactStoreError);
    assert.equal(undecodable.kind, 'Decode');

    writeTransaction(conn, () => conn.run('UPDATE artifact_refs SET blob_ref = ? WHERE artifact_ref = ?', [refOf(scan.module_ref), echo.module_ref]));
    const mismatched = await rejection((await reopen()).getModuleArtifact(echo.module_ref));
    assert.ok(mismatched instanceof ArtifactStoreError);
    assert.equal(mismatched.kind, 'Decode');
    assert.match(mismatched.message, /failed to decode lashlang artifact: artifact stored under/);

    writeTransaction(conn, () => conn.run('UPDATE blobs SET content = ? WHERE hash = ?', [utf8Encode('tampered'), junk]));
    writeTransaction(conn, () => conn.run('UPDATE artifact_refs SET blob_ref = ? WHERE artifact_ref = ?', [junk, echo.module_ref]));
    const corrupt = await rejection((await reopen()).getModuleArtifact(echo.module_ref));
    assert.ok(corrupt instanceof ArtifactStoreError && corrupt.kind === 'Decode');
    assert.match(corrupt.message, /corrupt/);

    writeTransaction(conn, () => conn.run('DELETE FROM blobs WHERE hash = ?', [refOf(scan.module_ref)]));
    const dangling = await rejection((await reopen()).getModuleArtifact(scan.module_ref));
    assert.ok(dangling instanceof ArtifactStoreError);
    assert.equal(dangling.kind, 'Backend');
    assert.match(dangling.message, /points at a missing blob/);
    assert.ok(logger.warnings.length >= 1);
  });

  it('refuses a malformed artifact or ref and writes nothing', async (t) => {
    const { store, conn } = await openFresh(driver, t);
    const before = snapshot(conn);
    const error = await rejection(store.putModuleArtifact({ ...sample(), module_ref: 'not-a-ref' }));
    assert.ok(error instanceof ArtifactStoreError);
    assert.equal(error.kind, 'Encode');
    const missing = await rejection(store.putModuleArtifact({ ...sample(), canonical_ir: undefined as never }));
    assert.ok(missing instanceof ArtifactStoreError && missing.kind === 'Encode');
    assert.equal(snapshot(conn), before);
    const badRef = await rejection(store.getModuleArtifact('x\0y'));
    assert.ok(badRef instanceof ArtifactStoreError);
  });
});

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
