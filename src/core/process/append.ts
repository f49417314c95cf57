/**
 * The pure half of `appendEvent` (`prepare_process_event_append`): replay
 * check, declared type, replay-key requirement, payload schema,
 * materialization, terminal guard, invocation and wake delivery, in the
 * reference's order. The registry runs it inside its write transaction with
 * the record, the next sequence and the stored event of the replay key.
 */
import { jsonValueProblem } from '../validation.ts';
import { portableCodecs, type Codecs } from '../codec/codecs.ts';
import { stableJsonSha256Hex } from '../codec/canonical-json.ts';
import { PluginError } from '../contract/errors.ts';
import type { RuntimeInvocation, RuntimeReplay } from '../contract/invocation.ts';
import type { EpochMs, JsonValue, U64 } from '../contract/json.ts';
import { decodeReplay, decodeScope, ShapeError } from './decode.ts';
import { lashSchemaProblem } from './lash-schema.ts';
import { materializeSemantics } from './materialize.ts';
import { CANCEL_REQUESTED_EVENT, isTerminal, processScopeId, statusFromTerminal } from './model.ts';
import { refuseMalformed } from './registration.ts';
import { systemTimeFromEpochMs, epochMsFromSystemTime } from './time.ts';
import type {
  PreparedProcessEventAppend,
  ProcessEvent,
  ProcessEventAppendRequest,
  ProcessRecord,
  ProcessScope,
  ProcessStatus,
  ProcessWake,
  ProcessWakeDelivery,
} from '../contract/process.ts';

/** The stored event of a replay key, with the payload hash it was stored under. */
export interface ReplayLookup {
  /** The stored event's payload hash. */
  payload_hash: string;
  /** The stored event. */
  event: ProcessEvent;
}

/** Prepares an append without writing: validates the event, materializes its semantics, and replays a matching stored event. */
export function prepareProcessEventAppend(
  record: ProcessRecord,
  request: ProcessEventAppendRequest,
  sequence: U64,
  replayLookup: ReplayLookup | undefined,
  occurredAtMs: EpochMs,
  codecs: Codecs = portableCodecs,
): PreparedProcessEventAppend {
  const processId = record.id;
  const payload_hash = processEventPayloadHash(request.event_type, request.payload, codecs);
  // The replay check comes before the type, schema and terminal checks: a
  // replay returns what was stored whatever the process looks like now.
  if (request.replay !== undefined && replayLookup !== undefined) {
    if (replayLookup.payload_hash !== payload_hash) {
      throw PluginError.session(
        `process \`${processId}\` event replay key \`${request.replay.key}\` conflicts with an existing event`,
      );
    }
    const existing = replayLookup.event;
    const wake = wakeDelivery(record, existing, existing.semantics.wake, request.wake_target_scope, codecs);
    return prepared(existing, payload_hash, occurredAtMs, true, undefined, wake);
  }
  const declared = record.event_types.find((eventType) => eventType.name === request.event_type);
  if (declared === undefined) {
    throw PluginError.session(`process \`${processId}\` emitted undeclared event type \`${request.event_type}\``);
  }
  const requiresKey = declared.semantics.terminal !== undefined || request.event_type === CANCEL_REQUESTED_EVENT;
  if (requiresKey && !request.replay?.key) {
    throw PluginError.session(
      `process \`${processId}\` event \`${request.event_type}\` requires a deterministic replay key`,
    );
  }
  const schemaProblem = lashSchemaProblem(declared.payload_schema.schema, request.payload);
  if (schemaProblem !== null) throw PluginError.session(`invalid \`${request.event_type}\` payload: ${schemaProblem}`);
  const semantics = materializeSemantics(processId, sequence, request.payload, declared.semantics);
  if (semantics.terminal && isTerminal(record)) {
    throw PluginError.session(`process \`${processId}\` is already terminal`);
  }
  const event: ProcessEvent = {
    process_id: processId,
    sequence,
    event_type: request.event_type,
    payload: request.payload,
    invocation: processEventInvocation(
      record.provenance.owner_scope.session_id,
      processId,
      sequence,
      declared.name,
      request.replay,
    ),
    semantics,
    occurred_at: systemTimeFromEpochMs(occurredAtMs),
  };
  const status = semantics.terminal ? statusFromTerminal(semantics.terminal) : undefined;
  const wake = wakeDelivery(record, event, semantics.wake, request.wake_target_scope, codecs);
  return prepared(event, payload_hash, occurredAtMs, false, status, wake);
}

/** Builds the result with absent optional fields left out (not set to undefined). */
function prepared(
  event: ProcessEvent,
  payload_hash: string,
  occurred_at_ms: EpochMs,
  replayed: boolean,
  status_update: ProcessStatus | undefined,
  wake_delivery: ProcessWakeDelivery | undefined,
): PreparedProcessEventAppend {
  const result: PreparedProcessEventAppend = { event, payload_hash, occurred_at_ms, replayed };
  if (status_update !== undefined) result.status_update = status_update;
  if (wake_delivery !== undefined) result.wake_delivery = wake_delivery;
  return result;
}

