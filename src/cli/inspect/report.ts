/**
 * `inspect`: one read-only pass over a database file that gathers what each
 * component holds into a JSON-ready report with the stored field names.
 * Each component is read only when the file holds it at the supported
 * version; absent and unsupported components appear with their status.
 */
import { SessionGraph } from '../../core/contract/session-graph.ts';
import type { TokenLedgerEntry, TokenUsage } from '../../core/contract/session-model.ts';
import type { SessionHeadMeta, SessionMeta } from '../../core/contract/session-records.ts';
import type { SqliteConnection } from '../../core/driver/types.ts';
import { mergeTokenLedger } from '../../core/session/usage-table.ts';
import { SqliteProcessRegistry } from '../../core/stores/process-registry.ts';
import { Store } from '../../core/stores/session-store.ts';
import { blobKind } from '../blob-kind.ts';
import { CollectingLogger, componentStatuses, type ComponentStatuses } from '../components.ts';
import { fileSizes, openReadOnly, type FileSizes, type ReadOnlyMode } from '../database-file.ts';
import type { Output } from '../output.ts';
import * as read from '../read/store-tables.ts';
import { branchesOffPath, summarizeMessage, type BranchSummary, type MessageSummary } from './session-summary.ts';

export interface InspectOptions {
  /** How many of the last active-path messages to show. */
  readonly messages: number;
  /** How many of each process's last events to show. */
  readonly events: number;
  /** "Now" for claim expiry (epoch ms). */
  readonly now: number;
}

export interface InspectReport {
  readonly path: string;
  readonly file: FileSizes & read.FilePragmas & { journal_mode: 'wal' | 'rollback'; read_mode: ReadOnlyMode };
  readonly components: ComponentStatuses;
  readonly session: SessionSection | null;
  readonly process: ProcessSection | null;
  readonly effects: EffectsSection | null;
  readonly host_events: HostEventsSection | null;
  /** What the components logged while reading (rows they skipped as corrupt, …). */
  readonly warnings: string[];
}

export interface RefSize {
  readonly ref: string;
  /** Bytes as stored (envelope, compressed or not); `null` when the blob is missing. */
  readonly stored_bytes: number | null;
  /** Bytes of the verified logical content; `null` when missing or corrupt. */
  readonly content_bytes: number | null;
}

export interface SessionSection {
  readonly session_meta: SessionMeta | null;
  readonly head: (Omit<SessionHeadMeta, 'config' | 'agent_frames' | 'token_ledger'> & {
    model: string;
    provider_id: string;
    agent_frame_count: number;
  }) | null;
  readonly head_error: string | null;
  readonly nodes: { live: number; tombstoned: number };
  readonly active_path: { length: number; message_count: number; messages: MessageSummary[] };
  readonly branches: BranchSummary[];
  readonly checkpoint: {
    checkpoint_ref: string;
    readable: boolean;
    turn_index: number | null;
    plugin_snapshot_revision: number | null;
    refs: Record<'manifest' | 'tool_state' | 'plugin_snapshot' | 'execution_state', RefSize | null>;
  } | null;
  readonly usage: { delta_rows: number; totals: TokenUsage; ledger: TokenLedgerEntry[] };
  readonly queued_work: {
    pending: number;
    claimed: number;
    expired_claims: number;
    batches: Array<read.BatchListing & { state: 'pending' | 'claimed' | 'expired' }>;
  };
  readonly turn_commits: number;
  readonly attachments: { total: number; uncommitted: number };
  readonly artifacts: number;
  readonly blobs: { count: number; stored_bytes: number; by_kind: Record<string, { count: number; stored_bytes: number }> };
}

export interface ProcessSection {
  readonly by_status: Record<string, number>;
  readonly processes: Array<{
    process_id: string;
    status: string;
    created_at_ms: number;
    updated_at_ms: number | null;
    event_count: number;
    grants: Array<{ session_id: string; descriptor: unknown }>;
    last_events: read.EventListing[];
  }>;
}

