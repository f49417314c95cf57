/**
 * One agent session per Durable Object: its `Store` lives on the object's
 * own SQLite database, so every session has exactly one writer, reachable
 * from any Worker by `idFromName(sessionId)`.
 *
 * Every RPC method returns an `RpcOutcome` (`rpcOutcome(…)`): Workers RPC
 * would turn a thrown `StoreError` into a plain `Error`; callers unwrap the
 * outcome with `lashRpcClient(stub)` and get the `StoreError` back, `detail`
 * and all. Values cross RPC by structured clone, so a `SessionGraph` goes as
 * its plain data (`SessionGraph.fromData` rebuilds it).
 */
import { DurableObject } from 'cloudflare:workers';
import {
  Store,
  graphDelta,
  newRuntimeSessionState,
  persistedStateWithGraphCommit,
  runtimeSessionStateFromRead,
  stampTurnCommit,
  type GcReport,
  type PersistedSessionRead,
  type QueuedWorkBatch,
  type QueuedWorkBatchDraft,
  type QueuedWorkClaim,
  type QueuedWorkClaimBoundary,
  type RuntimeCommit,
  type RuntimeCommitResult,
  type SessionGraphData,
  type SessionHeadMeta,
  type SessionNodeRecord,
  type SessionReadScope,
} from 'lash-sqlite-store';
import { openDurableObjectSqlite, rpcOutcome, type RpcOutcome } from 'lash-sqlite-store/durable-object';
import type { Env } from './env.ts';

/** `loadSession` as it crosses RPC: the graph as plain data. */
export type SessionRead = Omit<PersistedSessionRead, 'graph'> & { graph: SessionGraphData };

export type MessageRole = 'User' | 'Assistant';

export interface AppendedMessage {
  head_revision: number;
  node_id: string;
}

/** The model a new session starts with (a real host takes it from its config). */
const DEFAULT_POLICY = { provider_id: 'example', model: { id: 'example-model', limits: { context_window_tokens: 128_000 } } };

export class SessionObject extends DurableObject<Env> {
  readonly #store: Promise<Store>;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = Store.open(openDurableObjectSqlite(ctx.storage, { location: ctx.id.toString() }));
    // A failed open is reported by every call; keep it from being an unhandled rejection.
    this.#store.catch(() => undefined);
  }

  // ---- the session store over RPC ------------------------------------------------

  loadSession(scope: SessionReadScope): Promise<RpcOutcome<SessionRead | null>> {
    return this.#call(async (store) => {
      const read = await store.loadSession(scope);
      return read === null ? null : { ...read, graph: read.graph.toData() };
    });
  }

  loadSessionHeadMeta(): Promise<RpcOutcome<SessionHeadMeta | null>> {
    return this.#call((store) => store.loadSessionHeadMeta());
  }

  commitRuntimeState(commit: RuntimeCommit): Promise<RpcOutcome<RuntimeCommitResult>> {
    return this.#call((store) => store.commitRuntimeState(commit));
  }

  enqueueQueuedWork(draft: QueuedWorkBatchDraft): Promise<RpcOutcome<QueuedWorkBatch>> {
    return this.#call((store) => store.enqueueQueuedWork(draft));
  }

  claimReadyQueuedWork(
    sessionId: string,
    ownerId: string,
    boundary: QueuedWorkClaimBoundary,
    leaseTtlMs: number,
    maxBatches: number,
  ): Promise<RpcOutcome<QueuedWorkClaim | null>> {
    return this.#call((store) => store.claimReadyQueuedWork(sessionId, ownerId, boundary, leaseTtlMs, maxBatches));
  }

  listPendingQueuedWork(sessionId: string): Promise<RpcOutcome<QueuedWorkBatch[]>> {
    return this.#call((store) => store.listPendingQueuedWork(sessionId));
  }

  gcUnreachable(): Promise<RpcOutcome<GcReport>> {
    return this.#call((store) => store.gcUnreachable());
  }

  // ---- a chat turn, built where the state is -----------------------------------------

  /**
   * Appends one message to the active path as a stamped turn commit. With
   * `expectedHeadRevision` the commit is a compare-and-swap on it (a stale
   * revision fails with `StoreError` `HeadRevisionConflict`); without it the
   * object commits on the head it just read.
   */
  appendMessage(
    sessionId: string,
    role: MessageRole,
    text: string,
    expectedHeadRevision?: number | null,
  ): Promise<RpcOutcome<AppendedMessage>> {
    return this.#call(async (store) => {
      const read = await store.loadSession({ kind: 'ActivePath', leaf_node_id: null });
      const state = read === null ? newRuntimeSessionState(sessionId, DEFAULT_POLICY) : runtimeSessionStateFromRead(read);
      const parent = read?.graph.leaf_node_id ?? null;
      const node = messageNode(crypto.randomUUID(), parent, role, text);
      const turnId = `turn-${crypto.randomUUID()}`;
      const commit = stampTurnCommit(
        {
          ...persistedStateWithGraphCommit(state, graphDelta.append([node], node.node_id)),
          ...(expectedHeadRevision === undefined ? {} : { expected_head_revision: expectedHeadRevision }),
        },
        turnId,
      );
      const result = await store.commitRuntimeState(commit);
      return { head_revision: result.head_revision, node_id: node.node_id };
    });
  }

  #call<T>(body: (store: Store) => Promise<T>): Promise<RpcOutcome<T>> {
    return rpcOutcome(async () => body(await this.#store));
  }
}

function messageNode(id: string, parent: string | null, role: MessageRole, text: string): SessionNodeRecord {
  const node: SessionNodeRecord = {
    node_id: id,
    timestamp: new Date().toISOString(),
    kind: 'event',
    event: { Conversation: { id, role, parts: [{ id: `${id}.p0`, kind: 'Text', content: text, prune_state: 'Intact' }] } },
  };
  if (parent !== null) node.parent_node_id = parent;
  return node;
}
