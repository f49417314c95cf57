/** Attachment byte stores (catalogue §8.3, AS-1..AS-4), the write-ahead wrapper, and the manifest's edges. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AttachmentStoreError,
  InMemoryAttachmentStore,
  NOOP_ATTACHMENT_MANIFEST,
  SessionScopedAttachmentStore,
  StoreError,
  contentId,
  type AttachmentCreateMeta,
  type AttachmentManifest,
} from '../../src/index.ts';
import { ManualClock } from '../support/clock.ts';
import { describeEachDriver } from '../support/drivers.ts';
import { attachmentIntent, openFresh, snapshot } from './helpers.ts';

const attachmentMeta = (): AttachmentCreateMeta => ({ media_type: { kind: 'image', type: 'png' }, width: 7, height: 11, label: 'pixel' });

describe('attachment byte store (in memory)', () => {
  it('AS-1 round-trips bytes and meta', () => {
    const store = new InMemoryAttachmentStore();
    const ref = store.put(new Uint8Array([1, 2, 3, 4, 5]), attachmentMeta());
    const stored = store.get(ref.id);
    assert.deepEqual(stored.bytes, new Uint8Array([1, 2, 3, 4, 5]));
    assert.equal(stored.meta.id, ref.id);
    assert.equal(stored.meta.byte_len, 5);
    assert.deepEqual(stored.meta.media_type, { kind: 'image', type: 'png' });
    assert.equal(stored.meta.width, 7);
    assert.equal(stored.meta.height, 11);
    assert.equal(stored.meta.label, 'pixel');
  });

  it('AS-2 is content-addressed', () => {
    const store = new InMemoryAttachmentStore();
    const a = store.put(new Uint8Array([9, 9, 9]), attachmentMeta());
    const b = store.put(new Uint8Array([9, 9, 9]), attachmentMeta());
    const c = store.put(new Uint8Array([9, 9, 8]), attachmentMeta());
    assert.equal(a.id, b.id);
    assert.notEqual(a.id, c.id);
    assert.equal(a.id, contentId(new Uint8Array([9, 9, 9])));
    assert.match(a.id, /^[0-9a-f]{64}$/);
  });

  it('AS-3 an unknown id is NotFound', () => {
    const store = new InMemoryAttachmentStore();
    assert.throws(
      () => store.get('sha256:does-not-exist'),
      (error: unknown) => error instanceof AttachmentStoreError && error.detail.kind === 'NotFound' && /was not found/.test(error.message),
    );
  });

  it('AS-4 reports its declared persistence', () => {
    assert.equal(new InMemoryAttachmentStore().persistence(), 'Ephemeral');
  });

  it('RP-06b the no-op manifest accepts everything and lists nothing', () => {
    NOOP_ATTACHMENT_MANIFEST.recordIntent(attachmentIntent('noop'));
    NOOP_ATTACHMENT_MANIFEST.commitRefs('root', ['noop']);
    assert.deepEqual(NOOP_ATTACHMENT_MANIFEST.listUncommitted(200), []);
    NOOP_ATTACHMENT_MANIFEST.forget('noop');
  });

  it('the session-scoped store writes no byte when the intent cannot be recorded', () => {
    const inner = new InMemoryAttachmentStore();
    const failing: AttachmentManifest = { ...NOOP_ATTACHMENT_MANIFEST, recordIntent() { throw new Error('disk full'); } };
    const scoped = new SessionScopedAttachmentStore(inner, failing, 'root');
    const bytes = new Uint8Array([1]);
    assert.throws(
      () => scoped.put(bytes, attachmentMeta()),
      (error: unknown) =>
        error instanceof AttachmentStoreError &&
        error.detail.kind === 'ManifestRecordFailed' &&
        error.message === `attachment manifest write failed: failed to record attachment intent for \`${contentId(bytes)}\`: disk full`,
    );
    assert.throws(() => inner.get(contentId(bytes)), AttachmentStoreError);
  });
});

describeEachDriver('attachment manifest on the store', (driver) => {
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
