/**
 * `Session`: one agent session, resumed or created by `sessions.session(id)`.
 *
 * A session handle holds what its next commit needs to be safe, and nothing
 * more: the head (revision, config, agent frames, checkpoint refs), the
 * active path (loaded with an `ActivePath` read) and the usage ledger. Every
 * commit is a delta on that — `Append` of the turn's nodes, or `Unchanged`
 * with a new leaf — compare-and-swapped on the loaded revision, so it can
 * never delete nodes it did not load nor overwrite another writer's commit.
 * Reads answer from the handle's view (the last load or commit); `reload()`
 * picks up commits made elsewhere.
 */
import type { Codecs } from '../core/codec/codecs.ts';
import type { QueuedWorkBatch, QueuedWorkClaim, QueuedWorkClaimBoundary, QueuedWorkPayload, DeliveryPolicy, SlotPolicy } from '../core/contract/queue.ts';
import type { ModelSpec, PluginSessionSnapshot, SessionNodeRecord, SessionNodePayload, TokenLedgerEntry, ToolState } from '../core/contract/session-model.ts';
import type { HydratedSessionCheckpoint, PersistedSessionRead, RuntimeCommit, RuntimeCommitResult } from '../core/contract/session-records.ts';
import type { RuntimeSessionState } from '../core/session/turn-commit.ts';
import type { Store } from '../core/stores/session-store.ts';
import { stableJsonSha256Hex } from '../core/codec/canonical-json.ts';
import { InvalidInputError } from '../core/contract/errors.ts';
import { QUEUED_WORK_CLAIM_TTL_MS, claimCompletion } from '../core/contract/queue.ts';
import { SessionGraph } from '../core/contract/session-graph.ts';
import { newQueuedWorkDraft, textTurnInput, turnInputPayload, withSourceKey } from '../core/queue/drafts.ts';
import { applyCommitResult, completingQueueClaims, graphDelta, persistedStateWithGraphCommit, runtimeSessionStateFromRead, turnCommitStamp, withTurnCommit } from '../core/session/turn-commit.ts';
import { snapshotHashToken } from '../core/session/snapshot-digest.ts';
import { mergeTokenLedger } from '../core/session/usage-table.ts';
import {
  SessionConflictError,
  SessionError,
  isRetryable,
  messageOf,
  storeErrorKind,
  storeErrorNumber,
} from './errors.ts';
import { branchesOf, type Branch } from './branches.ts';
import { randomId } from './ids.ts';
import { entryId, entryPayload, messageIndexes, messagesOf, type Message, type TurnEntry } from './messages.ts';
import { addTokenUsage, ledgerEntry, usageOf, usageTotals, type Usage, type UsageInput, type UsageTotals } from './usage.ts';
import { Wakeup, aborted, checkPollInterval } from './wait.ts';

/** The model a session runs; stored with every commit. */
export interface SessionConfig {
  /** `openai`, `anthropic`, … */
  provider: string;
  /** A model id, or a lash `ModelSpec` with its limits. */
  model: string | ModelSpec;
}

/** One turn: what it appends and what it leaves behind. */
export interface Turn {
  /** Identifies the turn: committing it again (a retry after a crash) returns the first result. Default: a new random id. */
  turnId?: string;
  /** Appended in order to the active path: user, assistant, tool-call and tool-result messages, or lash node payloads. */
  messages?: TurnEntry[];
  /** What the turn spent; one entry per model or source. */
  usage?: UsageInput | UsageInput[];
  /** The tool surface after the turn (stored only when given; the previous one stays otherwise). */
  toolState?: ToolState;
  /** The plugins' state after the turn. */
  pluginSnapshot?: PluginSessionSnapshot;
  /** Default: the previous revision + 1 when a snapshot is given. */
  pluginSnapshotRevision?: number;
  /** The agent's execution state (opaque bytes). */
  executionState?: Uint8Array;
  /** Queued work this turn handled: completed in the same transaction as the commit. */
  completes?: QueuedWorkClaim | QueuedWorkClaim[];
}

