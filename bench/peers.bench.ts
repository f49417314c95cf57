/**
 * Issue 17's agent turn against the peers, side by side in one run: this
 * package's session API with default options (`openSessions(file)`, one
 * `commitTurn` a turn), Mastra's `LibSQLStore` (`saveMessages` + one
 * `threadState.setState`, `peers/mastra.ts`) and LangGraph's `SqliteSaver`
 * (one checkpoint `put`, `peers/sqlitesaver.ts`).
 *
 * The workload is `agent-turn.bench.ts`'s: 1,000 turns, each a user and an
 * assistant message of about 1 KiB, an ~8 KiB tool state with one entry
 * changed, and every 10th turn a ~2 KiB plugin state; every side on a
 * database file of its own, WAL, synchronous=NORMAL, after a warm-up on
 * another file. Turns are interleaved: turn n of every side, the order
 * rotating, so load on the machine falls on all sides alike.
 *
 * Printed per side: turns/s and µs/turn (elapsed time), CPU µs/turn (the
 * CPU time of the process that ran the turn: every driver here works
 * synchronously in it, and CPU time leaves out what a loaded machine gives to
 * other processes), growth (the median turn of 991–1000 over that of 1–10,
 * in elapsed and in CPU time), KiB on disk per turn (database
 * file after a WAL checkpoint, / 1,000) and the history read of the newest
 * 2,000 messages (median ms). Then this package against each peer, as
 * informational ratios: they have no target, are not in the run's summary
 * and `--check` does not read them.
 *
 * The peers are not dependencies of this package. One that does not load is
 * skipped with how to install it. Both at once (a second `npm install`
 * prunes what the first brought; the versions pinned because npm on Node 20
 * would pick Mastra 0.x, whose engines field fits it):
 *   npm install --no-save @mastra/libsql@1 @mastra/core@1 @langchain/langgraph-checkpoint-sqlite better-sqlite3@12
 * SqliteSaver runs in a child process under the Node named by
 * `LASH_SQLITESAVER_NODE` (e.g. `/usr/bin/node`, the Node 20 npm builds
 * better-sqlite3 for): better-sqlite3 12 in this Node 24 aborts the process at
 * a garbage collection (`peers/sqlitesaver.ts`). Its turns and reads are
 * timed in the child and still interleaved turn by turn with the others.
 * With no peer loaded nothing runs.
 *
 * Run alone: `npm run bench -- peers`.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { databaseBytes, median, printTable, type BenchContext } from './lib.ts';
import { openLash } from './peers/lash.ts';
import { HISTORY_MESSAGES, peerTurn, type PeerOpener, type PeerSide, type PeerTurn, type Took } from './peers/workload.ts';

const TURNS = 1_000;
const WARMUP_TURNS = 100;
const LASH = 'lash-sqlite-store';

interface Contender {
  readonly name: string;
  readonly open: PeerOpener;
}

interface Figures {
  turnsPerSecond: number;
  microsPerTurn: number;
  cpuMicrosPerTurn: number;
  /** Median turn of 991–1000 over that of 1–10, elapsed time and CPU time. */
  growth: number;
  cpuGrowth: number;
  /** The same over 100-turn windows (901–1000 over 1–100), CPU time: one slow turn moves the 10-turn windows. */
  cpuGrowth100: number;
  /** CPU ms of each turn, in turn order (for the per-turn pairs). */
  cpuTimes: number[];
  kibPerTurn: number;
  historyMs: number;
}

/** The peers that load here; for each that does not, how to install it. */
async function loadPeers(): Promise<Contender[]> {
  const peers: Contender[] = [];
  try {
    const { loadMastra } = await import('./peers/mastra.ts');
    peers.push({ name: 'Mastra LibSQLStore', open: await loadMastra() });
  } catch (error) {
    skipped('Mastra LibSQLStore', error, 'npm install --no-save @mastra/libsql@1 @mastra/core@1');
  }
  const node = process.env.LASH_SQLITESAVER_NODE;
  const saverInstall =
    'npm install --no-save @langchain/langgraph-checkpoint-sqlite better-sqlite3@12 — npm builds better-sqlite3 for the Node it runs on, e.g. /usr/bin/node — then LASH_SQLITESAVER_NODE=/usr/bin/node npm run bench -- peers';
  if (node === undefined || node === '') {
    skipped('LangGraph SqliteSaver', 'it runs under the Node named by LASH_SQLITESAVER_NODE (better-sqlite3 12 aborts Node 24), and none is named', saverInstall);
  } else {
    try {
      const { remoteSqliteSaver } = await import('./peers/sqlitesaver-remote.ts');
      peers.push({ name: 'LangGraph SqliteSaver', open: await remoteSqliteSaver(node) });
    } catch (error) {
      skipped('LangGraph SqliteSaver', error, saverInstall);
    }
  }
  return peers;
}

function skipped(name: string, error: unknown, install: string): void {
  const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  console.log(`${name} not run here: ${reason}`);
  console.log(`  (${install})`);
}

/** Turn `n` of every side, the order rotating by one each turn; elapsed ms per turn, per side. */
async function interleavedTurns(sides: readonly PeerSide[], inputs: readonly PeerTurn[], turns: number): Promise<Took[][]> {
  const times = sides.map(() => [] as Took[]);
  for (let n = 1; n <= turns; n++) {
    for (let k = 0; k < sides.length; k++) {
      const at = (n + k) % sides.length;
      times[at]!.push(await sides[at]!.turn(inputs[n]!));
    }
  }
  return times;
}

