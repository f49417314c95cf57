/**
 * Attachment byte stores (catalogue §8.3, AS-1..AS-4) and the write-ahead
 * wrapper, in memory. The manifest cases on the store are the
 * `attachment-manifest` suite of the conformance kit
 * (src/testing/suites/attachment-manifest.ts), run here on both drivers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AttachmentStoreError,
  InMemoryAttachmentStore,
  NOOP_ATTACHMENT_MANIFEST,
  SessionScopedAttachmentStore,
  contentId,
  type AttachmentManifest,
} from '../../src/index.ts';
import { runConformance } from '../../src/testing.ts';
import { attachmentMeta } from '../../src/testing/suites/attachment-manifest.ts';
import { DRIVERS } from '../support/drivers.ts';
import { attachmentIntent } from './helpers.ts';

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

for (const driver of DRIVERS) runConformance(driver, { suites: ['attachment-manifest'] });
