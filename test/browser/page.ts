// Runs inside headless Chromium: the sql.js entry and the core, bundled for
// the browser, open a database, write a blob and read it back, then commit a
// turn through the session Store and load it through a second handle.
import {
  BlobDescriptors,
  Store,
  graphDelta,
  newRuntimeSessionState,
  persistedStateWithGraphCommit,
  stampTurnCommit,
} from '../../src/index.ts';
import { openSqlJs } from '../../src/sqljs.ts';

const page = globalThis as { __result?: unknown };

async function main(): Promise<unknown> {
  const conn = await openSqlJs({ name: 'browser', locateFile: (file) => `/${file}` });
  const store = await Store.open(conn, { blobProfile: 'Balanced' });
  const content = new TextEncoder().encode('a tool state written in the browser '.repeat(200));
  const ref = await store.putArtifactBlob(BlobDescriptors.toolStateSnapshot(), content);
  const stored = conn.get<{ size: number }>('SELECT LENGTH(content) AS size FROM blobs WHERE hash = ?', [ref]);

  const state = newRuntimeSessionState('browser-session', {
    provider_id: 'demo',
    model: { id: 'model', limits: { context_window_tokens: 8192 } },
  });
  const node = {
    node_id: 'm1',
    timestamp: new Date().toISOString(),
    kind: 'event' as const,
    event: { Protocol: { plugin_id: 'browser', payload: { hello: 'world' } } },
  };
  const commit = stampTurnCommit(persistedStateWithGraphCommit(state, graphDelta.append([node], 'm1'), []), 'turn-1');
  const result = await store.commitRuntimeState(commit);

  const other = await openSqlJs({ name: 'browser' });
  const reader = await Store.open(other);
  const back = await reader.getBlob(ref);
  const read = await reader.loadSession({ kind: 'ActivePath', leaf_node_id: null });
  const image = conn.export();
  return {
    ref,
    roundTrip: back !== null && new TextDecoder().decode(back) === new TextDecoder().decode(content),
    logicalBytes: content.length,
    storedBytes: stored?.size,
    headRevision: result.head_revision,
    loadedRevision: read?.head_revision,
    loadedNodes: read?.graph.nodes.map((n) => n.node_id),
    imageHeader: new TextDecoder().decode(image.subarray(0, 15)),
    durability: store.durabilityTier(),
  };
}

main().then(
  (result) => (page.__result = { ok: true, result }),
  (error: unknown) => (page.__result = { ok: false, error: String((error as Error)?.stack ?? error) }),
);
