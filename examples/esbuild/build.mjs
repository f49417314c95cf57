// `node examples/esbuild/build.mjs [outdir]`: bundles main.ts for the
// browser and copies index.html; sql.js's WASM file goes along through the
// `file` loader.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const repo = (path) => resolve(here, '..', '..', path);

export async function buildExample(outdir = join(here, 'dist')) {
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [join(here, 'main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir,
    loader: { '.wasm': 'file' },
    logLevel: 'warning',
    plugins: [sourcesOfThisRepository],
  });
  copyFileSync(join(here, 'index.html'), join(outdir, 'index.html'));
  return outdir;
}

// Only because this example lives inside the package's repository: it uses
// the sources. An app that installed lash-sqlite-store drops this plugin.
const sourcesOfThisRepository = {
  name: 'lash-sqlite-store-sources',
  setup(b) {
    b.onResolve({ filter: /^lash-sqlite-store(\/sqljs)?$/ }, (args) => ({
      path: repo(args.path.endsWith('/sqljs') ? 'src/sqljs.ts' : 'src/index.ts'),
    }));
  },
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`built into ${await buildExample(process.argv[2] ? resolve(process.argv[2]) : undefined)}`);
}
