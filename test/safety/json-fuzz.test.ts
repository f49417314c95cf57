/**
 * Spec decision 20, fuzzed: random JSON-like values — the non-JSON kinds
 * included (NaN, ±Infinity, undefined and holes in arrays, Date, Map, Set,
 * BigInt, functions, symbols, class instances, cycles, lone surrogates in
 * msgpack blobs, bytes where the field is not bytes) — written into every free-form field
 * of every component. Each value either reads back exactly (JSON equality:
 * `-0` is 0, an `undefined` member is absent) or is refused with the
 * component's `InvalidInput`, leaving the database byte-for-byte unchanged.
 * The generator knows which values are JSON, so a refused JSON value or an
 * accepted non-JSON one fails the test. Seeded (printed on failure).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  PluginError,
  QueuedWork,
  SqliteHostEventStore,
  SqliteProcessRegistry,
  Store,
  StoreError,
  anySchema,
  externalInput,
  graphDelta,
  processRegistration,
  type SqliteConnection,
} from '../../src/index.ts';
import { buttonRequest } from '../host-events/samples.ts';
import { WAKE, draft } from '../queue/helpers.ts';
import { commitAt, initialFrame } from '../session/helpers.ts';
import { describeEachDriver } from '../support/drivers.ts';

/** xorshift32: small, seedable, good enough for test data. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

interface Generated {
  readonly value: unknown;
  /** True when the value is JSON (bytes count when the field takes bytes). */
  readonly json: boolean;
}

class Point {
  x = 1;
}

const STRINGS = ['', 'a', 'héllo', 'NUL\0inside', '\uFEFFbom', '😀 emoji', 'line\nbreak', '"quoted"', '\\', ' '.repeat(3), 'x'.repeat(300)];
const KEYS = ['a', 'b', '', '__proto__', 'constructor', 'ключ', 'with space', '0', 'toString', '\0'];

function generator(random: () => number, bytesAllowed: boolean, msgpack: boolean) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const nonJson = (): Generated => {
    const kinds: Array<() => unknown> = [
      () => Number.NaN,
      () => Infinity,
      () => -Infinity,
      () => [1, undefined, 2],
      // eslint-disable-next-line no-sparse-arrays
      () => [1, , 3],
      () => new Date(0),
      () => new Map([['k', 1]]),
      () => new Set([1]),
      () => 12n,
      () => () => 1,
      () => Symbol('s'),
      () => new Point(),
      () => {
        const cycle: Record<string, unknown> = { a: 1 };
        cycle.self = cycle;
        return cycle;
      },
    ];
    // A lone surrogate survives JSON text (as an escape) but not msgpack's UTF-8.
    if (msgpack) kinds.push(() => 'lone \uD800 surrogate', () => ({ ['bad\uDC00key']: 1 }));
    if (!bytesAllowed) kinds.push(() => new Uint8Array([1, 2, 3]));
    return { value: pick(kinds)(), json: false };
  };
  const lone = (): Generated[] => (msgpack ? [] : [{ value: 'lone \uD800 surrogate', json: true }, { value: { ['k\uDC00']: 1 }, json: true }]);
  const scalar = (): unknown =>
    pick<() => unknown>([
      () => null,
      () => random() < 0.5,
      () => Math.floor(random() * 1e6) - 5e5,
      () => (random() - 0.5) * 1e10,
      () => -0,
      () => Number.MAX_SAFE_INTEGER,
      () => 5e-324,
      () => 1.7976931348623157e308,
      () => pick(STRINGS),
    ])();
  const any = (depth: number): Generated => {
    const roll = random();
    if (roll < 0.12) return nonJson();
    if (roll < 0.13 && !msgpack) return pick(lone());
    // Symbol keys are not data: ignored, as by JSON.stringify.
    if (roll < 0.14) return { value: { [Symbol('k')]: 1, ok: true }, json: true };
    if (bytesAllowed && roll < 0.18) return { value: new Uint8Array(Array.from({ length: Math.floor(random() * 5) }, () => Math.floor(random() * 256))), json: true };
    if (depth >= 4 || roll < 0.5) return { value: scalar(), json: true };
    if (roll < 0.75) {
      const items = Array.from({ length: Math.floor(random() * 4) }, () => any(depth + 1));
      return { value: items.map((item) => item.value), json: items.every((item) => item.json) };
    }
    const out: Record<string, unknown> = {};
    // Per key: a later member under the same key replaces an earlier one.
    const valid = new Map<string, boolean>();
    const count = Math.floor(random() * 4);
    for (let i = 0; i < count; i++) {
      const key = pick(KEYS);
      // An undefined member is absent: still JSON.
      const member = random() < 0.1 ? { value: undefined, json: true } : any(depth + 1);
      // A msgpack blob cannot hold a `__proto__` key (its decoder refuses it).
      valid.set(key, member.json && !(msgpack && key === '__proto__' && member.value !== undefined));
      Object.defineProperty(out, key, { value: member.value, enumerable: true, writable: true, configurable: true });
    }
    const json = [...valid.values()].every(Boolean);
    return { value: out, json };
  };
  return () => any(0);
}

