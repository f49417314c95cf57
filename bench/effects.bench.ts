/**
 * Effect replay figures (node:sqlite, a WAL file):
 * - replay of a recorded `exec_code` effect through `SqliteRuntimeEffectController`
 *   vs a raw floor running the same transaction on `DatabaseSync` (BEGIN
 *   IMMEDIATE, the row lookup by scope and key, COMMIT) with the envelope
 *   hash precomputed, decoding the same outcome;
 * - for context, the floor that also hashes the envelope on each call (the
 *   store must; the floor precomputes it, so this row's ratio to the floor
 *   bounds what `replay` can reach), recording a new effect (two write
 *   transactions) and the host-event occurrence replay path.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import {
  EffectScope,
  LocalExecutor,
  SqliteHostEventStore,
  SqliteRuntimeEffectController,
  createRuntimeEffectEnvelope,
  effectInvocation,
  runtimeScopeForTurn,
  type RuntimeEffectEnvelope,
  type RuntimeEffectOutcome,
} from '../src/index.ts';
import { emptyHostEventSourceKey } from '../src/core/host-events/keys.ts';
import { runtimeEffectEnvelopeHash } from '../src/core/effects/envelope.ts';
import { nodeCodecs, openNodeSqlite } from '../src/node.ts';
import { measureInterleaved, pairedRatio, printRatio, printTable, type BenchContext } from './lib.ts';

function envelope(key: string): RuntimeEffectEnvelope {
  return createRuntimeEffectEnvelope(
    effectInvocation(runtimeScopeForTurn('bench-session', 'bench-turn', 3, 1), key, 'exec_code', `bench-session:bench-turn:3:1:exec_code:${key}`),
    { type: 'exec_code', code: 'let total = 0\nfor item in items { total = total + item.price }\nfinish total' },
  );
}

const OUTCOME: RuntimeEffectOutcome = {
  type: 'exec_code',
  result: {
    Ok: {
      observations: ['computed the total of 12 items'],
      observation_truncation: [],
      tool_calls: [],
      images: [],
      printed_images: [],
      error: null,
      duration_ms: 4,
      terminal_finish: 1234.5,
    },
  },
};

export default async function effects(ctx: BenchContext): Promise<void> {
  const rounds = ctx.quick ? 9 : 21;
  const roundMs = ctx.quick ? 60 : 200;
  const path = join(ctx.tempDir('effects'), 'effects.db');
  const conn = openNodeSqlite(path);
  const scope = EffectScope.turn('bench-session', 'bench-turn');
  const controller = await SqliteRuntimeEffectController.open(conn, scope);
  const replayed = envelope('replayed');
  await controller.executeEffect(replayed, LocalExecutor.runner(async () => OUTCOME));
  const unavailable = LocalExecutor.unavailable();

  // The floor: a second connection to the same file, statements prepared once, hash precomputed.
  const raw = new DatabaseSync(path, { timeout: 15_000 });
  const begin = raw.prepare('BEGIN IMMEDIATE');
  const commit = raw.prepare('COMMIT');
  const lookup = raw.prepare(
    `SELECT envelope_hash, status, outcome_json, error_json, lease_expires_at_ms, due_at_ms
     FROM runtime_effect_replay WHERE scope_id = ? AND replay_key = ?`,
  );
  const hash = runtimeEffectEnvelopeHash(replayed, nodeCodecs);
  const replayKey = replayed.invocation.replay!.key;
  let sink: unknown;

  let recorded = 0;
  const record = LocalExecutor.runner(async () => OUTCOME);
  const floor = () => {
    begin.run();
    const row = lookup.get('bench-turn', replayKey) as { envelope_hash: string; status: string; outcome_json: string };
    if (row.envelope_hash !== hash || row.status !== 'completed') throw new Error('unexpected row');
    sink = JSON.parse(row.outcome_json);
    commit.run();
  };
  const results = await measureInterleaved(
    {
      floor,
      replay: async () => {
        sink = await controller.executeEffect(replayed, unavailable);
      },
      record: async () => {
        sink = await controller.executeEffect(envelope(`new-${recorded++}`), record);
      },
    },
    { rounds, roundMs, clock: 'cpu' },
  );

  // A pair of its own, after the measured one: a further operation in the rounds would change what they measure.
  const hashing = await measureInterleaved(
    {
      floor,
      'floor + envelope hash': () => {
        if (runtimeEffectEnvelopeHash(replayed, nodeCodecs) !== hash) throw new Error('unexpected hash');
        floor();
      },
    },
    { rounds, roundMs, clock: 'cpu' },
  );

  // Host events: replaying an occurrence (idempotency-key hit) and an empty reservation.
  const events = await SqliteHostEventStore.open(conn);
  const sk = emptyHostEventSourceKey('ui.button.pressed', nodeCodecs);
  const request = { source_type: 'ui.button.pressed', source_key: sk, payload: { button: 'Blue' }, idempotency_key: 'bench-1' };
  const occurrence = await events.recordOccurrence(request);
  await events.reserveMatchingDeliveries(occurrence.occurrence_id);
  const hostEvents = await measureInterleaved(
    {
      'occurrence replay': async () => {
        sink = await events.recordOccurrence(request);
      },
      'empty reservation': async () => {
        sink = await events.reserveMatchingDeliveries(occurrence.occurrence_id);
      },
    },
    { rounds, roundMs, clock: 'cpu' },
  );
  void sink;
  raw.close();
  conn.close();

  printTable(
    'effect replay and host events (node:sqlite file, median ops per CPU-second)',
    Object.entries({ ...results, 'floor + envelope hash': hashing['floor + envelope hash']!, ...hostEvents }).map(([name, m]) => ({ operation: name, 'ops/s': m.opsPerSecond, 'µs/op': m.microsPerOp })),
  );
  const ceiling = pairedRatio(hashing['floor + envelope hash']!, hashing.floor!);
  console.log(`floor + envelope hash vs floor: ${ceiling.toFixed(3)} (what replay could reach with no other cost)`);
  printRatio('effect_replay_vs_floor', pairedRatio(results.replay!, results.floor!), '>=', 0.7);
}
