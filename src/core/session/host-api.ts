/**
 * The host API of the session store (`contract-session.md` §1.11, §2.12):
 * raw head and graph reads and writes, the usage ledger, the resume-picker
 * info and copying a head between stores. No CAS and no binding check here
 * (that is `commitRuntimeState`); each method is still one transaction.
 */
import { insertArtifactBlob, insertRawBlob, lookupBlob, type BlobRef } from '../blobs/blob-table.ts';
import type { BlobArtifactDescriptor } from '../blobs/descriptor.ts';
import { expectArray } from '../shape.ts';
import { lookupManifest } from './checkpoints.ts';
import { checkHeadMetaInput, decodeGraphData, decodeLedgerEntry, decodeNodes, decodeSessionHeadInput } from './codecs.ts';
import type { StoreContext } from './context.ts';
import { SessionGraph } from '../contract/session-graph.ts';
import { insertNodes, loadLiveNodes, replaceAllNodes } from './graph-table.ts';
import { readHeadMeta, updateHeadNodeCount, writeHeadMeta } from './head-table.ts';
import { readSessionMeta } from './meta-table.ts';
import type { SessionNodeRecord, TokenLedgerEntry } from '../contract/session-model.ts';
import type { SessionHead, SessionHeadMeta, SessionPickerInfo } from '../contract/session-records.ts';
import { insertUsageDeltas, loadTokenLedger, loadUsageDeltas } from './usage-table.ts';

/** A head and every blob it reaches, read from one store to be written into another. */
export interface HeadCopy {
  readonly head: SessionHead;
  readonly blobs: readonly CopiedBlob[];
}

interface CopiedBlob {
  readonly content: Uint8Array;
  readonly descriptor: BlobArtifactDescriptor | null;
}

export class SessionHostApi {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  /** Resume-picker info: `null` without a `session_meta` row. */
  async loadPickerInfo(): Promise<SessionPickerInfo | null> {
    const { ops, conn, logger } = this.#ctx;
    return ops.read(() => {
      const meta = readSessionMeta(conn);
      if (meta === null) return null;
      const graph = new SessionGraph(loadLiveNodes(conn, logger));
      return {
        session_id: meta.session_id,
        cwd: meta.cwd,
        relation: meta.relation,
        first_user_message: graph.firstUserMessage(),
        user_message_count: graph.userMessageCount(),
      };
    });
  }

  /** Raw head write: no CAS, no binding check. */
  async saveSessionHeadMeta(meta: SessionHeadMeta): Promise<void> {
    const { ops, conn } = this.#ctx;
    const checked = ops.input('session head meta', () => checkHeadMetaInput(meta));
    await ops.write(() => writeHeadMeta(conn, checked));
  }

  async loadSessionHeadMeta(): Promise<SessionHeadMeta | null> {
    const { ops, conn } = this.#ctx;
    return ops.read(() => readHeadMeta(conn));
  }

  /**
   * Replaces the graph and writes the head meta, in one transaction (the
   * reference used two). The given `head_revision` is written as is; usage
   * is not written.
   */
  async saveSessionHead(head: SessionHead): Promise<void> {
    const { ops, conn } = this.#ctx;
    const checked = ops.input('session head', () => decodeSessionHeadInput(head));
    await ops.write(() => {
      replaceAllNodes(conn, checked.graph.nodes);
      writeHeadMeta(conn, headMetaOf(checked, checked.head_revision));
    });
  }

  /** Head meta, the full graph (leaf from the head) and the merged ledger; `null` without a head. */
  async loadSessionHead(): Promise<SessionHead | null> {
    return this.#ctx.ops.read(() => this.#readHead());
  }

  /** The head plus every blob it reaches, verified, with the descriptor each was stored under (one snapshot). */
  async readHeadCopy(): Promise<HeadCopy | null> {
    return this.#ctx.ops.read(() => this.#readHeadForCopy());
  }

  /**
   * Writes a head read from another store (a fork or an export): its blobs,
   * then the graph and the head meta with revision 0, in one transaction.
   */
  async writeHeadCopy(copy: HeadCopy): Promise<void> {
    const ctx = this.#ctx;
    await ctx.ops.write(() => {
      for (const blob of copy.blobs) {
        if (blob.descriptor === null) insertRawBlob(ctx, blob.content);
        else insertArtifactBlob(ctx, ctx.profile, blob.descriptor, blob.content);
      }
      replaceAllNodes(ctx.conn, copy.head.graph.nodes);
      writeHeadMeta(ctx.conn, headMetaOf(copy.head, 0));
    });
  }

