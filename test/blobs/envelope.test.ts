import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { Encoder } from '@msgpack/msgpack';
import { BlobDescriptors, type BlobArtifactDescriptor, type BuiltinBlobProfile } from '../../src/index.ts';
import { SESSION_SCHEMA } from '../../src/core/schema/session.ts';
import { ensureComponentSchema } from '../../src/core/schema/versions.ts';
import { portableCodecs } from '../../src/core/codec/codecs.ts';
import { writeTransaction } from '../../src/core/driver/transaction.ts';
import { insertArtifactBlob, insertRawBlob, lookupBlob, readBlob } from '../../src/core/blobs/blob-table.ts';
import { encodeEnvelope, envelopeContent, parseEnvelope } from '../../src/core/blobs/envelope.ts';
import { COMPRESSION_LEVEL, COMPRESSION_THRESHOLD, compressionFor } from '../../src/core/blobs/profile.ts';
import { nodeCodecs } from '../../src/node.ts';
import { describeEachDriver } from '../support/drivers.ts';
import { CapturingLogger } from '../support/logger.ts';

const profiles: BuiltinBlobProfile[] = ['LowLatency', 'Balanced', 'Compact'];
const descriptors: BlobArtifactDescriptor[] = [
  BlobDescriptors.generic(),
  BlobDescriptors.checkpointManifest(),
  BlobDescriptors.toolStateSnapshot(),
  BlobDescriptors.pluginSessionSnapshot(),
  BlobDescriptors.executionStateSnapshot(),
  BlobDescriptors.lashlangModule(),
  { kind: 'GenericBlob', hints: ['InlinePreferred'] },
  { kind: 'GenericBlob', hints: ['LargePayload'] },
];

function compressible(length: number): Uint8Array {
  return new TextEncoder().encode('tool manifest '.repeat(Math.ceil(length / 14))).subarray(0, length);
}

