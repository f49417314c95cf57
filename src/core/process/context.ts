/** What every part of the process registry works with; the registry builds one on open. */
import type { Codecs } from '../codec/codecs.ts';
import type { ComponentOperations } from '../driver/operations.ts';
import type { SqliteConnection } from '../driver/types.ts';
import type { Clock } from '../logger.ts';
import type { HandleGrants } from './grants.ts';
import type { ProcessLeases } from './leases.ts';
import type { ProcessRows } from './rows.ts';
import type { ChangeNotifier } from './waiters.ts';

export interface ProcessContext {
  readonly conn: SqliteConnection;
  readonly codecs: Codecs;
  /** Read inside the transaction that uses it, through `readEpochMs`. */
  readonly clock: Clock;
  readonly pollIntervalMs: number;
  readonly rows: ProcessRows;
  readonly grants: HandleGrants;
  readonly leases: ProcessLeases;
  /** Wakes the waiters on this connection after this registry's commits. */
  readonly notifier: ChangeNotifier;
  /** Closed check, input check, lock-wait retry, durability, `PluginError`. */
  readonly ops: ComponentOperations;
}
