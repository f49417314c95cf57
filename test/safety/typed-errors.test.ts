/**
 * Spec decision 19: bad input is `InvalidInput` (not `Backend`), `null` where
 * a value is required is refused (not coerced), class names survive, and no
 * raw `TypeError` (or engine error) escapes a public method of any component,
 * whatever junk it is handed.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  ArtifactStoreError,
  EffectScope,
  InvalidInputError,
  PluginError,
  QueuedWork,
  RuntimeEffectControllerError,
  RuntimeError,
  SqliteHostEventStore,
  SqliteProcessRegistry,
  SqliteRuntimeEffectController,
  Store,
  StoreError,
} from '../../src/index.ts';
import { registration } from '../process/support.ts';
import { describeEachDriver } from '../support/drivers.ts';
import { commitAt, openFresh } from '../session/helpers.ts';

function storeErrorOf(kind: string, pattern?: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof StoreError, `expected a StoreError, got ${String(error)}`);
    assert.equal(error.detail.kind, kind, error.message);
    if (pattern !== undefined) assert.match(error.message, pattern);
    return true;
  };
}

describeEachDriver('typed errors', (driver) => {
  it('refuses null where a value is required instead of coercing it', async (t) => {
    const { store } = await openFresh(driver, t);
    for (const [field, value] of [
      ['agent_frames', null],
      ['usage_deltas', null],
      ['completed_queue_claims', null],
      ['committed_attachment_ids', null],
      ['current_agent_frame_id', null],
    ] as const) {
      await assert.rejects(
        store.commitRuntimeState({ ...commitAt('root', 0), [field]: value } as never),
        storeErrorOf('InvalidInput', new RegExp(`commit\\.${field} must be`)),
        field,
      );
    }
    assert.equal(await store.loadSession({ kind: 'FullGraph' }), null);
    const registry = await SqliteProcessRegistry.open(await (await driver.fresh(t)).open());
    await assert.rejects(registry.registerProcess({ ...registration('p'), event_types: null } as never), (error: unknown) => {
      assert.ok(error instanceof PluginError, String(error));
      assert.equal(error.condition, 'InvalidInput');
      assert.match(error.message, /registration\.event_types must be an array \(got null\)/);
      return true;
    });
    assert.equal(await registry.getProcess('p'), undefined);
  });

  it('types a missing or unknown read scope, with a readable message', async (t) => {
    const { store } = await openFresh(driver, t);
    await store.commitRuntimeState(commitAt('root', 0));
    await assert.rejects(store.loadSession(undefined as never), storeErrorOf('InvalidInput', /scope must be/));
    await assert.rejects(store.loadSession(null as never), storeErrorOf('InvalidInput', /scope must be .*\(got null\)/));
    await assert.rejects(
      store.loadSession({ kind: 'Bogus' } as never),
      storeErrorOf('UnsupportedReadScope', /^store does not support read scope \{"kind":"Bogus"\}$/),
    );
    await assert.rejects(
      store.loadSession({ kind: 'ActivePath', leaf_node_id: 7 } as never),
      storeErrorOf('UnsupportedReadScope', /read scope \{"kind":"ActivePath","leaf_node_id":7\}/),
    );
    // The reference's wording where it has one.
    assert.equal(
      new StoreError({ kind: 'UnsupportedReadScope', scope: { kind: 'ActivePath', leaf_node_id: 'n' } }).message,
      'store does not support read scope ActivePath { leaf_node_id: Some("n") }',
    );
  });

  it('refuses something that is not a connection with InvalidInputError, on every component', async () => {
    for (const open of [
      () => Store.open(null as never),
      () => Store.open({} as never),
      () => SqliteProcessRegistry.open(undefined as never),
      () => SqliteHostEventStore.open(null as never),
      () => SqliteRuntimeEffectController.open(null as never, EffectScope.turn('s', 't')),
    ]) {
      await assert.rejects(open(), (error: unknown) => error instanceof InvalidInputError && error.kind === 'InvalidInput');
    }
  });

  it('no raw TypeError escapes any public method, whatever it is handed', async (t) => {
    const location = await driver.fresh(t);
    const conn = await location.open();
    const store = await Store.open(conn);
    await store.commitRuntimeState(commitAt('root', 0));
    const components: Array<[object, Array<abstract new (...args: never[]) => Error>]> = [
      [store, [StoreError, ArtifactStoreError]],
      [new QueuedWork(conn), [StoreError]],
      [await SqliteProcessRegistry.open(conn), [PluginError]],
      [await SqliteHostEventStore.open(conn), [PluginError]],
      [await SqliteRuntimeEffectController.open(conn, EffectScope.turn('s', 't')), [RuntimeEffectControllerError, RuntimeError]],
    ];
    const junk: unknown[] = [
      undefined,
      null,
      -1,
      Number.NaN,
      1.5,
      '',
      'x\0',
      '\uD800',
      {},
      [],
      [null],
      { kind: 'Nope', session_id: 3 },
      Symbol('s'),
      10n,
      () => 1,
      new Date(0),
      new Map([[1, 2]]),
    ];
    let calls = 0;
    const escaped = new Set<string>();
    for (const [component, allowed] of components) {
      const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(component)).filter(
        (name) => name !== 'constructor' && name !== 'close' && typeof (component as Record<string, unknown>)[name] === 'function',
      );
      for (const name of methods) {
        for (const value of junk) {
          for (const arity of [1, 3, 5]) {
            calls++;
            const args = Array.from({ length: arity }, () => value);
            let outcome: unknown;
            try {
              outcome = await (component as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
            } catch (error) {
              const label = `${component.constructor.name}.${name}(${arity} × ${describe(value)})`;
              if (!allowed.some((cls) => error instanceof cls)) {
                escaped.add(`${label} threw ${(error as Error)?.name}: ${(error as Error)?.message}`);
              }
              continue;
            }
            void outcome;
          }
        }
      }
    }
    assert.deepEqual([...escaped], []);
    assert.ok(calls > 1_000, `${calls} calls`);
  });
});

it('error classes keep their names', () => {
  for (const [cls, name] of [
    [StoreError, 'StoreError'],
    [PluginError, 'PluginError'],
    [RuntimeEffectControllerError, 'RuntimeEffectControllerError'],
    [InvalidInputError, 'InvalidInputError'],
    [ArtifactStoreError, 'ArtifactStoreError'],
  ] as const) {
    assert.equal(cls.name, name);
  }
  const error = StoreError.invalidInput('x', '$.a');
  assert.equal(error.name, 'StoreError');
  assert.deepEqual(error.detail, { kind: 'InvalidInput', message: 'x', path: '$.a' });
  assert.equal(error.retryable, false);
  assert.equal(new StoreError({ kind: 'Busy', message: 'm', waited_ms: 1 }).retryable, true);
});

function describe(value: unknown): string {
  if (typeof value === 'symbol' || typeof value === 'bigint' || typeof value === 'function') return typeof value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return typeof value;
  }
}
