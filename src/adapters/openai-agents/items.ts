/**
 * OpenAI Agents items as session-graph nodes.
 *
 * Each item becomes one `Conversation` event node, so everything in this
 * package that reads a session — the picker (`loadPickerInfo`), the CLI,
 * GC, the playground — sees the conversation: user messages as `User`,
 * assistant messages, tool calls and tool results as `Assistant`, system
 * messages as `System`, each with readable parts (`Text`, `Image`,
 * `ToolCall`, `ToolResult`, `Reasoning`). The item itself, exactly as the
 * SDK handed it over, rides in the first part's `response_meta`
 * (`{ openai_agents_item: item }`), and `getItems` returns that.
 */
import type { JsonValue } from '../../core/contract/json.ts';
import type { ConversationRecord, MessageRole, Part, PartKind, SessionNodeRecord } from '../../core/contract/session-model.ts';
import { jsonValueProblem } from '../../core/validation.ts';

/** An SDK item: a JSON object with `type` and/or `role` (`AgentInputItem`). */
export type AgentItem = { readonly [key: string]: unknown };

/** Marks a node as ours (`origin.plugin_id`). */
export const ITEM_PLUGIN_ID = 'openai-agents';
const META_KEY = 'openai_agents_item';

/**
 * A stored copy of an item: a JSON object (members that are `undefined` are
 * left out, as JSON does). Throws `TypeError` for anything else.
 */
export function checkedItem(item: unknown): AgentItem {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new TypeError('an item must be an object');
  const problem = jsonValueProblem(item, 'item');
  if (problem !== null) throw new TypeError(problem);
  return JSON.parse(JSON.stringify(item)) as AgentItem;
}

/** The node for a checked item (`checkedItem`), a child of `parentNodeId`. */
export function itemNode(copy: AgentItem, nodeId: string, parentNodeId: string | null, timestamp: string): SessionNodeRecord {
  const parts = partsOf(copy).map(
    ([kind, content, extra], i): Part => ({ id: `${nodeId}.p${i}`, kind, content, prune_state: 'Intact', ...extra }),
  );
  if (parts.length === 0) parts.push({ id: `${nodeId}.p0`, kind: 'Output', content: '', prune_state: 'Intact' });
  parts[0]!.response_meta = { [META_KEY]: copy as JsonValue };
  const message: ConversationRecord = {
    id: typeof copy.id === 'string' && copy.id !== '' ? copy.id : nodeId,
    role: roleOf(copy),
    parts,
    origin: { kind: 'plugin', plugin_id: ITEM_PLUGIN_ID },
  };
  const node: SessionNodeRecord = { node_id: nodeId, timestamp, kind: 'event', event: { Conversation: message } };
  if (parentNodeId !== null) node.parent_node_id = parentNodeId;
  return node;
}

/** The SDK item a node carries, or `undefined` for a node that is not one of ours. */
export function itemOf(node: SessionNodeRecord): AgentItem | undefined {
  if (node.kind !== 'event' || !('Conversation' in node.event)) return undefined;
  const message = node.event.Conversation;
  if (message.origin?.kind !== 'plugin' || message.origin.plugin_id !== ITEM_PLUGIN_ID) return undefined;
  const meta = message.parts[0]?.response_meta;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return undefined;
  const item = (meta as Record<string, unknown>)[META_KEY];
  return typeof item === 'object' && item !== null && !Array.isArray(item) ? (item as AgentItem) : undefined;
}

function roleOf(item: AgentItem): MessageRole {
  switch (item.role) {
    case 'user':
      return 'User';
    case 'system':
    case 'developer':
      return 'System';
    default:
      // Assistant messages, tool calls and their results, reasoning.
      return 'Assistant';
  }
}

type PartSpec = [PartKind, string, Partial<Part>?];

function partsOf(item: AgentItem): PartSpec[] {
  const type = typeof item.type === 'string' ? item.type : 'message';
  if (type === 'message' || item.role !== undefined) return contentParts(item.content);
  if (type === 'reasoning') return contentParts(item.content).map(([, text]) => ['Reasoning', text] as PartSpec);
  const call = {
    ...(typeof item.callId === 'string' ? { tool_call_id: item.callId } : {}),
    ...(typeof item.name === 'string' ? { tool_name: item.name } : {}),
  };
  if (type.endsWith('_result') || type.endsWith('_output')) return [['ToolResult', textOf(item.output), call]];
  if (type.endsWith('_call')) return [['ToolCall', typeof item.arguments === 'string' ? item.arguments : textOf(item.arguments), call]];
  return [];
}

function contentParts(content: unknown): PartSpec[] {
  if (typeof content === 'string') return [['Text', content]];
  if (!Array.isArray(content)) return [];
  return content.map((part): PartSpec => {
    const record = (typeof part === 'object' && part !== null ? part : {}) as Record<string, unknown>;
    if (record.type === 'input_image' || record.type === 'image') return ['Image', ''];
    if (typeof record.text === 'string') return ['Text', record.text];
    if (typeof record.refusal === 'string') return ['Text', record.refusal];
    return ['Output', ''];
  });
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { text?: unknown }).text === 'string') {
    return (value as { text: string }).text;
  }
  return value === undefined ? '' : JSON.stringify(value);
}
