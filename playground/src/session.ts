/**
 * Every store call of the playground, in one module: opening a session on a
 * browser target (OPFS, IndexedDB, or a dropped `.db` file copied into one),
 * committing turns, branching and switching the active path, queued work,
 * a background process, tombstone / GC / vacuum, sizes and the download.
 *
 * It uses the contract API (`Store`, its queued-work methods,
 * `SqliteProcessRegistry`) through the package entries only, so it can be
 * switched to the high-level session API when that lands. The UI never
 * touches a store; it reads `SessionView`s.
 */
import {
  SqliteProcessRegistry,
  Store,
  anySchema,
  applyCommitResult,
  claimCompletion,
  completingQueueClaim,
  externalInput,
  graphDelta,
  newRuntimeSessionState,
  persistedStateWithGraphCommit,
  processRegistration,
  processScope,
  processWakeBatchDraft,
  queuedTurnInputDraft,
  runtimeSessionStateFromRead,
  stampTurnCommit,
  type Part,
  type ProcessEventType,
  type RuntimeCommit,
  type RuntimeSessionState,
  type SessionNodeRecord,
  type ToolState,
} from '../../src/index.ts';
import {
  deleteIndexedDbDatabase,
  deleteOpfsDatabase,
  indexedDbPersistence,
  listIndexedDbDatabases,
  listOpfsDatabases,
  openSqlJs,
  opfsPersistence,
  type SqlJsConnection,
  type SqlJsRecoveryReport,
  type SqlJsStorageReport,
} from '../../src/sqljs.ts';

export type TargetKind = 'opfs' | 'indexeddb';

export interface NodeView {
  readonly id: string;
  readonly parent: string | null;
  readonly role: 'User' | 'Assistant' | 'System' | 'Event' | 'Tool';
  readonly text: string;
  readonly toolName?: string;
}

export interface QueueView {
  readonly batchId: string;
  readonly kind: string;
  readonly text: string;
}

export interface ProcessView {
  readonly id: string;
  readonly state: string;
  readonly events: readonly { sequence: number; type: string; text: string }[];
}

export interface SessionView {
  readonly target: TargetKind;
  readonly name: string;
  readonly sessionId: string;
  readonly headRevision: number | null;
  readonly leaf: string | null;
  readonly nodes: readonly NodeView[];
  readonly activePath: readonly string[];
  readonly queue: readonly QueueView[];
  readonly processes: readonly ProcessView[];
  readonly toolGeneration: number | null;
  readonly storage: SqlJsStorageReport;
  readonly recovery: SqlJsRecoveryReport;
}

export interface SizeChange {
  readonly label: string;
  readonly before: number;
  readonly after: number;
  readonly detail: string;
}

const POLICY = { provider_id: 'playground', model: { id: 'demo-model', limits: { context_window_tokens: 128_000 } } };
const OWNER = 'playground-agent';
const CLAIM_TTL_MS = 60_000;

export async function listSessions(): Promise<{ target: TargetKind; name: string }[]> {
  const [opfs, idb] = await Promise.all([listOpfsDatabases().catch(() => []), listIndexedDbDatabases().catch(() => [])]);
  return [...opfs.map((name) => ({ target: 'opfs' as const, name })), ...idb.map((name) => ({ target: 'indexeddb' as const, name }))];
}

export async function deleteSession(target: TargetKind, name: string): Promise<void> {
  if (target === 'opfs') await deleteOpfsDatabase(name);
  else await deleteIndexedDbDatabase(name);
}

/** An open session: one database on a browser target, with a Store and a process registry on it. */
export class PlaygroundSession {
  readonly target: TargetKind;
  readonly name: string;
  readonly #conn: SqlJsConnection;
  readonly #store: Store;
  readonly #registry: SqliteProcessRegistry;
  #state: RuntimeSessionState;
  #leaf: string | null;
  #counter = 0;

  private constructor(target: TargetKind, name: string, conn: SqlJsConnection, store: Store, registry: SqliteProcessRegistry, state: RuntimeSessionState, leaf: string | null) {
    this.target = target;
    this.name = name;
    this.#conn = conn;
    this.#store = store;
    this.#registry = registry;
    this.#state = state;
    this.#leaf = leaf;
  }