describe('blob envelope', () => {
  it('round-trips every profile, descriptor and size', () => {
    for (const profile of profiles) {
      for (const descriptor of descriptors) {
        for (const length of [0, 10, 1023, 1024, 4095, 4096, 20_000]) {
          const content = compressible(length);
          const bytes = encodeEnvelope(nodeCodecs, profile, descriptor, content);
          const envelope = parseEnvelope(bytes);
          assert.ok(envelope, `${profile} ${descriptor.kind} ${length} parses`);
          assert.deepEqual(envelope.descriptor, descriptor);
          assert.equal(envelope.compression, compressionFor(profile, descriptor, length));
          assert.deepEqual(Buffer.from(envelopeContent(portableCodecs, envelope)), Buffer.from(content));
        }
      }
    }
  });

  it('compresses exactly at the profile thresholds, and only Compressible blobs', () => {
    const manifest = BlobDescriptors.checkpointManifest();
    assert.equal(COMPRESSION_THRESHOLD.Balanced, 4096);
    assert.equal(COMPRESSION_THRESHOLD.Compact, 1024);
    assert.equal(compressionFor('Balanced', manifest, 4095), 'None');
    assert.equal(compressionFor('Balanced', manifest, 4096), 'Zlib');
    assert.equal(compressionFor('Compact', manifest, 1023), 'None');
    assert.equal(compressionFor('Compact', manifest, 1024), 'Zlib');
    assert.equal(compressionFor('LowLatency', manifest, 10_000_000), 'None');
    assert.equal(compressionFor('Compact', BlobDescriptors.generic(), 10_000_000), 'None');
    assert.equal(compressionFor('Compact', { kind: 'ToolState', hints: ['LargePayload'] }, 10_000_000), 'None');
  });

  it('writes the keys descriptor, compression, content in that order, hints left out when empty', () => {
    const bytes = encodeEnvelope(nodeCodecs, 'Balanced', BlobDescriptors.generic(), new Uint8Array([1]));
    assert.equal(bytes[0], 0x83, 'a 3-entry fixmap');
    const text = Buffer.from(bytes).toString('latin1');
    assert.ok(text.indexOf('descriptor') < text.indexOf('compression'));
    assert.ok(text.indexOf('compression') < text.indexOf('content'));
    assert.equal(text.includes('hints'), false);
  });

  it('writes exactly the bytes of encoding the whole map with @msgpack/msgpack, at every bin size', () => {
    const reference = new Encoder({ ignoreUndefined: true });
    for (const profile of profiles) {
      for (const descriptor of descriptors) {
        for (const length of [0, 1, 255, 256, 1023, 1024, 4096, 65_535, 65_536, 70_000]) {
          const content = compressible(length);
          const compression = compressionFor(profile, descriptor, length);
          const stored = compression === 'Zlib' ? nodeCodecs.deflate(content, COMPRESSION_LEVEL[profile]) : content;
          const hints = descriptor.hints && descriptor.hints.length > 0 ? descriptor.hints : undefined;
          const expected = reference.encode({
            descriptor: hints ? { kind: descriptor.kind, hints } : { kind: descriptor.kind },
            compression,
            content: stored,
          });
          assert.deepEqual(
            Buffer.from(encodeEnvelope(nodeCodecs, profile, descriptor, content)),
            Buffer.from(expected),
            `${profile} ${descriptor.kind} ${length}`,
          );
        }
      }
    }
  });

  it('reads content written as an array of integers (the Rust writer)', () => {
    const rustStyle = new Encoder().encode({
      descriptor: { kind: 'ToolState', hints: ['Compressible', 'LargePayload'] },
      compression: 'None',
      content: [1, 2, 3],
    });
    const envelope = parseEnvelope(rustStyle);
    assert.ok(envelope);
    assert.deepEqual(envelope.content, new Uint8Array([1, 2, 3]));
  });

  it('does not mistake other bytes for an envelope', () => {
    const encoder = new Encoder();
    const notEnvelopes = [
      new Uint8Array(),
      new TextEncoder().encode('plain text'),
      encoder.encode({ a: 1, b: 2, c: 3 }),
      encoder.encode({ descriptor: { kind: 'Nope' }, compression: 'None', content: new Uint8Array() }),
      encoder.encode({ descriptor: { kind: 'GenericBlob' }, compression: 'Gzip', content: new Uint8Array() }),
      encoder.encode({ descriptor: { kind: 'GenericBlob', hints: ['Fast'] }, compression: 'None', content: new Uint8Array() }),
      encoder.encode({ descriptor: { kind: 'GenericBlob' }, compression: 'None', content: [300] }),
      new Uint8Array([0x83, 0xff, 0x00]),
    ];
    for (const bytes of notEnvelopes) assert.equal(parseEnvelope(bytes), null);
  });

  it('gives identical refs and interchangeable envelopes with either codec set', () => {
    const content = compressible(10_000);
    const a = encodeEnvelope(nodeCodecs, 'Compact', BlobDescriptors.toolStateSnapshot(), content);
    const b = encodeEnvelope(portableCodecs, 'Compact', BlobDescriptors.toolStateSnapshot(), content);
    assert.equal(nodeCodecs.sha256Hex(content), portableCodecs.sha256Hex(content));
    for (const bytes of [a, b]) {
      for (const codecs of [nodeCodecs, portableCodecs]) {
        assert.deepEqual(Buffer.from(envelopeContent(codecs, parseEnvelope(bytes)!)), Buffer.from(content));
      }
    }
  });
});

