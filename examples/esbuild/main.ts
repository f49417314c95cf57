// A session store in the browser, bundled by plain esbuild. The `file`
// loader for `.wasm` (see build.mjs) copies sql.js's WASM file next to the
// bundle and makes this import its path relative to the bundle; `new URL(…,
// import.meta.url)` turns it into the URL `locateFile` hands to sql.js.
import wasmPath from 'sql.js/dist/sql-wasm-browser.wasm';
import { openSqlJs, opfsPersistence } from 'lash-sqlite-store/sqljs';
import { showVisit } from '../shared/visit.ts';

const wasmUrl = new URL(wasmPath, import.meta.url).href;
await showVisit(async () => openSqlJs({ persistence: await opfsPersistence('esbuild-example'), locateFile: () => wasmUrl }), 'esbuild', wasmUrl);
