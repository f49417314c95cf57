/**
 * Process registry figures (node:sqlite, file-backed WAL):
 * - `appendEvent` of a small custom event vs a raw-SQL floor making the same
 *   event-row insert in its own `BEGIN IMMEDIATE` (statements, BEGIN and
 *   COMMIT included, prepared on `DatabaseSync`, JSON precomputed outside
 *   the loop), timed by CPU time (`clock: 'cpu'` in `lib.ts`);
 * - `eventsAfter(pid, last - 10)` on a 100,000-event stream vs a 100-event
 *   stream: the tail read must not depend on the stream's length.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { externalInput, processRegistration, silentLogger, SqliteProcessRegistry } from '../src/index.ts';
import { PROCESS_SCHEMA } from '../src/core/process/schema.ts';
import { openNodeSqlite } from '../src/node.ts';
import { measureInterleaved, pairedRatio, printRatio, printTable, timeOnce, type BenchContext } from './lib.ts';

const TICK = { name: 'bench.tick', payload_schema: { schema: {} }, semantics: {} };

export default async function processBench(ctx: BenchContext): Promise<void> {
  const rounds = ctx.quick ? 9 : 21;
  const roundMs = ctx.quick ? 60 : 200;
  const dir = ctx.tempDir('process');

  // --- appendEvent vs floor -------------------------------------------------
  const conn = openNodeSqlite(join(dir, 'registry.db'));
  const registry = await SqliteProcessRegistry.open(conn, { logger: silentLogger });
  await registry.registerProcess(processRegistration('bench-append', externalInput(null), [TICK]));
  let n = 0;
  const append = () => registry.appendEvent('bench-append', { event_type: 'bench.tick', payload: { n: n++, line: 'tick' } });

  // The floor: the same event-row insert into the registry's own tables
  // (same DDL, same indexes, foreign keys on), one BEGIN IMMEDIATE each.
  const floorDb = new DatabaseSync(join(dir, 'floor.db'), { enableForeignKeyConstraints: true });
  floorDb.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 15000');
  floorDb.exec(PROCESS_SCHEMA.ddl);
  floorDb
    .prepare('INSERT INTO processes (process_id, registration_hash, owner_scope_id, host_profile_id, created_at_ms, updated_at_ms, status, record_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run('bench-append', 'h', 'session:root', 'default', 0, 0, 'running', '{}');
  const floorInsert = floorDb.prepare(
    'INSERT INTO process_events (process_id, sequence, event_type, payload_hash, idempotency_key, occurred_at_ms, event_json) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
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
  const appendFigures = await measureInterleaved({ floor, appendEvent: append }, { rounds, roundMs, clock: 'cpu' });

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
    Object.entries({ ...appendFigures, ...tail }).map(([name, m]) => ({ operation: name, 'ops/s': m.opsPerSecond, 'µs/op': m.microsPerOp })),
  );
  console.log(`filled ${long + short} events through appendEvent in ${fillMs.toFixed(0)} ms`);
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
}