  /** Opens (or creates) the session stored on `target` under `name`; `data` fills an empty target from a `.db` file. */
  static async open(target: TargetKind, name: string, data?: Uint8Array): Promise<PlaygroundSession> {
    const persistence = target === 'opfs' ? await opfsPersistence(name) : await indexedDbPersistence(name);
    const conn = await openSqlJs({ persistence, data, locateFile: (file) => `./${file}` });
    try {
      const store = await Store.open(conn, { gcPolicy: { autoRunEveryCommits: null } });
      const registry = await SqliteProcessRegistry.open(conn);
      const read = await store.loadSession({ kind: 'ActivePath', leaf_node_id: null });
      const state = read === null ? newRuntimeSessionState(name, POLICY) : runtimeSessionStateFromRead(read);
      const session = new PlaygroundSession(target, name, conn, store, registry, state, read?.graph.leaf_node_id ?? null);
      session.#counter = (await store.loadSession({ kind: 'FullGraph' }))?.graph.nodes.length ?? 0;
      return session;
    } catch (error) {
      await conn.close().catch(() => undefined);
      throw error;
    }
  }

  get sessionId(): string {
    return this.#state.session_id;
  }

  /** Appends a message under the current leaf (or under `parent`, which forks a branch there). */
  async say(role: 'User' | 'Assistant', text: string, options: { parent?: string | null; toolCall?: { name: string; args: string }; tools?: ToolState } = {}): Promise<string> {
    const node = this.#message(role, text, options.parent === undefined ? this.#leaf : options.parent, options.toolCall);
    await this.#commit([node], node.node_id, options.tools);
    return node.node_id;
  }

  /** A tool result node (the process's output fed back to the model). */
  async toolResult(toolName: string, text: string): Promise<string> {
    const id = this.#nextId('tool');
    const node: SessionNodeRecord = {
      node_id: id,
      timestamp: new Date().toISOString(),
      kind: 'event',
      event: {
        Conversation: {
          id,
          role: 'Event',
          parts: [{ id: `${id}.p0`, kind: 'ToolResult', content: text, tool_name: toolName, tool_call_id: `${toolName}-call`, prune_state: 'Intact' }],
        },
      },
    };
    if (this.#leaf !== null) node.parent_node_id = this.#leaf;
    await this.#commit([node], id);
    return id;
  }

  /** Moves the head's leaf: the active path now ends at `nodeId`. */
  async switchTo(nodeId: string): Promise<void> {
    await this.#commit([], nodeId);
  }

  /** A user follow-up that arrives while the agent is busy: queued, claimed at the next boundary. */
  async enqueueFollowUp(text: string): Promise<string> {
    const batch = await this.#durable(
      this.#store.enqueueQueuedWork(queuedTurnInputDraft(this.sessionId, text, 'after_current_turn_commit', 'join')),
    );
    return batch.batch_id;
  }

