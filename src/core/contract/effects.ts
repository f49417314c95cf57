/**
 * Effect model wire types (`contract-process.md` §5). An effect is a fully
 * serializable request (the envelope) whose outcome, or error, is recorded
 * under `(scope id, replay key)` and replayed instead of re-executed.
 *
 * Field names are the reference's serde names; tagged unions keep their tag
 * keys (`type`, `op`). Payloads defined by other lash contracts (LLM
 * responses, tool calls, exec results…) are opaque JSON to the store.
 */
import type { RuntimeInvocation } from './invocation.ts';
import type { JsonValue, U64 } from './json.ts';
import type { ProcessCommand, ProcessEffectOutcome } from './process.ts';

/** Rust's `Result<T, E>`, externally tagged. */
export type RustResult<T, E> = { Ok: T } | { Err: E };

/** The serialized form of `RuntimeEffectControllerError`. */
export interface RuntimeEffectControllerErrorJson {
  code: string;
  message: string;
}

/** A persisted LLM request: attachments are refs only. Order as listed. */
export interface LlmRequestSpec {
  model: string;
  messages: JsonValue[];
  attachments: Array<{ reference: JsonValue }>;
  tools: JsonValue[];
  tool_choice: JsonValue;
  model_variant: string | null;
  generation: JsonValue;
  session_id: string | null;
  output_spec: JsonValue | null;
}

/** Tag `type`; the tag is the effect kind. */
export type RuntimeEffectCommand =
  | { type: 'llm_call'; request: LlmRequestSpec }
  | { type: 'direct'; request: LlmRequestSpec; usage_source: string }
  | { type: 'tool_call'; call: JsonValue }
  | { type: 'process'; command: ProcessCommand }
  | { type: 'exec_code'; code: string }
  | { type: 'checkpoint'; checkpoint: 'after_work' | 'before_completion' }
  | { type: 'sync_execution_surface'; update_machine_config: boolean }
  | { type: 'sleep'; duration_ms: U64 };

/** Tag `type`, equal to the command's. */
export type RuntimeEffectOutcome =
  | { type: 'llm_call'; result: RustResult<JsonValue, JsonValue>; text_streamed: boolean }
  | { type: 'direct'; result: RustResult<JsonValue, JsonValue> }
  | { type: 'tool_call'; result: JsonValue; host_events?: JsonValue[] }
  | { type: 'process'; result: ProcessEffectOutcome }
  | { type: 'exec_code'; result: RustResult<JsonValue, string> }
  | { type: 'checkpoint'; result: RustResult<JsonValue, RuntimeEffectControllerErrorJson> }
  | { type: 'sync_execution_surface'; result: RustResult<JsonValue | null, string> }
  | { type: 'sleep' };

/** A fully serializable effect request. Order: invocation, command. */
export interface RuntimeEffectEnvelope {
  invocation: RuntimeInvocation;
  command: RuntimeEffectCommand;
}
