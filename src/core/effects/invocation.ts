/**
 * Interim: the runtime-invocation wire types of `contract-process.md` §1,
 * which the process area also declares (in `core/model/invocation.ts`). Once
 * that module is on main, the effect modules import it and this file goes.
 */
import type { CausalRef } from '../model/causal.ts';
import type { U64 } from '../model/json.ts';

export type RuntimeEffectKind =
  | 'llm_call'
  | 'direct'
  | 'tool_call'
  | 'process'
  | 'exec_code'
  | 'checkpoint'
  | 'sync_execution_surface'
  | 'sleep';

/** Order: session_id, turn_id, turn_index, protocol_iteration. */
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
