/**
 * The agent-turn workload of issue 17, through the session API with default
 * options (`openSessions(file)`: WAL, synchronous=NORMAL, Balanced blobs,
 * the default retention), against a raw node:sqlite floor in the same run.
 *
 * One turn appends a user and an assistant message of about 1 KiB, changes
 * one entry of an ~8 KiB tool state, and every 10th turn a ~2 KiB plugin
 * state; 1,000 turns.
 *
 * The floor is the least a correct store does for that turn, written on its
 * own schema in straight-line code: JSON + SHA-256 of each state, then one
 * transaction with a CAS update of the head, two message rows, the
 * content-addressed blob inserts and a turn row. Its history read is the
 * simplest correct query for the active path (a recursive walk up the
 * parent column), written here rather than taken from the store.
 *
 * Figures: turns/s of both; per-turn time at turns 991–1000 over 1–10
 * (medians of each window, so growth shows, not one slow turn; both sides
 * are warmed up first on databases of their own); bytes on
 * disk per turn after 1,000 turns (database file after a WAL checkpoint);
 * the history read at 2,000 messages against the floor's read.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { nodeCodecs } from '../src/drivers/node-sqlite/codecs.ts';
import { openSessions } from '../src/openers/node-sessions.ts';
import { databaseBytes, medianMs, printRatio, printTable, type BenchContext } from './lib.ts';
import { AGENT_MODEL, commitAgentTurn } from './peers/lash.ts';
import { peerTurn, type PeerTurn } from './peers/workload.ts';

const TURNS = 1_000;
const turnInput = peerTurn;
type TurnInput = PeerTurn;

// ---- the store: the session API, default options ---------------------------------

async function storeSide(path: string) {
  const sessions = await openSessions(path);
  const session = await sessions.session('agent', { config: { provider: 'openai', model: AGENT_MODEL } });
  return {
    sessions,
    session,
    async turn(n: number, input: TurnInput): Promise<void> {
      await commitAgentTurn(session, `turn-${n}`, input);
    },
    async read(): Promise<number> {
      await session.reload();
      return (await session.history()).length;
    },
  };
}

// ---- the floor: raw node:sqlite, its own schema ------------------------------------

const FLOOR_SCHEMA = `
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE head (id TEXT PRIMARY KEY, revision INTEGER NOT NULL, leaf TEXT, tool_ref TEXT, plugin_ref TEXT,
  input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL) STRICT;
CREATE TABLE messages (id TEXT PRIMARY KEY, parent TEXT, json TEXT NOT NULL) STRICT;
CREATE TABLE blobs (hash TEXT PRIMARY KEY, content BLOB NOT NULL) STRICT, WITHOUT ROWID;
CREATE TABLE turns (turn_id TEXT PRIMARY KEY, hash TEXT NOT NULL, revision INTEGER NOT NULL) STRICT;
INSERT INTO head VALUES ('agent', 0, NULL, NULL, NULL, 0, 0);`;

// The simplest correct active-path read: walk up the parent column from the head's leaf.
const FLOOR_PATH = `
WITH RECURSIVE path(id, parent, json, depth) AS (
  SELECT m.id, m.parent, m.json, 0 FROM messages m WHERE m.id = (SELECT leaf FROM head WHERE id = ?)
  UNION ALL
  SELECT m.id, m.parent, m.json, p.depth + 1 FROM path p JOIN messages m ON m.id = p.parent
)
SELECT json FROM path ORDER BY depth DESC`;

function floorSide(path: string) {
  const db = new DatabaseSync(path);
  db.exec(FLOOR_SCHEMA);
  const cas = db.prepare(
    'UPDATE head SET revision = revision + 1, leaf = ?, tool_ref = ?, plugin_ref = coalesce(?, plugin_ref), input_tokens = input_tokens + ?, output_tokens = output_tokens + ? WHERE id = ? AND revision = ?',
  );
  const message = db.prepare('INSERT INTO messages (id, parent, json) VALUES (?, ?, ?)');
  const blob = db.prepare('INSERT OR IGNORE INTO blobs (hash, content) VALUES (?, ?)');
  const turn = db.prepare('INSERT INTO turns (turn_id, hash, revision) VALUES (?, ?, ?)');
  const pathQuery = db.prepare(FLOOR_PATH);
  const sha = (data: string | Uint8Array) => nodeCodecs.sha256Hex(data);
  const utf8 = new TextEncoder();
  let revision = 0;
  let leaf: string | null = null;
  return {
    db,
    turn(n: number, input: TurnInput): void {
      const at = new Date().toISOString();
      const user = JSON.stringify({ id: `turn-${n}.0`, role: 'user', text: input.question, at });
      const assistant = JSON.stringify({ id: `turn-${n}.1`, role: 'assistant', text: input.answer, at });
      const toolJson = utf8.encode(JSON.stringify(input.tool));
      const toolRef = sha(toolJson);
      const pluginJson = input.plugin === undefined ? null : utf8.encode(JSON.stringify(input.plugin));
      const pluginRef = pluginJson === null ? null : sha(pluginJson);
      const turnHash = sha(`${user}\n${assistant}\n${toolRef}\n${pluginRef ?? ''}`);
      db.exec('BEGIN IMMEDIATE');
      try {
        if (cas.run(`turn-${n}.1`, toolRef, pluginRef, 1200, 300, 'agent', revision).changes !== 1) throw new Error('CAS failed');
        message.run(`turn-${n}.0`, leaf, user);
        message.run(`turn-${n}.1`, `turn-${n}.0`, assistant);
        blob.run(toolRef, toolJson);
        if (pluginRef !== null) blob.run(pluginRef, pluginJson!);
        turn.run(`turn-${n}`, turnHash, revision + 1);
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
      revision += 1;
      leaf = `turn-${n}.1`;
    },
    read(): number {
      return (pathQuery.all('agent') as Array<{ json: string }>).map((row) => JSON.parse(row.json)).length;
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export default async function agentTurnBench(ctx: BenchContext): Promise<void> {
  const dir = ctx.tempDir('agent-turn');
  // The quick run (CI) keeps the full 1,000 turns (under a second a side): with
  // 300 the figure moved by ±0.15 between runs, past CI's tolerance.
  const turns = TURNS;
  const storePath = join(dir, 'store.db');
  const floorPath = join(dir, 'floor.db');
  const inputs = Array.from({ length: turns + 1 }, (_, n) => turnInput(n));
  // Warm both code paths up on databases of their own, so turns 1–10 of the
  // measured run are optimised code on a small database, and the growth
  // figure shows what history size costs, not the JIT.
  const warmStore = await storeSide(join(dir, 'warm-store.db'));
  const warmFloor = floorSide(join(dir, 'warm-floor.db'));
  for (let n = 1; n <= 300; n++) {
    await warmStore.turn(n, inputs[(n % turns) + 1]!);
    warmFloor.turn(n, inputs[(n % turns) + 1]!);
  }
  await warmStore.read();
  warmFloor.read();
  await warmStore.sessions.close();
  warmFloor.db.close();

  const store = await storeSide(storePath);
  const floor = floorSide(floorPath);
  const storeTimes: number[] = [];
  const floorTimes: number[] = [];
  // Turn by turn, the order alternating, so load on the machine hits both sides alike.
  for (let n = 1; n <= turns; n++) {
    const input = inputs[n]!;
    const timeStore = async () => {
      const started = performance.now();
      await store.turn(n, input);
      storeTimes.push(performance.now() - started);
    };
    const timeFloor = () => {
      const started = performance.now();
      floor.turn(n, input);
      floorTimes.push(performance.now() - started);
    };
    if (n % 2 === 0) {
      await timeStore();
      timeFloor();
    } else {
      timeFloor();
      await timeStore();
    }
  }
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const storeTurnsPerSecond = (1000 * turns) / sum(storeTimes);
  const floorTurnsPerSecond = (1000 * turns) / sum(floorTimes);
  const growth = (times: number[]) => median(times.slice(-10)) / median(times.slice(0, 10));

  // History at 2 × turns messages, each side read the same way every time.
  const messages = await store.read();
  if (messages !== 2 * turns || floor.read() !== 2 * turns) throw new Error(`history lengths: store ${messages}, floor ${floor.read()}`);
  const repeats = ctx.quick ? 9 : 31;
  let storeReadMs = 0;
  let floorReadMs = 0;
  const storeReads: number[] = [];
  const floorReads: number[] = [];
  for (let i = 0; i < repeats; i++) {
    storeReads.push(await medianMs(() => store.read(), 1));
    floorReads.push(await medianMs(() => floor.read(), 1));
  }
  storeReadMs = median(storeReads);
  floorReadMs = median(floorReads);

  await store.sessions.close();
  floor.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  floor.db.close();
  const checkpoint = new DatabaseSync(storePath);
  checkpoint.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  checkpoint.close();
  const storeBytes = databaseBytes(storePath) / turns;
  const floorBytes = databaseBytes(floorPath) / turns;

  printTable(`agent turn: ${turns} turns, session API (default options) vs raw node:sqlite floor`, [
    { side: 'store', 'turns/s': storeTurnsPerSecond, 'µs/turn': (1000 * sum(storeTimes)) / turns, 'growth (991–1000 / 1–10)': growth(storeTimes), 'bytes/turn on disk': storeBytes, 'history read ms': storeReadMs },
    { side: 'floor', 'turns/s': floorTurnsPerSecond, 'µs/turn': (1000 * sum(floorTimes)) / turns, 'growth (991–1000 / 1–10)': growth(floorTimes), 'bytes/turn on disk': floorBytes, 'history read ms': floorReadMs },
  ]);
  // The 10-turn windows are what the target names; on a loaded machine one
  // slow turn moves them, so the 100-turn windows are printed beside them.
  const wide = (times: number[]) => median(times.slice(-100)) / median(times.slice(0, 100));
  console.log(`growth over 100-turn windows (901–1000 / 1–100): store ${wide(storeTimes).toFixed(3)}, floor ${wide(floorTimes).toFixed(3)}`);
  printRatio('agent_turn_vs_floor', storeTurnsPerSecond / floorTurnsPerSecond, '>=', 0.65);
  printRatio('agent_turn_growth', growth(storeTimes), '<=', 1.2);
  printRatio('agent_turn_history_read_vs_floor', storeReadMs / floorReadMs, '<=', 1.5);
  printRatio('agent_turn_kib_on_disk_per_turn', storeBytes / 1024, '<=', 8);
}
