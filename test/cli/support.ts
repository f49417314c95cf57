/**
 * Support for the `lash-store` tests: a CLI runner (a real subprocess on the
 * Node that runs the tests), a database built with the real components, and
 * byte/mtime snapshots of a file and its sidecars.
 *
 * The subprocess runs an esbuild bundle of `src/cli/main.ts` made once per
 * test file: the same source, but a start-up of ~0.2 s instead of ~1 s of
 * type stripping per run, which keeps the suite inside its time budget.
 * `cli.test.ts` also runs `src/cli/main.ts` itself (the `npm run cli` path)
 * and the tsup build (`dist/cli.js`).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import {
  EffectScope,
  SqliteEffectHost,
  SqliteHostEventStore,
  SqliteProcessRegistry,
  Store,
  anySchema,
  applyCommitResult,
  externalInput,
  newRuntimeSessionState,
  persistedStateWithGraphCommit,
  processRegistration,
  processScope,
  queuedTurnInputDraft,
  type RuntimeCommit,
  type TokenLedgerEntry,
} from '../../src/index.ts';
import { openNodeSqlite } from '../../src/node.ts';
import { execEnvelope, failingExecutor, returningExecutor } from '../effects/samples.ts';
import { buttonRequest, sampleDraft } from '../host-events/samples.ts';
import { message } from './records.ts';

export { message };

export const REPO = new URL('../../', import.meta.url).pathname;

let bundle: string | undefined;
const scratch = mkdtempSync(join(tmpdir(), 'lash-cli-test-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/** The CLI as one file (built on first use). */
export function cliBundle(): string {
  if (bundle === undefined) {
    bundle = join(scratch, 'lash-store.mjs');
    buildSync({
      entryPoints: [join(REPO, 'src/cli/main.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      logLevel: 'error',
      // sql.js ships its own WASM loader; the CLI never loads it, but keep it external like the package build.
      external: ['sql.js'],
      banner: { js: "import { createRequire as __lashRequire } from 'node:module'; const require = __lashRequire(import.meta.url);" },
    });
  }
  return bundle;
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `lash-store …` in a subprocess (never through a shell). */
export function runCli(args: readonly string[], options: { script?: string; env?: Record<string, string>; cwd?: string } = {}): Promise<CliRun> {
  const script = options.script ?? cliBundle();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { cwd: options.cwd ?? REPO, env: { ...process.env, NO_COLOR: '', ...options.env }, maxBuffer: 64 * 1024 * 1024, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A fresh folder, removed when the test file's process ends. */
export function tempFolder(label = 'case'): string {
  return mkdtempSync(join(scratch, `${label}-`));
}

// ---- a database built with the real components -----------------------------------

export const SESSION = 'cli-session';

export interface RichFacts {
  readonly sessionId: string;
  readonly headRevision: number;
  readonly checkpointRef: string;
  /** The first commit's manifest: garbage after the second commit. */
  readonly staleCheckpointRef: string;
  readonly rawBlobRef: string;
  readonly toolStateRef: string;
  readonly liveNodes: number;
  readonly tombstonedNodes: number;
  readonly pendingBatchId: string;
  readonly claimedBatchId: string;
}

const usage = (source: string, input: number, output: number): TokenLedgerEntry => ({
  source,
  model: 'model-a',
  usage: { input_tokens: input, output_tokens: output, cached_input_tokens: 5, reasoning_tokens: 1 },
});

/**
 * One file holding every component: a session with two commits (the active
 * path u1→a1→u2→a2, a branch b1→b2 off a1, a tombstoned node), a hydrated
 * checkpoint with tool state, plugin snapshot and execution state, usage,
 * a raw garbage blob, queued work (one pending batch, one claimed), a
 * process registry (a running process with a grant and events, a completed
 * one), effect rows (completed and failed) and a host-event subscription
 * with an occurrence.
 */
export async function buildRichStore(path: string, now = 1_800_000_000_000): Promise<RichFacts> {
  const conn = openNodeSqlite(path);
  const clock = () => now;
  try {
    const store = await Store.open(conn, { clock });
    await store.saveSessionMeta({
      session_id: SESSION,
      session_name: 'CLI test session',
      created_at: 'unix:1800000000',
      model: 'model-a',
      cwd: '/work',
      relation: { kind: 'root' },
    });
    let state = newRuntimeSessionState(SESSION, { provider_id: 'provider-a', model: { id: 'model-a', limits: { context_window_tokens: 200_000 } } });
    const nodes = [
      message('u1', 'User', 'hello there, first question'),
      message('a1', 'Assistant', 'hi, how can I help?', 'u1'),
      message('b1', 'User', 'an alternative question', 'a1'),
      message('b2', 'Assistant', 'an alternative answer', 'b1'),
      message('u2', 'User', 'tell me a story', 'a1'),
      message('a2', 'Assistant', 'once upon a time', 'u2'),
      message('t1', 'User', 'a message the host hides', 'a2'),
    ];
    const first: RuntimeCommit = {
      ...persistedStateWithGraphCommit(state, { Append: { nodes, leaf_node_id: 'a2' } }, [usage('turn', 100, 20)]),
      expected_head_revision: 0,
    };
    first.checkpoint = {
      ...first.checkpoint,
      tool_state: { generation: 1, tools: { search: { enabled: true } } } as never,
      plugin_snapshot: { plugins: { notes: { state: { count: 2 } } } } as never,
      plugin_snapshot_revision: 1,
      execution_state: new Uint8Array([1, 2, 3, 4, 5]),
    };
    const r1 = await store.commitRuntimeState(first);
    state = applyCommitResult(state, r1);
    await store.tombstoneNodes(['t1']);
    const second = persistedStateWithGraphCommit({ ...state, turn_index: 1 }, { Unchanged: { leaf_node_id: 'a2' } }, [usage('turn', 50, 10)]);
    const r2 = await store.commitRuntimeState(second);
    const rawBlobRef = await store.putBlob(new TextEncoder().encode('unreferenced raw bytes'));

    // Claims take batches in enqueue order: the first is claimed, the second stays pending.
    const claimed = await store.enqueueQueuedWork(queuedTurnInputDraft(SESSION, 'claimed question', 'earliest_safe_boundary', 'exclusive'));
    const pending = await store.enqueueQueuedWork(queuedTurnInputDraft(SESSION, 'queued question', 'after_current_turn_commit', 'join'));
    const claim = await store.claimReadyQueuedWork(SESSION, 'worker-1', 'idle', 60_000, 1);
    if (claim === null || claim.batches[0]!.batch_id !== claimed.batch_id) throw new Error('fixture: unexpected claim');
    store.close();

    const registry = await SqliteProcessRegistry.open(conn, { clock });
    const progress = { name: 'tool.progress', payload_schema: anySchema(), semantics: {} };
    await registry.registerProcess(processRegistration('proc-running', externalInput(null), [progress]));
    await registry.grantHandle(processScope(SESSION), 'proc-running', { kind: 'tool', label: 'search' });
    await registry.appendEvent('proc-running', { event_type: 'tool.progress', payload: { step: 1 } });
    await registry.appendEvent('proc-running', { event_type: 'tool.progress', payload: { step: 2 } });
    await registry.registerProcess(processRegistration('proc-done', externalInput(null), []));
    await registry.completeProcess('proc-done', { type: 'success', value: { ok: true } });
    registry.close();

    const effects = await SqliteEffectHost.open(conn, { clock });
    const controller = effects.scoped(EffectScope.turn(SESSION, 'turn-1')).controller();
    await controller.executeEffect(execEnvelope('effect-ok', 'print 1'), returningExecutor('done'));
    await controller.executeEffect(execEnvelope('effect-failed', 'print 2'), failingExecutor()).catch(() => undefined);
    effects.close();

    const hostEvents = await SqliteHostEventStore.open(conn, { clock });
    const sourceKey = await hostEvents.sourceKeyForSubscription('ui.button.pressed', {});
    await hostEvents.registerSubscription(sampleDraft(SESSION, sourceKey, 'on_button'));
    await hostEvents.recordOccurrence(buttonRequest(sourceKey, 'press-1'));
    hostEvents.close();

    return {
      sessionId: SESSION,
      headRevision: r2.head_revision,
      checkpointRef: r2.checkpoint_ref,
      staleCheckpointRef: r1.checkpoint_ref,
      rawBlobRef,
      toolStateRef: r2.manifest.tool_state_ref!,
      liveNodes: 6,
      tombstonedNodes: 1,
      pendingBatchId: pending.batch_id,
      claimedBatchId: claimed.batch_id,
    };
  } finally {
    conn.close();
  }
}

/** The rich store, built once per test file and copied for each test that needs its own. */
let template: { path: string; facts: RichFacts } | undefined;

export async function richStore(label = 'rich'): Promise<{ path: string; facts: RichFacts }> {
  if (template === undefined) {
    const path = join(tempFolder('template'), 'template.db');
    template = { path, facts: await buildRichStore(path) };
  }
  const path = join(tempFolder(label), 'session.db');
  copyFileSync(template.path, path);
  return { path, facts: template.facts };
}

/** Runs SQL on a database file (to damage it on purpose), with foreign keys off so any row can be written. */
export function tamper(path: string, body: (db: ReturnType<typeof openNodeSqlite>['raw']) => void): void {
  const conn = openNodeSqlite(path);
  try {
    conn.raw.exec('PRAGMA foreign_keys = OFF');
    body(conn.raw);
  } finally {
    conn.close();
  }
}

// ---- snapshots ----------------------------------------------------------------

export interface FileState {
  readonly exists: boolean;
  readonly size?: number;
  readonly mtimeMs?: number;
  readonly sha256?: string;
}

/** Bytes (as SHA-256), size and mtime of a database and its `-wal`/`-shm`. */
export function snapshot(path: string): Record<string, FileState> {
  const out: Record<string, FileState> = {};
  for (const suffix of ['', '-wal', '-shm']) {
    const file = `${path}${suffix}`;
    if (!existsSync(file)) {
      out[suffix || 'main'] = { exists: false };
      continue;
    }
    const stat = statSync(file);
    out[suffix || 'main'] = {
      exists: true,
      size: stat.size,
      mtimeMs: stat.mtimeMs,
      sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
    };
  }
  return out;
}
