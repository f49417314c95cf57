/**
 * `npm run playground [-- --port 4321]`: builds the playground and serves it
 * on http://127.0.0.1:<port>/ (loopback only; no network needed).
 */
import { buildPlayground } from './build.ts';
import { startStaticServer } from './server.ts';

const at = process.argv.indexOf('--port');
const port = at >= 0 ? Number(process.argv[at + 1]) : Number(process.env.PORT ?? 4321);
const server = await startStaticServer({ routes: await buildPlayground(), port });
console.log(`lash-sqlite-store playground: ${server.origin}/  (Ctrl-C to stop)`);
