import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', advanced: 'src/advanced.ts', node: 'src/node.ts', sqljs: 'src/sqljs.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2023',
  platform: 'neutral',
  // tsup would otherwise rewrite `node:sqlite` to `sqlite`, which does not exist.
  removeNodeProtocol: false,
  external: ['sql.js', 'fflate', '@msgpack/msgpack', /^node:/],
  splitting: true,
  treeshake: true,
  // Error classes keep their names (`err.constructor.name === 'StoreError'`, not `_StoreError`).
  keepNames: true,
});
