/**
 * Plain chat messages ⇄ lash Conversation events.
 *
 * A message the host writes (`{ role: 'user', text }`, an assistant reply
 * with tool calls, a tool result) becomes one session-graph node carrying a
 * lash `Conversation` event, with the lash conventions: message id = node
 * id, part ids `{message id}.p{n}`, a tool call's arguments as JSON text in
 * the part's `content`, a tool result as a `User` message of `ToolResult`
 * parts. Reading turns the nodes back into the same plain records, so what a
 * host writes is what it reads.
 */
import type { JsonValue } from '../core/contract/json.ts';
import type { ConversationRecord, MessageRole, Part, PartKind, SessionNodePayload, SessionNodeRecord } from '../core/contract/session-model.ts';
import { InvalidInputError } from '../core/contract/errors.ts';

/** The role of a message in the session API (lash's `Tool` results are `tool`). */
export type ChatRole = 'user' | 'assistant' | 'system' | 'tool' | 'event';

/** One part of a message, as written and as read. */
export type MessagePart =
  | {
      /** Text. */
      type: 'text';
      /** The text. */
      text: string;
    }
  | {
      /** The model's reasoning. */
      type: 'reasoning';
      /** The reasoning text. */
      text: string;
    }
  | {
      /** A tool call. */
      type: 'tool-call';
      /** The tool call id. */
      toolCallId: string;
      /** The tool's name. */
      name: string;
      /** The call's arguments. */
      args: JsonValue;
    }
  | {
      /** A tool result. */
      type: 'tool-result';
      /** The tool call it answers. */
      toolCallId: string;
      /** The tool's name. */
      name: string;
      /** The result text. */
      text: string;
    }
  | {
      /** Another kind of lash part. */
      type: 'image' | 'code' | 'output' | 'error' | 'prose';
      /** Its text. */
      text: string;
    };

/** A tool call an assistant message makes. */
export interface ToolCall {
  /** The tool call id (a tool result refers to it). */
  id: string;
  /** The tool's name. */
  name: string;
  /** The arguments (stored as JSON text in the part). */
  args: JsonValue;
}

/** A message of text; an assistant's may be followed by tool calls. */
export interface TextMessageInput {
  /** Who wrote it. */
  role: 'user' | 'assistant' | 'system' | 'event';
  /** The text. */
  text: string;
  /** Tool calls after the text (assistant messages). */
  toolCalls?: ToolCall[];
  /** The node id; by default `{turn id}.{index}`. Must be new to the session. */
  id?: string;
}

/** An assistant reply that only calls tools (or says something first). */
export interface ToolCallsMessageInput {
  /** Always `assistant`. */
  role: 'assistant';
  /** Text before the calls, if any. */
  text?: string;
  /** The tool calls. */
  toolCalls: ToolCall[];
  /** The node id; by default `{turn id}.{index}`. */
  id?: string;
}

/** A message given part by part. */
export interface PartsMessageInput {
  /** Who wrote it. */
  role: ChatRole;
  /** The parts, in order. */
  parts: MessagePart[];
  /** The node id; by default `{turn id}.{index}`. */
  id?: string;
}

/** The result of one tool call. */
export interface ToolResultMessageInput {
  /** Always `tool`. */
  role: 'tool';
  /** The tool call it answers. */
  toolCallId: string;
  /** The tool's name. */
  name: string;
  /** The result text. */
  text: string;
  /** The node id; by default `{turn id}.{index}`. */
  id?: string;
}

/** A message a turn appends: text, tool calls, parts, or a tool result. */
export type MessageInput = TextMessageInput | ToolCallsMessageInput | PartsMessageInput | ToolResultMessageInput;

/** A message as read back from the session. */
export interface Message {
  /** The node id (also the lash message id). */
  id: string;
  /** Who wrote it. */
  role: ChatRole;
  /** The text parts (or, for `tool`, the results) joined by blank lines. */
  text: string;
  /** The parts, in order. */
  parts: MessagePart[];
  /** When it was committed (RFC 3339). */
  createdAt: string;
  /** The node it follows, `null` for the first. */
  parentId: string | null;
}

/** What a turn appends: plain messages, or lash node payloads as they are (protocol events, plugin nodes). */
export type TurnEntry = MessageInput | SessionNodePayload;

const ROLE_TO_LASH: Record<ChatRole, MessageRole> = {
  user: 'User',
  assistant: 'Assistant',
  system: 'System',
  tool: 'User',
  event: 'Event',
};

const KIND_TO_TYPE: Record<PartKind, MessagePart['type']> = {
  Text: 'text',
  Reasoning: 'reasoning',
  ToolCall: 'tool-call',
  ToolResult: 'tool-result',
  Image: 'image',
  Code: 'code',
  Output: 'output',
  Error: 'error',
  Prose: 'prose',
};
const TYPE_TO_KIND = Object.fromEntries(Object.entries(KIND_TO_TYPE).map(([kind, type]) => [type, kind])) as Record<
  MessagePart['type'],
  PartKind
>;

/** The lash payload of one turn entry; `id` is the message id it gets. */
export function entryPayload(entry: TurnEntry, id: string, path: string): SessionNodePayload {
  if (typeof entry !== 'object' || entry === null) throw invalid(path, 'expected a message object');
  if ('kind' in entry && (entry.kind === 'event' || entry.kind === 'plugin')) return structuredClone(entry);
  const message = entry as MessageInput;
  const role = message.role;
  if (typeof role !== 'string' || !Object.hasOwn(ROLE_TO_LASH, role)) {
    throw invalid(`${path}.role`, `expected one of ${Object.keys(ROLE_TO_LASH).join(', ')} (got ${JSON.stringify(role)})`);
  }
  const parts = inputParts(message, path).map((part, n) => lashPart(part, `${id}.p${n}`, `${path}.parts[${n}]`));
  const conversation: ConversationRecord = { id, role: ROLE_TO_LASH[role], parts };
  return { kind: 'event', event: { Conversation: conversation } };
}

