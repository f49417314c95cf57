/**
 * The programs the pack smoke test writes into consumer projects, generated
 * from one scenario so that every kind of consumer (ESM, CommonJS,
 * TypeScript ESM and CJS, a bundled browser app) runs the same steps, each
 * with its own module syntax:
 *
 * - the contract API: `Store.open` on a connection, one stamped commit, the
 *   connection closed, the database opened again and the session loaded;
 * - the session API: `openSessions` / `openSqlJsSessions`, one turn,
 *   everything closed (`await using`), opened again and the history read.
 *
 * Each program prints (or, in a page, publishes in `data-result`) a report
 * whose expected value is `expectedReport(labels)`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/packed.ts';

/**
 * `cts`: a CommonJS TypeScript file as `module: nodenext` / `node20` types it
 * (TypeScript >= 5.8 knows require(esm)); `cts16`: as `module: node16` /
 * `node18` must, with the ESM declarations imported by `resolution-mode`.
 */
export type ModuleStyle = 'esm' | 'cjs' | 'cts' | 'cts16';

/** The type of `specifier`'s module in a .cts file of `style`. */
function moduleType(style: 'cts' | 'cts16', specifier: string): string {
  return style === 'cts' ? `typeof import('${specifier}')` : `typeof import('${specifier}', { with: { 'resolution-mode': 'import' } })`;
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, unknown>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

export const PACKAGE = manifest.name;

/** How every consumer program ends: run `main`, print its report as JSON, fail on an error. */
const RUN_MAIN = `main().then(
  (report) => console.log(JSON.stringify(report)),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
`;

/** `name@range` of a peer dependency, as package.json asks for it. */
export function peer(name: string): string {
  const range = manifest.peerDependencies[name];
  if (range === undefined) throw new Error(`${name} is not a peer dependency`);
  return `${name}@${range}`;
}
/** `name@range` of a devDependency (types a consumer installs beside the package). */
export function devDependency(name: string): string {
  const range = manifest.devDependencies[name];
  if (range === undefined) throw new Error(`${name} is not a devDependency`);
  return `${name}@${range}`;
}

/** Every import specifier `exports` offers, `lash-sqlite-store/package.json` aside. */
export const SPECIFIERS = Object.keys(manifest.exports)
  .filter((subpath) => subpath !== './package.json')
  .map((subpath) => (subpath === '.' ? PACKAGE : `${PACKAGE}/${subpath.slice(2)}`));
/** Entries that need Node (their declarations use @types/node; the kit runs on node:test): left out of the browser consumer. */
export const NODE_ONLY = new Set([`${PACKAGE}/node`, `${PACKAGE}/testing`]);
/** Entries over a framework (an optional peer): checked in a project that installs it, one line each. */
export const FRAMEWORK_ENTRIES: Record<string, string> = {
  [`${PACKAGE}/langgraph`]: '@langchain/langgraph-checkpoint',
  [`${PACKAGE}/openai-agents`]: '@openai/agents-core',
};
/** The entries that need nothing but the package (and sql.js). */
export const CORE_SPECIFIERS = SPECIFIERS.filter((specifier) => !(specifier in FRAMEWORK_ENTRIES));

/** Imports `names` from `specifier` in the module syntax of `style`. */
export function importLine(style: ModuleStyle, names: readonly string[], specifier: string): string {
  const list = `{ ${names.join(', ')} }`;
  if (style === 'esm') return `import ${list} from '${specifier}';`;
  if (style === 'cjs') return `const ${list} = require('${specifier}');`;
  // A .cts file: require(esm), typed as the module (`import … = require` is not erasable syntax).
  return `const ${list} = require('${specifier}') as ${moduleType(style, specifier)};`;
}

/** A TypeScript module importing every entry of `specifiers` (a declaration check: every `.d.ts` is loaded). */
export function everyEntry(specifiers: readonly string[], style: 'esm' | 'cts' | 'cts16' = 'esm'): string {
  const line = (specifier: string, i: number) =>
    style === 'esm' ? `import * as entry${i} from '${specifier}';` : `const entry${i} = require('${specifier}') as ${moduleType(style, specifier)};`;
  return `${specifiers.map(line).join('\n')}\nexport const entries = [${specifiers.map((_, i) => `entry${i}`).join(', ')}];\n`;
}

const CONTRACT_NAMES = ['Store', 'graphDelta', 'newRuntimeSessionState', 'persistedStateWithGraphCommit', 'stampTurnCommit'];

/** One contract-API round trip; `open` / `reopen` are expressions giving a connection, `between` runs before it closes. */
function contractCase(label: string, open: string, reopen: string, between = ''): string {
  return `
  {
    const conn = ${open};
    const store = await Store.open(conn);
    const state = newRuntimeSessionState('pack', { provider_id: 'openai', model: { id: 'gpt', limits: { context_window_tokens: 8192 } } });
    const delta = graphDelta.append(
      [{ node_id: 'm1', timestamp: '2026-01-01T00:00:00.000Z', kind: 'event', event: { Conversation: { id: 'm1', role: 'User', parts: [{ id: 'm1.p0', kind: 'Text', content: 'hello ${label}', prune_state: 'Intact' }] } } }],
      'm1',
    );
    const unstamped = persistedStateWithGraphCommit({ ...state, turn_index: 1 }, delta);
    const result = await store.commitRuntimeState(stampTurnCommit({ ...unstamped, expected_head_revision: 0 }, 'turn-1'));
    ${between}
    store.close();
    await conn.close();
    const again = ${reopen};
    const reread = await Store.open(again);
    const read = await reread.loadSession({ kind: 'ActivePath', leaf_node_id: null });
    report.set('${label}', { revision: result.head_revision, nodes: read === null ? null : read.graph.nodes.map((node) => node.node_id), text: JSON.stringify(read).includes('hello ${label}') });
    reread.close();
    await again.close();
  }`;
}

/** One session-API round trip; `open` is an expression giving a `Sessions` (evaluated twice). */
function sessionCase(label: string, open: string): string {
  return `
  {
    {
      await using sessions = await ${open};
      await using chat = await sessions.session('pack');
      await chat.commitTurn({ messages: [{ role: 'user', text: 'hi ${label}' }, { role: 'assistant', text: 'hello ${label}' }] });
    }
    await using sessions = await ${open};
    const chat = await sessions.session('pack');
    report.set('${label}', { revision: chat.revision, history: (await chat.history()).map((message) => message.text) });
  }`;
}

export const NODE_LABELS = ['node:sqlite Store', 'sql.js Store', 'node:sqlite openSessions', 'sql.js openSqlJsSessions'];
export const BROWSER_LABELS = ['sql.js Store', 'sql.js openSqlJsSessions'];

/** What a scenario reports for `labels` (contract cases: revision 1; session cases: created at 1, one turn). */
export function expectedReport(labels: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    labels.map((label) =>
      label.endsWith('Store')
        ? [label, { revision: 1, nodes: ['m1'], text: true }]
        : [label, { revision: 2, history: [`hi ${label}`, `hello ${label}`] }],
    ),
  );
}