  /**
   * Runs a background process: registers it, streams progress events, and
   * a final event whose wake is queued for this session; then completes it.
   */
  async runProcess(processId: string, lines: readonly string[], summary: string): Promise<void> {
    const types: ProcessEventType[] = [
      { name: 'tests.progress', payload_schema: anySchema(), semantics: {} },
      {
        name: 'tests.finished',
        payload_schema: anySchema(),
        semantics: { wake: { when: { present: '/summary' }, input: { pointer: '/summary' }, dedupe_key: 'event_identity' } },
      },
    ];
    const registration = processRegistration(processId, externalInput({ command: 'npm test -- --repeat 20' }), types);
    const owner = processScope(this.sessionId);
    await this.#durable(this.#registry.registerProcess({ ...registration, provenance: { ...registration.provenance, owner_scope: owner } }));
    await this.#durable(this.#registry.grantHandle(owner, processId, { kind: 'shell', label: 'npm test -- --repeat 20' }));
    for (const line of lines) await this.#durable(this.#registry.appendEvent(processId, { event_type: 'tests.progress', payload: { line } }));
    const finished = await this.#durable(
      this.#registry.appendEvent(processId, { event_type: 'tests.finished', payload: { summary }, wake_target_scope: processScope(this.sessionId) }),
    );
    if (finished.wake_delivery) await this.#durable(this.#store.enqueueQueuedWork(processWakeBatchDraft(finished.wake_delivery)));
    await this.#durable(this.#registry.completeProcess(processId, { type: 'success', value: { summary } }));
  }

  /** Claims what is queued and completes it in the same commit as the agent's reply. */
  async answerQueued(reply: (texts: string[]) => string): Promise<{ claimed: number; nodeId: string | null }> {
    const claim = await this.#durable(this.#store.claimReadyQueuedWork(this.sessionId, OWNER, 'idle', CLAIM_TTL_MS, 10));
    if (claim === null) return { claimed: 0, nodeId: null };
    const texts = claim.batches.flatMap((batch) => batch.items.map((item) => describePayload(item.payload)));
    const node = this.#message('Assistant', reply(texts), this.#leaf);
    await this.#commit([node], node.node_id, undefined, (commit) => completingQueueClaim(commit, claimCompletion(claim)));
    return { claimed: claim.batches.length, nodeId: node.node_id };
  }

  /** Tombstones `nodeId` and everything under it (never the active path). */
  async tombstoneBranch(nodeId: string): Promise<SizeChange> {
    const view = await this.view();
    if (view.activePath.includes(nodeId)) throw new Error('the active path cannot be tombstoned; switch away first');
    const doomed = subtree(view.nodes, nodeId);
    return this.#measure('tombstone', async () => {
      await this.#durable(this.#store.tombstoneNodes(doomed));
      return `${doomed.length} nodes tombstoned`;
    });
  }

  async gc(): Promise<SizeChange> {
    return this.#measure('gc', async () => {
      const report = await this.#durable(this.#store.gcUnreachable());
      return `${report.deleted_blob_count} blobs deleted, ${report.retained_blob_count} kept (${report.root_count} roots)`;
    });
  }

  /** Deletes tombstoned rows, then compacts the file (SQL VACUUM) and folds a new image. */
  async vacuum(): Promise<SizeChange> {
    return this.#measure('vacuum', async () => {
      const report = await this.#durable(this.#store.vacuum());
      this.#conn.exec('VACUUM');
      await this.#conn.flush();
      return `${report.removed_node_count} tombstoned nodes removed; file compacted`;
    });
  }

  /** The database as a SQLite file (opens in node:sqlite and every SQLite tool). */
  download(): Uint8Array {
    return this.#conn.export();
  }

  async view(): Promise<SessionView> {
    const full = await this.#store.loadSession({ kind: 'FullGraph' });
    const path = await this.#store.loadSession({ kind: 'ActivePath', leaf_node_id: null });
    const queue = await this.#store.listPendingQueuedWork(this.sessionId);
    const processViews: ProcessView[] = [];
    for (const [grant, record] of await this.#registry.listHandleGrants(processScope(this.sessionId))) {
      const events = await this.#registry.eventsAfter(grant.process_id, 0);
      processViews.push({
        id: grant.process_id,
        state: record.status.state,
        events: events.map((e) => ({ sequence: e.sequence, type: e.event_type, text: eventText(e.payload) })),
      });
    }
    return {
      target: this.target,
      name: this.name,
      sessionId: this.sessionId,
      headRevision: full?.head_revision ?? null,
      leaf: path?.graph.leaf_node_id ?? null,
      nodes: (full?.graph.nodes ?? []).map(nodeView),
      activePath: (path?.graph.nodes ?? []).map((n) => n.node_id),
      queue: queue.flatMap((batch) => batch.items.map((item) => ({ batchId: batch.batch_id, kind: item.payload.type, text: describePayload(item.payload) }))),
      processes: processViews,
      toolGeneration: path?.checkpoint?.tool_state?.generation ?? null,
      storage: (await this.#conn.storageReport())!,
      recovery: this.#conn.recovery!,
    };
  }

  async close(): Promise<void> {
    this.#store.close();
    this.#registry.close();
    await this.#conn.close();
  }

  // ---- internals ----

  /** Until the core awaits `whenDurable()` in every write method, the playground does. */
  async #durable<T>(write: Promise<T>): Promise<T> {
    const result = await write;
    await this.#conn.whenDurable();
    return result;
  }

  async #commit(
    nodes: SessionNodeRecord[],
    leaf: string,
    tools?: ToolState,
    extend: (commit: RuntimeCommit) => RuntimeCommit = (c) => c,
  ): Promise<void> {
    const state = { ...this.#state, turn_index: this.#state.turn_index + 1, ...(tools ? { tool_state_snapshot: tools } : {}) };
    const delta = nodes.length > 0 ? graphDelta.append(nodes, leaf) : graphDelta.unchanged(leaf);
    const commit = stampTurnCommit(extend(persistedStateWithGraphCommit(state, delta, [])), `turn-${state.turn_index}`);
    const result = await this.#durable(this.#store.commitRuntimeState(commit));
    this.#state = applyCommitResult(state, result);
    this.#leaf = leaf;
  }

  #message(role: 'User' | 'Assistant', text: string, parent: string | null, toolCall?: { name: string; args: string }): SessionNodeRecord {
    const id = this.#nextId(role === 'User' ? 'user' : 'assistant');
    const parts: Part[] = [{ id: `${id}.p0`, kind: 'Text', content: text, prune_state: 'Intact' }];
    if (toolCall) parts.push({ id: `${id}.p1`, kind: 'ToolCall', content: toolCall.args, tool_name: toolCall.name, tool_call_id: `${toolCall.name}-call`, prune_state: 'Intact' });
    const node: SessionNodeRecord = { node_id: id, timestamp: new Date().toISOString(), kind: 'event', event: { Conversation: { id, role, parts } } };
    if (parent !== null) node.parent_node_id = parent;
    return node;
  }

  /** Readable and unique: a running number, and a random tail so a tombstoned id is never reused. */
  #nextId(prefix: string): string {
    this.#counter += 1;
    return `${prefix}-${this.#counter}-${Math.random().toString(36).slice(2, 6)}`;
  }

  async #measure(label: string, action: () => Promise<string>): Promise<SizeChange> {
    const size = async () => {
      const report = (await this.#conn.storageReport())!;
      return { database: report.databaseBytes, stored: report.imageBytes + report.logBytes };
    };
    const before = await size();
    const detail = await action();
    const after = await size();
    return { label, before: before.database, after: after.database, detail: `${detail} · stored ${bytes(before.stored)} → ${bytes(after.stored)}` };
  }
}

