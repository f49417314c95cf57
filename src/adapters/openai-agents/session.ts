/**
 * `LashAgentSession`: an OpenAI Agents JS `Session` whose history is a lash
 * session graph, on any `SqliteConnection`.
 *
 * The items are the nodes of the session's active path (`items.ts`), so
 * every tool of this package sees the conversation. Every change is one
 * `Store.commitRuntimeState` with a compare-and-swap on the head revision:
 * two session objects on the same database (two connections, two
 * processes) never lose each other's items; the one that loses the race
 * reads the new head and tries again.
 *
 * One database holds one session, as for the session store itself: a
 * connection whose store is bound to another session id is refused
 * (`SessionBindingMismatch`). Use one file per session (or one sql.js
 * database per session).
 */
import type { AgentInputItem, Session } from '@openai/agents-core';
import { InvalidInputError, StoreError } from '../../core/contract/errors.ts';
import type { PersistedSessionConfig, SessionNodeRecord } from '../../core/contract/session-model.ts';
import type { GraphCommitDelta, HydratedSessionCheckpoint, SessionHeadMeta } from '../../core/contract/session-records.ts';
import type { SqliteConnection } from '../../core/driver/types.ts';
import type { StoreOptions } from '../../core/session/options.ts';
import { graphDelta } from '../../core/session/turn-commit.ts';
import { Store } from '../../core/stores/session-store.ts';
import { identifierProblem } from '../../core/validation.ts';
import { checkedItem, itemNode, itemOf } from './items.ts';

/** Options of `LashAgentSession`. */
export interface LashAgentSessionOptions {
  /** The database (any driver); the session never closes it. */
  connection: SqliteConnection;
  /** The session id: one lash session graph per id. */
  sessionId: string;
  /** Options of the session store opened on `connection`. */
  storeOptions?: StoreOptions;
  /** Head config written by the first commit (the runtime's provider and model); a neutral default otherwise. */
  config?: PersistedSessionConfig;
  /** Attempts at a commit that keeps losing compare-and-swap races. Default 50. */
  maxAttempts?: number;
}

const DEFAULT_CONFIG: PersistedSessionConfig = { provider_id: 'openai-agents', model: { id: '', limits: { context_window_tokens: 1 } } };
const EMPTY_CHECKPOINT: HydratedSessionCheckpoint = {
  turn_state: {
    turn_index: 0,
    token_usage: { input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, reasoning_tokens: 0 },
    protocol_turn_options: { payload: {} },
  },
  tool_state_ref: null,
  tool_state: null,
  plugin_snapshot_ref: null,
  plugin_snapshot: null,
  plugin_snapshot_revision: null,
  execution_state_ref: null,
  execution_state: null,
};

/** What a change is computed from: the head as it was read. */
interface Head {
  readonly meta: SessionHeadMeta | null;
  readonly leaf: string | null;
}

/**
 * An OpenAI Agents JS `Session` kept as a lash session graph on any `SqliteConnection`: the picker, the CLI and GC see it, and concurrent writers are safe.
 * @example
 * ```ts
 * import { run } from '@openai/agents';
 * import { LashAgentSession } from 'lash-sqlite-store/openai-agents';
 * import { openNodeSqlite } from 'lash-sqlite-store/node';
 *
 * const session = new LashAgentSession({ connection: openNodeSqlite('./agent.db'), sessionId: 'user-42' });
 * await run(agent, 'Hello', { session });
 * ```
 */
export class LashAgentSession implements Session {
  readonly #sessionId: string;
  readonly #config: PersistedSessionConfig;
  readonly #maxAttempts: number;
  readonly #store: Promise<Store>;

  constructor(options: LashAgentSessionOptions) {
    const problem = identifierProblem(options?.sessionId, 'sessionId');
    if (problem !== null) throw new InvalidInputError(problem);
    if (options.connection === undefined || options.connection === null) throw new InvalidInputError('connection is required');
    const attempts = options.maxAttempts ?? 50;
    if (!Number.isSafeInteger(attempts) || attempts < 1) throw new InvalidInputError(`maxAttempts must be a positive integer (got ${attempts})`);
    this.#sessionId = options.sessionId;
    this.#config = options.config ?? DEFAULT_CONFIG;
    this.#maxAttempts = attempts;
    this.#store = Store.open(options.connection, options.storeOptions);
    // The constructor cannot await; a failed open surfaces on first use, not as an unhandled rejection.
    this.#store.catch(() => undefined);
  }

  async getSessionId(): Promise<string> {
    return this.#sessionId;
  }

