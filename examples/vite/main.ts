// A session store in the browser, bundled by Vite. The one Vite-specific
// line is the `?url` import: Vite copies sql.js's WASM file into the build
// (with a content hash in its name) and gives its URL, which `locateFile`
// hands to sql.js.
import wasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url';
import { indexedDbPersistence, openSqlJs } from 'lash-sqlite-store/sqljs';
import { visitSession } from '../shared/visit.ts';

const status = document.getElementById('status')!;
try {
  const conn = await openSqlJs({ persistence: await indexedDbPersistence('vite-example'), locateFile: () => wasmUrl });
  const result = await visitSession(conn, 'vite');
  status.textContent = `visit ${result.visits}: the session holds ${result.nodes} turns (revision ${result.revision})`;
  document.body.dataset.result = JSON.stringify({ ...result, wasmUrl });
} catch (error) {
  status.textContent = `failed: ${error}`;
  document.body.dataset.result = JSON.stringify({ error: String(error) });
}
