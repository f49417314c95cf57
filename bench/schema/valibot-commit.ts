/**
 * The turn commit's checks written in `valibot` (the A/B of issue 18's
 * "each record defined once": same checks as `decodeRuntimeCommit`, same
 * defaults, the JSON walk of the free-form parts by `findJsonProblem`).
 */
import * as v from 'valibot';
import { findJsonProblem, identifierProblem } from '../../src/core/validation.ts';

const id = v.pipe(v.string(), v.check((s) => identifierProblem(s, 'id') === null, 'must be an identifier'));
const u64 = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const i64 = v.pipe(v.number(), v.safeInteger());
const positive = v.pipe(u64, v.minValue(1));
const json = v.check<any, string>((x: unknown) => findJsonProblem(x, 'value') === null, 'must be JSON');
const msgpackJson = v.check<any, string>((x: unknown) => findJsonProblem(x, 'value', { bytes: true, msgpack: true }) === null, 'must be JSON');
const bytes = v.instance(Uint8Array);

const modelSpec = v.strictObject({
  id: v.string(),
  variant: v.nullish(v.string()),
  limits: v.strictObject({ context_window_tokens: positive, output_token_capacity: v.nullish(positive) }),
});
const config = v.object({ provider_id: v.string(), model: modelSpec });
const frame = v.pipe(v.looseObject({ frame_id: v.string(), session_id: v.string(), execution_state_snapshot: v.nullish(bytes) }), json);
const nodeBase = { node_id: id, parent_node_id: v.nullish(id), timestamp: v.string() };
const node = v.pipe(
  v.variant('kind', [
    v.looseObject({ ...nodeBase, kind: v.literal('event'), event: v.looseObject({}) }),
    v.looseObject({ ...nodeBase, kind: v.literal('plugin'), plugin_type: v.string(), body: v.unknown() }),
  ]),
  json,
);
const nodes = v.optional(v.array(node), []);
const leaf = v.nullish(id, null);
const graph = v.union([
  v.strictObject({ Unchanged: v.object({ leaf_node_id: leaf }) }),
  v.strictObject({ Append: v.object({ nodes, leaf_node_id: leaf }) }),
  v.strictObject({ ReplaceFull: v.object({ nodes, leaf_node_id: v.nullish(id) }) }),
]);
const usage = v.object({ input_tokens: i64, output_tokens: i64, cached_input_tokens: i64, reasoning_tokens: v.optional(i64, 0) });
const promptUsage = v.object({ prompt_context_tokens: u64, input_tokens: u64, cached_input_tokens: u64, context_budget_tokens: v.optional(u64, 0) });
const turnState = v.object({
  turn_index: u64,
  token_usage: v.nullish(usage, () => ({ input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, reasoning_tokens: 0 })),
  last_prompt_usage: v.nullish(promptUsage),
  protocol_turn_options: v.nullish(v.object({ payload: v.pipe(v.optional(v.unknown(), () => ({})), msgpackJson) }), () => ({ payload: {} })),
});
const toolState = v.pipe(v.unknown(), msgpackJson, v.looseObject({ generation: u64, tools: v.optional(v.looseObject({}), () => ({})) }));
const checkpoint = v.object({
  turn_state: turnState,
  tool_state_ref: v.nullish(v.string(), null),
  tool_state: v.nullish(toolState, null),
  plugin_snapshot_ref: v.nullish(v.string(), null),
  plugin_snapshot: v.nullish(v.pipe(v.looseObject({}), msgpackJson), null),
  plugin_snapshot_revision: v.nullish(u64, null),
  execution_state_ref: v.nullish(v.string(), null),
  execution_state: v.nullish(bytes, null),
});
const ledger = v.object({ source: v.string(), model: v.string(), usage });
const stamp = v.object({ session_id: id, turn_id: id, turn_commit_hash: v.string() });
const completion = v.object({ session_id: id, claim_id: id, lease_token: v.string(), batch_ids: v.array(id) });

export const valibotCommit = v.object({
  session_id: id,
  expected_head_revision: v.nullish(u64, null),
  config,
  agent_frames: v.optional(v.array(frame), []),
  current_agent_frame_id: v.optional(v.string(), ''),
  graph,
  checkpoint,
  usage_deltas: v.optional(v.array(ledger), []),
  turn_commit: v.nullish(stamp, null),
  completed_queue_claims: v.optional(v.array(completion), []),
  committed_attachment_ids: v.optional(v.array(id), []),
});

export function decodeCommitValibot(value: unknown): unknown {
  return v.parse(valibotCommit, value);
}