  /** The items in order, or the last `limit` of them (none for `limit` ≤ 0). */
  async getItems(limit?: number): Promise<AgentInputItem[]> {
    if (limit !== undefined && (typeof limit !== 'number' || Number.isNaN(limit))) {
      throw new InvalidInputError(`limit must be a number (got ${String(limit)})`);
    }
    if (limit !== undefined && limit <= 0) return [];
    const items = (await this.#activePath()).map(itemOf).filter((item) => item !== undefined);
    return (limit === undefined ? items : items.slice(-limit)) as AgentInputItem[];
  }

  /** Appends the items, in one commit, after the newest item. */
  async addItems(items: AgentInputItem[]): Promise<void> {
    if (!Array.isArray(items)) throw new InvalidInputError('items must be an array');
    if (items.length === 0) return;
    const timestamp = new Date().toISOString();
    // Checked (and copied) once, before the first attempt.
    const checked = items.map((item, i) => {
      try {
        return checkedItem(item);
      } catch (error) {
        throw new InvalidInputError(`items[${i}]: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    await this.#change((head) => {
      const nodes: SessionNodeRecord[] = [];
      let parent = head.leaf;
      for (const item of checked) {
        const node = itemNode(item, newNodeId(), parent, timestamp);
        nodes.push(node);
        parent = node.node_id;
      }
      return graphDelta.append(nodes, parent);
    });
  }

  /**
   * Removes the newest item and returns it. The active path moves to its
   * parent; the node is then tombstoned (vacuum deletes it for good).
   */
  async popItem(): Promise<AgentInputItem | undefined> {
    let popped: SessionNodeRecord | undefined;
    await this.#change(async (head) => {
      popped = undefined;
      const store = await this.#store;
      let cursor = head.leaf;
      while (cursor !== null) {
        const node = await store.loadNode(cursor);
        if (node === null) break;
        if (itemOf(node) !== undefined) {
          popped = node;
          return graphDelta.unchanged(node.parent_node_id ?? null);
        }
        cursor = node.parent_node_id ?? null;
      }
      return null;
    });
    if (popped === undefined) return undefined;
    await (await this.#store).tombstoneNodes([popped.node_id]);
    return itemOf(popped) as AgentInputItem;
  }

  /** Removes every item: the session's graph is replaced by an empty one. */
  async clearSession(): Promise<void> {
    await this.#change((head) => (head.meta === null ? null : graphDelta.replaceFull({ nodes: [] })));
  }

  async #activePath(): Promise<SessionNodeRecord[]> {
    const store = await this.#store;
    const read = await store.loadSession({ kind: 'ActivePath', leaf_node_id: null });
    if (read === null) return [];
    this.#checkBinding(read.session_id);
    return [...read.graph.nodes];
  }

  /**
   * One change as a compare-and-swap commit: `delta` is computed from the
   * head as read; a commit that lost to another writer (head revision
   * conflict, or a busy database) reads the new head and computes again.
   * `delta` returning `null` means there is nothing to change.
   */
  async #change(delta: (head: Head) => GraphCommitDelta | null | Promise<GraphCommitDelta | null>): Promise<void> {
    const store = await this.#store;
    for (let attempt = 1; ; attempt++) {
      const meta = await store.loadSessionHeadMeta();
      if (meta !== null) this.#checkBinding(meta.session_id);
      const graph = await delta({ meta, leaf: meta?.leaf_node_id ?? null });
      if (graph === null) return;
      const checkpoint = meta?.checkpoint_ref === undefined ? null : await store.getCheckpoint(meta.checkpoint_ref);
      try {
        await store.commitRuntimeState({
          session_id: this.#sessionId,
          expected_head_revision: meta?.head_revision ?? 0,
          config: meta?.config ?? this.#config,
          agent_frames: meta?.agent_frames ?? [],
          current_agent_frame_id: meta?.current_agent_frame_id ?? '',
          graph,
          // The runtime's checkpoint is carried over by reference, unchanged.
          checkpoint: checkpoint === null ? EMPTY_CHECKPOINT : { ...checkpoint, tool_state: null, plugin_snapshot: null, execution_state: null },
          usage_deltas: [],
          turn_commit: null,
          completed_queue_claims: [],
          committed_attachment_ids: [],
        });
        return;
      } catch (error) {
        if (!lostRace(error) || attempt >= this.#maxAttempts) throw error;
        await backoff(attempt);
      }
    }
  }

  #checkBinding(bound: string): void {
    if (bound !== this.#sessionId) {
      throw new StoreError({ kind: 'SessionBindingMismatch', bound_session_id: bound, attempted_session_id: this.#sessionId });
    }
  }
}

/** Another writer got there first: its commit moved the head, or it held the lock. */
function lostRace(error: unknown): boolean {
  if (error instanceof StoreError && error.detail.kind === 'HeadRevisionConflict') return true;
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;
}

/** A short, growing, jittered pause, so racing writers do not collide again in lockstep. */
function backoff(attempt: number): Promise<void> {
  const ms = Math.min(50, 2 ** Math.min(attempt, 5)) * Math.random();
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `m` + 32 lowercase hex digits: the runtime's message node ids. */
function newNodeId(): string {
  return `m${crypto.randomUUID().replaceAll('-', '')}`;
}
