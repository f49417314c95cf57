/**
 * `verify` for the session component: every blob hashes to its ref, the head
 * decodes and every ref it reaches (checkpoint manifest, snapshots, frames'
 * execution states, lashlang artifacts) resolves to a blob that verifies and
 * decodes, every row of every session table decodes with the core's own
 * decoders, and queued work belongs to the session the file holds.
 */
import { moduleArtifactFromStoreBytes } from '../../core/artifacts/lashlang.ts';
import { portableCodecs } from '../../core/codec/codecs.ts';
import type { SessionHeadMeta } from '../../core/contract/session-records.ts';
import type { SqliteConnection } from '../../core/driver/types.ts';
import { Store } from '../../core/stores/session-store.ts';
import { lookupBlob, type BlobIo } from '../../core/blobs/blob-table.ts';
import { decodeMsgpack } from '../../core/codec/msgpack.ts';
import { decodeMergeKey, decodePayload, parseDeliveryPolicy, parseSlotPolicy } from '../../core/queue/codec.ts';
import { decodeCommitResult, decodeNode, decodePluginSnapshot, decodeRelation, decodeSessionCheckpoint, decodeToolState } from '../../core/session/codecs.ts';
import { expectBytes } from '../../core/shape.ts';
import { CollectingLogger } from '../components.ts';
import type { Output } from '../output.ts';
import * as read from '../read/store-tables.ts';
import { messageOf, parseJsonColumn, type Findings } from './findings.ts';

const C = 'session';

export async function verifySession(conn: SqliteConnection, findings: Findings, out: Output): Promise<void> {
  const logger = new CollectingLogger();
  const io: BlobIo = { conn, codecs: conn.codecs ?? portableCodecs, logger };
  verifyBlobs(io, findings, out);
  const head = await verifyHead(conn, findings, logger);
  if (head !== null) verifyHeadRefs(io, head, findings);
  const liveIds = verifyNodes(conn, findings, out);
  if (head?.leaf_node_id !== undefined && !liveIds.has(head.leaf_node_id)) {
    findings.warning(C, 'head.leaf_node_id', `the leaf \`${head.leaf_node_id}\` is not a live node (tombstoned or gone); the active path reads as empty`);
  }
  if (head !== null && head.graph_node_count !== liveIds.size) {
    findings.warning(C, 'head.graph_node_count', `the head counts ${head.graph_node_count} node(s) but ${liveIds.size} are live`);
  }
  const sessions = verifyMeta(conn, findings, head);
  verifyUsage(conn, findings);
  verifyTurnCommits(conn, findings);
  verifyQueue(conn, findings, sessions);
  verifyArtifacts(io, findings);
}

function verifyBlobs(io: BlobIo, findings: Findings, out: Output): void {
  const progress = out.progress('verifying blobs', read.blobTotals(io.conn).count);
  for (const row of read.blobRows(io.conn)) {
    findings.count('blobs');
    progress.tick();
    if (typeof row.hash !== 'string') {
      findings.problem(C, `blobs rowid ${row._rowid}`, 'hash is not TEXT');
      continue;
    }
    const found = lookupBlob(io, row.hash);
    if (found.status === 'corrupt') findings.problem(C, `blob ${row.hash}`, `corrupt: ${found.reason}`);
  }
  progress.finish();
}

async function verifyHead(conn: SqliteConnection, findings: Findings, logger: CollectingLogger): Promise<SessionHeadMeta | null> {
  const store = await Store.open(conn, { logger });
  try {
    findings.count('session_head');
    return await store.loadSessionHeadMeta();
  } catch (error) {
    findings.problem(C, 'session_head', messageOf(error));
    return null;
  } finally {
    store.close();
  }
}

function verifyHeadRefs(io: BlobIo, head: SessionHeadMeta, findings: Findings): void {
  if (head.checkpoint_ref !== undefined) {
    const manifest = checkRef(io, findings, 'head.checkpoint_ref', head.checkpoint_ref, (value) => decodeSessionCheckpoint(value, 'manifest'));
    if (manifest !== null) {
      const where = `checkpoint ${head.checkpoint_ref}`;
      if (manifest.tool_state_ref !== undefined) checkRef(io, findings, `${where} tool_state_ref`, manifest.tool_state_ref, (v) => decodeToolState(v, 'tool_state'));
      if (manifest.plugin_snapshot_ref !== undefined) {
        checkRef(io, findings, `${where} plugin_snapshot_ref`, manifest.plugin_snapshot_ref, (v) => decodePluginSnapshot(v, 'plugin_snapshot'));
      }
      if (manifest.execution_state_ref !== undefined) {
        checkRef(io, findings, `${where} execution_state_ref`, manifest.execution_state_ref, (v) => expectBytes(v, 'execution_state'));
      }
    }
  }
  head.agent_frames.forEach((frame, i) => {
    const ref = (frame as { execution_state_ref?: unknown }).execution_state_ref;
    if (typeof ref === 'string') checkRef(io, findings, `head.agent_frames[${i}].execution_state_ref`, ref, (v) => expectBytes(v, 'execution_state'));
  });
}

