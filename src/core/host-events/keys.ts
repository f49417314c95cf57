/**
 * Deterministic keys and ids of the host-event contract (§0.1): every one is
 * a canonical-JSON SHA-256 of a small tuple, so the same inputs give the same
 * id on every runtime and after every restart. `codecs` only picks the
 * SHA-256 implementation; the result is the same with any.
 */
import { portableCodecs, type Codecs } from '../codec/codecs.ts';
import { stableJsonSha256Hex } from '../codec/canonical-json.ts';
import type { JsonValue } from '../contract/json.ts';
import type { HostEventOccurrenceRequest } from '../contract/host-events.ts';

/** `source:{type}:sha256:` + H([source_type, source]): the default subscription source key. */
export function defaultHostEventSourceKey(sourceType: string, source: JsonValue, codecs: Codecs = portableCodecs): string {
  return `source:${sourceType}:sha256:${stableJsonSha256Hex(codecs, [sourceType, source])}`;
}

/** The source key of a subscription whose source is `{}`. */
export function emptyHostEventSourceKey(sourceType: string, codecs: Codecs = portableCodecs): string {
  return defaultHostEventSourceKey(sourceType, {}, codecs);
}

/** H([source_type, source_key, payload, source ?? null]): what makes two requests "the same". */
export function hostEventOccurrenceRequestHash(request: HostEventOccurrenceRequest, codecs: Codecs = portableCodecs): string {
  return stableJsonSha256Hex(codecs, [
    request.source_type,
    request.source_key,
    request.payload ?? null,
    request.source ?? null,
  ]);
}

/** `host_event:` + H([source_type, source_key, idempotency_key]). */
export function deterministicOccurrenceId(request: HostEventOccurrenceRequest, codecs: Codecs = portableCodecs): string {
  const digest = stableJsonSha256Hex(codecs, [request.source_type, request.source_key, request.idempotency_key]);
  return `host_event:${digest}`;
}

/** `process:host-event:` + H([occurrence_id, subscription_id]): the process a delivery starts. */
export function deterministicDeliveryProcessId(
  occurrenceId: string,
  subscriptionId: string,
  codecs: Codecs = portableCodecs,
): string {
  return `process:host-event:${stableJsonSha256Hex(codecs, [occurrenceId, subscriptionId])}`;
}
