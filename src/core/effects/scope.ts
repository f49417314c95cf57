/**
 * Effect scopes: the semantic identity an effect belongs to (§5). A scope's
 * id is only its inner id (no type prefix, no session), so `turn(s, "x")`,
 * `process("x")` and `runtime_operation("x")` share one replay namespace;
 * replay keys built by the runtime include the session id.
 */
import { RuntimeError } from '../contract/errors.ts';
import { identifierProblem } from '../validation.ts';

/** Tag `type`. */
export type EffectScope =
  | { type: 'turn'; session_id: string; turn_id: string }
  | { type: 'process'; process_id: string }
  | { type: 'queue_drain'; session_id: string; drain_id: string }
  | { type: 'session_delete'; session_id: string }
  | { type: 'runtime_operation'; operation_id: string };

/** The error code for a scope without an id. */
export const MISSING_EFFECT_SCOPE_ID = 'missing_effect_scope_id';
/** The error code for a scope whose id is malformed. */
export const INVALID_EFFECT_SCOPE_ID = 'invalid_effect_scope_id';

/** Constructors and accessors, named as in the reference. */
export const EffectScope = Object.freeze({
  /** The scope of a turn. */
  turn: (sessionId: string, turnId: string): EffectScope => ({ type: 'turn', session_id: sessionId, turn_id: turnId }),
  /** The scope of a process. */
  process: (processId: string): EffectScope => ({ type: 'process', process_id: processId }),
  /** The scope of a queue drain. */
  queueDrain: (sessionId: string, drainId: string): EffectScope => ({
    type: 'queue_drain',
    session_id: sessionId,
    drain_id: drainId,
  }),
  /** The scope of a session deletion. */
  sessionDelete: (sessionId: string): EffectScope => ({ type: 'session_delete', session_id: sessionId }),
  /** The scope of a runtime operation. */
  runtimeOperation: (operationId: string): EffectScope => ({ type: 'runtime_operation', operation_id: operationId }),

  /** The inner id: the replay namespace of the scope. */
  id(scope: EffectScope): string {
    switch (scope.type) {
      case 'turn':
        return scope.turn_id;
      case 'process':
        return scope.process_id;
      case 'queue_drain':
        return scope.drain_id;
      case 'session_delete':
        return scope.session_id;
      case 'runtime_operation':
        return scope.operation_id;
    }
  },

  /** The scope's session, if it has one. */
  sessionId(scope: EffectScope): string | undefined {
    return scope.type === 'turn' || scope.type === 'queue_drain' || scope.type === 'session_delete'
      ? scope.session_id
      : undefined;
  },

  /** The scope's turn, if it has one. */
  turnId(scope: EffectScope): string | undefined {
    return scope.type === 'turn' ? scope.turn_id : undefined;
  },

  /**
   * Every id of the scope must be non-empty after trimming
   * (`missing_effect_scope_id`, as the reference) and a well-formed
   * identifier (`invalid_effect_scope_id`: no NUL, no lone surrogate).
   */
  validate(scope: EffectScope): void {
    for (const [field, value] of scopeIds(scope)) {
      if (typeof value !== 'string' || value.trim().length === 0) {
        throw new RuntimeError(MISSING_EFFECT_SCOPE_ID, 'effect scopes require non-empty stable ids');
      }
      const problem = identifierProblem(value, field);
      if (problem !== null) throw new RuntimeError(INVALID_EFFECT_SCOPE_ID, `invalid effect scope: ${problem}`);
    }
  },
});

/** The id fields a scope must carry, by variant; an unknown variant is refused. */
function scopeIds(scope: EffectScope): Array<[string, unknown]> {
  if (typeof scope !== 'object' || scope === null) {
    throw new RuntimeError(INVALID_EFFECT_SCOPE_ID, 'invalid effect scope: expected an object tagged by `type`');
  }
  switch (scope.type) {
    case 'turn':
      return [
        ['session_id', scope.session_id],
        ['turn_id', scope.turn_id],
      ];
    case 'process':
      return [['process_id', scope.process_id]];
    case 'queue_drain':
      return [
        ['session_id', scope.session_id],
        ['drain_id', scope.drain_id],
      ];
    case 'session_delete':
      return [['session_id', scope.session_id]];
    case 'runtime_operation':
      return [['operation_id', scope.operation_id]];
    default:
      throw new RuntimeError(
        INVALID_EFFECT_SCOPE_ID,
        `invalid effect scope: unknown type \`${String((scope as { type?: unknown }).type)}\``,
      );
  }
}

/** A detached copy holding only the variant's fields, so later mutation by the caller cannot move a controller. */
export function copyEffectScope(scope: EffectScope): EffectScope {
  switch (scope.type) {
    case 'turn':
      return EffectScope.turn(scope.session_id, scope.turn_id);
    case 'process':
      return EffectScope.process(scope.process_id);
    case 'queue_drain':
      return EffectScope.queueDrain(scope.session_id, scope.drain_id);
    case 'session_delete':
      return EffectScope.sessionDelete(scope.session_id);
    case 'runtime_operation':
      return EffectScope.runtimeOperation(scope.operation_id);
  }
}
