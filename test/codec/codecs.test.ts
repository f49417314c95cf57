import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Encoder } from '@msgpack/msgpack';
import { CanonicalJsonError, canonicalJson } from '../../src/index.ts';
import { portableCodecs } from '../../src/core/codec/codecs.ts';
import { stableJsonSha256Hex } from '../../src/core/codec/canonical-json.ts';
import { bytesFromJson, stringifyJsonRow } from '../../src/core/codec/json-bytes.ts';
import { decodeMsgpack, encodeMsgpack } from '../../src/core/codec/msgpack.ts';
import { nodeCodecs } from '../../src/node.ts';

describe('SHA-256', () => {
  it('matches the FIPS test vectors', () => {
    assert.equal(portableCodecs.sha256Hex(new Uint8Array()), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(
      portableCodecs.sha256Hex(new TextEncoder().encode('abc')),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    assert.equal(
      portableCodecs.sha256Hex(new TextEncoder().encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')),
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('agrees with node:crypto at every padding boundary and on large inputs', () => {
    const lengths = [...Array.from({ length: 140 }, (_, i) => i), 1000, 4096, 65_537, 1_000_003];
    for (const length of lengths) {
      const data = randomBytes(length);
      const expected = createHash('sha256').update(data).digest('hex');
      assert.equal(portableCodecs.sha256Hex(data), expected, `length ${length}`);
      assert.equal(nodeCodecs.sha256Hex(data), expected, `length ${length}`);
    }
  });

  it('hashes a subarray view, not its whole buffer', () => {
    const buffer = randomBytes(100);
    const view = new Uint8Array(buffer.buffer, buffer.byteOffset + 10, 50);
    assert.equal(portableCodecs.sha256Hex(view), createHash('sha256').update(view).digest('hex'));
  });

  it('hashes strings as UTF-8 in both codecs', () => {
    for (const text of ['', 'chat/alpha', 'héllo 🌍', 'a'.repeat(1000)]) {
      const expected = createHash('sha256').update(text, 'utf8').digest('hex');
      assert.equal(portableCodecs.sha256Hex(text), expected);
      assert.equal(nodeCodecs.sha256Hex(text), expected);
    }
  });
});

describe('zlib codecs', () => {
  const samples = [
    new Uint8Array(),
    new TextEncoder().encode('hello hello hello hello'),
    new TextEncoder().encode(JSON.stringify(Array.from({ length: 500 }, (_, i) => ({ i, name: `tool-${i % 7}` })))),
    randomBytes(10_000),
  ];

  it('produce zlib streams (RFC 1950, level 6 header) that each implementation inflates', () => {
    for (const data of samples) {
      for (const writer of [portableCodecs, nodeCodecs]) {
        const compressed = writer.deflate(data);
        // CM 8 (deflate); CINFO is the window size, at most 32 KiB (node fits it to the input).
        assert.equal(compressed[0]! & 0x0f, 8, `${writer.name} writes a zlib header`);
        assert.ok(compressed[0]! >> 4 <= 7, `${writer.name} declares a window of at most 32 KiB`);
        assert.equal((compressed[0]! * 256 + compressed[1]!) % 31, 0, 'valid zlib header check bits');
        for (const reader of [portableCodecs, nodeCodecs]) {
          assert.deepEqual(
            Buffer.from(reader.inflate(compressed)),
            Buffer.from(data),
            `${writer.name} → ${reader.name}, ${data.length} bytes`,
          );
        }
      }
    }
  });

  it('compress at the level asked for (1–9), any other level at 6, and every stream inflates in both', () => {
    const data = samples[2]!;
    // node:zlib's level 1 takes another path than its level 6 (fflate's levels differ less).
    assert.notDeepEqual(Buffer.from(nodeCodecs.deflate(data, 1)), Buffer.from(nodeCodecs.deflate(data, 6)));
    for (const writer of [portableCodecs, nodeCodecs]) {
      const fast = writer.deflate(data, 1);
      const best = writer.deflate(data, 9);
      for (const level of [0, 10, 1.5, Number.NaN]) {
        assert.deepEqual(Buffer.from(writer.deflate(data, level)), Buffer.from(writer.deflate(data)), `${writer.name}: level ${level} is 6`);
      }
      for (const reader of [portableCodecs, nodeCodecs]) {
        for (const compressed of [fast, best]) assert.deepEqual(Buffer.from(reader.inflate(compressed)), Buffer.from(data));
      }
    }
  });

  it('refuse corrupt and truncated streams', () => {
    const compressed = nodeCodecs.deflate(samples[2]!);
    const truncated = compressed.subarray(0, compressed.length - 10);
    const flipped = compressed.slice();
    flipped[20] ^= 0xff;
    for (const codecs of [portableCodecs, nodeCodecs]) {
      assert.throws(() => codecs.inflate(truncated), `${codecs.name} refuses a truncated stream`);
      assert.throws(() => codecs.inflate(new Uint8Array([1, 2, 3, 4])), `${codecs.name} refuses garbage`);
    }
    // A flipped byte in the middle is caught by the Adler-32 trailer at the latest.
    assert.throws(() => nodeCodecs.inflate(flipped));
    assert.throws(() => portableCodecs.inflate(flipped));
  });
});

describe('canonical JSON', () => {
  it('is independent of key order at every level', () => {
    const a = { b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } };
    const b = { a: { c: null, d: [1, { y: 2, z: 1 }] }, b: 1 };
    assert.equal(canonicalJson(a), canonicalJson(b));
    assert.equal(canonicalJson(a), '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
    assert.equal(stableJsonSha256Hex(portableCodecs, a), stableJsonSha256Hex(nodeCodecs, b));
  });

  it('omits undefined members and keeps null', () => {
    assert.equal(canonicalJson({ a: undefined, b: null, c: [null, 1] }), '{"b":null,"c":[null,1]}');
  });

  it('refuses what is not JSON instead of hashing it as something else', () => {
    class Point {
      x = 1;
    }
    const cyclic: Record<string, unknown> = {};
    let deep = cyclic;
    for (let i = 0; i < 70; i++) deep = (deep.next = {}) as Record<string, unknown>;
    deep.next = cyclic;
    for (const [value, message] of [
      [[undefined, 1], /undefined \(or a hole\) in an array/],
      [[1, , 2], /undefined \(or a hole\)/],
      [{ f: () => 1 }, /cannot represent a function/],
      [{ s: Symbol('s') }, /cannot represent a symbol/],
      [{ d: new Date(0) }, /cannot represent a Date/],
      [{ m: new Map() }, /cannot represent a Map/],
      [new Set([1]), /cannot represent a Set/],
      [new Point(), /cannot represent a Point/],
      [{ n: Number.NaN }, /cannot represent NaN/],
      [{ n: -Infinity }, /cannot represent -Infinity/],
      [{ b: 1n }, /bigint/],
      [cyclic, /cyclic/],
    ] as const) {
      assert.throws(() => canonicalJson(value), (error: unknown) => error instanceof CanonicalJsonError && message.test((error as Error).message));
    }
    // A Date and a Map no longer hash alike (both used to be `{}`).
    assert.equal(canonicalJson(Object.create(null)), '{}');
  });

  it('writes bytes as number arrays, like serde writes Vec<u8>', () => {
    assert.equal(canonicalJson({ bytes: new Uint8Array([0, 1, 255]) }), '{"bytes":[0,1,255]}');
  });

  it('escapes like JSON.stringify and sorts keys by code unit', () => {
    assert.equal(canonicalJson({ 'é': 1, z: '"\n', A: 2 }), '{"A":2,"z":"\\"\\n","é":1}');
  });

  it('matches the reference stable hash for a plain tuple (catalogue §9)', () => {
    // H(["ui.button.pressed", {}]) is the default host-event source key digest.
    assert.equal(
      stableJsonSha256Hex(nodeCodecs, ['ui.button.pressed', {}]),
      '93e835cc58c043e45895883a41ffa460ab70a2372d57b8b6c23920025601c479',
    );
  });

  it('refuses what JSON cannot represent', () => {
    assert.throws(() => canonicalJson({ n: Number.NaN }), /NaN/);
    assert.throws(() => canonicalJson({ n: 1n }), /bigint/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => canonicalJson(cyclic), /cyclic/);
  });

  it('accepts a repeated (non-cyclic) reference', () => {
    const shared = { x: 1 };
    assert.equal(canonicalJson({ a: shared, b: shared }), '{"a":{"x":1},"b":{"x":1}}');
  });
});

describe('JSON rows with bytes', () => {
  it('writes Uint8Array as number arrays and reads them back', () => {
    const text = stringifyJsonRow({ snapshot: new Uint8Array([1, 2, 3]), nested: { b: new Uint8Array() } });
    assert.equal(text, '{"snapshot":[1,2,3],"nested":{"b":[]}}');
    const parsed = JSON.parse(text);
    assert.deepEqual(bytesFromJson(parsed.snapshot), new Uint8Array([1, 2, 3]));
  });

  it('refuses arrays that are not bytes', () => {
    assert.equal(bytesFromJson([1, 256]), null);
    assert.equal(bytesFromJson([1.5]), null);
    assert.equal(bytesFromJson('abc'), null);
  });
});

describe('msgpack for typed blobs', () => {
  it('gives equal bytes for equal values whatever their key order', () => {
    assert.deepEqual(encodeMsgpack({ b: 1, a: { y: 1, x: 2 } }), encodeMsgpack({ a: { x: 2, y: 1 }, b: 1 }));
  });

  it('returns an independent copy, not a view into a shared buffer', () => {
    const first = encodeMsgpack({ a: 1 });
    const snapshot = Array.from(first);
    encodeMsgpack({ a: 2, b: 'x'.repeat(100) });
    assert.deepEqual(Array.from(first), snapshot);
  });

  it('leaves out undefined members and keeps bytes as bytes', () => {
    const value = decodeMsgpack(encodeMsgpack({ a: undefined, b: new Uint8Array([9]) })) as Record<string, unknown>;
    assert.deepEqual(Object.keys(value), ['b']);
    assert.deepEqual(value.b, new Uint8Array([9]));
    // The reference's array-of-integers form decodes as numbers; readers convert it.
    assert.deepEqual(decodeMsgpack(new Encoder().encode([9, 8])), [9, 8]);
  });
});