/** What `commitTurn` returns. */
export interface TurnResult {
  /** The turn's id (generated when not given). */
  turnId: string;
  /** The session's revision after this turn. */
  revision: number;
  /** The messages this turn appended. */
  messages: Message[];
  /** True when the turn had already been committed (by a retry): nothing was written now. */
  replayed: boolean;
}

/** What a `MergeTurn` function is given on a conflict. */
export interface ConflictContext {
  /** The conflict that was caught; the session has been reloaded since. */
  conflict: SessionConflictError;
  /** The reloaded session: its history now has the other writer's turns. */
  session: Session;
  /** 1 for the first retry. */
  attempt: number;
}

/** Returns the turn to commit on top of the reloaded session, or `null`/`undefined` to give up (the conflict is thrown). */
export type MergeTurn = (turn: Turn, context: ConflictContext) => Turn | null | undefined | Promise<Turn | null | undefined>;

/** Options of `commitTurn`. */
export interface CommitOptions {
  /** Opt-in: on a conflict, reload, call this, and commit what it returns. */
  onConflict?: MergeTurn;
  /** Commits tried in all, the first included. Default 5. */
  maxAttempts?: number;
}

/** Keeps both: commits the turn unchanged after the other writer's turns. */
export const appendAfterTheirs: MergeTurn = (turn) => turn;

/** Options of `history` and `nodes`: a page from the end. */
export interface HistoryOptions {
  /** At most this many, the newest (default: all). */
  limit?: number;
  /** Only those before this message (or node) id: the next page back. */
  before?: string;
}


/** The latest checkpoint of a session, as `checkpoint()` reads it. */
export interface Checkpoint {
  /** The checkpoint manifest's blob ref. */
  ref: string;
  /** The turn it was taken after. */
  turnIndex: number;
  /** The tool state, or `null`. */
  toolState: ToolState | null;
  /** The plugin snapshot, or `null`. */
  pluginSnapshot: PluginSessionSnapshot | null;
  /** The plugin snapshot's revision, or `null`. */
  pluginSnapshotRevision: number | null;
  /** The execution state, or `null`. */
  executionState: Uint8Array | null;
  /** The session's running total when it was taken. */
  tokenUsage: Usage;
}

/** Options of `enqueue`. */
export interface EnqueueOptions {
  /** Idempotency key: while a batch with this key is queued, enqueueing again returns it. */
  sourceKey?: string;
  /** When the work may be delivered (default `earliest_safe_boundary`). */
  delivery?: DeliveryPolicy;
  /** Whether it joins other work in one claim (default `join`). */
  slot?: SlotPolicy;
}

/** Options of `claims`. */
export interface ClaimOptions {
  /** Stops the stream. */
  signal?: AbortSignal;
  /** Who holds the claims (default: a random id per stream). */
  ownerId?: string;
  /** Default `idle`. */
  boundary?: QueuedWorkClaimBoundary;
  /** Default 15 minutes. */
  leaseTtlMs?: number;
  /** Batches joined into one claim at most. Default 16. */
  maxBatches?: number;
  /** How often other writers' work is looked for. Default 50 ms; work enqueued through this store wakes the stream at once. */
  pollIntervalMs?: number;
}

/** What a `Session` is built on; made by `Sessions`. */
export interface SessionBinding {
  readonly store: Store;
  /** The database, for messages. */
  readonly location: string;
  readonly codecs: Codecs;
  readonly clock: () => number;
  /** Wakes this session's claim streams when work is enqueued in this process. */
  readonly wakeup: Wakeup;
  /** Called once when the session closes. */
  release(): void | Promise<void>;
}

const DEFAULT_MAX_ATTEMPTS = 5;
const HASH_VERSION = 'lash-session-api/turn/2';

