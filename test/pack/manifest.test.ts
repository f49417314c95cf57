/**
 * package.json, tsup.config.ts and typedoc.json agree on the entry points.
 * tsup builds what `exports` lists (`./x` from `src/x.ts`), so adding an
 * entry point is adding its `exports` block (plus its line in typedoc.json);
 * typesVersions maps every subpath by a wildcard, and this test names
 * whatever else is missing. No build needed.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import tsupConfig from '../../tsup.config.ts';
import { REPO_ROOT } from '../support/packed.ts';

/** ESM only: one declaration file and one module per entry, CommonJS consumers load it with require(esm). */
interface Conditions {
  types: string;
  default: string;
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  type: string;
  main: string;
  types: string;
  exports: Record<string, Conditions | string>;
  typesVersions: Record<string, Record<string, string[]>>;
  bin: Record<string, string>;
  files: string[];
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  devDependencies: Record<string, string>;
};
const typedoc = JSON.parse(readFileSync(join(REPO_ROOT, 'typedoc.json'), 'utf8')) as { entryPoints: string[] };
const config = tsupConfig as { entry: Record<string, string>; format: string[]; dts: { entry: Record<string, string> } };
const entries = config.entry;
/** Entries built but not imported: the CLI is the bin. */
const BIN_ENTRIES: Record<string, string> = { cli: 'src/cli/main.ts' };

const subpaths = Object.keys(manifest.exports).filter((subpath) => subpath !== './package.json');
const nameOf = (subpath: string) => (subpath === '.' ? 'index' : subpath.slice(2));

it('every export is an ESM-only tsup entry built from src/<name>.ts, with its declarations; the bin is the CLI', () => {
  assert.equal(manifest.type, 'module');
  assert.deepEqual(config.format, ['esm'], 'no CommonJS build: require(esm) loads the ESM one');
  for (const subpath of subpaths) {
    const name = nameOf(subpath);
    assert.deepEqual(manifest.exports[subpath], { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` }, subpath);
    assert.equal(entries[name], `src/${name}.ts`, `exports["${subpath}"] is built from src/${name}.ts`);
    assert.ok(existsSync(join(REPO_ROOT, entries[name]!)), `src/${name}.ts exists`);
  }
  assert.equal(manifest.exports['./package.json'], './package.json');
  const exported = new Set(subpaths.map(nameOf));
  assert.deepEqual(
    Object.keys(entries).filter((name) => !exported.has(name)),
    Object.keys(BIN_ENTRIES),
    'tsup builds only the exports and the bin',
  );
  for (const [name, source] of Object.entries(BIN_ENTRIES)) assert.equal(entries[name], source);
  assert.deepEqual(Object.keys(config.dts.entry).sort(), [...exported].sort(), 'declarations for the library entries, none for the bin');
  assert.deepEqual(manifest.bin, { 'lash-store': './dist/cli.js' });
  assert.equal(manifest.main, './dist/index.js');
  assert.equal(manifest.types, './dist/index.d.ts');
  assert.deepEqual(manifest.files, ['dist', 'README.md', 'CHANGELOG.md'], 'the build and the README; docs/ is linked from the README, not shipped');
});

it('typesVersions resolves every subpath for node10 to its declarations (one wildcard)', () => {
  const rules = manifest.typesVersions['*']!;
  const mapped = (subpath: string): string => {
    const exact = rules[subpath];
    if (exact !== undefined) return exact[0]!;
    return rules['*']![0]!.replace('*', subpath);
  };
  for (const subpath of subpaths.filter((subpath) => subpath !== '.')) {
    assert.equal(mapped(nameOf(subpath)), (manifest.exports[subpath] as Conditions).types, subpath);
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