describeEachDriver('blob table', (driver) => {
  async function setup(t: TestContext) {
    const conn = await (await driver.fresh(t)).open();
    ensureComponentSchema(conn, SESSION_SCHEMA);
    const logger = new CapturingLogger();
    return { conn, logger, io: { conn, codecs: conn.codecs ?? portableCodecs, logger } };
  }

  it('stores artifact blobs under the SHA-256 of the logical content and reads them back', async (t) => {
    const { conn, io } = await setup(t);
    const content = compressible(9000);
    const ref = writeTransaction(conn, () =>
      insertArtifactBlob(io, 'Balanced', BlobDescriptors.toolStateSnapshot(), content),
    );
    assert.equal(ref, nodeCodecs.sha256Hex(content));
    const stored = conn.get<{ content: Uint8Array }>('SELECT content FROM blobs WHERE hash = ?', [ref])!.content;
    assert.ok(stored.length < content.length / 4, 'compressed under Balanced');
    assert.deepEqual(Buffer.from(readBlob(io, ref)!), Buffer.from(content));
    const found = lookupBlob(io, ref);
    assert.equal(found.status, 'ok');
    assert.deepEqual(found.status === 'ok' && found.descriptor, BlobDescriptors.toolStateSnapshot());
  });

  it('keeps the first envelope when the same content is stored again', async (t) => {
    const { conn, io } = await setup(t);
    const content = compressible(5000);
    const first = writeTransaction(conn, () => insertArtifactBlob(io, 'LowLatency', BlobDescriptors.generic(), content));
    const second = writeTransaction(conn, () =>
      insertArtifactBlob(io, 'Compact', BlobDescriptors.toolStateSnapshot(), content),
    );
    assert.equal(first, second);
    const found = lookupBlob(io, first);
    assert.ok(found.status === 'ok');
    assert.deepEqual(found.descriptor, BlobDescriptors.generic());
    assert.equal(conn.get<{ n: number }>('SELECT COUNT(*) AS n FROM blobs')!.n, 1);
  });

  it('stores raw blobs without an envelope', async (t) => {
    const { conn, io } = await setup(t);
    const content = new TextEncoder().encode('raw bytes');
    const ref = writeTransaction(conn, () => insertRawBlob(io, content));
    assert.deepEqual(conn.get<{ content: Uint8Array }>('SELECT content FROM blobs')!.content, content);
    assert.deepEqual(readBlob(io, ref), content);
    const found = lookupBlob(io, ref);
    assert.ok(found.status === 'ok' && found.descriptor === null);
  });

  it('reads a raw blob that happens to look like an envelope as itself', async (t) => {
    const { conn, io } = await setup(t);
    const envelopeBytes = encodeEnvelope(nodeCodecs, 'LowLatency', BlobDescriptors.generic(), new Uint8Array([7]));
    const ref = writeTransaction(conn, () => insertRawBlob(io, envelopeBytes));
    assert.deepEqual(readBlob(io, ref), envelopeBytes);
  });

  it('reports a missing blob as missing', async (t) => {
    const { io } = await setup(t);
    assert.deepEqual(lookupBlob(io, 'f'.repeat(64)), { status: 'missing' });
    assert.equal(readBlob(io, 'f'.repeat(64)), null);
  });

  it('treats a corrupt compressed blob as corrupt: null and a warning, never the envelope bytes', async (t) => {
    const { conn, io, logger } = await setup(t);
    const content = compressible(9000);
    const ref = writeTransaction(conn, () =>
      insertArtifactBlob(io, 'Compact', BlobDescriptors.toolStateSnapshot(), content),
    );
    const stored = conn.get<{ content: Uint8Array }>('SELECT content FROM blobs WHERE hash = ?', [ref])!.content;
    const broken = stored.slice(0, stored.length - 8); // truncated zlib stream inside a valid-looking envelope
    const reEncoded = new Encoder().encode({ ...(parseEnvelope(stored) as object), content: parseEnvelope(stored)!.content.subarray(0, 40) });
    for (const bad of [broken, reEncoded]) {
      writeTransaction(conn, () => conn.run('UPDATE blobs SET content = ? WHERE hash = ?', [bad, ref]));
      assert.equal(readBlob(io, ref), null);
      assert.equal(lookupBlob(io, ref).status, 'corrupt');
    }
    assert.ok(logger.warnings.some((w) => /corrupt/.test(w.message) && w.details?.ref === ref));
  });

  it('treats content that does not match its ref as corrupt', async (t) => {
    const { conn, io, logger } = await setup(t);
    const ref = writeTransaction(conn, () => insertRawBlob(io, new Uint8Array([1, 2, 3])));
    writeTransaction(conn, () => conn.run('UPDATE blobs SET content = ? WHERE hash = ?', [new Uint8Array([1, 2, 4]), ref]));
    const found = lookupBlob(io, ref);
    assert.deepEqual(found, { status: 'corrupt', reason: 'content does not match its SHA-256 ref' });
    assert.equal(readBlob(io, ref), null);
    assert.equal(logger.warnings.length, 1);
  });
});
