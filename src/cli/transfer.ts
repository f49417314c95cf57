/**
 * Moving stores: `export` (a single-file image, or a session as JSON) and
 * `import` (either form). Every write goes to a temporary file beside the
 * target and is renamed into place only when complete — and, for an import,
 * only when it verifies clean — so a failure never leaves a half-written
 * target, and an existing target is replaced only with `--force`.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import type { SqliteConnection } from '../core/driver/types.ts';
import { Store } from '../core/stores/session-store.ts';
import { lookupBlob } from '../core/blobs/blob-table.ts';
import { openNodeSqlite } from '../drivers/node-sqlite/connection.ts';
import { CollectingLogger, COMPONENT_KEYS, componentStatuses } from './components.ts';
import { checkDatabaseFile, isSqliteFile, openReadOnly } from './database-file.ts';
import { CliError, EXIT, usageError } from './errors.ts';
import { openSessionStore } from './maintenance.ts';
import type { Output } from './output.ts';
import * as read from './read/store-tables.ts';
import { imageInto } from './scratch-copy.ts';
import {
  SESSION_EXPORT_FORMAT,
  SESSION_EXPORT_VERSION,
  parseSessionExport,
  stringifySessionExport,
  type SessionExport,
} from './session-json.ts';
import { verifyDatabase, type VerifyReport } from './verify/verify.ts';

export interface ImportResult {
  readonly source: string;
  readonly target: string;
  readonly form: 'image' | 'json';
  readonly verify: VerifyReport;
  readonly warnings: string[];
}

/** `export --out`: a consistent single-file image of the database (WAL folded in). */
export function exportImage(source: string, target: string, force: boolean): void {
  refuseExisting(target, force);
  withTemporary(target, (temp) => {
    const db = openReadOnly(source);
    try {
      imageInto(db.conn, temp);
    } finally {
      db.close();
    }
  });
}

/** `export --json`: the session as one JSON document. Refuses a session whose head or checkpoint cannot be read. */
export async function exportSessionJson(source: string): Promise<string> {
  const db = openReadOnly(source);
  try {
    const logger = new CollectingLogger();
    const store = await openSessionStore(db.conn, source, logger);
    try {
      return stringifySessionExport(await collectSession(db.conn, store, source, logger));
    } finally {
      store.close();
    }
  } finally {
    db.close();
  }
}

async function collectSession(conn: SqliteConnection, store: Store, source: string, logger: CollectingLogger): Promise<SessionExport> {
  const damaged = (what: string) =>
    new CliError(`${source}: ${what}; nothing was exported (run \`lash-store verify\` for the details)`, EXIT.problems);
  const head = await store.loadSessionHead().catch((error: Error) => {
    throw damaged(`the session head cannot be read (${error.message})`);
  });
  const checkpoint = head?.checkpoint_ref === undefined ? null : await store.getCheckpoint(head.checkpoint_ref);
  if (head?.checkpoint_ref !== undefined) {
    if (checkpoint === null) throw damaged(`the head's checkpoint \`${head.checkpoint_ref}\` is missing or corrupt`);
    for (const part of ['tool_state', 'plugin_snapshot', 'execution_state'] as const) {
      if (checkpoint[`${part}_ref`] !== null && checkpoint[part] === null) {
        throw damaged(`the checkpoint's ${part} \`${checkpoint[`${part}_ref`]}\` is missing or corrupt`);
      }
    }
  }
  const inCheckpoint = new Set([checkpoint?.tool_state_ref, checkpoint?.plugin_snapshot_ref, checkpoint?.execution_state_ref]);
  const blobs: SessionExport['blobs'] = [];
  for (const frame of head?.agent_frames ?? []) {
    const ref = (frame as { execution_state_ref?: unknown }).execution_state_ref;
    if (typeof ref !== 'string' || inCheckpoint.has(ref) || blobs.some((b) => b.ref === ref)) continue;
    const found = lookupBlob({ conn, codecs: conn.codecs!, logger }, ref);
    if (found.status !== 'ok') throw damaged(`agent frame execution state \`${ref}\` is ${found.status}`);
    blobs.push({ ref, descriptor: found.descriptor, content: found.content });
  }
  const artifacts = [];
  for (const row of read.artifactRefRows(conn)) {
    const artifact = await store.getModuleArtifact(String(row.artifact_ref)).catch(() => null);
    if (artifact === null) throw damaged(`lashlang artifact \`${String(row.artifact_ref)}\` cannot be read`);
    artifacts.push(artifact);
  }
  let headOut: SessionExport['head'] = null;
  if (head !== null) {
    const { graph: _graph, token_ledger: _ledger, ...rest } = head;
    headOut = rest;
  }
  return {
    format: SESSION_EXPORT_FORMAT,
    version: SESSION_EXPORT_VERSION,
    session_meta: await store.loadSessionMeta(),
    head: headOut,
    graph: head?.graph ?? { nodes: [...(await store.loadSessionGraph()).nodes] },
    checkpoint,
    usage_deltas: await store.loadUsageDeltas(),
    blobs,
    artifacts,
  };
}