export interface EffectsSection {
  readonly rows: number;
  readonly scopes: number;
  readonly by_status: Record<string, number>;
}

export interface HostEventsSection {
  readonly subscriptions: Array<Omit<read.SubscriptionListing, 'enabled'> & { enabled: boolean }>;
  readonly occurrences: number;
  readonly deliveries: { pending: number; started: number };
}

export async function inspectDatabase(path: string, options: InspectOptions, out: Output): Promise<InspectReport> {
  const db = openReadOnly(path);
  try {
    const { conn } = db;
    const logger = new CollectingLogger();
    const components = componentStatuses(conn);
    const section = async <T>(key: keyof ComponentStatuses, read: () => T | Promise<T>): Promise<T | null> => {
      if (components[key].state !== 'present') return null;
      try {
        return await read();
      } catch (error) {
        // One damaged component must not hide the others; `verify` names the cause.
        logger.warn(`could not read the ${key} component: ${(error as Error).message}`);
        return null;
      }
    };
    const report: InspectReport = {
      path,
      file: { ...fileSizes(path), ...read.readFilePragmas(conn), journal_mode: db.journal, read_mode: db.mode },
      components,
      session: await section('session', () => sessionSection(conn, logger, options, out)),
      process: await section('process', () => processSection(conn, logger, options)),
      effects: await section('effects', () => effectsSection(conn)),
      host_events: await section('host_events', () => hostEventsSection(conn)),
      warnings: logger.messages,
    };
    return report;
  } finally {
    db.close();
  }
}

async function sessionSection(
  conn: SqliteConnection,
  logger: CollectingLogger,
  options: InspectOptions,
  out: Output,
): Promise<SessionSection> {
  const store = await Store.open(conn, { logger });
  try {
    let head: SessionHeadMeta | null = null;
    let headError: string | null = null;
    try {
      head = await store.loadSessionHeadMeta();
    } catch (error) {
      headError = (error as Error).message;
    }
    const live = await store.loadSessionGraph();
    const graph = new SessionGraph([...live.nodes], head?.leaf_node_id ?? null);
    const path = graph.activePathNodes();
    const messages = path.map(summarizeMessage).filter((m): m is MessageSummary => m !== null);
    const deltas = await store.loadUsageDeltas();
    return {
      session_meta: await store.loadSessionMeta(),
      head: head === null ? null : headSummary(head),
      head_error: headError,
      nodes: read.nodeCounts(conn),
      active_path: {
        length: path.length,
        message_count: messages.length,
        messages: options.messages > 0 ? messages.slice(-options.messages) : [],
      },
      branches: branchesOffPath(graph.nodes, path),
      checkpoint: head?.checkpoint_ref === undefined ? null : await checkpointSection(conn, store, head.checkpoint_ref),
      usage: { delta_rows: deltas.length, totals: usageTotals(deltas), ledger: mergeTokenLedger(deltas) },
      queued_work: queueSection(conn, options.now),
      turn_commits: read.countRows(conn, 'runtime_turn_commits'),
      attachments: read.attachmentCounts(conn),
      artifacts: read.countRows(conn, 'artifact_refs'),
      blobs: blobSection(conn, out),
    };
  } finally {
    store.close();
  }
}

function headSummary(head: SessionHeadMeta): NonNullable<SessionSection['head']> {
  const { config, agent_frames, token_ledger: _ledger, ...rest } = head;
  return { ...rest, provider_id: config.provider_id, model: config.model.id, agent_frame_count: agent_frames.length };
}