/** JSON equality: numbers by `===` (so -0 is 0), undefined members absent, bytes by content. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((byte, i) => byte === b[i]);
  }
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((item, i) => jsonEqual(item, (b as unknown[])[i]));
  const keys = (value: object) => Object.keys(value).filter((key) => (value as Record<string, unknown>)[key] !== undefined).sort();
  const ak = keys(a);
  const bk = keys(b);
  return ak.length === bk.length && ak.every((key, i) => key === bk[i] && jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** Every row of every table, for "nothing changed". */
function dumpAll(conn: SqliteConnection): string {
  const tables = conn.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  return JSON.stringify(
    // ORDER BY every column: WITHOUT ROWID tables (blob_chunks) have no rowid to sort by.
    tables.map(({ name }) => {
      const columns = conn.all<{ name: string }>(`SELECT name FROM pragma_table_info(?)`, [name]).map((c) => `"${c.name}"`);
      return [name, conn.all(`SELECT * FROM "${name}" ORDER BY ${columns.join(', ')}`)];
    }),
    (_key, value) => (value instanceof Uint8Array ? Array.from(value) : value),
  );
}

/** The member at `path` of `value` (test data of known shape). */
function at(value: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>((current, key) => (current as Record<string, unknown> | null | undefined)?.[key], value);
}

interface Field {
  readonly name: string;
  /** The field takes bytes. */
  readonly bytes?: boolean;
  /** The field is stored in a msgpack blob. */
  readonly msgpack?: boolean;
  /** Writes `value` into the field and reads it back. */
  roundTrip(value: unknown, n: number): Promise<unknown>;
}

async function fields(conn: SqliteConnection): Promise<Field[]> {
  const store = await Store.open(conn);
  await store.commitRuntimeState(commitAt('s', 0));
  const queue = new QueuedWork(conn);
  const registry = await SqliteProcessRegistry.open(conn);
  await registry.registerProcess(processRegistration('fuzz', externalInput(null), [{ name: 'fuzz.note', payload_schema: anySchema(), semantics: {} }]));
  const hostEvents = await SqliteHostEventStore.open(conn);
  const commitNode = async (node: Record<string, unknown>) => {
    await store.commitRuntimeState({ ...commitAt('s', null), graph: graphDelta.append([node as never], node.node_id as string) });
    return (await store.loadNode(node.node_id as string))!;
  };
  return [
    {
      name: 'session node event',
      async roundTrip(v, n) {
        const node = await commitNode({ node_id: `e${n}`, timestamp: 't', kind: 'event', event: { Protocol: { plugin_id: 'fuzz', payload: { v } } } });
        return at(node, 'event', 'Protocol', 'payload', 'v');
      },
    },
    {
      name: 'session plugin node body',
      async roundTrip(v, n) {
        const node = await commitNode({ node_id: `p${n}`, timestamp: 't', kind: 'plugin', plugin_type: 'fuzz', body: { v } });
        return at(node, 'body', 'v');
      },
    },
    {
      name: 'agent frame',
      async roundTrip(v) {
        const frame = { ...initialFrame('s'), extra: { v } };
        await store.commitRuntimeState({ ...commitAt('s', null), agent_frames: [frame as never] });
        return at((await store.loadSessionHeadMeta())!.agent_frames[0], 'extra', 'v');
      },
    },
    {
      name: 'tool state snapshot',
      bytes: true,
      msgpack: true,
      async roundTrip(v) {
        const base = commitAt('s', null);
        const result = await store.commitRuntimeState({ ...base, checkpoint: { ...base.checkpoint, tool_state: { generation: 1, tools: { t: { v } } } as never } });
        return at(await store.getCheckpoint(result.checkpoint_ref), 'tool_state', 'tools', 't', 'v');
      },
    },
    {
      name: 'plugin snapshot',
      bytes: true,
      msgpack: true,
      async roundTrip(v) {
        const base = commitAt('s', null);
        const result = await store.commitRuntimeState({ ...base, checkpoint: { ...base.checkpoint, plugin_snapshot: { plugins: { p: { state: { v } } } } as never } });
        return at(await store.getCheckpoint(result.checkpoint_ref), 'plugin_snapshot', 'plugins', 'p', 'state', 'v');
      },
    },
    {
      name: 'turn state payload',
      msgpack: true,
      async roundTrip(v) {
        const base = commitAt('s', null);
        const turn_state = { ...base.checkpoint.turn_state, protocol_turn_options: { payload: { v } as never } };
        const result = await store.commitRuntimeState({ ...base, checkpoint: { ...base.checkpoint, turn_state } });
        return at(await store.getCheckpoint(result.checkpoint_ref), 'turn_state', 'protocol_turn_options', 'payload', 'v');
      },
    },
    {
      name: 'session meta relation',
      async roundTrip(v) {
        const meta = { session_id: 's', session_name: 'n', created_at: 't', model: 'm', cwd: null, relation: { kind: 'child' as const, parent_session_id: 'p', caused_by: { v } as never } };
        await store.saveSessionMeta(meta);
        return at(await store.loadSessionMeta(), 'relation', 'caused_by', 'v');
      },
    },
    {
      name: 'typed blob',
      bytes: true,
      msgpack: true,
      async roundTrip(v) {
        return at(await store.getTypedBlob(await store.putTypedBlob({ v })), 'v');
      },
    },
    {
      name: 'queued turn input payload',
      async roundTrip(v, n) {
        const base = draft('q', `fuzz ${n}`);
        const payload = base.payloads[0] as unknown as { type: 'turn_input'; input: Record<string, unknown> };
        const batch = await queue.enqueueQueuedWork({ ...base, payloads: [{ ...payload, input: { ...payload.input, protocol_turn_options: { payload: { v } } } } as never] });
        const listed = (await queue.listQueuedWork('q')).find((b) => b.batch_id === batch.batch_id)!;
        return at(listed.items[0]!.payload, 'input', 'protocol_turn_options', 'payload', 'v');
      },
    },
    {
      name: 'queued process wake',
      async roundTrip(v, n) {
        const batch = await queue.enqueueQueuedWork({ ...draft('w', `wake ${n}`), payloads: [{ type: 'process_wake', wake: { ...WAKE, extra: { v } } as never }] });
        const listed = (await queue.listQueuedWork('w')).find((b) => b.batch_id === batch.batch_id)!;
        return at(listed.items[0]!.payload, 'wake', 'extra', 'v');
      },
    },
    {
      name: 'process event payload',
      async roundTrip(v, n) {
        const { event } = await registry.appendEvent('fuzz', { event_type: 'fuzz.note', payload: { v, n } as never });
        return at((await registry.eventsAfter('fuzz', event.sequence - 1))[0]!.payload, 'v');
      },
    },
    {
      name: 'process external input',
      async roundTrip(v, n) {
        await registry.registerProcess(processRegistration(`ext-${n}`, externalInput({ v } as never)));
        return at((await registry.getProcess(`ext-${n}`))!.input, 'metadata', 'v');
      },
    },
    {
      name: 'host event occurrence payload',
      async roundTrip(v, n) {
        const request = { ...buttonRequest('k', `occurrence-${n}`), payload: { v } as never };
        await hostEvents.recordOccurrence(request);
        // The replay returns the stored record, decoded from its row.
        return at((await hostEvents.recordOccurrence(request)).payload, 'v');
      },
    },
  ];
}

