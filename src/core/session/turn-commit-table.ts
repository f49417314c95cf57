/**
 * The turn-commit ledger (`runtime_turn_commits`): one row per stamped turn,
 * holding its hash and the result handed back to an idempotent retry. Rows
 * are never pruned.
 */
import { stringifyJsonRow } from '../codec/json-bytes.ts';
import type { SqliteConnection } from '../driver/types.ts';
import { StoreError } from '../contract/errors.ts';
import { decodeCommitResult, encodeCommitResult } from './codecs.ts';
import type { RuntimeCommitResult, RuntimeTurnCommitStamp } from '../contract/session-records.ts';
import { messageOf } from '../shape.ts';

const SELECT_TURN =
  'SELECT turn_commit_hash, result_json FROM runtime_turn_commits WHERE session_id = ? AND turn_id = ?';
const CLAIM_TURN =
  'INSERT INTO runtime_turn_commits (session_id, turn_id, turn_commit_hash, result_json, committed_at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, turn_id) DO NOTHING';

export type PriorTurn = { readonly hash: string; readonly result: () => RuntimeCommitResult };

/** The stored row for a stamp's turn, if any; the result decodes only when asked. */
export function findTurnCommit(conn: SqliteConnection, stamp: RuntimeTurnCommitStamp): PriorTurn | undefined {
  const row = conn.get<{ turn_commit_hash: string; result_json: string }>(SELECT_TURN, [stamp.session_id, stamp.turn_id]);
  if (row === undefined) return undefined;
  return {
    hash: row.turn_commit_hash,
    result: () => {
      try {
        return decodeCommitResult(JSON.parse(row.result_json));
      } catch (error) {
        throw StoreError.backend(`failed to decode runtime turn commit result: ${messageOf(error)}`, error);
      }
    },
  };
}

/**
 * Records the stamp's turn with `result`, unless a row for that turn exists;
 * returns whether it wrote. A commit claims its turn this way where it would
 * look the turn up (one statement instead of a lookup and an insert), knowing
 * its result already; its transaction rolls the row back if a later check fails.
 */
export function claimTurnCommit(
  conn: SqliteConnection,
  stamp: RuntimeTurnCommitStamp,
  result: RuntimeCommitResult,
  now: number,
): boolean {
  const json = stringifyJsonRow(encodeCommitResult(result));
  return conn.run(CLAIM_TURN, [stamp.session_id, stamp.turn_id, stamp.turn_commit_hash, json, now]).changes > 0;
}
