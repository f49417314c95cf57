// A session store in the browser, bundled by Vite. The one Vite-specific
// line is the `?url` import: Vite copies sql.js's WASM file into the build
// (with a content hash in its name) and gives its URL, which `locateFile`
// hands to sql.js.
import wasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url';
import { indexedDbPersistence, openSqlJs } from 'lash-sqlite-store/sqljs';
import { showVisit } from '../shared/visit.ts';

await showVisit(async () => openSqlJs({ persistence: await indexedDbPersistence('vite-example'), locateFile: () => wasmUrl }), 'vite', wasmUrl);