/** The explicit node id of an entry, if the caller gave one. */
export function entryId(entry: TurnEntry): string | undefined {
  const id = (entry as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}

function inputParts(message: MessageInput, path: string): MessagePart[] {
  if ('parts' in message && message.parts !== undefined) {
    if (!Array.isArray(message.parts)) throw invalid(`${path}.parts`, 'expected an array of parts');
    return message.parts;
  }
  if (message.role === 'tool' && 'toolCallId' in message) {
    return [{ type: 'tool-result', toolCallId: message.toolCallId, name: message.name, text: message.text }];
  }
  const { text, toolCalls } = message as ToolCallsMessageInput;
  const callsOnly = toolCalls !== undefined && (text === undefined || text === '');
  if (!callsOnly && typeof text !== 'string') throw invalid(`${path}.text`, 'expected a string (or give parts)');
  const parts: MessagePart[] = callsOnly ? [] : [{ type: 'text', text: text as string }];
  if (toolCalls !== undefined) {
    if (!Array.isArray(toolCalls)) throw invalid(`${path}.toolCalls`, 'expected an array');
    for (const call of toolCalls) parts.push({ type: 'tool-call', toolCallId: call?.id, name: call?.name, args: call?.args });
  }
  return parts;
}

function lashPart(part: MessagePart, id: string, path: string): Part {
  if (typeof part !== 'object' || part === null || !Object.hasOwn(TYPE_TO_KIND, part.type)) {
    throw invalid(`${path}.type`, `expected one of ${Object.keys(TYPE_TO_KIND).join(', ')}`);
  }
  const kind = TYPE_TO_KIND[part.type];
  if (part.type === 'tool-call' || part.type === 'tool-result') {
    const toolCallId = requireString(part.toolCallId, `${path}.toolCallId`);
    const toolName = requireString(part.name, `${path}.name`);
    const content = part.type === 'tool-call' ? argsText(part.args, `${path}.args`) : requireString(part.text, `${path}.text`);
    return { id, kind, content, tool_call_id: toolCallId, tool_name: toolName, prune_state: 'Intact' };
  }
  return { id, kind, content: requireString(part.text, `${path}.text`), prune_state: 'Intact' };
}

function argsText(args: unknown, path: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(args);
  } catch (error) {
    throw invalid(path, `not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (text === undefined) throw invalid(path, 'expected a JSON value');
  return text;
}

/** The conversation message a node carries, unless it is not one or is transient (plugin-only). */
export function conversationOf(node: SessionNodeRecord): ConversationRecord | null {
  if (node.kind !== 'event') return null;
  const message = (node.event as { Conversation?: ConversationRecord }).Conversation;
  if (typeof message !== 'object' || message === null || !Array.isArray(message.parts)) return null;
  const origin = message.origin;
  if (origin?.kind === 'plugin' && origin.transient === true) return null;
  return message;
}

/** The plain record of a message node (a fresh object: changing it changes nothing stored). */
export function messageOf(node: SessionNodeRecord, message: ConversationRecord): Message {
  const parts = message.parts.map(plainPart);
  const toolOnly = message.role === 'User' && parts.length > 0 && parts.every((part) => part.type === 'tool-result');
  const role: ChatRole = toolOnly ? 'tool' : lashRoleName(message.role);
  const texts: string[] = [];
  for (const part of parts) if (part.type === 'text' || part.type === 'tool-result') texts.push(part.text);
  return { id: node.node_id, role, text: texts.join('\n\n'), parts, createdAt: node.timestamp, parentId: node.parent_node_id ?? null };
}

/** Message records of the nodes, in order: transient messages left out, a repeated message id kept once (the first). */
export function messagesOf(nodes: readonly SessionNodeRecord[]): Message[] {
  const seen = new Set<string>();
  const out: Message[] = [];
  for (const node of nodes) {
    const message = conversationOf(node);
    if (message === null || seen.has(message.id)) continue;
    seen.add(message.id);
    out.push(messageOf(node, message));
  }
  return out;
}

function lashRoleName(role: MessageRole): ChatRole {
  return role === 'User' ? 'user' : role === 'Assistant' ? 'assistant' : role === 'System' ? 'system' : 'event';
}

function plainPart(part: Part): MessagePart {
  const type = KIND_TO_TYPE[part.kind] ?? 'prose';
  const text = typeof part.content === 'string' ? part.content : '';
  if (type === 'tool-call') return { type, toolCallId: part.tool_call_id ?? '', name: part.tool_name ?? '', args: parseArgs(text) };
  if (type === 'tool-result') return { type, toolCallId: part.tool_call_id ?? '', name: part.tool_name ?? '', text };
  return { type, text } as MessagePart;
}

/** Tool-call arguments as JSON; text that is not JSON (a model can emit that) comes back as the string. */
function parseArgs(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalid(path, `expected a string (got ${value === null ? 'null' : typeof value})`);
  return value;
}

function invalid(path: string, problem: string): InvalidInputError {
  return new InvalidInputError(`${path}: ${problem}`);
}

/** Indexes of the message nodes of a path (transient ones and repeats of a message id left out). */
export function messageIndexes(path: readonly SessionNodeRecord[]): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  path.forEach((node, i) => {
    const message = conversationOf(node);
    if (message === null || seen.has(message.id)) return;
    seen.add(message.id);
    out.push(i);
  });
  return out;
}