/**
 * One session, by id: commit turns (one compare-and-swap commit each), read history, branch, checkpoint, usage and queued work. Made by `sessions.session(id)`; a stale handle gets a `SessionConflictError`, never overwrites.
 * @example
 * ```ts
 * const { messages, revision } = await chat.commitTurn({
 *   messages: [
 *     { role: 'user', text: 'What is the weather in Lisbon?' },
 *     { role: 'assistant', toolCalls: [{ id: 'call-1', name: 'weather', args: { city: 'Lisbon' } }] },
 *     { role: 'tool', toolCallId: 'call-1', name: 'weather', text: '21°C and sunny' },
 *     { role: 'assistant', text: 'It is 21°C and sunny in Lisbon.' },
 *   ],
 *   usage: { inputTokens: 1200, outputTokens: 80 },
 * });
 * for (const message of await chat.history({ limit: 4 })) console.log(`${message.role}: ${message.text}`);
 * ```
 */
export class Session implements AsyncDisposable {
  /** The session id. */
  readonly id: string;
  /** Where the session's database is: a file path, a sql.js name, or `:memory:`. */
  readonly location: string;
  readonly #binding: SessionBinding;
  readonly #stop = new AbortController();
  #state!: RuntimeSessionState;
  #graph!: SessionGraph;
  #ledger!: TokenLedgerEntry[];
  #closed = false;
  /** The handle's writes (commits, reloads) run one after another: its own calls never conflict with each other. */
  #writes: Promise<unknown> = Promise.resolve();

  /** @internal Made by `sessions.session(id)`. */
  constructor(id: string, binding: SessionBinding, read: PersistedSessionRead) {
    this.id = id;
    this.location = binding.location;
    this.#binding = binding;
    this.#adopt(read);
  }

  /** The revision of the head this handle has loaded or committed (1 after creation). */
  get revision(): number {
    return this.#state.head_revision ?? 0;
  }

  /** The provider and model the next commits record. */
  get config(): {
    /** The provider id. */
    provider: string;
    /** The model. */
    model: ModelSpec;
  } {
    return { provider: this.#state.policy.provider_id, model: structuredClone(this.#state.policy.model) };
  }

  /** The newest node of the active path (`null` before the first message). */
  get leafId(): string | null {
    return this.#graph.leaf_node_id;
  }

  /** The contract store under this session, for everything the session API does not cover. */
  get store(): Store {
    return this.#binding.store;
  }

  /** True once `close()` was called (or the store closed). */
  get closed(): boolean {
    return this.#closed;
  }

  // ---- commits ----------------------------------------------------------------

  /**
   * Commits one turn: its messages appended after the active leaf, its
   * usage recorded, its state snapshots and queued-work completions, all in
   * one compare-and-swap transaction. Throws `SessionConflictError` when
   * another writer committed since this handle loaded (unless `onConflict`
   * is given), `SessionError` `TurnConflict` when the turn id was used for
   * other content, `InvalidInputError` for a malformed turn.
   */
  async commitTurn(turn: Turn, options: CommitOptions = {}): Promise<TurnResult> {
    return this.#commitWithRetry(turn, null, options);
  }

  /** Commits the turn on a new branch after `fromNodeId` (any node of the session) and makes it the active one. */
  async fork(fromNodeId: string, turn: Turn, options: CommitOptions = {}): Promise<TurnResult> {
    requireId(fromNodeId, 'fromNodeId');
    return this.#commitWithRetry(turn, fromNodeId, options);
  }

  /**
   * Moves the active leaf to `nodeId` (time travel: the session continues
   * from there, nothing is deleted). Throws `UnknownNode` for a node not in
   * the session, `SessionConflictError` on a stale handle.
   */
  async switchTo(nodeId: string): Promise<void> {
    this.#open();
    requireId(nodeId, 'nodeId');
    return this.#exclusive(() => this.#switchTo(nodeId));
  }

  async #switchTo(nodeId: string): Promise<void> {
    const path = await this.#pathTo(nodeId);
    const state = this.#state;
    const commit = { ...persistedStateWithGraphCommit(state, graphDelta.unchanged(nodeId)), expected_head_revision: this.revision };
    const result = await this.#commit(commit, null);
    this.#graph = new SessionGraph(path, nodeId);
    this.#state = applyCommitResult({ ...state, session_graph: this.#graph }, result);
  }

