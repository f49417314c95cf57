/**
 * Process leases: single-owner execution fencing (`contract-process.md`
 * §3.11). A lease is *held* when owner and token are set, and *live* while
 * `expires_at > now` (strict: a TTL of 0 is dead on arrival). The fencing
 * token is kept across release and expiry, so it only grows.
 *
 * Synchronous; callers run these inside a write transaction.
 */
import type { SqliteConnection } from '../driver/types.ts';
import { PluginError } from '../contract/errors.ts';
import type { EpochMs, U64 } from '../contract/json.ts';
import type { TokenSource } from '../tokens.ts';
import { saturatingAdd } from '../validation.ts';
import { PROCESS_LEASE_SCHEMA_VERSION, type ProcessLease, type ProcessLeaseCompletion } from '../contract/process.ts';

const SELECT = `SELECT lease_owner_id, lease_token, lease_fencing_token, lease_claimed_at_ms, lease_expires_at_ms
  FROM process_leases WHERE process_id = ?`;
const UPSERT = `INSERT INTO process_leases
  (process_id, lease_owner_id, lease_token, lease_fencing_token, lease_claimed_at_ms, lease_expires_at_ms)
  VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT(process_id) DO UPDATE SET
    lease_owner_id = excluded.lease_owner_id,
    lease_token = excluded.lease_token,
    lease_fencing_token = excluded.lease_fencing_token,
    lease_claimed_at_ms = excluded.lease_claimed_at_ms,
    lease_expires_at_ms = excluded.lease_expires_at_ms`;
const RENEW = 'UPDATE process_leases SET lease_expires_at_ms = ? WHERE process_id = ? AND lease_token = ?';
const RELEASE = `UPDATE process_leases
  SET lease_owner_id = NULL, lease_token = NULL, lease_claimed_at_ms = 0, lease_expires_at_ms = 0
  WHERE process_id = ? AND lease_token = ?`;

interface LeaseRow {
  lease_owner_id: string | null;
  lease_token: string | null;
  lease_fencing_token: number;
  lease_claimed_at_ms: number;
  lease_expires_at_ms: number;
}

export class ProcessLeases {
  readonly #conn: SqliteConnection;
  readonly #tokens: TokenSource;

  constructor(conn: SqliteConnection, tokens: TokenSource) {
    this.#conn = conn;
    this.#tokens = tokens;
  }

  /**
   * Takes the lease unless another owner holds it live. The same owner may
   * re-claim: it gets a new token and a higher fencing token, so its old
   * token can no longer renew.
   */
  claim(processId: string, ownerId: string, ttlMs: U64, now: EpochMs): ProcessLease {
    const row = this.#conn.get<LeaseRow>(SELECT, [processId]);
    const current = row && heldLease(processId, row);
    if (current && current.expires_at_epoch_ms > now && current.owner_id !== ownerId) {
      throw PluginError.session(
        `process \`${processId}\` is already leased by \`${current.owner_id}\` until ${current.expires_at_epoch_ms}`,
      );
    }
    const fencingToken = (row?.lease_fencing_token ?? 0) + 1;
    const lease: ProcessLease = {
      schema_version: PROCESS_LEASE_SCHEMA_VERSION,
      process_id: processId,
      owner_id: ownerId,
      // Unique forever (spec decision 17): the reference's hash of
      // pid:owner:now:fencing would repeat after a database is recreated.
      lease_token: this.#tokens.next(processId, ownerId, now, fencingToken),
      fencing_token: fencingToken,
      claimed_at_epoch_ms: now,
      expires_at_epoch_ms: saturatingAdd(now, ttlMs),
    };
    this.#conn.run(UPSERT, [
      processId,
      ownerId,
      lease.lease_token,
      fencingToken,
      now,
      lease.expires_at_epoch_ms,
    ]);
    return lease;
  }

  /** Extends a live lease whose stored token is exactly `lease.lease_token`. */
  renew(lease: ProcessLease, ttlMs: U64, now: EpochMs): ProcessLease {
    const row = this.#conn.get<LeaseRow>(SELECT, [lease.process_id]);
    const current = row && heldLease(lease.process_id, row);
    if (!current || current.lease_token !== lease.lease_token || current.expires_at_epoch_ms <= now) {
      throw PluginError.session(`process lease for \`${lease.process_id}\` is missing or expired`);
    }
    const expires = saturatingAdd(now, ttlMs);
    this.#conn.run(RENEW, [expires, lease.process_id, lease.lease_token]);
    return { ...lease, schema_version: PROCESS_LEASE_SCHEMA_VERSION, expires_at_epoch_ms: expires };
  }

  /**
   * Releases the lease if `completion` still holds it; a stale token matches
   * nothing and is a silent no-op. The fencing token is kept.
   */
  release(completion: ProcessLeaseCompletion): void {
    this.#conn.run(RELEASE, [completion.process_id, completion.lease_token]);
  }
}

function heldLease(processId: string, row: LeaseRow): ProcessLease | undefined {
  if (row.lease_owner_id === null || row.lease_token === null) return undefined;
  return {
    schema_version: PROCESS_LEASE_SCHEMA_VERSION,
    process_id: processId,
    owner_id: row.lease_owner_id,
    lease_token: row.lease_token,
    fencing_token: row.lease_fencing_token,
    claimed_at_epoch_ms: row.lease_claimed_at_ms,
    expires_at_epoch_ms: row.lease_expires_at_ms,
  };
}
