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
export type RustResult<T, E> = {
  /** The success value. */
  Ok: T;
} | {
  /** The error value. */
  Err: E;
};

/** The serialized form of `RuntimeEffectControllerError`. */
export interface RuntimeEffectControllerErrorJson {
  /** The error's stable code. */
  code: string;
  /** The error's message. */
  message: string;
}

/** A persisted LLM request: attachments are refs only. Order as listed. */
export interface LlmRequestSpec {
  /** The model id. */
  model: string;
  /** The conversation messages (opaque JSON). */
  messages: JsonValue[];
  /** Attachments the request carries. */
  attachments: Array<{
    /** The attachment reference (opaque JSON). */
    reference: JsonValue;
  }>;
  /** The tools offered to the model (opaque JSON). */
  tools: JsonValue[];
  /** The tool choice (opaque JSON). */
  tool_choice: JsonValue;
  /** The model variant, or `null`. */
  model_variant: string | null;
  /** Generation settings (opaque JSON). */
  generation: JsonValue;
  /** The session, or `null`. */
  session_id: string | null;
  /** The requested output shape, or `null`. */
  output_spec: JsonValue | null;
}

/** Tag `type`; the tag is the effect kind. */
export type RuntimeEffectCommand =
  | {
      /** A model call. */
      type: 'llm_call';
      /** The request. */
      request: LlmRequestSpec;
    }
  | {
      /** A direct model call outside a turn. */
      type: 'direct';
      /** The request. */
      request: LlmRequestSpec;
      /** Who the usage is booked to. */
      usage_source: string;
    }
  | {
      /** A tool call. */
      type: 'tool_call';
      /** The call (opaque JSON). */
      call: JsonValue;
    }
  | {
      /** A process command. */
      type: 'process';
      /** The command. */
      command: ProcessCommand;
    }
  | {
      /** Code execution. */
      type: 'exec_code';
      /** The code. */
      code: string;
    }
  | {
      /** A checkpoint. */
      type: 'checkpoint';
      /** Which checkpoint of the turn. */
      checkpoint: 'after_work' | 'before_completion';
    }
  | {
      /** Synchronize the execution surface. */
      type: 'sync_execution_surface';
      /** Whether the machine config is updated too. */
      update_machine_config: boolean;
    }
  | {
      /** A sleep, recorded so a replay does not sleep again. */
      type: 'sleep';
      /** How long to sleep. */
      duration_ms: U64;
    };

/** Tag `type`, equal to the command's. */
export type RuntimeEffectOutcome =
  | {
      /** Outcome of a model call. */
      type: 'llm_call';
      /** The response, or the error. */
      result: RustResult<JsonValue, JsonValue>;
      /** Whether the text was streamed to the user. */
      text_streamed: boolean;
    }
  | {
      /** Outcome of a direct model call. */
      type: 'direct';
      /** The response, or the error. */
      result: RustResult<JsonValue, JsonValue>;
    }
  | {
      /** Outcome of a tool call. */
      type: 'tool_call';
      /** The tool's result. */
      result: JsonValue;
      /** Host events the tool emitted, if any. */
      host_events?: JsonValue[];
    }
  | {
      /** Outcome of a process command. */
      type: 'process';
      /** The command's outcome. */
      result: ProcessEffectOutcome;
    }
  | {
      /** Outcome of code execution. */
      type: 'exec_code';
      /** The value, or the error message. */
      result: RustResult<JsonValue, string>;
    }
  | {
      /** Outcome of a checkpoint. */
      type: 'checkpoint';
      /** The value, or the controller error. */
      result: RustResult<JsonValue, RuntimeEffectControllerErrorJson>;
    }
  | {
      /** Outcome of a surface sync. */
      type: 'sync_execution_surface';
      /** The value, or the error message. */
      result: RustResult<JsonValue | null, string>;
    }
  | {
      /** A sleep ended. */
      type: 'sleep';
    };

/** A fully serializable effect request. Order: invocation, command. */
export interface RuntimeEffectEnvelope {
  /** Who runs the effect, in which scope, with which replay key. */
  invocation: RuntimeInvocation;
  /** The effect to run. */
  command: RuntimeEffectCommand;
}