/** The Node scenario: both drivers, both APIs; prints the report as JSON. */
export function nodeScenario(style: ModuleStyle): string {
  const imports = [
    importLine(style, ['mkdtempSync', 'rmSync'], 'node:fs'),
    importLine(style, ['tmpdir'], 'node:os'),
    importLine(style, ['join'], 'node:path'),
    importLine(style, CONTRACT_NAMES, PACKAGE),
    importLine(style, ['fileLogPersistence', 'openNodeSqlite', 'openSessions'], `${PACKAGE}/node`),
    importLine(style, ['openSqlJs', 'openSqlJsSessions'], `${PACKAGE}/sqljs`),
  ];
  return `${imports.join('\n')}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'lash-pack-run-'));
  const report = new Map();
  let image = null;
  try {${contractCase('node:sqlite Store', "openNodeSqlite(join(dir, 'contract.db'))", "openNodeSqlite(join(dir, 'contract.db'))")}${contractCase('sql.js Store', 'await openSqlJs()', 'await openSqlJs({ data: image })', 'image = conn.export();')}${sessionCase('node:sqlite openSessions', "openSessions(join(dir, 'sessions.db'))")}${sessionCase('sql.js openSqlJsSessions', "openSqlJsSessions({ persistence: fileLogPersistence(join(dir, 'sqljs-log')) })")}
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return Object.fromEntries(report);
}

${RUN_MAIN}`;
}