  /** Loads the session again (after a `SessionConflictError`, or to see other writers' turns). */
  async reload(): Promise<void> {
    this.#open();
    return this.#exclusive(async () => this.#adopt(await this.#read(null)));
  }

  /** Runs `body` after the handle's earlier writes have settled. */
  #exclusive<T>(body: () => Promise<T>): Promise<T> {
    const run = this.#writes.then(body, body);
    this.#writes = run.catch(() => undefined);
    return run;
  }

  async #commitWithRetry(turn: Turn, fromNodeId: string | null, options: CommitOptions): Promise<TurnResult> {
    this.#open();
    const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) throw new InvalidInputError(`maxAttempts: expected an integer >= 1 (got ${maxAttempts})`);
    // One id for every attempt, so an attempt that did commit is recognised by the next.
    let fallbackTurnId: string | undefined;
    let current = turn;
    for (let attempt = 1; ; attempt++) {
      try {
        const turnId = current?.turnId ?? (fallbackTurnId ??= randomId('turn'));
        return await this.#exclusive(() => this.#commitTurnOnce(current, turnId, fromNodeId));
      } catch (error) {
        if (!(error instanceof SessionConflictError) || options.onConflict === undefined || attempt >= maxAttempts) throw error;
        await this.reload();
        const merged = await options.onConflict(current, { conflict: error, session: this, attempt });
        if (merged === null || merged === undefined) throw error;
        current = merged;
      }
    }
  }

  async #commitTurnOnce(turn: Turn, turnId: string, fromNodeId: string | null): Promise<TurnResult> {
    checkTurn(turn, turnId);
    const base = fromNodeId === null ? null : await this.#pathTo(fromNodeId);
    const state = this.#state;
    const parent = fromNodeId ?? this.#graph.leaf_node_id;
    const timestamp = new Date(this.#binding.clock()).toISOString();

    const entries = turn.messages ?? [];
    const payloads: SessionNodePayload[] = [];
    const nodes: SessionNodeRecord[] = [];
    let previous = parent;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      const nodeId = entryId(entry) ?? `${turnId}.${i}`;
      const payload = entryPayload(entry, nodeId, `turn.messages[${i}]`);
      payloads.push(payload);
      const node = (previous === null
        ? { node_id: nodeId, timestamp, ...payload }
        : { node_id: nodeId, parent_node_id: previous, timestamp, ...payload }) as SessionNodeRecord;
      nodes.push(node);
      previous = nodeId;
    }
    const usages = turn.usage === undefined ? [] : Array.isArray(turn.usage) ? turn.usage : [turn.usage];
    const usageDeltas = usages.map((usage, i) => ledgerEntry(usage, state.policy.model.id, usages.length === 1 ? 'turn.usage' : `turn.usage[${i}]`));
    const claims = turn.completes === undefined ? [] : Array.isArray(turn.completes) ? turn.completes : [turn.completes];
    const completions = claims.map((claim) => claimCompletion(claim));

    let tokenUsage = state.token_usage;
    for (const delta of usageDeltas) tokenUsage = addTokenUsage(tokenUsage, delta.usage);
    const next: RuntimeSessionState = {
      ...state,
      turn_index: state.turn_index + 1,
      token_usage: tokenUsage,
      tool_state_snapshot: turn.toolState ?? null,
      plugin_snapshot: turn.pluginSnapshot ?? null,
      plugin_snapshot_revision:
        turn.pluginSnapshot === undefined ? (state.plugin_snapshot_revision ?? null) : (turn.pluginSnapshotRevision ?? (state.plugin_snapshot_revision ?? 0) + 1),
      execution_state_snapshot: turn.executionState ?? null,
    };
    const delta = nodes.length === 0 ? graphDelta.unchanged(parent) : graphDelta.append(nodes, previous);
    let commit = persistedStateWithGraphCommit(next, delta, usageDeltas);
    commit.expected_head_revision = this.revision;
    if (completions.length > 0) commit = completingQueueClaims(commit, completions);
    // The stamp's hash covers what the caller gave for this turn, not the state it lands on,
    // so a retry after a reload (another base revision) is still recognised as the same turn.
    const codecs = this.#binding.codecs;
    const hash = stableJsonSha256Hex(codecs, {
      v: HASH_VERSION,
      entries: payloads,
      usage: usageDeltas,
      // Snapshots by their content refs, computed once and reused as the blob keys by the commit below.
      tool_state: snapshotToken(codecs, turn.toolState, 'turn.toolState'),
      plugin_snapshot: snapshotToken(codecs, turn.pluginSnapshot, 'turn.pluginSnapshot'),
      plugin_snapshot_revision: turn.pluginSnapshotRevision ?? null,
      execution_state: snapshotToken(codecs, turn.executionState, 'turn.executionState'),
      completes: completions.map((completion) => completion.claim_id),
      from: fromNodeId,
    });
    commit = withTurnCommit(commit, turnCommitStamp(this.id, turnId, hash));

    const expected = this.revision;
    const result = await this.#commit(commit, turnId);
    const messages = messagesOf(nodes);
    if (result.head_revision !== expected + 1) {
      // The store returned an earlier commit of this turn: the handle is behind it.
      this.#adopt(await this.#read(null));
      return { turnId, revision: result.head_revision, messages, replayed: true };
    }
    if (base !== null) this.#graph = new SessionGraph([...base, ...nodes], previous);
    else if (nodes.length > 0) this.#graph.extendActivePath(nodes);
    this.#state = applyCommitResult({ ...next, session_graph: this.#graph }, result);
    if (usageDeltas.length > 0) this.#ledger = mergeTokenLedger([...this.#ledger, ...usageDeltas]);
    return { turnId, revision: result.head_revision, messages, replayed: false };
  }

  /** Commits through the store, turning its errors into session errors that say what to do. */
  async #commit(commit: RuntimeCommit, turnId: string | null): Promise<RuntimeCommitResult> {
    try {
      return await this.#binding.store.commitRuntimeState(commit);
    } catch (error) {
      throw await this.#translate(error, commit.expected_head_revision ?? 0, turnId);
    }
  }

  async #translate(error: unknown, expected: number, turnId: string | null): Promise<Error> {
    const where = `session \`${this.id}\` in ${this.location}`;
    const options = { sessionId: this.id, location: this.location, cause: error };
    switch (storeErrorKind(error)) {
      case 'HeadRevisionConflict': {
        const actual = storeErrorNumber(error, 'actual') ?? (await this.#binding.store.loadSessionHeadMeta().catch(() => null))?.head_revision ?? -1;
        return new SessionConflictError(this.id, this.location, expected, actual, error);
      }
      case 'RuntimeTurnCommitConflict':
        return new SessionError(
          'TurnConflict',
          `turn \`${turnId}\` of ${where} was already committed with other content. Nothing was written: give each new turn its own turnId, or leave turnId out to have one generated.`,
          options,
        );
      case 'SessionBindingMismatch':
        return wrongSession(this.location, (error as { detail?: { bound_session_id?: string } }).detail?.bound_session_id ?? '?', this.id, error);
      case 'QueuedWorkClaimExpired':
        return new SessionError(
          'Failed',
          `${where}: a queued-work claim this turn completes is no longer held (it expired and was claimed again, or was completed or cancelled). Nothing was written: claim the work again and commit the turn with the new claim.`,
          options,
        );
      case 'InvalidInput':
        return new InvalidInputError(`${where}: ${messageOf(error)}`, { cause: error });
      default:
        if (error instanceof InvalidInputError) return error;
        if (messageOf(error).includes('graph_nodes.node_id')) {
          return new SessionError('Failed', `${where}: a message id of this turn is already in the session. Nothing was written: give new messages new ids, or leave id out.`, options);
        }
        return new SessionError('Failed', `${where}: ${messageOf(error)}`, { ...options, retryable: isRetryable(error) });
    }
  }

  // ---- reads --------------------------------------------------------------------

  /** The messages of the active path, oldest first; `{ limit, before }` pages back from the end. */
  async history(options: HistoryOptions = {}): Promise<Message[]> {
    this.#open();
    const path = this.#graph.activePathNodes();
    const picked = this.#page(messageIndexes(path), path, options);
    return messagesOf(picked);
  }

  /** The raw nodes of the active path (lash `SessionNodeRecord`s, copies), paged like `history`. */
  async nodes(options: HistoryOptions = {}): Promise<SessionNodeRecord[]> {
    this.#open();
    const path = this.#graph.activePathNodes();
    return structuredClone(this.#page(path.map((_, i) => i), path, options));
  }

  /** Every branch of the session (one per leaf, and the active position when it is not a leaf). Reads the whole graph. */
  async branches(): Promise<Branch[]> {
    this.#open();
    const read = await this.#storeCall(() => this.#binding.store.loadSession({ kind: 'FullGraph' }));
    if (read === null) return [];
    return branchesOf(read.graph.nodes, this.#graph.leaf_node_id, this.#graph.activePathNodes());
  }

  /** The latest checkpoint (tool state, plugin snapshot, execution state), read from the store; `null` before the first. */
  async checkpoint(): Promise<Checkpoint | null> {
    this.#open();
    const ref = this.#state.checkpoint_ref ?? null;
    if (ref === null) return null;
    const checkpoint = await this.#storeCall(() => this.#binding.store.getCheckpoint(ref));
    if (checkpoint === null) return null;
    return {
      ref,
      turnIndex: checkpoint.turn_state.turn_index,
      toolState: checkpoint.tool_state,
      pluginSnapshot: checkpoint.plugin_snapshot,
      pluginSnapshotRevision: checkpoint.plugin_snapshot_revision,
      executionState: checkpoint.execution_state,
      tokenUsage: usageOf(checkpoint.turn_state.token_usage),
    };
  }

  /** Token usage: the session's total and per `(source, model)`. */
  async usage(): Promise<UsageTotals> {
    this.#open();
    return usageTotals(this.#ledger);
  }

  // ---- queued work --------------------------------------------------------------

  /**
   * Queues work for this session: a user message (text) or lash payloads.
   * Default delivery `after_current_turn_commit`, slot `join` (queued
   * messages are taken together).
   */
  async enqueue(work: string | QueuedWorkPayload | QueuedWorkPayload[], options: EnqueueOptions = {}): Promise<QueuedWorkBatch> {
    this.#open();
    const payloads = typeof work === 'string' ? [turnInputPayload(textTurnInput(work))] : Array.isArray(work) ? work : [work];
    let draft = newQueuedWorkDraft(this.id, options.delivery ?? 'after_current_turn_commit', options.slot ?? 'join', payloads);
    if (options.sourceKey !== undefined) draft = withSourceKey(draft, options.sourceKey);
    const batch = await this.#storeCall(() => this.#binding.store.enqueueQueuedWork(draft));
    this.#binding.wakeup.notify();
    return batch;
  }

  /**
   * Claims of this session's queued work, as it becomes ready, for
   * `for await`. Complete a claim by committing the turn that handled it
   * with `completes: claim`; one that is not completed before its lease
   * ends is offered again. Ends when `signal` fires or the session closes.
   */
  async *claims(options: ClaimOptions = {}): AsyncGenerator<QueuedWorkClaim, void, undefined> {
    this.#open();
    const ownerId = options.ownerId ?? randomId('owner');
    const boundary = options.boundary ?? 'idle';
    const leaseTtlMs = options.leaseTtlMs ?? QUEUED_WORK_CLAIM_TTL_MS;
    const maxBatches = options.maxBatches ?? 16;
    const pollMs = checkPollInterval(options.pollIntervalMs, 50);
    const signals = [options.signal, this.#stop.signal];
    while (!aborted(signals)) {
      const claim = await this.#storeCall(() =>
        this.#binding.store.claimReadyQueuedWork(this.id, ownerId, boundary, leaseTtlMs, maxBatches),
      );
      if (claim !== null) yield claim;
      else await this.#binding.wakeup.wait(pollMs, signals);
    }
  }

  // ---- lifecycle ----------------------------------------------------------------

  /** Ends this handle's streams and lets go of its database (the store closes it once no handle uses it). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stop.abort();
    await this.#binding.release();
  }

  /** Closes the handle (`await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---- internals ----------------------------------------------------------------

  #adopt(read: PersistedSessionRead): void {
    // Snapshots are dropped: the checkpoint keeps them by ref, so commits carry refs only.
    // They are left out before the state is built, so their values are never decoded.
    const state = runtimeSessionStateFromRead({ ...read, checkpoint: refsOnly(read.checkpoint) }, this.#state?.policy);
    this.#state = { ...state, tool_state_snapshot: null, plugin_snapshot: null, execution_state_snapshot: null };
    this.#graph = state.session_graph as SessionGraph;
    this.#ledger = read.token_ledger;
  }

  /** Sets the provider and model the next commits record (a model switch). */
  setConfig(config: SessionConfig): void {
    this.#open();
    this.#state = { ...this.#state, policy: { ...this.#state.policy, ...policyOf(config) } };
  }

  async #read(leaf: string | null): Promise<PersistedSessionRead> {
    const read = await this.#storeCall(() => this.#binding.store.loadSession({ kind: 'ActivePath', leaf_node_id: leaf }));
    if (read === null) {
      throw new SessionError('NotFound', `session \`${this.id}\` is no longer in ${this.location} (it was deleted): open it again to create it anew.`, {
        sessionId: this.id,
        location: this.location,
      });
    }
    if (read.session_id !== this.id) throw wrongSession(this.location, read.session_id, this.id);
    return read;
  }

  /** The path from the root to `nodeId`: from the active path when it is on it, else read from the store. */
  async #pathTo(nodeId: string): Promise<SessionNodeRecord[]> {
    const active = this.#graph.activePathNodes();
    const index = active.findIndex((node) => node.node_id === nodeId);
    if (index >= 0) return active.slice(0, index + 1);
    const read = await this.#read(nodeId);
    const nodes = read.graph.nodes;
    if (nodes.length === 0 || nodes[nodes.length - 1]!.node_id !== nodeId) {
      throw new SessionError('UnknownNode', `node \`${nodeId}\` is not in session \`${this.id}\` (${this.location}), or was deleted: session.branches() lists the branches and their nodes.`, {
        sessionId: this.id,
        location: this.location,
      });
    }
    return [...nodes];
  }

  #page(indexes: number[], path: readonly SessionNodeRecord[], options: HistoryOptions): SessionNodeRecord[] {
    const { limit, before } = options;
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) throw new InvalidInputError(`limit: expected a non-negative integer (got ${limit})`);
    let end = indexes.length;
    if (before !== undefined) {
      end = indexes.findIndex((i) => path[i]!.node_id === before);
      if (end < 0) {
        throw new SessionError('UnknownNode', `\`${before}\` is not on the active path of session \`${this.id}\` (${this.location}): page with an id from the page before.`, {
          sessionId: this.id,
          location: this.location,
        });
      }
    }
    const start = limit === undefined ? 0 : Math.max(0, end - limit);
    return indexes.slice(start, end).map((i) => path[i]!);
  }

  /** A store call whose error names the session and the database. */
  async #storeCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw await this.#translate(error, this.revision, null);
    }
  }

  #open(): void {
    if (this.#closed) {
      throw new SessionError('Closed', `session \`${this.id}\` (${this.location}) is closed: open it again with sessions.session(id).`, {
        sessionId: this.id,
        location: this.location,
      });
    }
  }
}