  async appendUsageDeltas(entries: readonly TokenLedgerEntry[]): Promise<void> {
    const { ops, conn } = this.#ctx;
    const checked = ops.input('usage deltas', () =>
      expectArray(entries, 'entries').map((entry, i) => decodeLedgerEntry(entry, `entries[${i}]`)),
    );
    if (checked.length === 0) return;
    await ops.write(() => insertUsageDeltas(conn, checked));
  }

  /** Every usage row, unmerged. */
  async loadUsageDeltas(): Promise<TokenLedgerEntry[]> {
    const { ops, conn } = this.#ctx;
    return ops.read(() => loadUsageDeltas(conn));
  }

  /** Deletes every node (tombstones too) and inserts the graph's nodes. The head's leaf is left alone. */
  async replaceSessionGraph(graph: SessionGraph | { nodes: readonly SessionNodeRecord[] }): Promise<void> {
    const { ops, conn } = this.#ctx;
    const { nodes } = ops.input('graph', () => decodeGraphData(graph, 'graph'));
    await ops.write(() => {
      replaceAllNodes(conn, nodes);
      updateHeadNodeCount(conn, () => nodes.length);
    });
  }

  async appendSessionGraphNodes(nodes: readonly SessionNodeRecord[]): Promise<void> {
    const { ops, conn } = this.#ctx;
    const checked = ops.input('nodes', () => decodeNodes(nodes, 'nodes'));
    if (checked.length === 0) return;
    await ops.write(() => {
      insertNodes(conn, checked);
      updateHeadNodeCount(conn, (count) => count + checked.length);
    });
  }

  /** Every live node in insertion order, with no leaf. */
  async loadSessionGraph(): Promise<SessionGraph> {
    const { ops, conn, logger } = this.#ctx;
    return ops.read(() => new SessionGraph(loadLiveNodes(conn, logger)));
  }

  #readHead(): SessionHead | null {
    const { conn, logger } = this.#ctx;
    const meta = readHeadMeta(conn);
    if (meta === null) return null;
    const nodes = loadLiveNodes(conn, logger);
    const graph = meta.leaf_node_id === undefined ? { nodes } : { nodes, leaf_node_id: meta.leaf_node_id };
    const head: SessionHead = {
      session_id: meta.session_id,
      head_revision: meta.head_revision,
      agent_frames: meta.agent_frames,
      current_agent_frame_id: meta.current_agent_frame_id ?? '',
      graph,
      config: meta.config,
    };
    if (meta.checkpoint_ref !== undefined) head.checkpoint_ref = meta.checkpoint_ref;
    const ledger = loadTokenLedger(conn);
    if (ledger.length > 0) head.token_ledger = ledger;
    return head;
  }

  #readHeadForCopy(): HeadCopy | null {
    const ctx = this.#ctx;
    const head = this.#readHead();
    if (head === null) return null;
    const refs: BlobRef[] = [];
    if (head.checkpoint_ref !== undefined) {
      const found = lookupManifest(ctx, head.checkpoint_ref);
      if (found.status === 'ok') {
        const { tool_state_ref, plugin_snapshot_ref, execution_state_ref } = found.manifest;
        for (const ref of [tool_state_ref, plugin_snapshot_ref, execution_state_ref]) if (ref !== undefined) refs.push(ref);
      }
      refs.push(head.checkpoint_ref);
    }
    for (const frame of head.agent_frames) {
      if (typeof frame.execution_state_ref === 'string') refs.push(frame.execution_state_ref);
    }
    const blobs: CopiedBlob[] = [];
    for (const ref of refs) {
      const found = lookupBlob(ctx, ref);
      if (found.status === 'ok') blobs.push({ content: found.content, descriptor: found.descriptor });
      else ctx.logger.warn(`headCopyFromStore: source blob is ${found.status}; not copied`, { ref });
    }
    return { head, blobs };
  }
}

function headMetaOf(head: SessionHead, revision: number): SessionHeadMeta {
  const meta: SessionHeadMeta = {
    session_id: head.session_id,
    head_revision: revision,
    config: head.config,
    agent_frames: head.agent_frames,
    graph_node_count: head.graph.nodes.length,
  };
  if (head.current_agent_frame_id !== '') meta.current_agent_frame_id = head.current_agent_frame_id;
  if (head.checkpoint_ref !== undefined) meta.checkpoint_ref = head.checkpoint_ref;
  if (head.graph.leaf_node_id !== undefined) meta.leaf_node_id = head.graph.leaf_node_id;
  return meta;
}