/** The history read of every side, `repeats` rounds, the order rotating; median ms per side. */
async function interleavedReads(sides: readonly PeerSide[], repeats: number): Promise<number[]> {
  const times = sides.map(() => [] as number[]);
  for (let round = 0; round < repeats; round++) {
    for (let k = 0; k < sides.length; k++) {
      const at = (round + k) % sides.length;
      const { messages, ms } = await sides[at]!.readHistory();
      times[at]!.push(ms);
      if (messages !== HISTORY_MESSAGES) throw new Error(`side ${at} read ${messages} messages, not ${HISTORY_MESSAGES}`);
    }
  }
  return times.map((t) => median(t));
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const growth = (values: readonly number[]) => median(values.slice(-10)) / median(values.slice(0, 10));

/** Checkpoints the WAL into the file (every side's connection is closed by now). */
function checkpointed(path: string): number {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  return databaseBytes(path);
}

async function warmUp(contenders: readonly Contender[], dir: string, inputs: readonly PeerTurn[]): Promise<void> {
  const sides = await Promise.all(contenders.map((c, i) => c.open(join(dir, `warm-${i}.db`))));
  await interleavedTurns(sides, inputs, WARMUP_TURNS);
  for (const side of sides) await side.readHistory(); // fewer than 2,000 messages: the count is not checked
  for (const side of sides) await side.close();
}

export default async function peersBench(ctx: BenchContext): Promise<void> {
  const peers = await loadPeers();
  if (peers.length === 0) {
    console.log('no peer loaded: nothing to compare (the session API alone is agent-turn.bench.ts)');
    return;
  }
  const contenders: Contender[] = [{ name: LASH, open: openLash }, ...peers];
  const dir = ctx.tempDir('peers');
  const inputs = Array.from({ length: TURNS + 1 }, (_, n) => peerTurn(n));
  await warmUp(contenders, dir, inputs);

  const sides = await Promise.all(contenders.map((c, i) => c.open(join(dir, `side-${i}.db`))));
  const times = await interleavedTurns(sides, inputs, TURNS);
  const historyMs = await interleavedReads(sides, ctx.quick ? 5 : 15);
  const settings = await Promise.all(sides.map((side) => side.settings?.()));
  for (const side of sides) await side.close();

  const figures: Figures[] = sides.map((side, i) => {
    const elapsed = times[i]!.map((t) => t.ms);
    const cpu = times[i]!.map((t) => t.cpuMs);
    return {
      turnsPerSecond: (1000 * TURNS) / sum(elapsed),
      microsPerTurn: (1000 * sum(elapsed)) / TURNS,
      cpuMicrosPerTurn: (1000 * sum(cpu)) / TURNS,
      growth: growth(elapsed),
      cpuGrowth: growth(cpu),
      cpuGrowth100: median(cpu.slice(-100)) / median(cpu.slice(0, 100)),
      cpuTimes: cpu,
      kibPerTurn: checkpointed(side.path) / 1024 / TURNS,
      historyMs: historyMs[i]!,
    };
  });
  settings.forEach((s, i) => s !== undefined && console.log(`${contenders[i]!.name}: ${s}`));
  printTable(`agent turn, ${TURNS} turns, file-backed, WAL + synchronous=NORMAL: this package vs its peers`, contenders.map((c, i) => ({
    store: c.name,
    'turns/s': figures[i]!.turnsPerSecond,
    'µs/turn': figures[i]!.microsPerTurn,
    'CPU µs/turn': figures[i]!.cpuMicrosPerTurn,
    'growth (991–1000 / 1–10)': figures[i]!.growth,
    'CPU growth': figures[i]!.cpuGrowth,
    'CPU growth, 100-turn windows': figures[i]!.cpuGrowth100,
    'KiB/turn on disk': figures[i]!.kibPerTurn,
    [`history read ms (${HISTORY_MESSAGES} msgs)`]: figures[i]!.historyMs,
  })));
  const lash = figures[0]!;
  for (let i = 1; i < contenders.length; i++) printVersus(contenders[i]!.name, lash, figures[i]!);
}

/**
 * This package against one peer, each ratio > 1 where this package is ahead:
 * turn speed (elapsed), the peer's CPU time per turn over this package's
 * (totals, and the median of the per-turn ratios), history-read speed, and the peer's disk per turn over this package's. Informational (no target): printed, not reported to the summary.
 */
function printVersus(peer: string, lash: Figures, other: Figures): void {
  const key = peer.toLowerCase().replace(/\s+/g, '-');
  const ratios: Array<[string, number]> = [
    ['turn_speed', lash.turnsPerSecond / other.turnsPerSecond],
    ['turn_cpu', other.cpuMicrosPerTurn / lash.cpuMicrosPerTurn],
    // Turn n of both ran back to back, so each pair shares the machine's load; the median outvotes a disturbed turn.
    ['turn_cpu_paired', median(other.cpuTimes.map((t, n) => t / lash.cpuTimes[n]!))],
    ['history_read_speed', other.historyMs / lash.historyMs],
    ['disk_per_turn_saving', other.kibPerTurn / lash.kibPerTurn],
  ];
  for (const [name, value] of ratios) console.log(`INFO peers.${name}_vs[${key}] ${value.toFixed(3)} (> 1: ${LASH} ahead; no target)`);
}
