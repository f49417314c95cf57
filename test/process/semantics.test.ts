/**
 * The pure parts of event handling: the LashSchema validator (cases of the
 * reference's own tests), JSON pointers, selectors, and terminal
 * materialization.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PluginError, type JsonValue } from '../../src/index.ts';
import { jsonPointer, selectValue } from '../../src/core/process/selectors.ts';
import { lashSchemaProblem } from '../../src/core/process/lash-schema.ts';
import { materializeSemantics } from '../../src/core/process/materialize.ts';

describe('LashSchema validator', () => {
  const tokenSchema = {
    type: 'object',
    properties: { access_token: { type: 'string' } },
    required: ['access_token'],
    additionalProperties: false,
  };

  it('reports the reference messages', () => {
    assert.equal(lashSchemaProblem(tokenSchema, {}), 'access_token: required property missing');
    const limit = { type: 'object', properties: { page_limit: { type: 'integer', maximum: 20 } }, required: ['page_limit'], additionalProperties: false };
    assert.equal(lashSchemaProblem(limit, { page_limit: 100 }), 'page_limit: expected integer <= 20, got 100');
    const noExtra = { type: 'object', properties: { limit: { type: 'integer', maximum: 100 } }, required: ['limit'] };
    assert.equal(lashSchemaProblem(noExtra, { min_datetime: '2024', limit: 20 }), 'min_datetime: unexpected property');
    assert.equal(lashSchemaProblem({ type: 'string' }, 5), 'arguments: expected string, got 5');
    assert.equal(lashSchemaProblem({ type: ['string', 'null'] }, true), 'arguments: expected string or null, got true');
    assert.equal(lashSchemaProblem({ enum: ['a', 1] }, 'b'), 'arguments: expected one of "a", 1, got "b"');
    assert.equal(lashSchemaProblem({ anyOf: [{ type: 'string' }, { type: 'integer' }] }, 1.5), 'arguments: expected matching schema, got 1.5');
    assert.equal(lashSchemaProblem({ type: 'string', minLength: 3 }, 'ab'), 'arguments: expected string length >= 3, got "ab"');
    assert.equal(lashSchemaProblem({ type: 'array', maxItems: 1 }, [1, 2]), 'arguments: expected array items <= 1, got 2 items');
    assert.equal(
      lashSchemaProblem({ type: 'array', items: { type: 'object', properties: { x: { type: 'number' } } } }, [{ x: 1 }, { x: 'no' }]),
      '[1].x: expected number, got "no"',
    );
    assert.equal(lashSchemaProblem({ type: 'string' }, 'quote"\n'), null);
    assert.equal(lashSchemaProblem({ type: 'number' }, 'quote"\n'), 'arguments: expected number, got "quote\\"\\n"');
  });

  it('accepts what the reference accepts', () => {
    assert.equal(lashSchemaProblem({}, { anything: [1, 2] }), null);
    assert.equal(lashSchemaProblem(true, 'non-object schemas accept everything'), null);
    assert.equal(lashSchemaProblem({ type: 'mystery' }, 1), null, 'unknown type names pass');
    assert.equal(lashSchemaProblem({ type: 'object', properties: { a: {} }, additionalProperties: true }, { b: 1 }), null);
    assert.equal(lashSchemaProblem({ type: 'object', properties: { query: { type: 'string' } } }, { query: 'q', __session_id__: 's' }), null);
    assert.equal(lashSchemaProblem({ type: 'object', additionalProperties: false }, { b: 1 }), null, 'no properties: extras are not checked');
    assert.equal(
      lashSchemaProblem({ type: 'object', properties: {}, additionalProperties: { type: 'string' } }, { b: 1 }),
      'b: expected string, got 1',
    );
    assert.equal(lashSchemaProblem({ type: 'string', maxLength: 2 }, '😀😀'), null, 'length counts scalar values');
    assert.equal(lashSchemaProblem({ type: 'integer' }, 2 ** 63), null);
    assert.equal(lashSchemaProblem({ type: 'integer' }, 2 ** 64), 'arguments: expected integer, got 18446744073709552000');
    assert.equal(lashSchemaProblem({ enum: [{ a: 1, b: 2 }] }, { b: 2, a: 1 }), null);
    assert.equal(lashSchemaProblem({ oneOf: [{ type: 'string' }, { type: 'string' }] }, 'x'), null, 'oneOf is anyOf');
  });
});

describe('JSON pointers and selectors', () => {
  const doc: JsonValue = { a: { 'b/c': [10, { '~d': true }] }, '': 'empty', list: [0, 1] };

  it('follow serde_json pointer rules', () => {
    assert.deepEqual(jsonPointer(doc, ''), doc);
    assert.equal(jsonPointer(doc, '/a/b~1c/0'), 10);
    assert.equal(jsonPointer(doc, '/a/b~1c/1/~0d'), true);
    assert.equal(jsonPointer(doc, '/'), 'empty');
    assert.equal(jsonPointer(doc, 'a'), undefined, 'must start with /');
    assert.equal(jsonPointer(doc, '/list/01'), undefined, 'no leading zeros');
    assert.equal(jsonPointer(doc, '/list/-'), undefined);
    assert.equal(jsonPointer(doc, '/list/+1'), undefined);
    assert.equal(jsonPointer(doc, '/list/2'), undefined);
    assert.equal(jsonPointer(doc, '/list/1'), 1);
    assert.equal(jsonPointer(doc, '/a/toString'), undefined, 'only own keys');
  });

  it('select values; a missing pointer is an error', () => {
    assert.equal(selectValue(doc, { present: '/a' }), true);
    assert.equal(selectValue(doc, { present: '/zzz' }), false);
    assert.deepEqual(selectValue(doc, { const: { k: 1 } }), { k: 1 });
    assert.throws(() => selectValue(doc, { pointer: '/zzz' }), (error: unknown) =>
      error instanceof PluginError && error.message === 'plugin session error: payload pointer `/zzz` did not match');
  });

  it('render templates field by field in name order, values verbatim', () => {
    const payload = { x: '{y}', y: 'Y', money: '$& $1' };
    const template = (text: string, fields: Record<string, { pointer: string }>) => selectValue(payload, { template: { template: text, fields } });
    // `x` inserts "{y}", which the later field `y` then replaces.
    assert.equal(template('{x}-{y}', { y: { pointer: '/y' }, x: { pointer: '/x' } }), 'Y-Y');
    assert.equal(template('{m} {m}', { m: { pointer: '/money' } }), '$& $1 $& $1');
    assert.equal(template('{o}', { o: { pointer: '' } }), '{"money":"$& $1","x":"{y}","y":"Y"}');
  });
});

describe('materialization', () => {
  const terminal = (state: 'completed' | 'failed' | 'cancelled', payload: JsonValue) =>
    materializeSemantics('p', 1, payload, { terminal: { state, await_output: { pointer: '/await_output' } } }).terminal;

  it('keeps an output that already is one, whatever the declared state', () => {
    const failure = { type: 'failure', class: 'timeout', code: 'c', message: 'm', extra: 1 } as const;
    assert.deepEqual(terminal('completed', { await_output: failure }), {
      state: 'completed',
      await_output: { type: 'failure', class: 'timeout', code: 'c', message: 'm' },
    });
  });

  it('wraps other values by the declared state', () => {
    assert.deepEqual(terminal('completed', { await_output: 3 }), { state: 'completed', await_output: { type: 'success', value: 3 } });
    assert.deepEqual(terminal('failed', { await_output: { why: 'x' } }), {
      state: 'failed',
      await_output: { type: 'failure', class: 'execution', code: 'process_failed', message: '{"why":"x"}', raw: { why: 'x' } },
    });
    assert.deepEqual(terminal('cancelled', { await_output: 'user' }), {
      state: 'cancelled',
      await_output: { type: 'cancelled', message: 'user', raw: 'user' },
    });
    // Not an output: a failure without a valid class, a success without a value.
    assert.equal(terminal('failed', { await_output: { type: 'failure', class: 'nope', code: 'c', message: 'm' } })!.await_output.type, 'failure');
    assert.deepEqual(terminal('completed', { await_output: { type: 'success' } })!.await_output, {
      type: 'success',
      value: { type: 'success' },
    });
  });

  it('without a selector, completed takes the payload and others fail', () => {
    assert.deepEqual(materializeSemantics('p', 1, { a: 1 }, { terminal: { state: 'completed' } }).terminal, {
      state: 'completed',
      await_output: { type: 'success', value: { a: 1 } },
    });
    assert.throws(() => materializeSemantics('p', 1, {}, { terminal: { state: 'failed' } }), /must declare await output/);
  });

  it('wake truthiness: null false, numbers true, empty containers false', () => {
    const wake = (when: JsonValue) =>
      materializeSemantics('p', 4, {}, { wake: { when: { const: when }, input: { const: 'i' }, dedupe_key: 'event_identity' } }).wake;
    assert.equal(wake(null), undefined);
    assert.equal(wake(false), undefined);
    assert.equal(wake(''), undefined);
    assert.equal(wake([]), undefined);
    assert.equal(wake({}), undefined);
    assert.deepEqual(wake(0), { input: 'i', dedupe_key: 'p:4' });
    assert.deepEqual(wake('x'), { input: 'i', dedupe_key: 'p:4' });
  });
});