/** The contract policy of a session config. */
export function policyOf(config: SessionConfig): { provider_id: string; model: ModelSpec } {
  if (typeof config !== 'object' || config === null) throw new InvalidInputError('config: expected { provider, model }');
  if (typeof config.provider !== 'string') throw new InvalidInputError('config.provider: expected a string');
  const model = typeof config.model === 'string' ? { id: config.model, limits: { context_window_tokens: 1 } } : config.model;
  if (typeof model !== 'object' || model === null || typeof model.id !== 'string') {
    throw new InvalidInputError('config.model: expected a model id or a ModelSpec { id, limits }');
  }
  return { provider_id: config.provider, model: structuredClone(model) };
}

export function wrongSession(location: string, bound: string, wanted: string, cause?: unknown): SessionError {
  return new SessionError(
    'WrongSession',
    `${location} holds session \`${bound}\`, not \`${wanted}\`: a database file holds one session. Open \`${wanted}\` in its own file, or open a folder (openSessions({ dir })) to keep one file per session.`,
    { sessionId: wanted, location, cause },
  );
}

/** The checkpoint with its snapshot values left out (and so not decoded); refs and turn state kept. */
function refsOnly(checkpoint: HydratedSessionCheckpoint | null): HydratedSessionCheckpoint | null {
  if (checkpoint === null) return null;
  return {
    turn_state: checkpoint.turn_state,
    tool_state_ref: checkpoint.tool_state_ref,
    tool_state: null,
    plugin_snapshot_ref: checkpoint.plugin_snapshot_ref,
    plugin_snapshot: null,
    plugin_snapshot_revision: checkpoint.plugin_snapshot_revision,
    execution_state_ref: checkpoint.execution_state_ref,
    execution_state: null,
  };
}

