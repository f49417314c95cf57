/**
 * Materialization: turning an event type's declared semantics into the
 * concrete terminal output and wake of one event (`materialization.rs`).
 * The result is stored with the event, so replays and readers never
 * re-evaluate selectors.
 */
import { PluginError } from '../contract/errors.ts';
import type { JsonValue, U64 } from '../contract/json.ts';
import { tryAwaitOutput } from './decode.ts';
import { selectorString, selectorTruthy, selectValue } from './selectors.ts';
import type {
  ProcessAwaitOutput,
  ProcessEventSemantics,
  ProcessEventSemanticsSpec,
  ProcessTerminalSemantics,
  ProcessTerminalSpec,
  ProcessTerminalState,
  ProcessWake,
  ProcessWakeSpec,
} from '../contract/process.ts';

/** The terminal state and wake an event materializes, from its type's semantics spec. */
export function materializeSemantics(
  processId: string,
  sequence: U64,
  payload: JsonValue,
  spec: ProcessEventSemanticsSpec,
): ProcessEventSemantics {
  const semantics: ProcessEventSemantics = {};
  if (spec.terminal) semantics.terminal = materializeTerminal(payload, spec.terminal);
  if (spec.wake) {
    const wake = materializeWake(processId, sequence, payload, spec.wake);
    if (wake) semantics.wake = wake;
  }
  return semantics;
}

function materializeTerminal(payload: JsonValue, spec: ProcessTerminalSpec): ProcessTerminalSemantics {
  if (spec.await_output === undefined) {
    if (spec.state !== 'completed') {
      throw PluginError.session('failed or cancelled terminal events must declare await output');
    }
    return { state: spec.state, await_output: { type: 'success', value: payload } };
  }
  const selected = selectValue(payload, spec.await_output);
  // The declared state decides the status; the output keeps its own variant
  // when the selected value already is an await output.
  return { state: spec.state, await_output: tryAwaitOutput(selected) ?? fallbackOutput(spec.state, selected) };
}

function fallbackOutput(state: ProcessTerminalState, value: JsonValue): ProcessAwaitOutput {
  switch (state) {
    case 'completed':
      return { type: 'success', value };
    case 'failed':
      return { type: 'failure', class: 'execution', code: 'process_failed', message: selectorString(value), raw: value };
    case 'cancelled':
      return { type: 'cancelled', message: selectorString(value), raw: value };
  }
}

function materializeWake(processId: string, sequence: U64, payload: JsonValue, spec: ProcessWakeSpec): ProcessWake | undefined {
  if (spec.when !== undefined && !selectorTruthy(selectValue(payload, spec.when))) return undefined;
  const input = selectorString(selectValue(payload, spec.input));
  const key = spec.dedupe_key;
  const dedupe_key =
    key === 'event_identity'
      ? `${processId}:${sequence}`
      : 'selector' in key
        ? selectorString(selectValue(payload, key.selector))
        : key.const;
  return { input, dedupe_key };
}
