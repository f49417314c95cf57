/**
 * Caller-side process helpers that are part of the wire behaviour
 * (`contract-process.md` §4.1, §5): the process commands an effect runs, their
 * effect ids and replay keys, and the other deterministic keys callers derive
 * from process events.
 */
import { portableCodecs, type Codecs } from '../codec/codecs.ts';
import { stableJsonSha256Hex } from '../codec/canonical-json.ts';
import { invocationCausalRef, type RuntimeInvocation, type RuntimeScope } from '../contract/invocation.ts';
import type { U64 } from '../contract/json.ts';
import { processScopeId } from './model.ts';
import type { ProcessCommand } from '../contract/process.ts';

export type { ProcessCommand, ProcessEffectOutcome } from '../contract/process.ts';

/**
 * `ProcessCommand::effect_id`: `process:start:{id}`, `process:list:{scope}:{mode}`,
 * `process:transfer:{from}:{to}:{H(process_ids)}`, `process:delete-session:{sid}`,
 * `process:await:{pid}`, `process:cancel:{pid}`, `process:signal:{pid}:{signal_id}`.
 */
export function processCommandEffectId(command: ProcessCommand, codecs: Codecs = portableCodecs): string {
  switch (command.op) {
    case 'start':
      return `process:start:${command.registration.id}`;
    case 'list':
      return `process:list:${processScopeId(command.owner_scope)}:${command.mode}`;
    case 'transfer':
      return `process:transfer:${processScopeId(command.from_scope)}:${processScopeId(command.to_scope)}:${transferDigest(command.process_ids, codecs)}`;
    case 'delete_session':
      return `process:delete-session:${command.session_id}`;
    case 'await':
      return `process:await:${command.process_id}`;
    case 'cancel':
      return `process:cancel:${command.process_id}`;
    case 'signal':
      return `process:signal:${command.process_id}:${command.signal_id}`;
  }
}

function transferDigest(processIds: readonly string[], codecs: Codecs): string {
  try {
    return stableJsonSha256Hex(codecs, processIds);
  } catch {
    return 'unhashable';
  }
}

/**
 * The invocation of a process command effect. With a parent it keeps the
 * parent's turn fields (when the parent has a turn) under `sessionId`, is
 * caused by the parent, and keys on `{parent key | "process"}:{effectId}`;
 * without one it keys on `{sessionId}:{effectId}`.
 */
export function processEffectInvocation(
  sessionId: string,
  parent: RuntimeInvocation | undefined,
  effectId: string,
): RuntimeInvocation {
  const subject = { type: 'effect' as const, effect_id: effectId, kind: 'process' as const };
  if (parent === undefined) {
    return { scope: { session_id: sessionId }, subject, replay: { key: `${sessionId}:${effectId}` } };
  }
  const scope: RuntimeScope = { session_id: sessionId };
  if (parent.scope.turn_id !== undefined) {
    scope.turn_id = parent.scope.turn_id;
    if (parent.scope.turn_index !== undefined) scope.turn_index = parent.scope.turn_index;
    if (parent.scope.protocol_iteration !== undefined) scope.protocol_iteration = parent.scope.protocol_iteration;
  }
  return {
    scope,
    subject,
    caused_by: invocationCausalRef(parent),
    replay: { key: `${parent.replay?.key ?? 'process'}:${effectId}` },
  };
}

/** The replay key of a signal event: `process:{pid}:signal:{signal_id}`. */
export function processSignalReplayKey(processId: string, signalId: string): string {
  return `process:${processId}:signal:${signalId}`;
}

/** The queue source key a wake delivery is enqueued under: `process:{pid}:event:{seq}:wake`. */
export function processWakeSourceKey(processId: string, sequence: U64): string {
  return `process:${processId}:event:${sequence}:wake`;
}

/** The replay key of a host-event delivery start: `host_event:{occurrence_id}:{subscription_id}`. */
export function hostEventDeliveryReplayKey(occurrenceId: string, subscriptionId: string): string {
  return `host_event:${occurrenceId}:${subscriptionId}`;
}
