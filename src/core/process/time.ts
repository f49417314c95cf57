/**
 * serde's `SystemTime` shape in event JSON (`{secs_since_epoch,
 * nanos_since_epoch}`), kept so stored events read like the reference's.
 * Times here have millisecond precision.
 */
import type { EpochMs } from '../contract/json.ts';
import type { ProcessEvent, SystemTimeJson } from '../contract/process.ts';

/** The `SystemTimeJson` of an epoch-ms time. */
export function systemTimeFromEpochMs(ms: EpochMs): SystemTimeJson {
  return { secs_since_epoch: Math.floor(ms / 1000), nanos_since_epoch: (ms % 1000) * 1_000_000 };
}

/** The epoch-ms time of a `SystemTimeJson`. */
export function epochMsFromSystemTime(time: SystemTimeJson): EpochMs {
  return time.secs_since_epoch * 1000 + Math.floor(time.nanos_since_epoch / 1_000_000);
}

/** When the event was appended, in epoch ms. */
export function eventOccurredAtMs(event: ProcessEvent): EpochMs {
  return epochMsFromSystemTime(event.occurred_at);
}
