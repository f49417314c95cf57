/**
 * Causal references: what caused a session, node, process or wake. Wire shape
 * is serde's internally tagged enum (`type`, snake_case).
 */
import type { U64 } from './json.ts';

export type CausalRef =
  | { type: 'turn'; session_id: string; turn_id: string }
  | { type: 'effect'; session_id: string; turn_id?: string; effect_id: string }
  | { type: 'tool_call'; session_id: string; call_id: string }
  | { type: 'process'; process_id: string }
  | { type: 'process_event'; process_id: string; sequence: U64 }
  | { type: 'host_event'; occurrence_id: string }
  | { type: 'session_node'; session_id: string; node_id: string };
