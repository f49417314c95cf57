/**
 * Process registry figures (node:sqlite, file-backed WAL):
 * - `appendEvent` of a small custom event vs a raw-SQL floor making the same
 *   event-row insert in its own `BEGIN IMMEDIATE` (statements, BEGIN and
 *   COMMIT included, prepared on `DatabaseSync`, JSON precomputed outside
 *   the loop), timed by CPU time (`clock: 'cpu'` in `lib.ts`); for context,
 *   the floor plus the work the store cannot skip (the append's one read,
 *   request check, payload hash, schema check, event JSON), whose ratio to
 *   the floor bounds what `appendEvent` can reach;
 * - `eventsAfter(pid, last - 10)` on a 100,000-event stream vs a 100-event
 *   stream: the tail read must not depend on the stream's length.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { externalInput, processRegistration, silentLogger, SqliteProcessRegistry } from '../src/index.ts';
import { normaliseAppendRequest, prepareProcessEventAppend } from '../src/core/process/append.ts';
import { SELECT_APPEND_HEAD } from '../src/core/process/rows.ts';
import { PROCESS_SCHEMA } from '../src/core/process/schema.ts';
import { nodeCodecs, openNodeSqlite } from '../src/node.ts';
import type { ProcessRecord } from '../src/core/contract/process.ts';
import { measureInterleaved, pairedRatio, printRatio, printTable, timeOnce, type BenchContext } from './lib.ts';

const TICK = { name: 'bench.tick', payload_schema: { schema: {} }, semantics: {} };

export default async function processBench(ctx: BenchContext): Promise<void> {
  const rounds = ctx.quick ? 9 : 21;
  const roundMs = ctx.quick ? 60 : 200;
  const dir = ctx.tempDir('process');

  // --- appendEvent vs floor -------------------------------------------------
  const conn = openNodeSqlite(join(dir, 'registry.db'));
  const registry = await SqliteProcessRegistry.open(conn, { logger: silentLogger });
  const record = await registry.registerProcess(processRegistration('bench-append', externalInput(null), [TICK]));
  let n = 0;
  const append = () => registry.appendEvent('bench-append', { event_type: 'bench.tick', payload: { n: n++, line: 'tick' } });

  // The floor: the same event-row insert into the registry's own tables
  // (same DDL, same indexes, foreign keys on), one BEGIN IMMEDIATE each.
  const floorDb = openFloorDb(join(dir, 'floor.db'));
  const floorInsert = floorDb.prepare(INSERT_EVENT_ROW);
  const sample = (await registry.eventsAfter('bench-append', 0))[0] ?? (await append()).event;
  const eventJson = JSON.stringify(sample);
  const hash = 'f'.repeat(64);
  const begin = floorDb.prepare('BEGIN IMMEDIATE');
  const commit = floorDb.prepare('COMMIT');
  let floorSequence = 0;
  const floor = () => {
    begin.run();
    floorInsert.run('bench-append', ++floorSequence, 'bench.tick', hash, null, 1_700_000_000_000, eventJson);
    commit.run();
  };
  // Its own file, so the floor's tree is the one the measured pair saw (a smaller tree only flatters this row).
  const requiredDb = openFloorDb(join(dir, 'required.db'));
  const required = requiredWork(requiredDb, record);
  const appendFigures = await measureInterleaved({ floor, appendEvent: append }, { rounds, roundMs, clock: 'cpu' });
  // A pair of its own, after the measured one: a third operation in the rounds would change what they measure.
  const requiredFigures = await measureInterleaved({ floor, 'floor + required work': required }, { rounds, roundMs, clock: 'cpu' });

  // --- eventsAfter on a long vs a short stream ------------------------------
  const streamConn = openNodeSqlite(join(dir, 'streams.db'));
  const streams = await SqliteProcessRegistry.open(streamConn, { logger: silentLogger });
  const long = 100_000;
  const short = 100;
  const fillMs = await timeOnce(async () => {
    for (const [pid, count] of [
      ['stream-long', long],
      ['stream-short', short],
    ] as const) {
      await streams.registerProcess(processRegistration(pid, externalInput(null), [TICK]));
      for (let i = 0; i < count; i++) await streams.appendEvent(pid, { event_type: 'bench.tick', payload: { i } });
    }
  });
  const tail = await measureInterleaved(
    {
      [`eventsAfter last-10 of ${short}`]: () => streams.eventsAfter('stream-short', short - 10),
      [`eventsAfter last-10 of ${long}`]: () => streams.eventsAfter('stream-long', long - 10),
    },
    { rounds, roundMs, clock: 'cpu' },
  );

  printTable(
    'process registry (median ops per CPU-second)',
    Object.entries({ ...appendFigures, 'floor + required work': requiredFigures['floor + required work']!, ...tail }).map(([name, m]) => ({ operation: name, 'ops/s': m.opsPerSecond, 'µs/op': m.microsPerOp })),
  );
  console.log(`filled ${long + short} events through appendEvent in ${fillMs.toFixed(0)} ms`);
  const ceiling = pairedRatio(requiredFigures['floor + required work']!, requiredFigures.floor!);
  console.log(`floor + required work vs floor: ${ceiling.toFixed(3)} (what appendEvent could reach with no other cost)`);
  printRatio('append_event_vs_floor', pairedRatio(appendFigures.appendEvent!, appendFigures.floor!), '>=', 0.8);
  printRatio(
    'events_after_100k_vs_100',
    tail[`eventsAfter last-10 of ${short}`]!.opsPerSecond / tail[`eventsAfter last-10 of ${long}`]!.opsPerSecond,
    '<=',
    1.5,
  );

  registry.close();
  streams.close();
  conn.close();
  streamConn.close();
  floorDb.close();
  requiredDb.close();
}

const INSERT_EVENT_ROW =
  'INSERT INTO process_events (process_id, sequence, event_type, payload_hash, idempotency_key, occurred_at_ms, event_json) VALUES (?, ?, ?, ?, ?, ?, ?)';

/** A raw database with the registry's DDL and the process row `bench-append`. */
function openFloorDb(path: string): DatabaseSync {
  const db = new DatabaseSync(path, { enableForeignKeyConstraints: true });
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 15000');
  db.exec(PROCESS_SCHEMA.ddl);
  db.prepare('INSERT INTO processes (process_id, registration_hash, owner_scope_id, host_profile_id, created_at_ms, updated_at_ms, status, record_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run('bench-append', 'h', 'session:root', 'default', 0, 0, 'running', '{}');
  return db;
}

/**
 * The floor plus what `appendEvent` cannot leave out: the request check, the
 * append's one read (registration, status, next sequence), the pure half of
 * the append (payload hash, schema check, materialization, the event) and
 * the event's JSON.
 */
function requiredWork(db: DatabaseSync, record: ProcessRecord): () => void {
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const head = db.prepare(SELECT_APPEND_HEAD);
  const insert = db.prepare(INSERT_EVENT_ROW);
  let n = 0;
  return () => {
    const request = normaliseAppendRequest({ event_type: 'bench.tick', payload: { n: n++, line: 'tick' } });
    begin.run();
    const { next } = head.get('bench-append', 'bench-append') as { next: number };
    const prepared = prepareProcessEventAppend(record, request, next, undefined, Date.now(), nodeCodecs);
    insert.run('bench-append', next, 'bench.tick', prepared.payload_hash, null, prepared.occurred_at_ms, JSON.stringify(prepared.event));
    commit.run();
  };
}
