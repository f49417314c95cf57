import { defineConfig } from 'tsup';

export default defineConfig({
  // One line per entry point (several branches add entries).
  entry: {
    index: 'src/index.ts',
    advanced: 'src/advanced.ts',
    node: 'src/node.ts',
    sqljs: 'src/sqljs.ts',
    'durable-object': 'src/durable-object.ts',
    langgraph: 'src/langgraph.ts',
    'openai-agents': 'src/openai-agents.ts',
    cli: 'src/cli/main.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2023',
  platform: 'neutral',
  // tsup would otherwise rewrite `node:sqlite` to `sqlite`, which does not exist.
  removeNodeProtocol: false,
  external: ['sql.js', 'fflate', '@msgpack/msgpack', /^node:/, /^@langchain\//, /^@openai\//],
  splitting: true,
  treeshake: true,
  // Error classes keep their names (`err.constructor.name === 'StoreError'`, not `_StoreError`).
  keepNames: true,
});
