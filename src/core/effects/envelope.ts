/**
 * Building, checking and hashing effect envelopes (§5).
 */
import { stableJsonSha256Hex } from '../codec/canonical-json.ts';
import { portableCodecs, type Codecs } from '../codec/codecs.ts';
import { RuntimeEffectControllerError } from '../contract/errors.ts';
import type { CausalRef } from '../contract/causal.ts';
import type { U64 } from '../contract/json.ts';
import type { RuntimeEffectKind, RuntimeInvocation, RuntimeScope } from '../contract/invocation.ts';
import type { RuntimeEffectCommand, RuntimeEffectEnvelope, RuntimeEffectOutcome } from '../contract/effects.ts';

/** `RuntimeScope::new(session_id)`. */
export function runtimeScope(sessionId: string): RuntimeScope {
  return { session_id: sessionId };
}

/** `RuntimeScope::for_turn(session, turn, turn_index, protocol_iteration)`. */
export function runtimeScopeForTurn(
  sessionId: string,
  turnId: string,
  turnIndex: U64,
  protocolIteration: U64,
): RuntimeScope {
  return { session_id: sessionId, turn_id: turnId, turn_index: turnIndex, protocol_iteration: protocolIteration };
}

/** `RuntimeInvocation::effect(scope, effect_id, kind, replay_key)`, optionally with its cause. */
export function effectInvocation(
  scope: RuntimeScope,
  effectId: string,
  kind: RuntimeEffectKind,
  replayKey: string,
  causedBy?: CausalRef,
): RuntimeInvocation {
  const invocation: RuntimeInvocation = { scope, subject: { type: 'effect', effect_id: effectId, kind } };
  if (causedBy !== undefined) invocation.caused_by = causedBy;
  invocation.replay = { key: replayKey };
  return invocation;
}

/** The kind of a command is its tag. */
export function runtimeEffectCommandKind(command: RuntimeEffectCommand): RuntimeEffectKind {
  return command.type;
}

/**
 * `RuntimeEffectEnvelope::try_new`: checks, in the reference's order, that
 * the subject is an effect with a non-blank id, that its kind is the
 * command's, and that the invocation carries a replay key.
 */
export function createRuntimeEffectEnvelope(
  invocation: RuntimeInvocation,
  command: RuntimeEffectCommand,
): RuntimeEffectEnvelope {
  const subject = invocation.subject;
  if (subject?.type !== 'effect') {
    throw new RuntimeEffectControllerError(
      'runtime_effect_invocation_subject',
      'runtime effect envelope subject must be an effect',
    );
  }
  if (typeof subject.effect_id !== 'string' || subject.effect_id.trim().length === 0) {
    throw new RuntimeEffectControllerError(
      'runtime_effect_invocation_subject',
      'runtime effect envelope effect id must be non-empty',
    );
  }
  const kind = runtimeEffectCommandKind(command);
  if (subject.kind !== kind) {
    throw new RuntimeEffectControllerError(
      'runtime_effect_invocation_kind',
      `runtime effect invocation kind ${subject.kind} does not match command kind ${kind}`,
    );
  }
  if (!invocation.replay?.key) {
    throw new RuntimeEffectControllerError('runtime_effect_replay_required', 'runtime effect envelope requires replay.key');
  }
  return { invocation, command };
}

/**
 * H({invocation, command}): the identity a replay row is checked against.
 * Only the two envelope fields are hashed, so extra properties a caller may
 * have hung on the envelope object do not change it.
 */
export function runtimeEffectEnvelopeHash(envelope: RuntimeEffectEnvelope, codecs: Codecs = portableCodecs): string {
  try {
    return stableJsonSha256Hex(codecs, { invocation: envelope.invocation, command: envelope.command });
  } catch (error) {
    throw new RuntimeEffectControllerError(
      'runtime_effect_envelope_hash',
      `failed to serialize runtime effect envelope: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** The outcome narrowed to `kind`, or `runtime_effect_wrong_outcome` (the `into_*` accessors). */
export function expectRuntimeEffectOutcome<K extends RuntimeEffectKind>(
  outcome: RuntimeEffectOutcome,
  kind: K,
): Extract<RuntimeEffectOutcome, { type: K }> {
  if (outcome.type !== kind) throw wrongOutcome(kind, outcome.type);
  return outcome as Extract<RuntimeEffectOutcome, { type: K }>;
}

export function wrongOutcome(expected: string, actual: string): RuntimeEffectControllerError {
  return new RuntimeEffectControllerError('runtime_effect_wrong_outcome', `expected ${expected} outcome, got ${actual}`);
}