/** Resolves a ref to a blob that verifies and whose msgpack decodes; the decoded value, or `null` after a problem. */
function checkRef<T>(io: BlobIo, findings: Findings, where: string, ref: string, decode: (value: unknown) => T): T | null {
  findings.count('refs');
  const found = lookupBlob(io, ref);
  if (found.status === 'missing') {
    findings.problem(C, where, `\`${ref}\` points at a missing blob`);
    return null;
  }
  if (found.status === 'corrupt') {
    findings.problem(C, where, `\`${ref}\` points at a corrupt blob: ${found.reason}`);
    return null;
  }
  try {
    return decode(decodeMsgpack(found.content));
  } catch (error) {
    findings.problem(C, where, `\`${ref}\` does not decode: ${messageOf(error)}`);
    return null;
  }
}

/** Checks every graph row; returns the ids of the live ones. */
function verifyNodes(conn: SqliteConnection, findings: Findings, out: Output): Set<string> {
  const live = new Set<string>();
  const counts = read.nodeCounts(conn);
  const progress = out.progress('verifying graph nodes', counts.live + counts.tombstoned);
  for (const row of read.nodeRows(conn)) {
    findings.count('graph_nodes');
    progress.tick();
    findings.attempt(C, `graph_nodes seq ${row.seq}`, () => {
      const node = decodeNode(parseJsonColumn(row.node_json, 'node_json'), 'node');
      if (node.node_id !== row.node_id) throw new Error(`node_id column \`${String(row.node_id)}\` differs from the JSON's \`${node.node_id}\``);
      if ((node.parent_node_id ?? null) !== row.parent_node_id) {
        throw new Error(`parent_node_id column \`${String(row.parent_node_id)}\` differs from the JSON's \`${node.parent_node_id ?? null}\``);
      }
      if (row.tombstoned !== 0 && row.tombstoned !== 1) throw new Error(`tombstoned is ${String(row.tombstoned)}, not 0 or 1`);
      if (row.tombstoned === 0) live.add(node.node_id);
    });
  }
  progress.finish();
  return live;
}

/** Checks the meta row; returns the session ids the file holds (head and meta). */
function verifyMeta(conn: SqliteConnection, findings: Findings, head: SessionHeadMeta | null): Set<string> {
  const sessions = new Set<string>();
  if (head !== null) sessions.add(head.session_id);
  const row = read.sessionMetaRow(conn);
  if (row === undefined) return sessions;
  findings.count('session_meta');
  findings.attempt(C, 'session_meta.relation_json', () => {
    if (row.relation_json !== null) decodeRelation(parseJsonColumn(row.relation_json, 'relation_json'), 'relation');
  });
  if (typeof row.session_id === 'string') {
    if (head !== null && head.session_id !== row.session_id) {
      findings.warning(C, 'session_meta.session_id', `the meta names session \`${row.session_id}\` but the head is bound to \`${head.session_id}\``);
    }
    sessions.add(row.session_id);
  }
  return sessions;
}

function verifyUsage(conn: SqliteConnection, findings: Findings): void {
  const columns = ['input_tokens', 'output_tokens', 'cached_input_tokens', 'reasoning_tokens'] as const;
  for (const row of read.usageRows(conn)) {
    findings.count('usage_deltas');
    for (const column of columns) {
      const value = row[column];
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
        findings.problem(C, `usage_deltas seq ${String(row.seq)}`, `${column} is ${String(value)}, not a non-negative integer`);
      }
    }
  }
}

function verifyTurnCommits(conn: SqliteConnection, findings: Findings): void {
  for (const row of read.turnCommitRows(conn)) {
    findings.count('runtime_turn_commits');
    findings.attempt(C, `runtime_turn_commits ${String(row.session_id)}/${String(row.turn_id)}`, () => {
      decodeCommitResult(parseJsonColumn(row.result_json, 'result_json'));
    });
  }
}

function verifyQueue(conn: SqliteConnection, findings: Findings, sessions: Set<string>): void {
  for (const row of read.batchRows(conn)) {
    findings.count('queued_work_batches');
    const where = `queued_work_batches ${String(row.batch_id)}`;
    findings.attempt(C, where, () => {
      parseDeliveryPolicy(row.delivery_policy);
      parseSlotPolicy(row.slot_policy);
      if (typeof row.merge_key_json !== 'string') throw new Error('merge_key_json is not TEXT');
      decodeMergeKey(row.merge_key_json);
    });
    if (sessions.size > 0 && typeof row.session_id === 'string' && !sessions.has(row.session_id)) {
      findings.problem(C, where, `belongs to session \`${row.session_id}\`, which this database does not hold (it holds ${[...sessions].map((s) => `\`${s}\``).join(', ')})`);
    }
  }
  for (const row of read.itemRows(conn)) {
    findings.count('queued_work_items');
    findings.attempt(C, `queued_work_items ${String(row.item_id)}`, () => {
      if (typeof row.payload_json !== 'string') throw new Error('payload_json is not TEXT');
      decodePayload(row.payload_json);
    });
  }
}

function verifyArtifacts(io: BlobIo, findings: Findings): void {
  for (const row of read.artifactRefRows(io.conn)) {
    findings.count('artifact_refs');
    const where = `artifact_refs ${String(row.artifact_ref)}`;
    if (typeof row.blob_ref !== 'string') {
      findings.problem(C, where, 'blob_ref is not TEXT');
      continue;
    }
    const found = lookupBlob(io, row.blob_ref);
    if (found.status !== 'ok') {
      findings.problem(C, where, `blob \`${row.blob_ref}\` is ${found.status}`);
      continue;
    }
    findings.attempt(C, where, () => {
      const artifact = moduleArtifactFromStoreBytes(found.content);
      if (artifact.module_ref !== row.artifact_ref) throw new Error(`the blob holds module \`${artifact.module_ref}\``);
    });
  }
}