/**
 * The browser app: sql.js only, its WASM file imported as an asset (the
 * bundler's `file` loader gives its URL), the report in `data-result`.
 */
export function browserScenario(): string {
  return `import wasmPath from 'sql.js/dist/sql-wasm-browser.wasm';
${importLine('esm', CONTRACT_NAMES, PACKAGE)}
${importLine('esm', ['openSqlJs', 'openSqlJsSessions'], `${PACKAGE}/sqljs`)}

const wasmUrl = new URL(wasmPath, import.meta.url).href;
const asked: string[] = [];
const locateFile = (file: string) => {
  asked.push(file);
  return wasmUrl;
};

async function main() {
  const report = new Map();
  let image = null;${contractCase('sql.js Store', 'await openSqlJs({ locateFile })', 'await openSqlJs({ data: image, locateFile })', 'image = conn.export();')}${sessionCase('sql.js openSqlJsSessions', "openSqlJsSessions({ name: 'pack', locateFile })")}
  return { ...Object.fromEntries(report), asked: [...new Set(asked)] };
}

main().then(
  (report) => (document.body.dataset.result = JSON.stringify(report)),
  (error) => (document.body.dataset.result = JSON.stringify({ error: String(error) })),
);
`;
}

/** The check of a project without the optional sql.js peer: node:sqlite works, sql.js says what to install. */
export function withoutPeerScenario(style: 'esm' | 'cjs'): string {
  return `${importLine(style, ['openSessions'], `${PACKAGE}/node`)}
${importLine(style, ['openSqlJs', 'openSqlJsSessions'], `${PACKAGE}/sqljs`)}

async function main() {
  const report = {};
  {
    await using sessions = await openSessions(':memory:');
    await using chat = await sessions.session('no-peer');
    await chat.commitTurn({ messages: [{ role: 'user', text: 'node:sqlite needs no sql.js' }] });
    report.node = (await chat.history()).map((message) => message.text);
  }
  for (const [name, open] of [['openSqlJs', () => openSqlJs()], ['openSqlJsSessions', () => openSqlJsSessions()]]) {
    try {
      await open();
      report[name] = 'opened';
    } catch (error) {
      report[name] = { name: error.name, code: error.code, message: error.message };
    }
  }
  return report;
}

${RUN_MAIN}`;
}

/** The framework entries load and open on node:sqlite (their behaviour is tested in test/adapters). */
export function frameworkScenario(style: ModuleStyle): string {
  return `${importLine(style, ['openNodeSqlite'], `${PACKAGE}/node`)}
${importLine(style, ['LashCheckpointSaver'], `${PACKAGE}/langgraph`)}
${importLine(style, ['LashAgentSession'], `${PACKAGE}/openai-agents`)}

async function main() {
  const conn = openNodeSqlite(':memory:');
  const saver = new LashCheckpointSaver(conn);
  const session = new LashAgentSession({ connection: conn, sessionId: 'pack' });
  const report = {
    checkpoint: (await saver.getTuple({ configurable: { thread_id: 'pack' } })) ?? null,
    sessionId: await session.getSessionId(),
    items: await session.getItems(),
  };
  conn.close();
  return report;
}

${RUN_MAIN}`;
}
