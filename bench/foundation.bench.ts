/**
 * Foundation figures: what the driver layer and the codecs cost.
 * - driver overhead: the same INSERT + SELECT through the driver vs a raw
 *   `DatabaseSync` statement (node:sqlite, :memory:);
 * - codecs: portable (fflate + JS SHA-256) vs node (`node:zlib`, `node:crypto`).
 */
import { DatabaseSync } from 'node:sqlite';
import { portableCodecs } from '../src/core/codec/codecs.ts';
import { nodeCodecs, openNodeSqlite } from '../src/node.ts';
import { measureInterleaved, printRatio, printTable, type BenchContext } from './lib.ts';

export default async function foundation(ctx: BenchContext): Promise<void> {
  const rounds = ctx.quick ? 3 : 7;
  const roundMs = ctx.quick ? 60 : 250;

  const conn = openNodeSqlite(':memory:');
  const raw = new DatabaseSync(':memory:');
  for (const db of [conn, raw]) db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT, v BLOB)');
  const payload = new Uint8Array(256).fill(1);
  const rawInsert = raw.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
  const rawSelect = raw.prepare('SELECT v FROM t WHERE id = ?');
  let i = 0;
  let j = 0;
  const driver = await measureInterleaved(
    {
      raw: () => {
        rawInsert.run(`k${i++}`, payload);
        rawSelect.get(i);
      },
      driver: () => {
        conn.run('INSERT INTO t (k, v) VALUES (?, ?)', [`k${j++}`, payload]);
        conn.get('SELECT v FROM t WHERE id = ?', [j]);
      },
    },
    { rounds, roundMs },
  );
  conn.close();
  raw.close();

  const data4k = new TextEncoder().encode(JSON.stringify(Array.from({ length: 400 }, (_, n) => ({ n, s: 'lorem' }))).slice(0, 4096));
  const data64k = new Uint8Array(65536).map((_, n) => n % 251);
  const codecs = await measureInterleaved(
    {
      'sha256 64KiB portable': () => portableCodecs.sha256Hex(data64k),
      'sha256 64KiB node': () => nodeCodecs.sha256Hex(data64k),
      'deflate 4KiB portable': () => portableCodecs.deflate(data4k),
      'deflate 4KiB node': () => nodeCodecs.deflate(data4k),
    },
    { rounds, roundMs },
  );

  printTable(
    'driver and codecs (median ops/s)',
    Object.entries({ ...driver, ...codecs }).map(([name, m]) => ({
      operation: name,
      'ops/s': m.opsPerSecond,
      'µs/op': m.microsPerOp,
    })),
  );
  const sha = codecs['sha256 64KiB node']!.opsPerSecond / codecs['sha256 64KiB portable']!.opsPerSecond;
  const zlib = codecs['deflate 4KiB node']!.opsPerSecond / codecs['deflate 4KiB portable']!.opsPerSecond;
  console.log(`node codecs vs portable: sha256 ×${sha.toFixed(1)}, deflate ×${zlib.toFixed(1)}`);
  printRatio('driver_overhead_vs_raw', driver.driver!.opsPerSecond / driver.raw!.opsPerSecond, '>=', 0.8);
}