/** `import`: a database image or a session export, into a new database that must verify clean. */
export async function importFile(source: string, target: string, force: boolean, out: Output): Promise<ImportResult> {
  if (!existsSync(source)) throw usageError(`no such file: ${source}`);
  refuseExisting(target, force);
  const form = isSqliteFile(source) ? 'image' : 'json';
  const warnings: string[] = [];
  const doc = form === 'json' ? parseSessionExport(readFileSync(source, 'utf8'), source) : null;
  if (form === 'image') checkImportableImage(source);
  let verify: VerifyReport | undefined;
  await withTemporaryAsync(target, async (temp) => {
    if (doc === null) {
      const db = openReadOnly(source);
      try {
        imageInto(db.conn, temp);
      } finally {
        db.close();
      }
    } else {
      await rebuildSession(doc, temp, warnings);
    }
    verify = await verifyDatabase(temp, out);
    if (!verify.healthy) {
      const first = verify.problems.slice(0, 5).map((p) => `\n  ${p.component}: ${p.where}: ${p.message}`).join('');
      throw new CliError(`the imported database does not verify clean; ${target} was not written:${first}`, EXIT.problems);
    }
  });
  return { source, target, form, verify: { ...verify!, path: target }, warnings };
}

/** An image is imported only when it holds lash components, all at supported versions. */
function checkImportableImage(source: string): void {
  checkDatabaseFile(source);
  const db = openReadOnly(source);
  try {
    const statuses = componentStatuses(db.conn);
    const unsupported = COMPONENT_KEYS.map((key) => statuses[key]).find((s) => s.state === 'unsupported');
    if (unsupported) throw new CliError(unsupported.problem!, EXIT.schema);
    if (COMPONENT_KEYS.every((key) => statuses[key].state === 'absent')) throw usageError(`${source} holds no lash store`);
  } finally {
    db.close();
  }
}

/** Rebuilds a session through the Store's host API, in the order that never leaves a ref dangling. */
async function rebuildSession(doc: SessionExport, path: string, warnings: string[]): Promise<void> {
  const conn = openNodeSqlite(path);
  try {
    const store = await Store.open(conn, { logger: new CollectingLogger() });
    try {
      if (doc.session_meta !== null) await store.saveSessionMeta(doc.session_meta);
      for (const blob of doc.blobs) {
        const ref = blob.descriptor === null ? await store.putBlob(blob.content) : await store.putArtifactBlob(blob.descriptor, blob.content);
        if (ref !== blob.ref) throw usageError(`blob \`${blob.ref}\` of the export hashes to \`${ref}\`: the export is damaged`);
      }
      let checkpointRef = doc.head?.checkpoint_ref;
      if (doc.checkpoint !== null) {
        const stored = await store.putCheckpoint(doc.checkpoint);
        if (checkpointRef !== undefined && stored.checkpoint_ref !== checkpointRef) {
          warnings.push(`the checkpoint re-encoded to ${stored.checkpoint_ref} (exported as ${checkpointRef}); the head now names the new ref`);
        }
        checkpointRef = stored.checkpoint_ref;
      }
      for (const artifact of doc.artifacts) await store.putModuleArtifact(artifact);
      await store.appendUsageDeltas(doc.usage_deltas);
      if (doc.head !== null) {
        const head = { ...doc.head, graph: doc.graph };
        if (checkpointRef === undefined) delete head.checkpoint_ref;
        else head.checkpoint_ref = checkpointRef;
        await store.saveSessionHead(head);
      } else if (doc.graph.nodes.length > 0) {
        await store.replaceSessionGraph(doc.graph);
      }
    } finally {
      store.close();
    }
    // A single file, ready to rename: no WAL left beside it.
    conn.exec('PRAGMA journal_mode = DELETE');
  } finally {
    conn.close();
  }
}

function refuseExisting(target: string, force: boolean): void {
  // The tool does not create folders: a typo in --out should not grow a tree.
  const folder = dirname(target);
  if (!existsSync(folder)) throw usageError(`the folder of ${target} does not exist (${folder}); create it first`);
  if (!force && existsSync(target)) throw usageError(`${target} already exists; pass --force to replace it`);
}

/** Builds `target` in a temporary file beside it and renames it into place when `build` succeeds. */
function withTemporary(target: string, build: (temp: string) => void): void {
  const temp = temporaryPath(target);
  try {
    build(temp);
    replace(temp, target);
  } finally {
    removeDatabase(temp);
  }
}

async function withTemporaryAsync(target: string, build: (temp: string) => Promise<void>): Promise<void> {
  const temp = temporaryPath(target);
  try {
    await build(temp);
    replace(temp, target);
  } finally {
    removeDatabase(temp);
  }
}

function temporaryPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.lash-store-${process.pid}.tmp`);
}

/** Moves `temp` over `target`, removing the old target's sidecars first (they belong to the old file). */
function replace(temp: string, target: string): void {
  rmSync(`${target}-wal`, { force: true });
  rmSync(`${target}-shm`, { force: true });
  renameSync(temp, target);
}

function removeDatabase(path: string): void {
  for (const p of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) rmSync(p, { force: true });
}

/** Writes JSON text to a file through a temporary beside it. */
export function writeTextFile(target: string, text: string, force: boolean): void {
  refuseExisting(target, force);
  withTemporary(target, (temp) => writeFileSync(temp, text));
}
