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
    testing: 'src/testing.ts',
    cli: 'src/cli/main.ts',
  },
  format: ['esm', 'cjs'],
  dts: {
    // `Session` and `Sessions` are `AsyncDisposable` (`await using`): the
    // declarations bring that lib, as @types/node does, so a project whose
    // `lib` lacks it (a browser app on ES2022 + DOM) still type-checks them.
    // (A `/// <reference lib>` in the sources is dropped by the dts bundler.)
    banner: '/// <reference lib="esnext.disposable" />',
  },
  clean: true,
  // No source maps: the output is unminified, readable ES2023 with the
  // sources' names, so a stack trace already points at readable code; maps
  // without embedded sources would point at `src/` files the package does not
  // ship, and cost more than the code itself (CHANGELOG, "Packaging").
  sourcemap: false,
  esbuildOptions(options, { format }) {
    // The CJS build loads the optional sql.js peer with `require()`, as it
    // did when sql.js was a static import: a dynamic `import()` in CJS code
    // fails in test runners that load CJS without ESM support (Jest).
    if (format === 'cjs') options.supported = { ...options.supported, 'dynamic-import': false };
  },
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
