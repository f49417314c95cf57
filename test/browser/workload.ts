/**
 * The crash tests' workload, shared by Node tests and the Chromium pages:
 * turn commits through the session Store, each appending one message node
 * (with a payload of a chosen size) and a tool-state checkpoint, and the
 * check that reads them back.
 */
import {
  Store,
  applyCommitResult,
  graphDelta,
  newRuntimeSessionState,
  persistedStateWithGraphCommit,
  runtimeSessionStateFromRead,
  stampTurnCommit,
  type RuntimeSessionState,
  type SessionNodeRecord,
  type SqliteConnection,
} from '../../src/index.ts';
import { acknowledged } from './acknowledged.ts';

const POLICY = { provider_id: 'crash-test', model: { id: 'model', limits: { context_window_tokens: 8192 } } };

export class TurnWriter {
  readonly store: Store;
  readonly #conn: SqliteConnection;
  #state: RuntimeSessionState;
  #leaf: string | null;

  private constructor(conn: SqliteConnection, store: Store, state: RuntimeSessionState, leaf: string | null) {
    this.#conn = conn;
    this.store = store;
    this.#state = state;
    this.#leaf = leaf;
  }

  /** Continues the session the database holds, or starts it. */
  static async open(conn: SqliteConnection, sessionId: string): Promise<TurnWriter> {
    const store = await Store.open(conn, { gcPolicy: { autoRunEveryCommits: null } });
    const read = await store.loadSession({ kind: 'ActivePath', leaf_node_id: null });
    if (read === null) return new TurnWriter(conn, store, newRuntimeSessionState(sessionId, POLICY), null);
    return new TurnWriter(conn, store, runtimeSessionStateFromRead(read), read.graph.leaf_node_id);
  }

  /** Commits one turn; resolves once it is acknowledged (durable). Returns its node id. */
  async commitTurn(turn: number, payloadBytes = 200): Promise<string> {
    const nodeId = `turn-${turn}`;
    const node: SessionNodeRecord = {
      node_id: nodeId,
      timestamp: new Date(1_700_000_000_000 + turn * 1000).toISOString(),
      kind: 'event',
      event: { Protocol: { plugin_id: 'crash-test', payload: { turn, text: filler(turn, payloadBytes) } } },
    };
    if (this.#leaf !== null) node.parent_node_id = this.#leaf;
    const state = { ...this.#state, turn_index: turn, tool_state_snapshot: { generation: turn, tools: { scratch: { manifest: { turn, text: filler(turn + 1, 64) } } } } };
    const commit = stampTurnCommit(persistedStateWithGraphCommit(state, graphDelta.append([node], nodeId), []), nodeId);
    const result = await acknowledged(this.#conn, this.store.commitRuntimeState(commit));
    this.#state = applyCommitResult(state, result);
    this.#leaf = nodeId;
    return nodeId;
  }
}

/** What a database holds after a crash: the active path's node ids, the head revision, integrity. */
export async function readBack(conn: SqliteConnection): Promise<{ nodeIds: string[]; headRevision: number | null; integrity: string }> {
  const store = await Store.open(conn);
  try {
    const read = await store.loadSession({ kind: 'ActivePath', leaf_node_id: null });
    const integrity = conn.all<{ integrity_check: string }>('PRAGMA integrity_check').map((r) => r.integrity_check).join('; ');
    return { nodeIds: read?.graph.nodes.map((n) => n.node_id) ?? [], headRevision: read?.head_revision ?? null, integrity };
  } finally {
    store.close();
  }
}

/** Deterministic text of `length` characters (compressible enough to look like chat, varied enough to differ). */
function filler(seed: number, length: number): string {
  let text = '';
  let x = seed * 2654435761 >>> 0;
  while (text.length < length) {
    x = (x * 1103515245 + 12345) >>> 0;
    text += WORDS[x % WORDS.length] + ' ';
  }
  return text.slice(0, length);
}

const WORDS = ['agent', 'tool', 'call', 'result', 'the', 'session', 'graph', 'branch', 'queue', 'claim', 'lease', 'model', 'token', 'reply', 'user', 'plan'];
