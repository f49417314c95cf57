/**
 * Presentation of a session graph for `inspect`: one-line message summaries
 * and the branches that leave the active path. Reads only records the Store
 * returned; nothing here touches the database.
 */
import type { SessionNodeRecord } from '../../core/contract/session-model.ts';

export interface MessageSummary {
  readonly node_id: string;
  readonly role: string;
  readonly text: string;
}

export interface BranchSummary {
  /** First node of the branch (off the active path). */
  readonly node_id: string;
  /** The active-path node it leaves from; `null` for a detached root (no parent, or a parent that is gone). */
  readonly parent_node_id: string | null;
  readonly node_count: number;
  /** The branch's last node in storage order (where resuming it would continue). */
  readonly last_node_id: string;
}

const SHORT_TEXT = 80;

/** Role and a short text of a conversation node; `null` for other nodes. */
export function summarizeMessage(node: SessionNodeRecord): MessageSummary | null {
  if (node.kind !== 'event') return null;
  const message = (node.event as { Conversation?: { role?: unknown; parts?: unknown } }).Conversation;
  if (typeof message !== 'object' || message === null) return null;
  const pieces: string[] = [];
  for (const part of Array.isArray(message.parts) ? (message.parts as Array<{ kind?: unknown; content?: unknown }>) : []) {
    if (part.kind === 'ToolCall') pieces.push('[tool call]');
    else if (part.kind === 'ToolResult') pieces.push('[tool result]');
    else if (part.kind === 'Image') pieces.push('[image]');
    else if (typeof part.content === 'string' && part.content.trim() !== '') pieces.push(part.content.trim());
  }
  return { node_id: node.node_id, role: String(message.role ?? '?'), text: shorten(pieces.join(' ')) };
}

/** Collapses whitespace and cuts to {@link SHORT_TEXT} characters. */
export function shorten(text: string, max = SHORT_TEXT): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('')}…`;
}

/** Off-path subtrees, each rooted at a node whose parent is on the path (or has no live parent). */
export function branchesOffPath(nodes: readonly SessionNodeRecord[], path: readonly SessionNodeRecord[]): BranchSummary[] {
  const onPath = new Set(path.map((node) => node.node_id));
  const ids = new Set(nodes.map((node) => node.node_id));
  const order = new Map(nodes.map((node, i) => [node.node_id, i]));
  const children = new Map<string, string[]>();
  for (const node of nodes) {
    const parent = node.parent_node_id;
    if (parent === undefined || parent === null) continue;
    const list = children.get(parent) ?? [];
    list.push(node.node_id);
    children.set(parent, list);
  }
  const branches: BranchSummary[] = [];
  for (const node of nodes) {
    if (onPath.has(node.node_id)) continue;
    const parent = node.parent_node_id ?? null;
    const attached = parent !== null && ids.has(parent);
    if (attached && !onPath.has(parent)) continue; // inside another branch
    const members = subtree(node.node_id, children, onPath);
    const last = members.reduce((a, b) => (order.get(b)! > order.get(a)! ? b : a));
    branches.push({ node_id: node.node_id, parent_node_id: attached ? parent : null, node_count: members.length, last_node_id: last });
  }
  return branches;
}

function subtree(root: string, children: Map<string, string[]>, onPath: Set<string>): string[] {
  const seen = new Set<string>();
  const stack = [root];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id) || onPath.has(id)) continue;
    seen.add(id);
    stack.push(...(children.get(id) ?? []));
  }
  return [...seen];
}
