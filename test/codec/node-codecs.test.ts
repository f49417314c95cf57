/** node codecs: standard zlib streams (any inflater reads them), plain Uint8Arrays out. */
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { portableCodecs } from '../../src/core/codec/codecs.ts';
import { nodeCodecs } from '../../src/node.ts';

describe('node codecs', () => {
  it('compress like the default 32 KiB window, with a window fitted to the input', () => {
    for (const size of [0, 1, 300, 4096, 8192, 40_000, 100_000]) {
      const data = new TextEncoder().encode(Array.from({ length: size }, (_, i) => 'abcdefghij'[(i * 7919) % 10]).join(''));
      const packed = nodeCodecs.deflate(data);
      assert.equal(packed[0]! & 0x0f, 8, 'deflate method');
      assert.equal(((packed[0]! << 8) | packed[1]!) % 31, 0, 'header check bits');
      assert.ok(Buffer.from(packed.subarray(2)).equals(deflateSync(data, { level: 6 }).subarray(2)), `same compressed body at ${size}`);
      for (const inflate of [nodeCodecs.inflate, portableCodecs.inflate]) assert.ok(Buffer.from(inflate(packed)).equals(Buffer.from(data)));
    }
  });

  it('hand out plain Uint8Arrays, not Buffers', () => {
    const packed = nodeCodecs.deflate(new Uint8Array(5000));
    assert.equal(Object.getPrototypeOf(packed), Uint8Array.prototype);
    assert.equal(Object.getPrototypeOf(nodeCodecs.inflate(packed)), Uint8Array.prototype);
  });
});