async function checkpointSection(
  conn: SqliteConnection,
  store: Store,
  checkpointRef: string,
): Promise<NonNullable<SessionSection['checkpoint']>> {
  const size = async (ref: string | null): Promise<RefSize | null> =>
    ref === null ? null : { ref, stored_bytes: read.blobStoredBytes(conn, ref), content_bytes: (await store.getBlob(ref))?.length ?? null };
  const checkpoint = await store.getCheckpoint(checkpointRef);
  return {
    checkpoint_ref: checkpointRef,
    readable: checkpoint !== null,
    turn_index: checkpoint?.turn_state.turn_index ?? null,
    plugin_snapshot_revision: checkpoint?.plugin_snapshot_revision ?? null,
    refs: {
      manifest: await size(checkpointRef),
      tool_state: await size(checkpoint?.tool_state_ref ?? null),
      plugin_snapshot: await size(checkpoint?.plugin_snapshot_ref ?? null),
      execution_state: await size(checkpoint?.execution_state_ref ?? null),
    },
  };
}

function usageTotals(entries: readonly TokenLedgerEntry[]): TokenUsage {
  const totals: TokenUsage = { input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, reasoning_tokens: 0 };
  for (const { usage } of entries) {
    totals.input_tokens += usage.input_tokens;
    totals.output_tokens += usage.output_tokens;
    totals.cached_input_tokens += usage.cached_input_tokens;
    totals.reasoning_tokens += usage.reasoning_tokens;
  }
  return totals;
}

function queueSection(conn: SqliteConnection, now: number): SessionSection['queued_work'] {
  const batches = read.batchListing(conn).map((batch) => ({
    ...batch,
    state: batch.claim_id === null ? ('pending' as const) : batch.claim_expires_at_ms > now ? ('claimed' as const) : ('expired' as const),
  }));
  const count = (state: string) => batches.filter((b) => b.state === state).length;
  return { pending: count('pending'), claimed: count('claimed'), expired_claims: count('expired'), batches };
}

function blobSection(conn: SqliteConnection, out: Output): SessionSection['blobs'] {
  const totals = read.blobTotals(conn);
  const byKind: Record<string, { count: number; stored_bytes: number }> = {};
  const progress = out.progress('reading blobs', totals.count);
  for (const row of read.blobRows(conn)) {
    const entry = (byKind[blobKind(row.content)] ??= { count: 0, stored_bytes: 0 });
    entry.count += 1;
    entry.stored_bytes += row.content instanceof Uint8Array ? row.content.length : 0;
    progress.tick();
  }
  progress.finish();
  return { count: totals.count, stored_bytes: totals.bytes, by_kind: byKind };
}

async function processSection(
  conn: SqliteConnection,
  logger: CollectingLogger,
  options: InspectOptions,
): Promise<ProcessSection> {
  const registry = await SqliteProcessRegistry.open(conn, { logger });
  try {
    const byStatus: Record<string, number> = {};
    const processes: ProcessSection['processes'] = [];
    for (const listed of read.processListing(conn)) {
      // The record is the source of truth; the status column is for filtering.
      const record = await registry.getProcess(listed.process_id);
      const status = record?.status.state ?? `${listed.status} (record unreadable)`;
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      const grants = await registry.handleGrantsForProcess(listed.process_id);
      processes.push({
        process_id: listed.process_id,
        status,
        created_at_ms: listed.created_at_ms,
        updated_at_ms: record?.updated_at_ms ?? null,
        event_count: listed.event_count,
        grants: grants.map((grant) => ({ session_id: grant.session_id, descriptor: grant.descriptor })),
        last_events: options.events > 0 ? read.lastEvents(conn, listed.process_id, options.events) : [],
      });
    }
    return { by_status: byStatus, processes };
  } finally {
    registry.close();
  }
}

function effectsSection(conn: SqliteConnection): EffectsSection {
  return {
    rows: read.countRows(conn, 'runtime_effect_replay'),
    scopes: read.effectScopeCount(conn),
    by_status: read.effectStatusCounts(conn),
  };
}

function hostEventsSection(conn: SqliteConnection): HostEventsSection {
  return {
    subscriptions: read.subscriptionListing(conn).map((row) => ({ ...row, enabled: row.enabled !== 0 })),
    occurrences: read.countRows(conn, 'host_event_occurrences'),
    deliveries: read.deliveryCounts(conn),
  };
}
