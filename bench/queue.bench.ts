/**
 * Queued-work figures (node:sqlite, WAL files):
 * - `queue_cycle_vs_floor`: one full cycle through the `Store` — enqueue a
 *   batch of one `turn_input` item, claim it, complete it with a real turn
 *   commit (CAS on the revision, a new turn stamp, graph unchanged) — against
 *   a raw-SQL floor running the same statements in the same transactions on a
 *   `DatabaseSync` of the same schema (BEGIN and COMMIT prepared too), with
 *   JSON and blob bytes precomputed; timed by CPU time (`clock: 'cpu'`).
 * - `claim_depth_10k_vs_10`: one claim (TTL 0, so the head stays ready) from a
 *   queue of 10,000 pending batches vs one of 10.
 */
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import {
  QueuedWork,
  Store,
  claimCompletion,
  completingQueueClaim,
  graphDelta,
  newRuntimeSessionState,
  persistedStateCommit,
  queuedTurnInputDraft,
  turnCommitStamp,
  withTurnCommit,
  type SqliteConnection,
} from '../src/index.ts';
import { SESSION_SCHEMA } from '../src/core/schema/session.ts';
import { openNodeSqlite } from '../src/node.ts';
import { measureInterleaved, pairedRatio, printRatio, printTable, type BenchContext } from './lib.ts';

const TTL = 60_000;
/** The runtime computes the turn hash; the store stores it verbatim, so the bench uses a fixed one. */
const TURN_HASH = 'a'.repeat(64);

export default async function queue(ctx: BenchContext): Promise<void> {
  const rounds = ctx.quick ? 9 : 21;
  const roundMs = ctx.quick ? 60 : 200;
  const dir = ctx.tempDir('queue');

  const cycle = await cycleVsFloor(dir, { rounds, roundMs });
  const depth = await claimByDepth(dir, { rounds, roundMs });

  printTable(
    'queued work (median ops per CPU-second of the rounds)',
    Object.entries({ ...cycle, ...depth }).map(([name, m]) => ({ operation: name, 'ops/s': m.opsPerSecond, 'µs/op': m.microsPerOp })),
  );
  printRatio('queue_cycle_vs_floor', pairedRatio(cycle.store!, cycle.floor!), '>=', 0.8);
  printRatio('claim_depth_10k_vs_10', depth['claim, 10 pending']!.opsPerSecond / depth['claim, 10k pending']!.opsPerSecond, '<=', 1.5);
  console.log(
    `info: a claim behind 10k not-yet-available batches costs ×${(
      depth['claim, 10 pending']!.opsPerSecond / depth['claim behind 10k future']!.opsPerSecond
    ).toFixed(1)} (it steps over them in queue order)`,
  );
}

async function cycleVsFloor(dir: string, options: { rounds: number; roundMs: number }) {
  const conn = openNodeSqlite(join(dir, 'cycle.db'));
  const store = await Store.open(conn);
  const draft = queuedTurnInputDraft('root', 'hello from the bench', 'earliest_safe_boundary', 'exclusive');
  // The runtime's turn commit: same state each turn (graph unchanged, CAS on
  // the current revision), a fresh turn stamp, the claim's completion.
  const base = persistedStateCommit(defaultState());
  let revision = (await store.commitRuntimeState(base)).head_revision;
  const turn = { ...base, graph: graphDelta.unchanged(null) };
  let turns = 0;
  const cycle = async () => {
    await store.enqueueQueuedWork(draft);
    const claim = await store.claimReadyQueuedWork('root', 'owner', 'idle', TTL, 1);
    const stamped = withTurnCommit({ ...turn, expected_head_revision: revision }, turnCommitStamp('root', `turn-${++turns}`, TURN_HASH));
    revision = (await store.commitRuntimeState(completingQueueClaim(stamped, claimCompletion(claim!)))).head_revision;
  };
  await cycle();

  const floor = rawFloor(join(dir, 'floor.db'), conn, JSON.stringify(draft.payloads[0]));
  const measured = await measureInterleaved({ store: cycle, floor }, { ...options, clock: 'cpu' });
  conn.close();
  return measured;
}

/** `RuntimeSessionState::default()` for session `root` (what the bench commits every turn). */
function defaultState() {
  return newRuntimeSessionState('root', { provider_id: '', model: { id: '', limits: { context_window_tokens: 1 } } });
}

/**
 * The statements of one store cycle in the same three transactions, prepared
 * once on a raw DatabaseSync: the head and turn-result JSON and the checkpoint
 * manifest blob are copied from the store's database and only the revision is
 * spliced in, so no encoding or hashing is left in the loop.
 */
