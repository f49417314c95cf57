/**
 * The RPC error envelope and the driver's open-time checks, in Node: the
 * envelope crosses `structuredClone` (what Durable Object RPC applies) and
 * comes back as the same class with the same fields. The workerd tests
 * (example.test.ts) check it across real RPC.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  fromRpcError,
  lashRpcClient,
  openDurableObjectSqlite,
  registerRpcErrorClass,
  rpcOutcome,
  toRpcError,
  type DurableObjectStorageLike,
  type RpcOutcome,
} from '../../src/durable-object.ts';
import {
  InvalidInputError,
  PluginError,
  RuntimeEffectControllerError,
  RuntimeError,
  SchemaVersionError,
  SqliteBusyError,
  SqliteError,
  StoreError,
} from '../../src/index.ts';

/** What crossing RPC does to the envelope. */
function acrossRpc(error: unknown): Error {
  return fromRpcError(structuredClone(toRpcError(error)));
}

describe('RPC error envelope', () => {
  it('brings a StoreError back with its class, detail, kind, message and stack', () => {
    const original = new StoreError({ kind: 'HeadRevisionConflict', expected: 3, actual: 5 });
    const back = acrossRpc(original);
    assert.ok(back instanceof StoreError);
    assert.equal(back.name, 'StoreError');
    assert.deepEqual(back.detail, { kind: 'HeadRevisionConflict', expected: 3, actual: 5 });
    assert.equal(back.kind, 'HeadRevisionConflict');
    assert.equal(back.message, original.message);
    assert.equal(back.stack, original.stack);
  });

  it('keeps the fields of every error class of the package', () => {
    const plugin = acrossRpc(PluginError.session('unknown process `p`'));
    assert.ok(plugin instanceof PluginError);
    assert.deepEqual([plugin.kind, plugin.detail, plugin.message], ['session', 'unknown process `p`', 'plugin session error: unknown process `p`']);

    const effect = acrossRpc(new RuntimeEffectControllerError('sqlite_effect_replay_mismatch', 'hash differs'));
    assert.ok(effect instanceof RuntimeEffectControllerError);
    assert.deepEqual(effect.toJSON(), { code: 'sqlite_effect_replay_mismatch', message: 'hash differs' });

    const runtime = acrossRpc(new RuntimeError('missing_effect_scope_id', 'no scope'));
    assert.ok(runtime instanceof RuntimeError && runtime.code === 'missing_effect_scope_id');

    const schema = acrossRpc(new SchemaVersionError('session', 'session', 99, 3));
    assert.ok(schema instanceof SchemaVersionError);
    assert.deepEqual([schema.component, schema.found, schema.expected], ['session', 99, 3]);

    const busy = acrossRpc(new SqliteBusyError('database is locked', 5));
    assert.ok(busy instanceof SqliteBusyError && busy instanceof SqliteError);
    assert.deepEqual([busy.code, busy.errcode], ['SQLITE_BUSY', 5]);

    const invalid = acrossRpc(new InvalidInputError('sessionId must be well-formed'));
    assert.ok(invalid instanceof InvalidInputError && invalid instanceof TypeError);
  });

  it('keeps the cause chain', () => {
    const engine = new SqliteError('string or blob too big: SQLITE_TOOBIG', 18);
    const back = acrossRpc(StoreError.backend('string or blob too big', engine));
    assert.ok(back instanceof StoreError);
    assert.ok(back.cause instanceof SqliteError);
    assert.equal((back.cause as SqliteError).code, 'SQLITE_TOOBIG');
  });

  it('handles what it does not know: other classes, thrown non-errors, fields that cannot be cloned', () => {
    class QuotaError extends Error {
      override name = 'QuotaError';
      readonly limit = 10;
    }
    const unknown = acrossRpc(new QuotaError('over quota'));
    assert.ok(!(unknown instanceof QuotaError));
    assert.deepEqual([unknown.name, unknown.message, (unknown as unknown as { limit: number }).limit], ['QuotaError', 'over quota', 10]);
    registerRpcErrorClass('QuotaError', QuotaError);
    assert.ok(acrossRpc(new QuotaError('again')) instanceof QuotaError);

    const thrown = acrossRpc('a string');
    assert.equal(thrown.message, 'a string');

    const odd = Object.assign(new Error('odd'), { callback: () => 1, when: new Date(0), data: { ok: [1, 'two'] } });
    const back = acrossRpc(odd) as Error & Record<string, unknown>;
    assert.deepEqual([back.callback, back.when, back.data], [undefined, undefined, { ok: [1, 'two'] }]);
  });

  it('unwraps outcomes through a stub client, and refuses a method that returns no outcome', async () => {
    const stub = {
      async ok(): Promise<RpcOutcome<number>> {
        return rpcOutcome(() => 41 + 1);
      },
      async fails(): Promise<RpcOutcome<never>> {
        return structuredClone(await rpcOutcome(() => Promise.reject(new StoreError({ kind: 'Backend', message: 'x' }))));
      },
      async plain(): Promise<number> {
        return 1;
      },
    };
    const client = lashRpcClient<typeof stub>(stub);
    assert.equal(await client.ok(), 42);
    await assert.rejects(client.fails(), (error: unknown) => error instanceof StoreError && error.detail.kind === 'Backend');
    await assert.rejects((client as unknown as { plain(): Promise<unknown> }).plain(), /did not return an RpcOutcome/);
  });
});

describe('openDurableObjectSqlite refuses storage without SQL', () => {
  const refusing = (message: string): DurableObjectStorageLike => ({
    sql: {
      exec() {
        throw new Error(message);
      },
    },
    transactionSync: (body) => body(),
  });

  for (const message of [
    'SQL is not enabled for this Durable Object class. To enable it, change `new_classes` to `new_sqlite_classes` …',
    'This Durable Object is not backed by SQLite storage, so the SQL API is not available. …',
  ]) {
    it(`with a clear SQLITE_CANTOPEN: "${message.slice(0, 40)}…"`, () => {
      assert.throws(
        () => openDurableObjectSqlite(refusing(message)),
        (error: unknown) =>
          error instanceof SqliteError && error.code === 'SQLITE_CANTOPEN' && /KV-backed.*new_sqlite_classes/.test(error.message),
      );
    });
  }

  it('and anything that is not a Durable Object storage', () => {
    for (const storage of [undefined, {}, { sql: {} }, { sql: { exec() {} } }]) {
      assert.throws(() => openDurableObjectSqlite(storage as never), (error: unknown) => error instanceof SqliteError && error.code === 'SQLITE_CANTOPEN');
    }
  });
});
