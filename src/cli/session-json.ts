/**
 * The JSON form of a session (`export --json`, `import`): one document with
 * the session's meta, head, graph, current checkpoint (hydrated: the values,
 * not only their refs), raw usage rows, the blobs the agent frames name
 * outside the checkpoint, and the lashlang artifacts. Field names are the
 * stored ones.
 *
 * Bytes are written as `{"$base64": "<standard base64>"}` inside
 * `checkpoint` and `blobs` (the only places bytes occur: msgpack-decoded
 * snapshot values and blob contents), and read back there only, so a node
 * body that happens to hold such an object is left alone.
 */
import type { ModuleArtifact } from '../core/artifacts/lashlang.ts';
import type { BlobArtifactDescriptor } from '../core/blobs/descriptor.ts';
import type { SessionGraphData, TokenLedgerEntry } from '../core/contract/session-model.ts';
import type { HydratedSessionCheckpoint, SessionHead, SessionMeta } from '../core/contract/session-records.ts';
import { usageError } from './errors.ts';

export const SESSION_EXPORT_FORMAT = 'lash-store.session';
export const SESSION_EXPORT_VERSION = 1;

export interface SessionExport {
  readonly format: typeof SESSION_EXPORT_FORMAT;
  readonly version: typeof SESSION_EXPORT_VERSION;
  readonly session_meta: SessionMeta | null;
  /** The head without its graph and merged ledger (those are `graph` and `usage_deltas`); `null` before the first commit. */
  readonly head: Omit<SessionHead, 'graph' | 'token_ledger'> | null;
  /** Live nodes in insertion order (tombstoned ones are not exported), and the head's leaf. */
  readonly graph: SessionGraphData;
  readonly checkpoint: HydratedSessionCheckpoint | null;
  /** The usage ledger's rows, unmerged, in order. */
  readonly usage_deltas: TokenLedgerEntry[];
  /** Blobs the head reaches outside the checkpoint (agent frames' execution states); `descriptor` `null` for a raw blob. */
  readonly blobs: Array<{ ref: string; descriptor: BlobArtifactDescriptor | null; content: Uint8Array }>;
  readonly artifacts: ModuleArtifact[];
}

const BYTES_TAG = '$base64';

export function stringifySessionExport(doc: SessionExport): string {
  return `${JSON.stringify(doc, (_key, value: unknown) => (value instanceof Uint8Array ? { [BYTES_TAG]: Buffer.from(value).toString('base64') } : value), 2)}\n`;
}

/** Parses and shape-checks an export; a wrong format or version is a usage error. */
export function parseSessionExport(text: string, source: string): SessionExport {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw usageError(`${source} is neither a SQLite database nor JSON: ${(error as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || doc.format !== SESSION_EXPORT_FORMAT) {
    throw usageError(`${source} is not a lash-store session export (no "format": "${SESSION_EXPORT_FORMAT}")`);
  }
  if (doc.version !== SESSION_EXPORT_VERSION) {
    throw usageError(`${source} is a session export of version ${String(doc.version)}; this build reads version ${SESSION_EXPORT_VERSION}`);
  }
  const graph = doc.graph as SessionGraphData | undefined;
  if (typeof graph !== 'object' || graph === null || !Array.isArray(graph.nodes)) throw usageError(`${source}: "graph.nodes" must be an array`);
  for (const key of ['usage_deltas', 'blobs', 'artifacts'] as const) {
    if (!Array.isArray(doc[key])) throw usageError(`${source}: "${key}" must be an array`);
  }
  return {
    ...(doc as unknown as SessionExport),
    checkpoint: reviveBytes(doc.checkpoint ?? null) as HydratedSessionCheckpoint | null,
    blobs: reviveBytes(doc.blobs) as SessionExport['blobs'],
  };
}

function reviveBytes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reviveBytes);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === BYTES_TAG && typeof record[BYTES_TAG] === 'string') {
    return new Uint8Array(Buffer.from(record[BYTES_TAG], 'base64'));
  }
  return Object.fromEntries(keys.map((key) => [key, reviveBytes(record[key])]));
}
