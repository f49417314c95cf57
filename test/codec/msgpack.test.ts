/**
 * The direct msgpack encoder must write exactly what `@msgpack/msgpack`
 * writes with `{sortKeys, ignoreUndefined}`: blob refs hash these bytes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Encoder } from '@msgpack/msgpack';
import { decodeMsgpack, encodeMsgpack, encodeMsgpackTransient } from '../../src/core/codec/msgpack.ts';

const reference = new Encoder({ sortKeys: true, ignoreUndefined: true });

function same(value: unknown, label = JSON.stringify(value)?.slice(0, 80)): void {
  assert.ok(Buffer.from(encodeMsgpack(value)).equals(Buffer.from(reference.encode(value))), label);
}

/** A seeded generator of JSON-shaped values with awkward numbers and strings. */
function randomValue(seed: number, depth = 0): unknown {
  let x = seed;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const pick = <T>(items: readonly T[]) => items[next() % items.length]!;
  const numbers = [0, -0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, -1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 53) + 1, 0.5, -1.25, 1e300, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -(2 ** 60)];
  const strings = ['', 'a', 'é', '🌍', 'x'.repeat(10), 'x'.repeat(11), 'é'.repeat(11), 'x'.repeat(31), 'x'.repeat(32), 'é'.repeat(50), 'é'.repeat(51), '\uD800', 'a\uDC00b', 'x'.repeat(255), 'x'.repeat(256), '🌍'.repeat(40)];
  const kind = depth > 2 ? next() % 5 : next() % 8;
  switch (kind) {
    case 0: return null;
    case 1: return pick([true, false, undefined]);
    case 2: return pick(numbers);
    case 3: return pick(strings);
    case 4: return new Uint8Array(pick([0, 1, 255, 256, 300])).map((_, i) => i);
    case 5:
    case 6: return Array.from({ length: pick([0, 1, 2, 16]) }, (_, i) => randomValue(next() + i, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = pick([0, 1, 2, 16]); i > 0; i--) out[pick(strings).slice(0, 40) + (next() % 50)] = randomValue(next(), depth + 1);
      return out;
    }
  }
}

describe('msgpack encoder', () => {
  it('writes the bytes of @msgpack/msgpack for every kind of JSON-shaped value', () => {
    for (let seed = 1; seed <= 2000; seed++) same(randomValue(seed), `seed ${seed}`);
  });

  it('switches to 16- and 32-bit headers at the same sizes', () => {
    same({ s: 'y'.repeat(70_000), t: 'é'.repeat(40_000), b: new Uint8Array(70_000), a: new Array(70_000).fill(1) });
    same(Object.fromEntries(Array.from({ length: 70_000 }, (_, i) => [`k${i}`, i])));
  });

  it('sorts keys, skips undefined members and round-trips', () => {
    same({ b: 1, a: { d: undefined, c: [undefined, null] } });
    assert.deepEqual(decodeMsgpack(encodeMsgpack({ b: 1, a: 2, z: undefined })), { a: 2, b: 1 });
    assert.deepEqual(Array.from(encodeMsgpack({ b: 1, a: 2 })), Array.from(encodeMsgpack({ a: 2, b: 1 })));
  });

  it('sorts keys by UTF-16 code units as the library does, on both sides of the insertion-sort limit', () => {
    const keys = ['b', 'a', 'Z', '_', 'é', '中', '\u{1F600}', '\uFF5E', '0', 'aa', 'ab', 'B', 'ba', '', 'a\u0000'];
    for (let size = 2; size <= keys.length; size++) {
      const shuffled = keys.slice(0, size).reverse();
      same(Object.fromEntries(shuffled.map((key, i) => [key, i])));
      same(Object.fromEntries([...shuffled.slice(1), shuffled[0]!].map((key, i) => [key, { [key]: i, z: i, a: i }])));
    }
  });

  it('leaves dates, other typed arrays, class instances and errors to @msgpack/msgpack', () => {
    same({ when: new Date(1_700_000_000_123) });
    same(new Int16Array([1, -1]));
    same(new Map([['a', 1]]));
    same(Object.assign(Object.create({ inherited: 1 }), { own: 2 }));
    assert.throws(() => encodeMsgpack({ n: 10n }), /Unrecognized object|bigint/i);
    assert.throws(() => encodeMsgpack({ f: () => 1 }), /Unrecognized object/);
    let deep: unknown = 1;
    for (let i = 0; i < 150; i++) deep = [deep];
    assert.throws(() => encodeMsgpack(deep), /Too deep/);
  });

  it('returns a copy that later encodes do not overwrite', () => {
    const first = encodeMsgpack({ a: 'first' });
    const copy = Array.from(first);
    encodeMsgpack({ a: 'second value, longer' });
    assert.deepEqual(Array.from(first), copy);
    const big = encodeMsgpack({ blob: new Uint8Array(3 * 1024 * 1024) });
    assert.equal(big.length, 3 * 1024 * 1024 + 11);
    same({ after: 'a large value' });
  });

  it('hands out a transient view that equals the copy, and stays whole past a retired buffer', () => {
    const value = { tools: { search: { description: 'x'.repeat(500) } } };
    const view = encodeMsgpackTransient(value);
    assert.deepEqual(Buffer.from(view), Buffer.from(reference.encode(value)));
    const huge = encodeMsgpackTransient({ blob: new Uint8Array(2 * 1024 * 1024).fill(7) });
    const expectedTail = Array.from(huge.subarray(huge.length - 4));
    encodeMsgpack({ later: 'the working buffer was replaced after the huge value' });
    assert.equal(huge.length, 2 * 1024 * 1024 + 11);
    assert.deepEqual(Array.from(huge.subarray(huge.length - 4)), expectedTail);
    assert.deepEqual(Array.from(huge.subarray(huge.length - 4)), [7, 7, 7, 7]);
  });
});
