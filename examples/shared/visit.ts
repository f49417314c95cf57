// What both bundler examples do once the database is open: commit one turn
// per page visit to a session and report what the store holds.
import {
  Store,
  graphDelta,
  newRuntimeSessionState,
  persistedStateWithGraphCommit,
  runtimeSessionStateFromRead,
  stampTurnCommit,
  type SqliteConnection,
} from 'lash-sqlite-store';

export async function visitSession(conn: SqliteConnection & { whenDurable(): Promise<void> }, sessionId: string) {
  const store = await Store.open(conn);
  const read = await store.loadSession({ kind: 'ActivePath', leaf_node_id: null });
  const state = read === null
    ? newRuntimeSessionState(sessionId, { provider_id: 'example', model: { id: 'model', limits: { context_window_tokens: 8192 } } })
    : runtimeSessionStateFromRead(read);
  const visits = (read?.graph.nodes.length ?? 0) + 1;
  const node = {
    node_id: `visit-${visits}`,
    timestamp: new Date().toISOString(),
    kind: 'event' as const,
    event: { Protocol: { plugin_id: 'example', payload: { visit: visits } } },
    ...(read?.graph.leaf_node_id ? { parent_node_id: read.graph.leaf_node_id } : {}),
  };
  const commit = stampTurnCommit(persistedStateWithGraphCommit(state, graphDelta.append([node], node.node_id), []), node.node_id);
  const result = await store.commitRuntimeState(commit);
  return { visits, nodes: visits, revision: result.head_revision, durability: conn.info.durability };
}

/** Opens the database, visits the session, and shows the outcome on the page (and in `data-result`, for the test). */
export async function showVisit(open: () => Promise<SqliteConnection & { whenDurable(): Promise<void> }>, sessionId: string, wasmUrl: string) {
  const status = document.getElementById('status')!;
  try {
    const result = await visitSession(await open(), sessionId);
    status.textContent = `visit ${result.visits}: the session holds ${result.nodes} turns (revision ${result.revision})`;
    document.body.dataset.result = JSON.stringify({ ...result, wasmUrl });
  } catch (error) {
    status.textContent = `failed: ${error}`;
    document.body.dataset.result = JSON.stringify({ error: String(error) });
  }
}
