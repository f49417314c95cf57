/**
 * The LangGraph checkpointer on issue 15's workload: one thread, every turn
 * adding a ~1 KiB user message and a ~1 KiB assistant message and replacing
 * an ~8 KiB tool state; 1,000 turns (100 with `--quick`) on a file-backed
 * database (node:sqlite, WAL, synchronous=NORMAL). Two runs of it:
 *
 * - **graph**: a real `StateGraph` (messages channel + tool-state channel),
 *   one `graph.invoke` per turn. Its turn time includes LangGraph's own
 *   work, part of which grows with the thread whatever the saver: the
 *   messages reducer coerces and re-indexes the whole list at every step.
 * - **saver**: the same turns as the saver sees them — the calls one
 *   `invoke` makes (read the latest checkpoint; put the input checkpoint,
 *   its writes, the checkpoint after the input, the agent's writes, the
 *   checkpoint after the agent) with the same values — without LangGraph
 *   around them: the saver's own per-turn cost.
 *
 * Printed per run: turns per second, the per-turn time of turns 991–1000
 * over turns 1–10 (medians of each window, in CPU time of this process so
 * the other processes on the machine weigh less; target ≤ 1.2), and bytes
 * on disk per turn (target ≤ 16 KiB).
 *
 * LangGraph's own `SqliteSaver` runs the same workload in the same run for
 * comparison when it can: `@langchain/langgraph-checkpoint-sqlite` is not a
 * dependency of this package (`npm install --no-save
 * @langchain/langgraph-checkpoint-sqlite` brings it), and its native
 * better-sqlite3 (only version 12 works on these machines) must be built for
 * the Node that loads it: this one, or another named by
 * `LASH_SQLITESAVER_NODE` (e.g. the system's Node 20, which npm builds native
 * modules for), which then runs it in a child process
 * (`langgraph-reference.ts`).
 *
 * Run alone: `npm run bench:langgraph` (add `-- --quick` for 100 turns).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { LashCheckpointSaver } from '../src/langgraph.ts';
import { openNodeSqlite } from '../src/node.ts';
import { bundleForChild } from './child-bundle.ts';
import { printRatio, printTable, type BenchContext } from './lib.ts';
import { KINDS, runBoth, type KindName, type Opened, type RunResult } from './langgraph-workload.ts';

function openLash(path: string): Opened {
  const conn = openNodeSqlite(path);
  return { saver: new LashCheckpointSaver(conn), close: () => conn.close() };
}

/** The SqliteSaver module, when it and its better-sqlite3 load in this Node. */
async function loadSqliteSaver(): Promise<((path: string) => Opened) | string> {
  try {
    const { openSqliteSaver } = await import('./langgraph-reference.ts');
    return await openSqliteSaver();
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0]! : String(error);
  }
}

/**
 * LangGraph's SqliteSaver in another Node (`LASH_SQLITESAVER_NODE`): its
 * better-sqlite3 is built for that Node's ABI, not this one's. The runner
 * is bundled with esbuild (a dev dependency) into `node_modules/.cache`,
 * where it finds the same packages.
 */
async function runInOtherNode(node: string, dir: string, turns: number): Promise<Record<KindName, RunResult> | string> {
  const out = await bundleForChild(join(import.meta.dirname, 'langgraph-reference.ts'), 'langgraph-reference.mjs');
  const child = spawnSync(node, [out, dir, String(turns)], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (child.status !== 0) return `${node} exited ${child.status}: ${(child.stderr || child.stdout).split('\n')[0]}`;
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as Record<KindName, RunResult>;
}

export default async function langgraphBench(ctx: BenchContext): Promise<void> {
  const turns = ctx.quick ? 100 : 1000;
  const dir = ctx.tempDir('langgraph');
  const results: Array<[string, Record<KindName, RunResult>]> = [['LashCheckpointSaver', await runBoth(dir, 'lash', openLash, turns)]];
  const reference = await loadSqliteSaver();
  const otherNode = process.env.LASH_SQLITESAVER_NODE;
  if (typeof reference !== 'string') {
    results.push(['SqliteSaver (LangGraph)', await runBoth(dir, 'sqlite', reference, turns)]);
  } else if (otherNode !== undefined && otherNode !== '') {
    const outcome = await runInOtherNode(otherNode, dir, turns);
    if (typeof outcome === 'string') console.log(`LangGraph SqliteSaver not run: ${outcome}`);
    else results.push([`SqliteSaver (LangGraph; ${otherNode})`, outcome]);
  } else {
    console.log(`LangGraph SqliteSaver not run here: ${reference}`);
    console.log('  (npm install --no-save @langchain/langgraph-checkpoint-sqlite, with a better-sqlite3 12 built for this Node,');
    console.log('   or for another Node named by LASH_SQLITESAVER_NODE=/path/to/node)');
  }
  for (const [kind] of KINDS) {
    printTable(
      `${kind === 'graph' ? 'StateGraph.invoke' : 'saver calls only'}: ${turns} turns on one thread (2 × 1 KiB messages + 8 KiB tool state per turn), file-backed`,
      results.map(([name, byKind]) => row(name, byKind[kind])),
    );
  }
  const last = turns === 1000 ? '991–1000' : `${turns - 9}–${turns}`;
  console.log(`turn time: CPU ms, median of turns 1–10 and of turns ${last}; bytes: database file (+ WAL) / turns`);
  const lash = results[0]![1];
  printRatio(`langgraph.saver_turn_growth_${turns}_turns`, lash.saver.lastMs / lash.saver.firstMs, '<=', 1.2);
  printRatio(`langgraph.graph_turn_growth_${turns}_turns`, lash.graph.lastMs / lash.graph.firstMs, '<=', 1.2);
  printRatio('langgraph.kib_on_disk_per_turn', lash.graph.bytesPerTurn / 1024, '<=', 16);
}

function row(saver: string, result: RunResult): Record<string, string | number> {
  return {
    saver,
    'turns/s': result.turnsPerSecond,
    'ms turns 1–10': result.firstMs,
    'ms last 10': result.lastMs,
    growth: result.lastMs / result.firstMs,
    'KiB/turn': result.bytesPerTurn / 1024,
  };
}
