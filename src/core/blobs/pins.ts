/**
 * GC pins for blobs written on their own (`putBlob`, `putArtifactBlob`, the
 * typed variants, `putCheckpoint`): until a commit references such a blob,
 * no root reaches it, so a GC in between would delete it. Each write pins the
 * blob with the time it was written (inside the write's transaction); GC
 * keeps a pinned blob until its pin is older than the grace period, and drops
 * expired pins. A commit's own blobs need no pin: the head that references
 * them is written in the same transaction.
 */
import type { SqliteConnection } from '../driver/types.ts';

/** How long a blob written on its own is kept without a root: one hour. */
export const DEFAULT_BLOB_GRACE_MS = 60 * 60 * 1000;

const PIN = `INSERT INTO blob_pins (hash, pinned_at_ms) VALUES (?, ?)
  ON CONFLICT (hash) DO UPDATE SET pinned_at_ms = MAX(pinned_at_ms, excluded.pinned_at_ms)`;
const SELECT_LIVE_PINS = 'SELECT hash FROM blob_pins WHERE pinned_at_ms > ?';
const DELETE_EXPIRED = 'DELETE FROM blob_pins WHERE pinned_at_ms <= ?';

/** Pins `ref` as written at `now` (a later write of the same bytes renews it). */
export function pinBlob(conn: SqliteConnection, ref: string, now: number): void {
  conn.run(PIN, [ref, now]);
}

/**
 * Refs whose pin is younger than the grace period at `now`. A pin written
 * "in the future" (another host's clock ahead of this one) counts as young;
 * a grace period of 0 turns the protection off altogether.
 */
export function livePins(conn: SqliteConnection, now: number, graceMs: number): Set<string> {
  if (graceMs === 0) return new Set();
  return new Set(conn.all<{ hash: string }>(SELECT_LIVE_PINS, [now - graceMs]).map((row) => row.hash));
}

/** Drops pins older than the grace period; returns how many. */
export function dropExpiredPins(conn: SqliteConnection, now: number, graceMs: number): number {
  return conn.run(DELETE_EXPIRED, [now - graceMs]).changes;
}
