/**
 * Runtime invocations: the canonical lineage of an effect, a process event or
 * a host event (`contract-process.md` §1). Wire shapes are serde's: field
 * order as declared, optional fields omitted when absent, tagged unions on
 * `type`.
 */
import type { CausalRef } from './causal.ts';
import type { U64 } from './json.ts';

/** The kinds of runtime effect (the tags of `RuntimeEffectCommand`). */
export type RuntimeEffectKind =
  | 'llm_call'
  | 'direct'
  | 'tool_call'
  | 'process'
  | 'exec_code'
  | 'checkpoint'
  | 'sync_execution_surface'
  | 'sleep';

/** Every `RuntimeEffectKind`. */
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
  /** The session. */
  session_id: string;
  /** The turn, if any. */
  turn_id?: string;
  /** The turn's index, if any. */
  turn_index?: U64;
  /** The protocol iteration within the turn, if any. */
  protocol_iteration?: U64;
}

/** The replay key of an invocation: the same key replays the recorded outcome. */
export interface RuntimeReplay {
  /** The key. */
  key: string;
}

/** What an invocation is about: an effect, a process, a process event, a host event or a session node. Tagged on `type`. */
export type RuntimeSubject =
  | {
      /** An effect. */
      type: 'effect';
      /** The effect id. */
      effect_id: string;
      /** The effect's kind. */
      kind: RuntimeEffectKind;
    }
  | {
      /** A process. */
      type: 'process';
      /** The process id. */
      process_id: string;
    }
  | {
      /** A process event. */
      type: 'process_event';
      /** The process id. */
      process_id: string;
      /** The event's sequence. */
      sequence: U64;
      /** The event's type. */
      event_type: string;
    }
  | {
      /** A host event occurrence. */
      type: 'host_event';
      /** The occurrence id. */
      occurrence_id: string;
    }
  | {
      /** A session node. */
      type: 'session_node';
      /** The node id. */
      node_id: string;
    };

/** Order: scope, subject, caused_by, replay. */
export interface RuntimeInvocation {
  /** Where it runs. */
  scope: RuntimeScope;
  /** What it is about. */
  subject: RuntimeSubject;
  /** What caused it, if known. */
  caused_by?: CausalRef;
  /** Its replay key, if any. */
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
