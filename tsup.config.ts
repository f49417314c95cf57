import { defineConfig } from 'tsup';
import manifest from './package.json' with { type: 'json' };

/**
 * What is built is what package.json exports: `exports["./x"]` is built from
 * `src/x.ts` to `dist/x.js` + `dist/x.d.ts` (`"."` from `src/index.ts`), so
 * adding an entry point is adding its `exports` block, and nothing here.
 * (test/pack/manifest.test.ts checks the rest: typesVersions, typedoc.)
 */
export const libraryEntries: Record<string, string> = Object.fromEntries(
  Object.keys(manifest.exports)
    .filter((subpath) => subpath !== './package.json')
    .map((subpath) => {
      const name = subpath === '.' ? 'index' : subpath.slice('./'.length);
      return [name, `src/${name}.ts`];
    }),
);

export default defineConfig({
  entry: { ...libraryEntries, cli: 'src/cli/main.ts' },
  // ESM only: CommonJS consumers load it with require(esm), unflagged on every
  // Node the package supports (`engines.node` >=22.13); a second CJS build
  // would double the tarball (CHANGELOG, "Packaging").
  format: ['esm'],
  dts: {
    // Declarations for the library entries only: the CLI is a bin, not imported.
    entry: libraryEntries,
    // `Session` and `Sessions` are `AsyncDisposable` (`await using`): the
    // declarations bring that lib, as @types/node does, so a project whose
    // `lib` lacks it (a browser app on ES2022 + DOM) still type-checks them.
    // (A `/// <reference lib>` in the sources is dropped by the dts bundler.)
    banner: '/// <reference lib="esnext.disposable" />',
  },
  clean: true,
  // Minified, identifiers too (the tarball budget of 250 kB: 266,573 B
  // without, 244,556 B with), but `keepNames` keeps every function's and
  // class's `name`: error classes keep theirs, and a stack trace still reads
  // `at Store.open (…)`; local variables get short names (docs/design.md,
  // "Packaging").
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: true,
  esbuildOptions(options) {
    // Minified lines broken at ~200 columns: Node prints the source line of an
    // uncaught error, which would otherwise be tens of kB of one line.
    options.lineLimit = 200;
  },
  // No source maps: maps without embedded sources would point at `src/`
  // files the package does not ship, and with them they would cost more than
  // the code itself (CHANGELOG, "Packaging").
  sourcemap: false,
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