function checkTurn(turn: Turn, turnId: string): void {
  if (typeof turn !== 'object' || turn === null) throw new InvalidInputError('turn: expected an object');
  requireId(turnId, 'turn.turnId');
  if (turn.messages !== undefined && !Array.isArray(turn.messages)) throw new InvalidInputError('turn.messages: expected an array');
  if (turn.executionState !== undefined && !(turn.executionState instanceof Uint8Array)) {
    throw new InvalidInputError('turn.executionState: expected a Uint8Array');
  }
  for (const key of ['toolState', 'pluginSnapshot'] as const) {
    const value = turn[key];
    if (value !== undefined && (typeof value !== 'object' || value === null)) throw new InvalidInputError(`turn.${key}: expected an object`);
  }
}

/** A snapshot's hash token; a value that cannot be encoded is bad input (the store's checks say more). */
function snapshotToken(codecs: Codecs, value: object | undefined, path: string): string | null {
  try {
    return snapshotHashToken(codecs, value);
  } catch (error) {
    throw new InvalidInputError(`${path}: ${messageOf(error)}`, { cause: error });
  }
}

function requireId(value: unknown, path: string): asserts value is string {
  if (typeof value !== 'string' || value === '') throw new InvalidInputError(`${path}: expected a non-empty string`);
}



/** The text items of the turn inputs a claim holds, in queue order (what `session.enqueue(text)` queued). */
export function claimTexts(claim: QueuedWorkClaim): string[] {
  const texts: string[] = [];
  for (const batch of claim.batches) {
    for (const item of batch.items) {
      if (item.payload.type !== 'turn_input') continue;
      for (const input of item.payload.input.items) if (input.type === 'text') texts.push(input.text);
    }
  }
  return texts;
}
