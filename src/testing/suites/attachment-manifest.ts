/** The attachment write-ahead manifest on the session store: intents before bytes, ordering, refusals. */
import { InMemoryAttachmentStore, SessionScopedAttachmentStore, type AttachmentCreateMeta } from '../../core/attachments/store.ts';
import { StoreError } from '../../core/contract/errors.ts';
import { ManualClock } from '../fixtures/clock.ts';
import { attachmentIntent, openFresh, snapshot } from '../fixtures/session.ts';
import type { ConformanceAssert, Kit } from '../harness.ts';

/** The metadata the attachment cases store with their bytes. */
export const attachmentMeta = (): AttachmentCreateMeta => ({ media_type: { kind: 'image', type: 'png' }, width: 7, height: 11, label: 'pixel' });

export function attachmentManifestSuite(kit: Kit): void {
  const { it, suite } = kit;
  const assert: ConformanceAssert = kit.assert;

  suite('attachment manifest on the store', (driver) => {
    it('records the write-ahead intent before the bytes, with the store as manifest', async (t) => {
      const clock = new ManualClock(5_000);
      const { store } = await openFresh(driver, t, { clock: clock.clock });
      const inner = new InMemoryAttachmentStore();
      const scoped = new SessionScopedAttachmentStore(inner, store, 'root', { clock: clock.clock });
      assert.equal(scoped.inner(), inner);
      assert.equal(scoped.manifest(), store);
      assert.equal(scoped.persistence(), 'Ephemeral');
      const ref = scoped.put(new Uint8Array([1, 2, 3]), attachmentMeta());
      assert.deepEqual(scoped.get(ref.id).bytes, new Uint8Array([1, 2, 3]));
      assert.deepEqual(store.listUncommitted(5_000), [
        { attachment_id: ref.id, session_id: 'root', canonical_uri: `sha256:${ref.id}`, intent_at_epoch_ms: 5_000, committed_at_epoch_ms: null },
      ]);
      assert.deepEqual(store.listUncommitted(4_999), []);
    });

    it('keeps the first intent, lists every session oldest first, and ignores unknown ids', async (t) => {
      const { store } = await openFresh(driver, t);
      store.recordIntent(attachmentIntent('b', 'root', 300));
      store.recordIntent(attachmentIntent('a', 'other', 200));
      store.recordIntent({ ...attachmentIntent('b', 'elsewhere', 100), canonical_uri: 'changed' });
      store.commitRefs('root', []);
      store.commitRefs('root', ['unknown']);
      store.commitRefs('root', ['a']); // another session's row is not stamped
      store.forget('never-recorded');
      assert.deepEqual(
        store.listUncommitted(1_000).map((e) => [e.attachment_id, e.session_id, e.intent_at_epoch_ms]),
        [['a', 'other', 200], ['b', 'root', 300]],
      );
    });

    it('refuses malformed intents and ids with a typed error, synchronously, changing nothing', async (t) => {
      const { store, conn } = await openFresh(driver, t);
      const before = snapshot(conn);
      for (const call of [
        () => store.recordIntent({ ...attachmentIntent('x'), attachment_id: '' }),
        () => store.recordIntent({ ...attachmentIntent('x'), intent_at_epoch_ms: -1 }),
        () => store.recordIntent({ ...attachmentIntent('x'), session_id: '\uDC00' }),
        () => store.commitRefs('root', ['ok', 'bad\0']),
        () => store.listUncommitted(Number.MAX_SAFE_INTEGER + 2),
        () => store.forget(7 as never),
      ]) {
        assert.throws(call, (error: unknown) => error instanceof StoreError && error.detail.kind === 'InvalidInput');
      }
      assert.equal(snapshot(conn), before);
    });
  });
}