function rawFloor(path: string, source: SqliteConnection, payloadJson: string): () => void {
  const db = new DatabaseSync(path, { timeout: 15_000, enableForeignKeyConstraints: true });
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
  db.exec(SESSION_SCHEMA.ddl);
  const head = source.get<{ head_json: string; head_revision: number }>('SELECT head_json, head_revision FROM session_head')!;
  const [headBefore, headAfter] = head.head_json.split(`"head_revision":${head.head_revision}`) as [string, string];
  const sample = source.get<{ result_json: string }>('SELECT result_json FROM runtime_turn_commits')!;
  const [resultBefore, resultAfter] = sample.result_json.split(`"head_revision":${head.head_revision}`) as [string, string];
  const manifest = source.get<{ hash: string; content: Uint8Array }>('SELECT hash, content FROM blobs')!;
  db.prepare('INSERT INTO blobs (hash, content) VALUES (?, ?)').run(manifest.hash, manifest.content);
  db.prepare('INSERT INTO session_head (singleton, session_id, head_json, head_revision) VALUES (1, ?, ?, ?)').run('root', head.head_json, 1);

  const insertBatch = db.prepare(`INSERT INTO queued_work_batches
    (batch_id, session_id, source_key, delivery_policy, slot_policy, merge_key_json, available_at_ms, enqueued_at_ms)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING enqueue_seq`);
  const insertItem = db.prepare('INSERT INTO queued_work_items (batch_id, item_index, item_id, payload_json) VALUES (?, ?, ?, ?)');
  const selectReady = db.prepare(`SELECT enqueue_seq, batch_id, session_id, source_key, delivery_policy, slot_policy,
      merge_key_json, available_at_ms, enqueued_at_ms, claim_fencing_token FROM queued_work_batches
    WHERE session_id = ? AND available_at_ms <= ? AND (claim_token IS NULL OR claim_expires_at_ms <= ?)
    ORDER BY enqueue_seq LIMIT 1`);
  const claimRow = db.prepare(`UPDATE queued_work_batches
    SET claim_id = ?, claim_owner_id = ?, claim_token = ?, claim_fencing_token = claim_fencing_token + 1,
        claim_claimed_at_ms = ?, claim_expires_at_ms = ?
    WHERE session_id = ? AND batch_id = ? AND (claim_token IS NULL OR claim_expires_at_ms <= ?)`);
  const selectItems = db.prepare('SELECT batch_id, item_id, payload_json FROM queued_work_items WHERE batch_id = ? ORDER BY item_index');
  const selectHead = db.prepare('SELECT head_json, head_revision FROM session_head WHERE singleton = 1');
  const selectTurn = db.prepare('SELECT turn_commit_hash, result_json FROM runtime_turn_commits WHERE session_id = ? AND turn_id = ?');
  const blobExists = db.prepare('SELECT 1 AS present FROM blobs WHERE hash = ?');
  const writeHead = db.prepare(
    'INSERT OR REPLACE INTO session_head (singleton, session_id, head_json, head_revision) VALUES (1, ?, ?, ?)',
  );
  // The cheapest forms the store could use: a literal LIMIT (SQLite plans a
  // `LIMIT ?` statement again on every run) and one DELETE … RETURNING that
  // both checks and removes the held batches.
  const deleteHeld = db.prepare(
    'DELETE FROM queued_work_batches WHERE session_id = ? AND claim_id = ? AND claim_token = ? RETURNING batch_id',
  );
  const insertTurn = db.prepare(
    'INSERT INTO runtime_turn_commits (session_id, turn_id, turn_commit_hash, result_json, committed_at_ms) VALUES (?, ?, ?, ?, ?)',
  );
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  let n = 0;
  return () => {
    const now = Date.now();
    // Ids of the store's length (64 hex digits), without hashing.
    const hex = (++n).toString(16).padStart(64, '0');
    const batchId = `qwb:${hex}`;
    begin.run();
    insertBatch.get(batchId, 'root', null, 'earliest_safe_boundary', 'exclusive', '"never"', 0, now);
    insertItem.run(batchId, 0, `${batchId}:item:0`, payloadJson);
    commit.run();

    begin.run();
    const [row] = selectReady.all('root', now, now) as Array<{ batch_id: string; enqueue_seq: number }>;
    const claimId = `qwc:${row!.enqueue_seq}:1`;
    const token = hex;
    claimRow.run(claimId, 'owner', token, now, now + TTL, 'root', row!.batch_id, now);
    selectItems.all(row!.batch_id);
    commit.run();

    begin.run();
    const { head_revision } = selectHead.get() as { head_revision: number };
    selectTurn.get('root', `turn-${n}`);
    blobExists.get(manifest.hash);
    const next = head_revision + 1;
    writeHead.run('root', `${headBefore}"head_revision":${next}${headAfter}`, next);
    deleteHeld.all('root', claimId, token);
    insertTurn.run('root', `turn-${n}`, TURN_HASH, `${resultBefore}"head_revision":${next}${resultAfter}`, now);
    commit.run();
  };
}

async function claimByDepth(dir: string, options: { rounds: number; roundMs: number }) {
  const seeded = async (name: string, pending: number, future: number) => {
    const conn = openNodeSqlite(join(dir, `${name}.db`));
    const work = await QueuedWork.open(conn);
    const draft = queuedTurnInputDraft('root', 'pending work', 'earliest_safe_boundary', 'exclusive');
    for (let i = 0; i < future; i++) await work.enqueueQueuedWork({ ...draft, available_at_ms: 4_102_444_800_000 });
    for (let i = 0; i < pending; i++) await work.enqueueQueuedWork(draft);
    // TTL 0: the claimed head is expired at once, so every claim finds the same depth.
    return { conn, claim: () => work.claimReadyQueuedWork('root', 'owner', 'idle', 0, 1) };
  };
  const shallow = await seeded('depth-10', 10, 0);
  const deep = await seeded('depth-10k', 10_000, 0);
  const behind = await seeded('behind-10k', 10, 10_000);
  const measured = await measureInterleaved(
    { 'claim, 10 pending': shallow.claim, 'claim, 10k pending': deep.claim, 'claim behind 10k future': behind.claim },
    { ...options, clock: 'cpu' },
  );
  for (const { conn } of [shallow, deep, behind]) conn.close();
  return measured;
}
