/**
 * A small static file server on loopback, for the playground and the
 * browser tests: fixed routes (path → content), optionally a directory, and
 * a fallback. No caching, so a rebuilt page is always the one served.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

export type Body = string | Uint8Array;

export interface StaticServerOptions {
  routes?: Record<string, Body>;
  /** A directory served below the routes (`/` is its `index.html`). */
  root?: string;
  /** Last chance for a path nothing else serves. */
  fallback?: (path: string) => Body | undefined;
  /** 0 (default) picks a free port. */
  port?: number;
}

export interface StaticServer {
  readonly origin: string;
  close(): Promise<void>;
}

export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const routes = options.routes ?? {};
  const root = options.root === undefined ? undefined : resolve(options.root);
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    let body: Body | undefined = routes[path];
    if (body === undefined && root !== undefined) {
      const file = join(root, path === '/' ? 'index.html' : path);
      if (file.startsWith(root) && existsSync(file) && statSync(file).isFile()) body = readFileSync(file);
    }
    body ??= options.fallback?.(path);
    if (body === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const type = TYPES[extname(path)] ?? (path.endsWith('/') ? TYPES['.html']! : 'application/octet-stream');
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    response.end(body);
  });
  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