function nodeView(node: SessionNodeRecord): NodeView {
  const parent = node.parent_node_id ?? null;
  if (node.kind === 'event' && 'Conversation' in node.event) {
    const { role, parts } = node.event.Conversation;
    const result = parts.find((p) => p.kind === 'ToolResult');
    if (result) return { id: node.node_id, parent, role: 'Tool', text: result.content, toolName: result.tool_name };
    const call = parts.find((p) => p.kind === 'ToolCall');
    const text = parts.filter((p) => p.kind === 'Text').map((p) => p.content).join('\n');
    return { id: node.node_id, parent, role, text, toolName: call?.tool_name };
  }
  return { id: node.node_id, parent, role: 'Event', text: node.kind === 'event' ? JSON.stringify(node.event) : node.plugin_type };
}

function subtree(nodes: readonly NodeView[], root: string): string[] {
  const children = new Map<string, string[]>();
  for (const node of nodes) if (node.parent !== null) children.set(node.parent, [...(children.get(node.parent) ?? []), node.id]);
  const out: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const id = stack.pop()!;
    out.push(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}

function describePayload(payload: { type: string; [key: string]: unknown }): string {
  if (payload.type === 'turn_input') {
    const input = payload.input as { items: { type: string; text?: string }[] };
    return input.items.map((item) => item.text ?? `[${item.type}]`).join(' ');
  }
  if (payload.type === 'process_wake') {
    const wake = payload.wake as { process_id: string; input: unknown };
    return `wake from ${wake.process_id}: ${typeof wake.input === 'string' ? wake.input : JSON.stringify(wake.input)}`;
  }
  return payload.type;
}

function eventText(payload: unknown): string {
  if (payload && typeof payload === 'object') {
    const p = payload as Record<string, unknown>;
    if (typeof p.line === 'string') return p.line;
    if (typeof p.summary === 'string') return p.summary;
    if (p.await_output) {
      const output = p.await_output as { type: string; value?: { summary?: string } };
      return output.value?.summary ? `${output.type} · ${output.value.summary}` : output.type;
    }
  }
  return JSON.stringify(payload);
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}
