/** What every queue operation works with; built once per `QueuedWork`. */
import type { SqliteConnection } from '../driver/types.ts';
import type { Clock } from '../logger.ts';
import type { TokenSource } from '../tokens.ts';
import { readEpochMs } from '../validation.ts';
import type { BatchReader } from './rows.ts';

export interface QueueContext {
  readonly conn: SqliteConnection;
  /** Read once per operation, inside its transaction. */
  readonly clock: Clock;
  /** Batch ids and lease tokens: unique forever (spec decision 17). */
  readonly tokens: TokenSource;
  readonly reader: BatchReader;
}

/** The operation's one reading of the clock; a clock that is not an epoch-ms integer is a `Backend` error. */
export function readClock(ctx: QueueContext): number {
  return readEpochMs(ctx.clock);
}
