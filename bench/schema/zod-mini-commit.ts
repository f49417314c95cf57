/** The turn commit's checks written in `zod/mini` (see `valibot-commit.ts`: same checks, same defaults). */
import * as z from 'zod/mini';
import { findJsonProblem, identifierProblem } from '../../src/core/validation.ts';

const id = z.string().check(z.refine((s) => identifierProblem(s, 'id') === null, 'must be an identifier'));
const u64 = z.int().check(z.minimum(0));
const i64 = z.int();
const positive = z.int().check(z.minimum(1));
const isJson = (x: unknown) => findJsonProblem(x, 'value') === null;
const isMsgpackJson = (x: unknown) => findJsonProblem(x, 'value', { bytes: true, msgpack: true }) === null;
const bytes = z.instanceof(Uint8Array);
/** Absent or null take the default (serde `Option` read with a default). */
const orDefault = <T extends z.core.SomeType>(schema: T, make: () => z.infer<T>) =>
  z.pipe(z.nullish(schema), z.transform((x) => x ?? make()));

const modelSpec = z.strictObject({
  id: z.string(),
  variant: z.nullish(z.string()),
  limits: z.strictObject({ context_window_tokens: positive, output_token_capacity: z.nullish(positive) }),
});
const config = z.object({ provider_id: z.string(), model: modelSpec });
const frame = z.looseObject({ frame_id: z.string(), session_id: z.string(), execution_state_snapshot: z.nullish(bytes) }).check(z.refine(isJson));
const nodeBase = { node_id: id, parent_node_id: z.nullish(id), timestamp: z.string() };
const node = z
  .discriminatedUnion('kind', [
    z.looseObject({ ...nodeBase, kind: z.literal('event'), event: z.looseObject({}) }),
    z.looseObject({ ...nodeBase, kind: z.literal('plugin'), plugin_type: z.string(), body: z.unknown() }),
  ])
  .check(z.refine(isJson));
const nodes = z._default(z.array(node), []);
const leaf = orDefault(id, () => null as never);
const graph = z.union([
  z.strictObject({ Unchanged: z.object({ leaf_node_id: leaf }) }),
  z.strictObject({ Append: z.object({ nodes, leaf_node_id: leaf }) }),
  z.strictObject({ ReplaceFull: z.object({ nodes, leaf_node_id: z.nullish(id) }) }),
]);
const usage = z.object({ input_tokens: i64, output_tokens: i64, cached_input_tokens: i64, reasoning_tokens: z._default(i64, 0) });
const promptUsage = z.object({ prompt_context_tokens: u64, input_tokens: u64, cached_input_tokens: u64, context_budget_tokens: z._default(u64, 0) });
const turnState = z.object({
  turn_index: u64,
  token_usage: orDefault(usage, () => ({ input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, reasoning_tokens: 0 })),
  last_prompt_usage: z.nullish(promptUsage),
  protocol_turn_options: orDefault(z.object({ payload: z._default(z.unknown(), {}).check(z.refine(isMsgpackJson)) }), () => ({ payload: {} })),
});
const toolState = z.looseObject({ generation: u64, tools: z._default(z.looseObject({}), {}) }).check(z.refine(isMsgpackJson));
const nullable = <T extends z.core.SomeType>(schema: T) => orDefault(schema, () => null as never);
const checkpoint = z.object({
  turn_state: turnState,
  tool_state_ref: nullable(z.string()),
  tool_state: nullable(toolState),
  plugin_snapshot_ref: nullable(z.string()),
  plugin_snapshot: nullable(z.looseObject({}).check(z.refine(isMsgpackJson))),
  plugin_snapshot_revision: nullable(u64),
  execution_state_ref: nullable(z.string()),
  execution_state: nullable(bytes),
});
const ledger = z.object({ source: z.string(), model: z.string(), usage });
const stamp = z.object({ session_id: id, turn_id: id, turn_commit_hash: z.string() });
const completion = z.object({ session_id: id, claim_id: id, lease_token: z.string(), batch_ids: z.array(id) });

export const zodMiniCommit = z.object({
  session_id: id,
  expected_head_revision: nullable(u64),
  config,
  agent_frames: z._default(z.array(frame), []),
  current_agent_frame_id: z._default(z.string(), ''),
  graph,
  checkpoint,
  usage_deltas: z._default(z.array(ledger), []),
  turn_commit: nullable(stamp),
  completed_queue_claims: z._default(z.array(completion), []),
  committed_attachment_ids: z._default(z.array(id), []),
});

export function decodeCommitZodMini(value: unknown): unknown {
  return zodMiniCommit.parse(value);
}
