/** What every part of the host-event store works with; the store builds one on open. */
import type { Codecs } from '../codec/codecs.ts';
import type { ComponentOperations } from '../driver/operations.ts';
import type { SqliteConnection } from '../driver/types.ts';
import type { Clock, Logger } from '../logger.ts';
import type { HostEventRows } from './rows.ts';

export interface HostEventContext {
  readonly conn: SqliteConnection;
  readonly codecs: Codecs;
  /** Read inside the transaction that uses it, through `readEpochMs`. */
  readonly clock: Clock;
  readonly logger: Logger;
  readonly reservationTtlMs: number;
  readonly rows: HostEventRows;
  /** Closed check, lock-wait retry, durability, `PluginError`. */
  readonly ops: ComponentOperations;
}
