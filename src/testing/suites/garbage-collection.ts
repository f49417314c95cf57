/** Garbage collection (SQ-2, SQ-8, SQ-9) and its refusal to guess on undecodable roots. */
import { BlobDescriptors } from '../../core/blobs/descriptor.ts';
import { StoreError } from '../../core/contract/errors.ts';
import { persistedStateCommit } from '../../core/session/turn-commit.ts';
import { writeTransaction } from '../../core/driver/transaction.ts';
import { type ModuleArtifact } from '../../core/artifacts/lashlang.ts';
import { utf8Encode } from '../../core/codec/utf8.ts';
import { DEFAULT_BLOB_GRACE_MS } from '../../core/blobs/pins.ts';
import { ManualClock } from '../fixtures/clock.ts';
import { commitAt, count, defaultState, model, openFresh, rejection, snapshot } from '../fixtures/session.ts';
import type { ConformanceAssert, Kit } from '../harness.ts';

export function garbageCollectionSuite(kit: Kit): void {
  const { it, suite } = kit;
  const assert: ConformanceAssert = kit.assert;

  /** A store clock the test moves past the grace period of blobs written on their own. */
  function graceClock(): { clock: ManualClock; expire(): void } {
    const clock = new ManualClock();
    return { clock, expire: () => void clock.advance(DEFAULT_BLOB_GRACE_MS + 1) };
  }

  const artifact: ModuleArtifact = {
    module_ref: `lashlang:v1:sha256:${'1'.repeat(64)}`,
    required_surface_ref: 'surface:empty',
    required_surface: {},
    exports: { processes: { echo: { component: 'c0', pos: 0 } } },
    canonical_ir: { components: [] },
  };

  suite('garbage collection', (driver) => {
    it('SQ-2 keeps the live committed checkpoint blobs and deletes the orphan (once its grace period is over)', async (t) => {
      const time = graceClock();
      const { store } = await openFresh(driver, t, { blobProfile: 'LowLatency', clock: time.clock.clock });
      const orphan = await store.putArtifactBlob(BlobDescriptors.pluginSessionSnapshot(), utf8Encode('orphan-blob'));
      const state = defaultState('root', {
        tool_state_snapshot: { generation: 3, tools: {} },
        plugin_snapshot: { plugins: {} },
        plugin_snapshot_revision: 5,
        execution_state_snapshot: new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
      });
      const result = await store.commitRuntimeState({ ...persistedStateCommit(state), expected_head_revision: 0 });
      time.expire();
      const report = await store.gcUnreachable();
      assert.ok(report.deleted_blob_count >= 1);
      assert.equal(report.deleted_blob_count, 1);
      assert.equal(await store.getBlob(orphan), null);
      assert.ok((await store.getBlob(result.checkpoint_ref)) !== null);
      const checkpoint = (await store.getCheckpoint(result.checkpoint_ref))!;
      for (const ref of [checkpoint.tool_state_ref, checkpoint.plugin_snapshot_ref, checkpoint.execution_state_ref]) {
        assert.ok(ref !== null);
        assert.ok((await store.getBlob(ref)) !== null, `child blob ${ref} survives`);
      }
      assert.deepEqual(report, { root_count: 1, retained_blob_count: 4, deleted_blob_count: 1 });
    });

    it('SQ-8 keeps the blobs of a checkpoint rooted by saveSessionHead', async (t) => {
      const time = graceClock();
      const { store } = await openFresh(driver, t, { blobProfile: 'LowLatency', clock: time.clock.clock });
      const stored = await store.putCheckpoint({
        turn_state: {
          turn_index: 1,
          token_usage: { input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, reasoning_tokens: 0 },
          protocol_turn_options: { payload: {} },
        },
        tool_state_ref: null,
        tool_state: { generation: 7, tools: {} },
        plugin_snapshot_ref: null,
        plugin_snapshot: { plugins: {} },
        plugin_snapshot_revision: 11,
        execution_state_ref: null,
        execution_state: null,
      });
      await store.saveSessionHead({
        session_id: 'root',
        head_revision: 0,
        agent_frames: [],
        current_agent_frame_id: '',
        graph: { nodes: [] },
        config: { provider_id: 'openai-compatible', model: model('gpt-5.4-mini') },
        checkpoint_ref: stored.checkpoint_ref,
      });
      const orphan = await store.putArtifactBlob(BlobDescriptors.pluginSessionSnapshot(), utf8Encode('orphan'));
      time.expire();
      assert.equal((await store.gcUnreachable()).deleted_blob_count, 1);
      const checkpoint = (await store.getCheckpoint(stored.checkpoint_ref))!;
      assert.ok(checkpoint.tool_state_ref !== null && checkpoint.plugin_snapshot_ref !== null);
      for (const ref of [stored.checkpoint_ref, checkpoint.tool_state_ref, checkpoint.plugin_snapshot_ref]) {
        assert.ok((await store.getBlob(ref)) !== null);
      }
      assert.equal(await store.getBlob(orphan), null);
    });

    it('SQ-9 auto-GC runs after a commit, in its own transaction', async (t) => {
      const time = graceClock();
      const { store } = await openFresh(driver, t, { blobProfile: 'LowLatency', gcPolicy: { autoRunEveryCommits: 1 }, clock: time.clock.clock });
      const orphan = await store.putArtifactBlob(BlobDescriptors.pluginSessionSnapshot(), utf8Encode('orphan'));
      time.expire();
      await store.commitRuntimeState(persistedStateCommit(defaultState('auto-gc')));
      assert.equal(await store.getBlob(orphan), null);
    });

    it('auto-GC follows its cadence and is off by default', async (t) => {
      const time = graceClock();
      const { store, conn } = await openFresh(driver, t, { gcPolicy: { autoRunEveryCommits: 3 }, clock: time.clock.clock });
      const orphan = await store.putBlob(utf8Encode('orphan'));
      time.expire();
      await store.commitRuntimeState(commitAt('root', null));
      await store.commitRuntimeState(commitAt('root', null));
      assert.ok((await store.getBlob(orphan)) !== null);
      await store.commitRuntimeState(commitAt('root', null));
      assert.equal(await store.getBlob(orphan), null);
      const { store: plain } = await openFresh(driver, t);
      const kept = await plain.putBlob(utf8Encode('kept'));
      for (let i = 0; i < 5; i++) await plain.commitRuntimeState(commitAt('root', null));
      assert.ok((await plain.getBlob(kept)) !== null);
      assert.ok(count(conn, 'blobs') > 0);
    });

    it('roots lashlang artifacts and the execution-state refs of the head frames', async (t) => {
      const { store } = await openFresh(driver, t);
      await store.putModuleArtifact(artifact);
      const frameState = await store.putArtifactBlob(BlobDescriptors.executionStateSnapshot(), new Uint8Array([7, 7]));
      const state = defaultState('root');
      state.agent_frames = [{ ...state.agent_frames[0]!, execution_state_ref: frameState }];
      await store.commitRuntimeState(persistedStateCommit(state));
      const report = await store.gcUnreachable();
      assert.equal(report.deleted_blob_count, 0);
      assert.equal(report.root_count, 3);
      assert.ok((await store.getBlob(frameState)) !== null);
      assert.equal((await store.getModuleArtifact(artifact.module_ref))?.module_ref, artifact.module_ref);
    });

    it('aborts, deleting nothing, when the live manifest or the head cannot be decoded', async (t) => {
      const { store, conn } = await openFresh(driver, t);
      const result = await store.commitRuntimeState(commitAt('root', 0));
      await store.putBlob(utf8Encode('garbage'));
      writeTransaction(conn, () => conn.run('UPDATE blobs SET content = ? WHERE hash = ?', [utf8Encode('not a manifest'), result.checkpoint_ref]));
      let before = snapshot(conn);
      let error = await rejection(store.gcUnreachable());
      assert.ok(error instanceof StoreError);
      assert.match(error.message, new RegExp(`gc: live checkpoint manifest \`${result.checkpoint_ref}\` could not be decoded`));
      assert.equal(snapshot(conn), before);

      writeTransaction(conn, () => conn.run("UPDATE session_head SET head_json = '{oops'"));
      before = snapshot(conn);
      error = await rejection(store.gcUnreachable());
      assert.ok(error instanceof StoreError);
      assert.match(error.message, /gc: the session head could not be decoded/);
      assert.equal(snapshot(conn), before);
    });

    it('a failing auto-GC never fails the commit; the failure is logged', async (t) => {
      const { store, conn, logger, reopen } = await openFresh(driver, t);
      const result = await store.commitRuntimeState(commitAt('root', 0));
      // Corrupt the manifest row; an identical commit reuses its ref (content addressing keeps the first row).
      writeTransaction(conn, () => conn.run('UPDATE blobs SET content = ? WHERE hash = ?', [utf8Encode('corrupt'), result.checkpoint_ref]));
      const gcEveryCommit = await reopen({ gcPolicy: { autoRunEveryCommits: 1 } });
      const next = await gcEveryCommit.commitRuntimeState(commitAt('root', 1));
      assert.equal(next.head_revision, 2);
      assert.equal(next.checkpoint_ref, result.checkpoint_ref);
      assert.ok(logger.warnings.some((w) => /auto-GC after a commit failed/.test(w.message)));
    });

    it('logs live refs whose blobs are missing and still sweeps the rest', async (t) => {
      const time = graceClock();
      const { store, conn, logger } = await openFresh(driver, t, { clock: time.clock.clock });
      const state = defaultState('root', { tool_state_snapshot: { generation: 1, tools: {} } });
      const result = await store.commitRuntimeState(persistedStateCommit(state));
      writeTransaction(conn, () => conn.run('DELETE FROM blobs WHERE hash = ?', [result.manifest.tool_state_ref!]));
      await store.putBlob(utf8Encode('garbage'));
      time.expire();
      const report = await store.gcUnreachable();
      assert.equal(report.deleted_blob_count, 1);
      assert.ok(logger.warnings.some((w) => /missing blobs/.test(w.message)));
      // The hydrated checkpoint keeps the ref and reads the value as missing.
      const read = (await store.loadSession({ kind: 'FullGraph' }))!;
      assert.equal(read.checkpoint?.tool_state, null);
      assert.equal(read.checkpoint?.tool_state_ref, result.manifest.tool_state_ref);
    });
  });
}
