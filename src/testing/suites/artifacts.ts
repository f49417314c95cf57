/** The lashlang artifact store on the session store (catalogue §8.2, AR-1..AR-5), with opaque JSON fixtures. */
import { ArtifactStoreError } from '../../core/contract/errors.ts';
import { moduleArtifactToStoreBytes, type ModuleArtifact } from '../../core/artifacts/lashlang.ts';
import { writeTransaction } from '../../core/driver/transaction.ts';
import { utf8Encode } from '../../core/codec/utf8.ts';
import { ARTIFACT_FIXTURES } from '../fixtures/artifacts.ts';
import { openFresh, rejection, snapshot } from '../fixtures/session.ts';
import type { ConformanceAssert, Kit } from '../harness.ts';

export function artifactsSuite(kit: Kit): void {
  const { it, suite } = kit;
  const assert: ConformanceAssert = kit.assert;

  const fixtures = ARTIFACT_FIXTURES;
  const sample = (): ModuleArtifact => structuredClone(fixtures.echo);
  const bytesOf = (artifact: ModuleArtifact) => Array.from(moduleArtifactToStoreBytes(artifact));

  suite('lashlang artifact store', (driver) => {
    const tier = driver.durability;

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
}
