/**
 * The branches of a session graph: one per leaf (a node nobody continues),
 * plus the active position when it is not a leaf (after time travel), each
 * with where it leaves the active branch.
 */
import type { SessionNodeRecord } from '../core/contract/session-model.ts';
import { messagesOf, type Message } from './messages.ts';

/** One branch of a session: its leaf, whether it is active, and where it forks from the active one. */
export interface Branch {
  /** The newest node of the branch. */
  leafId: string;
  /** True for the branch the session is on. */
  active: boolean;
  /** Nodes from the root to the leaf. */
  nodeCount: number;
  /** Messages on the branch. */
  messageCount: number;
  /** The branch's newest message, or `null`. */
  lastMessage: Message | null;
  /** The last node this branch shares with the active one (`null`: none, or it is the active one). */
  forkedFrom: string | null;
  /** Timestamp of the leaf. */
  updatedAt: string | null;
}

export function branchesOf(nodes: readonly SessionNodeRecord[], activeLeaf: string | null, activePath: readonly SessionNodeRecord[]): Branch[] {
  const byId = new Map(nodes.map((node) => [node.node_id, node]));
  const hasChild = new Set<string>();
  for (const node of nodes) if (node.parent_node_id !== undefined && byId.has(node.parent_node_id)) hasChild.add(node.parent_node_id);
  const activeIds = new Set(activePath.map((node) => node.node_id));
  const leaves = nodes.filter((node) => !hasChild.has(node.node_id) || node.node_id === activeLeaf);
  return leaves.map((leaf) => {
    const path = pathOf(byId, leaf);
    const messages = messagesOf(path);
    let forkedFrom: string | null = null;
    if (leaf.node_id !== activeLeaf) {
      for (let i = path.length - 1; i >= 0 && forkedFrom === null; i--) if (activeIds.has(path[i]!.node_id)) forkedFrom = path[i]!.node_id;
    }
    return {
      leafId: leaf.node_id,
      active: leaf.node_id === activeLeaf,
      nodeCount: path.length,
      messageCount: messages.length,
      lastMessage: messages.at(-1) ?? null,
      forkedFrom,
      updatedAt: leaf.timestamp ?? null,
    };
  });
}

/** Root-first path to `leaf` through the parent links (a cycle ends it). */
function pathOf(byId: ReadonlyMap<string, SessionNodeRecord>, leaf: SessionNodeRecord): SessionNodeRecord[] {
  const path: SessionNodeRecord[] = [];
  const seen = new Set<string>();
  let node: SessionNodeRecord | undefined = leaf;
  while (node !== undefined && !seen.has(node.node_id)) {
    seen.add(node.node_id);
    path.push(node);
    node = node.parent_node_id === undefined ? undefined : byId.get(node.parent_node_id);
  }
  return path.reverse();
}
