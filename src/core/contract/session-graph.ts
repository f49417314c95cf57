/**
 * The session graph in memory: nodes in insertion order, a leaf, and lazily
 * built indexes (id → index, the active path) that are thrown away on every
 * mutation. Semantics follow `contract-session.md` §1.4, plus a cycle guard
 * on the active-path walk (a parent cycle ends the path instead of looping).
 */
import type { ConversationRecord, SessionGraphData, SessionNodeRecord } from './session-model.ts';

interface GraphIndex {
  /** node id → index of its **last** occurrence (ids can repeat in memory). */
  readonly byId: Map<string, number>;
  /** Indexes of the active path, root first. */
  activePath?: readonly number[];
}

/** Options of the `SessionGraph` constructor. */
export interface SessionGraphOptions {
  /**
   * The graph holds only part of the stored nodes (an `ActivePath` read).
   * A commit made from it may append nodes and move the leaf, but never
   * replace the whole graph: that would delete every node it did not load
   * (spec decision 20).
   */
  partial?: boolean;
}

/** A session graph in memory: nodes in insertion order, the active leaf, and an index for active-path queries. What `loadSession` returns as `graph`. */
export class SessionGraph {
  #nodes: SessionNodeRecord[];
  #leaf: string | null;
  #index: GraphIndex | undefined;
  readonly #partial: boolean;

  constructor(nodes: SessionNodeRecord[] = [], leafNodeId: string | null = null, options: SessionGraphOptions = {}) {
    this.#nodes = nodes;
    this.#leaf = leafNodeId;
    this.#partial = options.partial === true;
  }

  /** A graph of `nodes` (copied into a new list) with leaf `leafNodeId`. */
  static fromNodes(nodes: Iterable<SessionNodeRecord>, leafNodeId: string | null = null): SessionGraph {
    return new SessionGraph([...nodes], leafNodeId);
  }

  /** From the wire shape (`{nodes, leaf_node_id?}`) or another graph (a copy, `partial` kept). */
  static from(data: SessionGraphData | SessionGraph): SessionGraph {
    if (data instanceof SessionGraph) return new SessionGraph([...data.nodes], data.leaf_node_id, { partial: data.partial });
    return new SessionGraph([...data.nodes], data.leaf_node_id ?? null);
  }

  /** The nodes, in insertion order. */
  get nodes(): readonly SessionNodeRecord[] {
    return this.#nodes;
  }

  /** True for a graph read with the `ActivePath` scope: it holds only part of the stored nodes. */
  get partial(): boolean {
    return this.#partial;
  }

  /** The active leaf, or `null`. */
  get leaf_node_id(): string | null {
    return this.#leaf;
  }

  /** The wire shape: `leaf_node_id` is left out when there is none. */
  toData(): SessionGraphData {
    return this.#leaf === null ? { nodes: [...this.#nodes] } : { nodes: [...this.#nodes], leaf_node_id: this.#leaf };
  }

  /** The wire shape (`SessionGraphData`). */
  toJSON(): SessionGraphData {
    return this.toData();
  }

  /** Moves the active leaf (switches branch). */
  setLeafNodeId(nodeId: string | null): void {
    this.#leaf = nodeId;
    this.#invalidate(false);
  }

  /** Same as {@link setLeafNodeId}: switch the active branch. */
  branchTo(nodeId: string | null): void {
    this.setLeafNodeId(nodeId);
  }

  /** Appends a node (the leaf does not move). */
  pushNodeRecord(node: SessionNodeRecord): void {
    this.extendNodeRecords([node]);
  }

