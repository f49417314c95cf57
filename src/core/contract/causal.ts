/**
 * Causal references: what caused a session, node, process or wake. Wire shape
 * is serde's internally tagged enum (`type`, snake_case).
 */
import type { U64 } from './json.ts';

/** What caused a record (a process, a session node, a child session): a reference to a turn, effect, tool call, process, process event, host event or session node. Tagged on `type`. */
export type CausalRef =
  | {
      /** Caused by a turn. */
      type: 'turn';
      /** The turn's session. */
      session_id: string;
      /** The turn's id. */
      turn_id: string;
    }
  | {
      /** Caused by a runtime effect. */
      type: 'effect';
      /** The effect's session. */
      session_id: string;
      /** The effect's turn, if any. */
      turn_id?: string;
      /** The effect's id. */
      effect_id: string;
    }
  | {
      /** Caused by a tool call. */
      type: 'tool_call';
      /** The call's session. */
      session_id: string;
      /** The tool call id. */
      call_id: string;
    }
  | {
      /** Caused by a process. */
      type: 'process';
      /** The process id. */
      process_id: string;
    }
  | {
      /** Caused by one event of a process. */
      type: 'process_event';
      /** The process id. */
      process_id: string;
      /** The event's sequence. */
      sequence: U64;
    }
  | {
      /** Caused by a host event occurrence. */
      type: 'host_event';
      /** The occurrence id. */
      occurrence_id: string;
    }
  | {
      /** Caused by a session node. */
      type: 'session_node';
      /** The node's session. */
      session_id: string;
      /** The node id. */
      node_id: string;
    };
