/**
 * package.json, tsup.config.ts and typedoc.json agree on the entry points,
 * so adding one is one line in tsup's entry list and one block in
 * `exports` (typesVersions maps every subpath by a wildcard), and this test
 * names whatever else is missing. No build needed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import tsupConfig from '../../tsup.config.ts';
import { REPO_ROOT } from '../support/packed.ts';

interface Conditions {
  import: { types: string; default: string };
  require: { types: string; default: string };
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, Conditions | string>;
  typesVersions: Record<string, Record<string, string[]>>;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  devDependencies: Record<string, string>;
};
const typedoc = JSON.parse(readFileSync(join(REPO_ROOT, 'typedoc.json'), 'utf8')) as { entryPoints: string[] };
const entries = (tsupConfig as { entry: Record<string, string> }).entry;
/** Entries built but not imported: the CLI is the bin. */
const BIN_ENTRIES = new Set(['cli']);

const subpaths = Object.keys(manifest.exports).filter((subpath) => subpath !== './package.json');
const nameOf = (subpath: string) => (subpath === '.' ? 'index' : subpath.slice(2));

it('every export is a tsup entry with ESM and CJS files and declarations, and every library entry is exported', () => {
  for (const subpath of subpaths) {
    const name = nameOf(subpath);
    assert.ok(name in entries, `exports["${subpath}"] has no tsup entry "${name}"`);
    assert.deepEqual(manifest.exports[subpath], {
      import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` },
      require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
    });
  }
  const exported = new Set(subpaths.map(nameOf));
  assert.deepEqual(Object.keys(entries).filter((name) => !exported.has(name) && !BIN_ENTRIES.has(name)), [], 'tsup entries missing from exports');
  assert.deepEqual(Object.values(manifest.bin), ['./dist/cli.js']);
});

it('typesVersions resolves every subpath for node10 to its ESM declarations (one wildcard)', () => {
  const rules = manifest.typesVersions['*']!;
  const mapped = (subpath: string): string => {
    const exact = rules[subpath];
    if (exact !== undefined) return exact[0]!;
    return rules['*']![0]!.replace('*', subpath);
  };
  for (const subpath of subpaths.filter((subpath) => subpath !== '.')) {
    assert.equal(mapped(nameOf(subpath)), (manifest.exports[subpath] as Conditions).import.types, subpath);
  }
  assert.deepEqual(rules['package.json'], ['./package.json']);
  assert.deepEqual(rules['dist/*'], ['./dist/*'], 'paths under dist/ (the root `types`) are not remapped');
});

it('typedoc documents every exported entry', () => {
  const documented = new Set(typedoc.entryPoints);
  for (const subpath of subpaths) assert.ok(documented.has(entries[nameOf(subpath)]!), `typedoc.json lacks ${entries[nameOf(subpath)]}`);
  assert.equal(documented.size, subpaths.length, 'typedoc documents only exported entries');
});

it('peer dependencies are optional, installed for development, and not dependencies too', () => {
  for (const name of Object.keys(manifest.peerDependencies)) {
    assert.equal(manifest.peerDependenciesMeta[name]?.optional, true, `${name} is an optional peer`);
    assert.ok(name in manifest.devDependencies, `${name} is a devDependency, so the repository's tests have it`);
    assert.ok(!(name in manifest.dependencies), `${name} is not also a dependency`);
  }
  assert.ok('sql.js' in manifest.peerDependencies, 'sql.js is a peer of ./sqljs');
});