  /**
   * Appends nodes without moving the leaf. A built id index is extended in
   * place (an append only adds ids, and a repeated id now points at its last
   * occurrence, as a rebuild would), so a session that appends every turn
   * never rebuilds it over its whole history.
   */
  extendNodeRecords(nodes: Iterable<SessionNodeRecord>): void {
    const byId = this.#index?.byId;
    for (const node of nodes) {
      byId?.set(node.node_id, this.#nodes.length);
      this.#nodes.push(node);
    }
    this.#invalidate(false);
  }

  /** Appends nodes and moves the leaf to the last of them. */
  extendActivePath(nodes: readonly SessionNodeRecord[]): void {
    if (nodes.length === 0) return;
    this.extendNodeRecords(nodes);
    this.setLeafNodeId(nodes[nodes.length - 1]!.node_id);
  }

  /** The node with that id, if present. */
  findNode(nodeId: string): SessionNodeRecord | undefined {
    const index = this.#ensureIndex().byId.get(nodeId);
    return index === undefined ? undefined : this.#nodes[index];
  }

  /** The node's position in `nodes`, if present. */
  nodeIndex(nodeId: string): number | undefined {
    return this.#ensureIndex().byId.get(nodeId);
  }

  /** From the root to the leaf; empty when the leaf is unset or unknown. */
  activePathNodes(): SessionNodeRecord[] {
    return this.#activePath().map((i) => this.#nodes[i]!);
  }

  /** Whether the node is on the active path. */
  activePathContains(nodeId: string): boolean {
    const index = this.#ensureIndex().byId.get(nodeId);
    return index !== undefined && this.#activePath().includes(index);
  }

  /** Every node that is not on the active path (what a host may tombstone). */
  orphanedNodeIds(): string[] {
    const onPath = new Set(this.#activePath());
    return this.#nodes.filter((_, i) => !onPath.has(i)).map((node) => node.node_id);
  }

  /**
   * A graph of only the active-path nodes, with the same leaf. It is a new
   * graph of its own (not `partial`): committing it as a full replace is a
   * deliberate fork that drops the other branches.
   */
  forkCurrentPath(): SessionGraph {
    return new SessionGraph(this.activePathNodes(), this.#leaf);
  }

  /**
   * When the leaf points at a node that does not exist, moves it to the last
   * message node in storage order (or none) and returns true.
   */
  healOrphanedLeaf(): boolean {
    if (this.#leaf === null || this.findNode(this.#leaf) !== undefined) return false;
    let fallback: string | null = null;
    for (let i = this.#nodes.length - 1; i >= 0; i--) {
      if (conversationOf(this.#nodes[i]!) !== null) {
        fallback = this.#nodes[i]!.node_id;
        break;
      }
    }
    this.setLeafNodeId(fallback);
    return true;
  }

  /** Number of `User` messages across every branch. */
  userMessageCount(): number {
    let count = 0;
    for (const node of this.#nodes) if (conversationOf(node)?.role === 'User') count++;
    return count;
  }

  /** Text of the first `User` message in storage order (every branch counts), or `''`. */
  firstUserMessage(): string {
    for (const node of this.#nodes) {
      const message = conversationOf(node);
      if (message?.role === 'User') return searchText(message);
    }
    return '';
  }

  #invalidate(nodesChanged: boolean): void {
    if (nodesChanged) this.#index = undefined;
    else if (this.#index !== undefined) this.#index.activePath = undefined;
  }

  #ensureIndex(): GraphIndex {
    if (this.#index === undefined) {
      const byId = new Map<string, number>();
      this.#nodes.forEach((node, i) => byId.set(node.node_id, i));
      this.#index = { byId };
    }
    return this.#index;
  }

  #activePath(): readonly number[] {
    const index = this.#ensureIndex();
    if (index.activePath !== undefined) return index.activePath;
    const path: number[] = [];
    const visited = new Set<number>();
    let current = this.#leaf === null ? undefined : index.byId.get(this.#leaf);
    while (current !== undefined && !visited.has(current)) {
      visited.add(current);
      path.push(current);
      const parent = this.#nodes[current]!.parent_node_id;
      current = parent === undefined || parent === null ? undefined : index.byId.get(parent);
    }
    path.reverse();
    index.activePath = path;
    return path;
  }
}

/** The conversation message a node carries, if it is one. */
export function conversationOf(node: SessionNodeRecord): ConversationRecord | null {
  if (node.kind !== 'event' || typeof node.event !== 'object' || node.event === null) return null;
  const message = (node.event as { Conversation?: unknown }).Conversation;
  if (typeof message !== 'object' || message === null) return null;
  return message as ConversationRecord;
}

/** Picker text of a message: tool parts dropped, images as a marker, blank parts skipped. */
function searchText(message: ConversationRecord): string {
  const pieces: string[] = [];
  for (const part of Array.isArray(message.parts) ? message.parts : []) {
    if (part.kind === 'ToolCall' || part.kind === 'ToolResult') continue;
    if (part.kind === 'Image') pieces.push('[Image attached]');
    else if (typeof part.content === 'string' && part.content.trim() !== '') pieces.push(part.content);
  }
  return pieces.join('\n\n').trim();
}
