import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export default defineConfig({
  // Top-level await in main.ts.
  build: { target: 'es2022' },
  resolve: {
    // Only because this example lives inside the package's repository: it
    // uses the sources. An app that installed lash-sqlite-store drops this.
    alias: [
      { find: /^lash-sqlite-store\/sqljs$/, replacement: repo('src/sqljs.ts') },
      { find: /^lash-sqlite-store$/, replacement: repo('src/index.ts') },
    ],
  },
});