const VALUES_PER_FIELD = 40;

describeEachDriver('free-form JSON fuzz', (driver) => {
  it('every value reads back exactly, or is InvalidInput with the database unchanged', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    const seed = Number(process.env.LASH_FUZZ_SEED ?? Date.now() % 2 ** 31);
    let n = 0;
    const seen = { accepted: 0, refused: 0 };
    for (const field of await fields(conn)) {
      const next = generator(rng(seed + field.name.length * 7919), field.bytes === true, field.msgpack === true);
      for (let i = 0; i < VALUES_PER_FIELD; i++) {
        const { value, json } = next();
        const label = `[seed ${seed}] ${field.name} #${i}`;
        const before = dumpAll(conn);
        n++;
        let read: unknown;
        try {
          read = await field.roundTrip(value, n);
        } catch (error) {
          const invalid =
            (error instanceof StoreError && error.detail.kind === 'InvalidInput') ||
            (error instanceof PluginError && error.condition === 'InvalidInput');
          assert.ok(invalid, `${label}: ${String(error)}`);
          assert.ok(!json, `${label}: a JSON value was refused: ${(error as Error).message}`);
          assert.equal(dumpAll(conn), before, `${label}: the refusal changed the database`);
          seen.refused++;
          continue;
        }
        assert.ok(json, `${label}: a non-JSON value was accepted: ${show(value)} → ${show(read)}`);
        assert.ok(jsonEqual(read, value), `${label}: read back differently: ${show(value)} → ${show(read)}`);
        seen.accepted++;
      }
    }
    assert.ok(seen.accepted > 50 && seen.refused > 20, JSON.stringify(seen));
  });
});

function show(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_key, member) => {
        if (member instanceof Uint8Array) return `bytes[${Array.from(member)}]`;
        if (member === undefined) return '<undefined>';
        if (typeof member === 'bigint' || typeof member === 'symbol' || typeof member === 'function') return `<${typeof member}>`;
        if (typeof member === 'number' && !Number.isFinite(member)) return `<${member}>`;
        if (member instanceof Map || member instanceof Set) return `<${member.constructor.name}>`;
        return member;
      }) ?? String(value)
    );
  } catch {
    return '<unprintable>';
  }
}
