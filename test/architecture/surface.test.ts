/**
 * The public surface is deliberate: every entry module exports exactly the
 * names pinned in `surface-names.ts` (types included, read with the
 * TypeScript compiler), the root and `advanced` never export the same name,
 * and the names the specification pins sit in the entry it names
 * (`shared/spec/README.md` §3 and decision 23).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import ts from 'typescript';
import { SURFACE } from './surface-names.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** Names the specification pins, by entry. */
const PINNED: Record<string, readonly string[]> = {
  'src/index.ts': [
    'Store', 'SqliteProcessRegistry', 'SqliteHostEventStore', 'SqliteEffectHost', 'SqliteRuntimeEffectController',
    'StoreError', 'PluginError', 'RuntimeEffectControllerError', 'RuntimeError', 'ArtifactStoreError',
    'BlobArtifactDescriptor', 'PersistedArtifactKind', 'BlobStorageHint', 'BuiltinBlobProfile', 'StoreGcPolicy',
    'StoreOptions', 'StoredSessionCheckpoint', 'SqliteEffectReplayOptions', 'safeSessionDbFileName', 'turnCommitHash',
    'canonicalJson', 'SqliteConnection', 'RuntimePersistence', 'AttachmentManifest', 'LashlangArtifactStore',
    'ProcessRegistry', 'EffectHost', 'RuntimeEffectController', 'HostEventStore', 'SessionStoreFactory',
  ],
  'src/node.ts': ['openNodeSqlite', 'SqliteSessionStoreFactory'],
  'src/sqljs.ts': ['openSqlJs', 'SqlJsSessionStoreFactory', 'opfsPersistence', 'indexedDbPersistence', 'SqlJsPersistence'],
  'src/durable-object.ts': ['openDurableObjectSqlite'],
  'src/langgraph.ts': ['LashCheckpointSaver'],
  'src/openai-agents.ts': ['LashAgentSession'],
};

const entries = Object.keys(SURFACE);
const program = ts.createProgram(
  entries.map((entry) => join(ROOT, entry)),
  {
    allowImportingTsExtensions: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: [],
  },
);
const checker = program.getTypeChecker();

function exportNames(entry: string): string[] {
  const file = program.getSourceFile(join(ROOT, entry));
  assert.ok(file, `${entry} is not in the program`);
  const module = checker.getSymbolAtLocation(file);
  assert.ok(module, `${entry} is not a module`);
  return checker
    .getExportsOfModule(module)
    .map((symbol) => symbol.name)
    .sort();
}

for (const entry of entries) {
  it(`${entry} exports exactly the pinned names`, () => {
    const actual = exportNames(entry);
    const pinned = new Set(SURFACE[entry]);
    const found = new Set(actual);
    const added = actual.filter((name) => !pinned.has(name));
    const removed = SURFACE[entry]!.filter((name) => !found.has(name));
    assert.deepEqual(
      { added, removed },
      { added: [], removed: [] },
      `${entry}: a public name was added or removed; if deliberate, edit test/architecture/surface-names.ts`,
    );
    assert.deepEqual([...SURFACE[entry]!], [...SURFACE[entry]!].sort(), 'keep the pinned list sorted');
  });
}

it('every entry of package.json exports is pinned here', async () => {
  const { default: manifest } = await import('../../package.json', { with: { type: 'json' } });
  const fromManifest = Object.keys(manifest.exports as Record<string, unknown>)
    .filter((subpath) => subpath !== './package.json')
    .map((subpath) => (subpath === '.' ? 'src/index.ts' : `src/${subpath.slice(2)}.ts`))
    .sort();
  assert.deepEqual([...entries].sort(), fromManifest);
});

it('the root and lash-sqlite-store/advanced never export the same name', () => {
  const root = new Set(SURFACE['src/index.ts']);
  assert.deepEqual(SURFACE['src/advanced.ts']!.filter((name) => root.has(name)), []);
});

it('every name the specification pins is exported from the entry it names', () => {
  for (const [entry, names] of Object.entries(PINNED)) {
    const surface = new Set(SURFACE[entry]);
    assert.deepEqual(names.filter((name) => !surface.has(name)), [], entry);
  }
});
