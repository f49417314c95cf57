/**
 * lash-sqlite-store/openai-agents: an OpenAI Agents JS `Session` kept as a
 * lash session graph on any `SqliteConnection`. Needs `@openai/agents-core`
 * (an optional peer dependency).
 *
 * @module
 */
export { LashAgentSession } from './adapters/openai-agents/session.ts';
export type { LashAgentSessionOptions } from './adapters/openai-agents/session.ts';
export { ITEM_PLUGIN_ID, itemOf } from './adapters/openai-agents/items.ts';
