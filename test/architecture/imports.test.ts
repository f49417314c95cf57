/**
 * The layering of `docs/architecture.md`, enforced: contract → foundation →
 * engines → stores → entries, no arrow back up.
 *
 * - `src/core/contract/` imports nothing but itself.
 * - The foundation (`codec`, `driver`, `schema`, `shape`, `validation`,
 *   `tokens`, `logger`) imports the contract and itself, never an engine or
 *   a store.
 * - Engines (`session`, `queue`, `process`, `effects`, `host-events`,
 *   `blobs`, `artifacts`, `attachments`) import the contract, the foundation
 *   and other engines, never a store, and the engine graph has no cycle.
 * - `src/core` never imports `node:` modules, an engine package (`sql.js`,
 *   `node:sqlite`), a driver or an entry module; the drivers never import an
 *   entry module either.
 * - Outside the core, the package is layered too: the drivers and the
 *   session API (`src/api/`) sit on the core; the openers (`src/openers/`,
 *   a driver plus the session API) and the framework adapters
 *   (`src/adapters/`) and the conformance kit (`src/testing/`, Node-only: it
 *   runs on `node:test`) on those; the CLI (`src/cli/`) on everything; the entry
 *   modules (`src/*.ts`) on top. Nothing imports an entry module but another
 *   entry, and the session API and the adapters are isomorphic like the core.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');
const CORE = join(SRC, 'core');

const FOUNDATION = new Set(['codec', 'driver', 'schema', 'shape', 'validation', 'tokens', 'logger']);
const ENGINES = new Set(['session', 'queue', 'process', 'effects', 'host-events', 'blobs', 'artifacts', 'attachments']);
const ENTRIES = new Set(
  readdirSync(join(import.meta.dirname, '..', '..', 'src')).filter((name) => name.endsWith('.ts')),
);
/** The outer layers, by rank: a module may import only from a lower rank (or its own folder). */
const OUTER: Record<string, number> = { core: 0, drivers: 1, api: 1, openers: 2, adapters: 2, testing: 2, cli: 3 };
const ISOMORPHIC = new Set(['core', 'api', 'adapters']);

interface Import {
  readonly from: string;
  readonly spec: string;
  /** The resolved file, for relative specifiers. */
  readonly target: string | null;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

function imports(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const spec = match[1] ?? match[2]!;
    found.push({ from: file, spec, target: spec.startsWith('.') ? normalize(join(dirname(file), spec)) : null });
  }
  return found;
}

/** `contract`, a foundation name, an engine name, `stores`, or `null` outside `src/core`. */
function layerOf(file: string): string | null {
  const rel = relative(CORE, file);
  if (rel.startsWith('..')) return null;
  const first = rel.split('/')[0]!;
  return first.endsWith('.ts') ? first.slice(0, -3) : first;
}

function rank(layer: string): number {
  if (layer === 'contract') return 0;
  if (FOUNDATION.has(layer)) return 1;
  if (ENGINES.has(layer)) return 2;
  if (layer === 'stores') return 3;
  throw new Error(`src/core/${layer} belongs to no layer: add it to the architecture (docs/architecture.md) and this test`);
}

const all = files(SRC).flatMap(imports);
const show = (i: Import) => `${relative(ROOT, i.from)} imports ${i.spec}`;

it('the contract imports nothing but itself', () => {
  const bad = all.filter((i) => layerOf(i.from) === 'contract' && (i.target === null || layerOf(i.target) !== 'contract'));
  assert.deepEqual(bad.map(show), []);
});

it('no import runs up the layers (contract → foundation → engines → stores)', () => {
  const bad = all.filter((i) => {
    const from = layerOf(i.from);
    const to = i.target === null ? null : layerOf(i.target);
    if (from === null || to === null || from === to) return false;
    return rank(to) > rank(from);
  });
  assert.deepEqual(bad.map(show), []);
});

it('the engines import each other without a cycle', () => {
  const edges = new Map<string, Set<string>>();
  for (const i of all) {
    const from = layerOf(i.from);
    const to = i.target === null ? null : layerOf(i.target);
    if (from === null || to === null || from === to || !ENGINES.has(from) || !ENGINES.has(to)) continue;
    (edges.get(from) ?? edges.set(from, new Set()).get(from)!).add(to);
  }
  const cycles: string[] = [];
  const walk = (node: string, path: string[]) => {
    for (const next of edges.get(node) ?? []) {
      if (path.includes(next)) cycles.push([...path.slice(path.indexOf(next)), next].join(' → '));
      else walk(next, [...path, next]);
    }
  };
  for (const engine of ENGINES) walk(engine, [engine]);
  assert.deepEqual(cycles, []);
});

it('src/core is isomorphic: no node: modules, engine packages, drivers or entry modules', () => {
  const bad = all.filter((i) => {
    if (layerOf(i.from) === null) return false;
    if (i.spec.startsWith('node:') || i.spec === 'sql.js') return true;
    if (i.target === null) return false;
    return relative(SRC, i.target).startsWith('drivers') || ENTRIES.has(relative(SRC, i.target));
  });
  assert.deepEqual(bad.map(show), []);
});

it('the core and the drivers never import an entry module (entries sit on top)', () => {
  const below = (file: string) => layerOf(file) !== null || relative(SRC, file).startsWith('drivers');
  const bad = all.filter((i) => i.target !== null && ENTRIES.has(relative(SRC, i.target)) && below(i.from));
  assert.deepEqual(bad.map(show), []);
});

/** `core`, `drivers`, `api`, `openers`, `adapters`, `cli`, `entry`, or `null` outside `src/`. */
function outerLayerOf(file: string): string | null {
  const rel = relative(SRC, file);
  if (rel.startsWith('..')) return null;
  const first = rel.split('/')[0]!;
  if (first.endsWith('.ts')) return 'entry';
  if (!(first in OUTER)) throw new Error(`src/${first} belongs to no layer: add it to docs/architecture.md and this test`);
  return first;
}

it('outside the core, no import runs up the layers (core → drivers, api → openers, adapters → cli → entries)', () => {
  const bad = all.filter((i) => {
    if (i.target === null) return false;
    const from = outerLayerOf(i.from)!;
    const to = outerLayerOf(i.target);
    if (to === null || from === to || from === 'entry') return false;
    return to === 'entry' || OUTER[to]! >= OUTER[from]!;
  });
  assert.deepEqual(bad.map(show), []);
});

it('the session API and the framework adapters are isomorphic: no node: modules, engine packages or drivers', () => {
  const bad = all.filter((i) => {
    const layer = outerLayerOf(i.from);
    if (layer === null || layer === 'core' || !ISOMORPHIC.has(layer)) return false;
    if (i.spec.startsWith('node:') || i.spec === 'sql.js') return true;
    return i.target !== null && outerLayerOf(i.target) === 'drivers';
  });
  assert.deepEqual(bad.map(show), []);
});

it('reads the imports at all (a guard against a parser that finds nothing)', () => {
  assert.ok(all.filter((i) => layerOf(i.from) === 'stores').length > 40, `${all.length} imports found`);
});