/** `H([event_type, payload])`: what a replay key is bound to. */
export function processEventPayloadHash(eventType: string, payload: JsonValue, codecs: Codecs = portableCodecs): string {
  try {
    return stableJsonSha256Hex(codecs, [eventType, payload]);
  } catch (error) {
    throw PluginError.session(`failed to hash \`${eventType}\` process event: ${(error as Error).message}`, error);
  }
}

/**
 * The invocation of every process event: owner session scope (frame dropped),
 * subject `process_event`, caused by the process, the request's replay key.
 */
export function processEventInvocation(
  ownerSessionId: string,
  processId: string,
  sequence: U64,
  eventType: string,
  replay?: RuntimeReplay,
): RuntimeInvocation {
  const invocation: RuntimeInvocation = {
    scope: { session_id: ownerSessionId },
    subject: { type: 'process_event', process_id: processId, sequence, event_type: eventType },
    caused_by: { type: 'process', process_id: processId },
  };
  if (replay !== undefined) invocation.replay = { key: replay.key };
  return invocation;
}

/**
 * The delivery of a materialized wake to `target` (none without a wake). A
 * wake without a target is an error, so nothing is written for it.
 */
function wakeDelivery(
  record: ProcessRecord,
  event: ProcessEvent,
  wake: ProcessWake | undefined,
  target: ProcessScope | undefined,
  codecs: Codecs,
): ProcessWakeDelivery | undefined {
  if (wake === undefined) return undefined;
  if (target === undefined) {
    throw PluginError.session(
      `process \`${record.id}\` emitted wake event \`${event.event_type}\` without a wake target scope`,
    );
  }
  const target_scope_id = processScopeId(target);
  const delivery: ProcessWakeDelivery = {
    wake_id: wakeId(target_scope_id, wake.dedupe_key, codecs),
    target_session_id: target.session_id,
    target_scope_id,
    process_id: record.id,
    sequence: event.sequence,
    event_type: event.event_type,
    event_invocation: event.invocation,
    dedupe_key: wake.dedupe_key,
    input: wake.input,
    created_at_ms: epochMsFromSystemTime(event.occurred_at),
  };
  // A deep copy: the record may be the registry's cached object, which must never reach a caller.
  if (record.provenance.caused_by !== undefined) delivery.process_caused_by = structuredClone(record.provenance.caused_by);
  return delivery;
}

/** `"wake:" + H([target_scope_id, dedupe_key])`: equal for equal target and dedupe key. */
export function wakeId(targetScopeId: string, dedupeKey: string, codecs: Codecs = portableCodecs): string {
  return `wake:${stableJsonSha256Hex(codecs, [targetScopeId, dedupeKey])}`;
}

/**
 * `ProcessEventAppendRequest::cancel_requested`: payload `{reason}` (explicit
 * null when absent) under the key `process:{pid}:cancel_requested:{H(["process.cancel_requested", payload])}`.
 */
export function cancelRequested(processId: string, reason?: string | null, codecs: Codecs = portableCodecs): ProcessEventAppendRequest {
  const payload = { reason: reason ?? null };
  const hash = processEventPayloadHash(CANCEL_REQUESTED_EVENT, payload, codecs);
  return {
    event_type: CANCEL_REQUESTED_EVENT,
    payload,
    replay: { key: `process:${processId}:cancel_requested:${hash}` },
  };
}

/** The deterministic key of `completeProcess`: `process:{pid}:terminal:{event_type}`. */
export function terminalReplayKey(processId: string, eventType: string): string {
  return `process:${processId}:terminal:${eventType}`;
}

/** A clean copy of an append request, or a `PluginError` naming what is malformed. */
export function normaliseAppendRequest(request: unknown): ProcessEventAppendRequest {
  try {
    if (typeof request !== 'object' || request === null) throw new ShapeError('request: expected an object');
    const raw = request as Record<string, unknown>;
    if (typeof raw.event_type !== 'string') throw new ShapeError('event_type: expected a string');
    const problem = raw.payload === undefined ? 'payload is missing' : jsonValueProblem(raw.payload, 'payload');
    if (problem !== null) throw new ShapeError(problem);
    const clean: ProcessEventAppendRequest = { event_type: raw.event_type, payload: raw.payload as JsonValue };
    if (raw.replay !== undefined && raw.replay !== null) clean.replay = decodeReplay(raw.replay, 'replay');
    if (raw.wake_target_scope !== undefined && raw.wake_target_scope !== null) {
      clean.wake_target_scope = decodeScope(raw.wake_target_scope, 'wake_target_scope');
    }
    refuseMalformed(clean.event_type, 'event type', true);
    if (clean.replay) refuseMalformed(clean.replay.key, 'replay key', true);
    if (clean.wake_target_scope) refuseMalformedScope(clean.wake_target_scope);
    return clean;
  } catch (error) {
    if (error instanceof ShapeError) throw PluginError.invalidInput(`invalid process event append request: ${error.message}`);
    throw error;
  }
}

/** A scope's ids must be well-formed; an empty session id is refused as "must include a session id". */
export function refuseMalformedScope(scope: ProcessScope, what = 'scope'): void {
  if (scope.session_id === '') throw PluginError.session(`process ${what} must include a session id`);
  refuseMalformed(scope.session_id, `${what} session id`);
  if (scope.agent_frame_id !== undefined) refuseMalformed(scope.agent_frame_id, `${what} agent frame id`, true);
}
