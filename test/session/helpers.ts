/**
 * Fixtures of the runtime-persistence conformance suite (catalogue §2.3),
 * rebuilt in TypeScript, plus small helpers for opening stores per driver.
 */
import type { TestContext } from 'node:test';
import {
  Store,
  SessionGraph,
  newRuntimeSessionState,
  persistedStateCommit,
  type AgentFrameRecord,
  type AttachmentIntent,
  type ModelSpec,
  type RuntimeCommit,
  type RuntimeSessionState,
  type SessionNodeRecord,
  type SqliteConnection,
  type StoreOptions,
  type TokenLedgerEntry,
} from '../../src/index.ts';
import type { DriverUnderTest, Location } from '../support/drivers.ts';
import { CapturingLogger } from '../support/logger.ts';

/** `ModelSpec::default()`. */
export const DEFAULT_MODEL: ModelSpec = { id: '', limits: { context_window_tokens: 1 } };

/** `ModelSpec::from_token_limits(id, None, 200000, None)`. */
export function model(id: string): ModelSpec {
  return { id, limits: { context_window_tokens: 200_000 } };
}

/** The default frame of `RuntimeSessionState::default()` for a session. */
export function initialFrame(sessionId: string): AgentFrameRecord {
  return {
    frame_id: `${sessionId}:frame:initial`,
    session_id: sessionId,
    status: 'active',
    reason: 'initial',
    created_at: '2026-06-02T00:00:00Z',
    assignment: { policy: { provider_id: '', model: { id: '', limits: { context_window_tokens: 1 } } }, tool_access: 'all' },
    protocol_turn_options: { payload: {} },
  };
}

/** `RuntimeSessionState::default()` with `session_id` overridden. */
export function defaultState(sessionId: string, overrides: Partial<RuntimeSessionState> = {}): RuntimeSessionState {
  const frame = initialFrame(sessionId);
  return {
    ...newRuntimeSessionState(sessionId, { provider_id: '', model: DEFAULT_MODEL }, {
      agent_frames: [frame],
      current_agent_frame_id: frame.frame_id,
    }),
    ...overrides,
  };
}

/** `commit_at(session, expected)` of the SQLite tests. */
export function commitAt(sessionId: string, expected: number | null): RuntimeCommit {
  return { ...persistedStateCommit(defaultState(sessionId)), expected_head_revision: expected };
}

/** `sample_session_node(id, parent?)`. */
export function sampleNode(id: string, parent?: string): SessionNodeRecord {
  const node: SessionNodeRecord = {
    node_id: id,
    timestamp: '1970-01-01T00:00:00Z',
    kind: 'event',
    event: { Protocol: { plugin_id: 'conformance', payload: { node: id } } },
  };
  if (parent !== undefined) node.parent_node_id = parent;
  return node;
}

/** A conversation node (for picker info and hashing tests). */
export function messageNode(
  id: string,
  role: 'User' | 'Assistant',
  text: string,
  parent?: string,
  extraParts: Array<{ kind: 'Image' | 'ToolCall' | 'Text'; content: string }> = [],
): SessionNodeRecord {
  const node: SessionNodeRecord = {
    node_id: id,
    timestamp: '2026-06-02T00:00:00Z',
    kind: 'event',
    event: {
      Conversation: {
        id,
        role,
        parts: [
          { id: `${id}.p0`, kind: 'Text', content: text, prune_state: 'Intact' },
          ...extraParts.map((part, i) => ({ id: `${id}.p${i + 1}`, kind: part.kind, content: part.content, prune_state: 'Intact' as const })),
        ],
      },
    },
  };
  if (parent !== undefined) node.parent_node_id = parent;
  return node;
}

/** A graph of nodes with a leaf. */
export function graphOf(nodes: SessionNodeRecord[], leaf: string | null): SessionGraph {
  return SessionGraph.fromNodes(nodes, leaf);
}

export function usage(source: string, modelId: string, input: number, output: number, cached: number, reasoning: number): TokenLedgerEntry {
  return {
    source,
    model: modelId,
    usage: { input_tokens: input, output_tokens: output, cached_input_tokens: cached, reasoning_tokens: reasoning },
  };
}

/** `attachment_intent(id)`. */
export function attachmentIntent(id: string, sessionId = 'root', at = 100): AttachmentIntent {
  return { attachment_id: id, session_id: sessionId, canonical_uri: `sha256:${id}`, intent_at_epoch_ms: at };
}

export interface Opened {
  readonly location: Location;
  readonly conn: SqliteConnection;
  readonly store: Store;
  readonly logger: CapturingLogger;
  /** A second connection and store on the same database (the reference's `reopen`). */
  reopen(options?: StoreOptions): Promise<Store>;
}

/** A fresh database on `driver` with a store on it; a logger that captures warnings. */
export async function openFresh(
  driver: DriverUnderTest,
  t: TestContext,
  options: StoreOptions = {},
): Promise<Opened> {
  const location = await driver.fresh(t);
  const conn = await location.open();
  const logger = new CapturingLogger();
  const store = await Store.open(conn, { logger, ...options });
  return {
    location,
    conn,
    store,
    logger,
    async reopen(reopenOptions = {}) {
      return Store.open(await location.open(), { logger, ...reopenOptions });
    },
  };
}

/** Resolves to the thrown error (fails when nothing is thrown). */
export async function rejection(promise: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, but the call succeeded');
}

/** A row count, for "nothing changed" checks. */
export function count(conn: SqliteConnection, table: string): number {
  return conn.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)!.n;
}

/** Every table's rows as text: equal snapshots mean nothing changed. */
export function snapshot(conn: SqliteConnection): string {
  const tables = conn
    .all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .map((row) => row.name);
  return JSON.stringify(
    tables.map((table) => [
      table,
      conn.all(`SELECT * FROM ${table}`).map((row) =>
        Object.entries(row).map(([k, v]) => [k, v instanceof Uint8Array ? Array.from(v).join(',') : v]),
      ),
    ]),
  );
}
