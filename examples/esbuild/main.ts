// A session store in the browser, bundled by plain esbuild. The `file`
// loader for `.wasm` (see build.mjs) copies sql.js's WASM file next to the
// bundle and makes this import its path relative to the bundle; `new URL(…,
// import.meta.url)` turns it into the URL `locateFile` hands to sql.js.
import wasmPath from 'sql.js/dist/sql-wasm-browser.wasm';
import { openSqlJs, opfsPersistence } from 'lash-sqlite-store/sqljs';
import { visitSession } from '../shared/visit.ts';

const wasmUrl = new URL(wasmPath, import.meta.url).href;
const status = document.getElementById('status')!;
try {
  const conn = await openSqlJs({ persistence: await opfsPersistence('esbuild-example'), locateFile: () => wasmUrl });
  const result = await visitSession(conn, 'esbuild');
  status.textContent = `visit ${result.visits}: the session holds ${result.nodes} turns (revision ${result.revision})`;
  document.body.dataset.result = JSON.stringify({ ...result, wasmUrl });
} catch (error) {
  status.textContent = `failed: ${error}`;
  document.body.dataset.result = JSON.stringify({ error: String(error) });
}
