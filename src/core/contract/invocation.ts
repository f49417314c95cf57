/**
 * Runtime invocations: the canonical lineage of an effect, a process event or
 * a host event (`contract-process.md` §1). Wire shapes are serde's: field
 * order as declared, optional fields omitted when absent, tagged unions on
 * `type`.
 */
import type { CausalRef } from './causal.ts';
import type { U64 } from './json.ts';

export type RuntimeEffectKind =
  | 'llm_call'
  | 'direct'
  | 'tool_call'
  | 'process'
  | 'exec_code'
  | 'checkpoint'
  | 'sync_execution_surface'
  | 'sleep';

export const RUNTIME_EFFECT_KINDS: readonly RuntimeEffectKind[] = [
  'llm_call',
  'direct',
  'tool_call',
  'process',
  'exec_code',
  'checkpoint',
  'sync_execution_surface',
  'sleep',
];

/** Where an invocation runs. Order: session_id, turn_id, turn_index, protocol_iteration. */
export interface RuntimeScope {
  session_id: string;
  turn_id?: string;
  turn_index?: U64;
  protocol_iteration?: U64;
}

export interface RuntimeReplay {
  key: string;
}

export type RuntimeSubject =
  | { type: 'effect'; effect_id: string; kind: RuntimeEffectKind }
  | { type: 'process'; process_id: string }
  | { type: 'process_event'; process_id: string; sequence: U64; event_type: string }
  | { type: 'host_event'; occurrence_id: string }
  | { type: 'session_node'; node_id: string };

/** Order: scope, subject, caused_by, replay. */
export interface RuntimeInvocation {
  scope: RuntimeScope;
  subject: RuntimeSubject;
  caused_by?: CausalRef;
  replay?: RuntimeReplay;
}

/** The replay key of an invocation, if it has one. */
export function invocationReplayKey(invocation: RuntimeInvocation): string | undefined {
  return invocation.replay?.key;
}

/** The effect id, for an `effect` subject only. */
export function invocationEffectId(invocation: RuntimeInvocation): string | undefined {
  return invocation.subject.type === 'effect' ? invocation.subject.effect_id : undefined;
}

/** The effect kind, for an `effect` subject only. */
export function invocationEffectKind(invocation: RuntimeInvocation): RuntimeEffectKind | undefined {
  return invocation.subject.type === 'effect' ? invocation.subject.kind : undefined;
}

/** What an invocation is, as a causal reference for the invocations it causes. */
export function invocationCausalRef(invocation: RuntimeInvocation): CausalRef {
  const { scope, subject } = invocation;
  switch (subject.type) {
    case 'effect':
      return scope.turn_id === undefined
        ? { type: 'effect', session_id: scope.session_id, effect_id: subject.effect_id }
        : { type: 'effect', session_id: scope.session_id, turn_id: scope.turn_id, effect_id: subject.effect_id };
    case 'process':
      return { type: 'process', process_id: subject.process_id };
    case 'process_event':
      return { type: 'process_event', process_id: subject.process_id, sequence: subject.sequence };
    case 'host_event':
      return { type: 'host_event', occurrence_id: subject.occurrence_id };
    case 'session_node':
      return { type: 'session_node', session_id: scope.session_id, node_id: subject.node_id };
  }
}
