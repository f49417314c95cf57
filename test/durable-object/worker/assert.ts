/**
 * `node:assert/strict` inside the Durable Object: workerd's own, except that
 * its deep comparisons call `propertyIsEnumerable` on the values compared,
 * which a null-prototype object (every row the drivers return) does not
 * have. The values are compared with their null prototypes replaced by one
 * shared stand-in prototype, so two null-prototype objects still match each
 * other, and never a plain object, exactly as under Node.
 */
import strict from 'node:assert/strict';

const NULL_PROTOTYPE = Object.freeze(
  Object.create(Object.prototype, { [Symbol.toStringTag]: { value: 'null prototype' } }) as object,
);

function comparable(value: unknown, seen = new Map<object, unknown>()): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(comparable(item, seen));
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== null && proto !== Object.prototype) return value;
  const out = Object.create(proto === null ? NULL_PROTOTYPE : Object.prototype) as Record<string, unknown>;
  seen.set(value, out);
  for (const key of Object.keys(value)) out[key] = comparable((value as Record<string, unknown>)[key], seen);
  return out;
}

type Deep = (actual: unknown, expected: unknown, message?: string | Error) => void;
const deep =
  (compare: Deep): Deep =>
  (actual, expected, message) =>
    compare(comparable(actual), comparable(expected), message);

const assert = Object.assign((value: unknown, message?: string | Error) => strict(value, message), strict, {
  deepEqual: deep(strict.deepStrictEqual),
  deepStrictEqual: deep(strict.deepStrictEqual),
  notDeepEqual: deep(strict.notDeepStrictEqual),
  notDeepStrictEqual: deep(strict.notDeepStrictEqual),
});
assert.strict = assert;

export default assert;
export const {
  ok,
  equal,
  notEqual,
  strictEqual,
  notStrictEqual,
  deepEqual,
  deepStrictEqual,
  notDeepEqual,
  notDeepStrictEqual,
  throws,
  doesNotThrow,
  rejects,
  doesNotReject,
  match,
  doesNotMatch,
  fail,
  ifError,
  AssertionError,
} = assert;
