/**
 * `LashCheckpointSaver`: a LangGraph.js checkpointer on any
 * `SqliteConnection` (node:sqlite, sql.js in a browser, a Durable Object).
 *
 * A checkpoint row holds the checkpoint without its channel values and a
 * channel map naming each value by content (`entries.ts`): a value a turn
 * did not change is never written again, a messages list grows by its new
 * messages only, and a fork from an earlier checkpoint writes new content
 * next to the old instead of over it, so every earlier checkpoint reads as
 * before. Values are serialized by LangGraph's serde (`this.serde`), stored
 * in the package's blob envelope under their SHA-256 and checked on read.
 *
 * Each method does its database work in one synchronous transaction; the
 * serde's asynchronous work happens before (writes) or after (reads) it.
 */
import {
  BaseCheckpointSaver,
  TASKS,
  WRITES_IDX_MAP,
  getCheckpointId,
  maxChannelVersion,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  type DeltaChannelHistory,
  type PendingWrite,
  type SerializerProtocol,
} from '@langchain/langgraph-checkpoint';
import type { RunnableConfig } from '@langchain/core/runnables';
import { isBlobProfile, type BuiltinBlobProfile } from '../../core/blobs/profile.ts';
import { portableCodecs, type Codecs } from '../../core/codec/codecs.ts';
import { InvalidInputError, StoreError } from '../../core/contract/errors.ts';
import { readTransaction, rollback, writeTransaction } from '../../core/driver/transaction.ts';
import type { SqliteConnection } from '../../core/driver/types.ts';
import { silentLogger, type Logger } from '../../core/logger.ts';
import { ensureComponentSchema } from '../../core/schema/versions.ts';
import { identifierProblem } from '../../core/validation.ts';
import { blobExists, insertBlob, storedForm } from './blobs.ts';
import { SaverCaches, memoKey } from './caches.ts';
import {
  decodeChannelMap,
  decodeEntry,
  encodeChannelMap,
  encodeEntry,
  type ChannelMap,
  type ChannelVersion,
  type ValueEntry,
} from './entries.ts';
import {
  deleteThreadRows,
  ensureThreadKey,
  insertVersion,
  insertWrite,
  readEpoch,
  selectChannels,
  selectCheckpoint,
  selectCheckpoints,
  selectWrites,
  threadKeyOf,
  upsertCheckpoint,
  versionStored,
  type CheckpointRow,
} from './rows.ts';
import { LANGGRAPH_SCHEMA } from './schema.ts';
import { ValueReader, type Resolved } from './value-reader.ts';
import { ValueWriter } from './value-writer.ts';

/** Options of `LashCheckpointSaver`. */
export interface LashCheckpointSaverOptions {
  /** LangGraph's serializer; default `JsonPlusSerializer`, as every LangGraph saver. */
  serde?: SerializerProtocol;
  /**
   * When values are compressed: `Balanced` (≥ 4 KiB, the default for files),
   * `Compact` (≥ 1 KiB), `LowLatency` (never; the default in memory).
   */
  blobProfile?: BuiltinBlobProfile;
  /** Hashing and zlib; default the connection's own (`node:crypto` on node:sqlite) or the portable ones. */
  codecs?: Codecs;
  /** Where corrupt rows are reported (default: `console`). */
  logger?: Logger;
  /**
   * Channel values are not mutated in place once checkpointed — LangGraph's
   * own rule: nodes return updates. The saver then reuses what it knows
   * about an object it already stored or read (its serialization, its
   * decoded form), which is what keeps a turn's cost flat as a thread
   * grows. Set `false` if your nodes mutate state objects in place: every
   * value is then serialized at every put and decoded afresh at every read.
   * Default `true`.
   */
  immutableValues?: boolean;
  /** Budget of the decoded-value cache, in serialized bytes. Default 64 MiB; 0 turns the caches off. */
  cacheMaxBytes?: number;
}

const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;
/** A write that keeps losing to deletions by other connections gives up after this many tries. */
const MAX_WRITE_ATTEMPTS = 5;

interface CheckpointKey {
  threadId: string;
  ns: string;
}

/** What `getDeltaChannelHistory` found for one channel, before decoding. */
interface ChannelHistory {
  seed?: Resolved;
  /** Newest first. */
  writes: Array<[string, string, Resolved]>;
}

interface AncestorWalk {
  readonly reader: ValueReader;
  readonly history: Map<string, ChannelHistory>;
}

/** A tuple after its database phase. */
interface ResolvedTuple {
  readonly row: CheckpointRow;
  readonly reader: ValueReader;
  readonly values: Map<string, Resolved>;
  readonly writes: Array<[string, string, Resolved]>;
  /** Pending sends of the parent, for checkpoints older than format 4. */
  readonly sends: Resolved[] | null;
}

/**
 * A LangGraph.js checkpointer (`BaseCheckpointSaver`) on any `SqliteConnection`: node:sqlite, sql.js (browsers too) or a Durable Object. Channel values are stored by content and message lists as trees, so a turn costs the same at turn 1,000 as at turn 1.
 * @example
 * ```ts
 * import { LashCheckpointSaver } from 'lash-sqlite-store/langgraph';
 * import { openNodeSqlite } from 'lash-sqlite-store/node';
 *
 * const graph = workflow.compile({ checkpointer: new LashCheckpointSaver(openNodeSqlite('./agent.db')) });
 * await graph.invoke(input, { configurable: { thread_id: 'thread-1' } });
 * ```
 */
export class LashCheckpointSaver extends BaseCheckpointSaver {
  readonly #conn: SqliteConnection;
  readonly #codecs: Codecs;
  readonly #logger: Logger;
  readonly #profile: BuiltinBlobProfile;
  readonly #caches: SaverCaches;

  /**
   * Creates the `langgraph` tables in an empty database and checks their
   * version otherwise (`SchemaVersionError`, nothing changed). The saver
   * never closes `connection`.
   */
  constructor(connection: SqliteConnection, options: LashCheckpointSaverOptions = {}) {
    super(options.serde);
    if (options.blobProfile !== undefined && !isBlobProfile(options.blobProfile)) {
      throw new InvalidInputError(`blobProfile must be LowLatency, Balanced or Compact (got ${String(options.blobProfile)})`);
    }
    const cacheBytes = options.cacheMaxBytes ?? DEFAULT_CACHE_BYTES;
    if (!Number.isSafeInteger(cacheBytes) || cacheBytes < 0) {
      throw new InvalidInputError(`cacheMaxBytes must be a non-negative integer (got ${String(options.cacheMaxBytes)})`);
    }
    this.#conn = connection;
    this.#codecs = options.codecs ?? connection.codecs ?? portableCodecs;
    this.#logger = options.logger ?? silentLogger;
    this.#profile = options.blobProfile ?? (connection.info.memory ? 'LowLatency' : 'Balanced');
    ensureComponentSchema(connection, LANGGRAPH_SCHEMA);
    this.#caches = new SaverCaches(options.immutableValues ?? true, cacheBytes, readEpoch(connection));
  }

  /** The connection this saver stores into. */
  get connection(): SqliteConnection {
    return this.#conn;
  }

  // ---- reads -------------------------------------------------------------------

  /** The checkpoint `config` names (the latest of its thread and namespace when it names no checkpoint id), with its pending writes; `undefined` when there is none. */
  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const threadId = config.configurable?.thread_id;
    if (threadId === undefined) return undefined;
    const key = checkpointKey(config, 'read');
    const checkpointId = optionalId(getCheckpointId(config), 'checkpoint_id');
    const resolved = this.#read(() => {
      const threadKey = threadKeyOf(this.#conn, key.threadId);
      const row = threadKey === undefined ? undefined : selectCheckpoint(this.#conn, threadKey, key.ns, checkpointId);
      return row === undefined ? undefined : this.#resolveTuple(row);
    });
    return resolved === undefined ? undefined : this.#materializeTuple(resolved);
  }

  /** The checkpoints of `config`'s thread, newest first, filtered by `options` (`before`, `limit`, `filter` on metadata). */
  async *list(config: RunnableConfig, options: CheckpointListOptions = {}): AsyncGenerator<CheckpointTuple> {
    const configurable = config.configurable ?? {};
    const query = {
      threadId: configurable.thread_id === undefined ? undefined : expectId(configurable.thread_id, 'thread_id'),
      ns: configurable.checkpoint_ns === undefined ? undefined : expectId(configurable.checkpoint_ns, 'checkpoint_ns', true),
      checkpointId: optionalId(configurable.checkpoint_id, 'checkpoint_id'),
      before: optionalId(options.before?.configurable?.checkpoint_id, 'before.checkpoint_id'),
    };
    const filter = Object.entries(options.filter ?? {}).filter(([, value]) => value !== undefined);
    let remaining = options.limit;
    const rows = this.#read(() => selectCheckpoints(this.#conn, query));
    for (const row of rows) {
      if (remaining !== undefined && remaining <= 0) return;
      if (filter.length > 0) {
        const metadata = (await this.serde.loadsTyped(row.metadata_type, row.metadata)) as Record<string, unknown>;
        if (!filter.every(([name, value]) => sameJson(metadata?.[name], value))) continue;
      }
      const resolved = this.#read(() => {
        const current = selectCheckpoint(this.#conn, row.thread_key, row.checkpoint_ns, row.checkpoint_id);
        return current === undefined || current.thread_id !== row.thread_id ? undefined : this.#resolveTuple(current);
      });
      if (resolved === undefined) continue; // deleted since the listing began
      if (remaining !== undefined) remaining -= 1;
      yield await this.#materializeTuple(resolved);
    }
  }

  /**
   * The ancestor walk that rebuilds `DeltaChannel` state, reading only the
   * requested channels (the inherited walk would decode every ancestor's
   * whole state).
   */
  override async getDeltaChannelHistory(options: {
    config: RunnableConfig;
    channels: string[];
  }): Promise<Record<string, DeltaChannelHistory>> {
    const { config, channels } = options;
    if (channels.length === 0) return {};
    const walked = config.configurable?.thread_id === undefined ? undefined : this.#read(() => this.#walkAncestors(config, channels));
    const out: Record<string, DeltaChannelHistory> = {};
    for (const channel of channels) {
      const found = walked?.history.get(channel);
      if (walked === undefined || found === undefined) {
        out[channel] = { writes: [] };
        continue;
      }
      const { reader } = walked;
      const writes = await Promise.all(
        found.writes.reverse().map(async ([taskId, ch, value]): Promise<CheckpointPendingWrite> => [taskId, ch, await reader.materialize(value)]),
      );
      out[channel] = found.seed === undefined ? { writes } : { seed: await reader.materialize(found.seed), writes };
    }
    return out;
  }

  // ---- writes ------------------------------------------------------------------

  /** Stores a checkpoint and its metadata; returns the config that names it. */
  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    if (config.configurable === undefined) throw new InvalidInputError('Failed to put checkpoint: config.configurable is missing.');
    const key = checkpointKey(config, 'put checkpoint');
    const parentId = optionalId(config.configurable.checkpoint_id, 'checkpoint_id');
    const checkpointId = expectId(checkpoint?.id, 'checkpoint.id');
    const { channel_values: values = {}, ...body } = checkpoint;
    newVersions ??= {};
    const versions: Record<string, ChannelVersion> = { ...newVersions, ...(checkpoint.channel_versions ?? {}) };
    await this.#write(key.threadId, (writer, threadKey) => {
      const parent = parentId === undefined || threadKey === undefined ? undefined : this.#parentChannels(key, threadKey, parentId);
      const slots: Array<Promise<[string, ChannelVersion, ValueEntry, boolean]> | [string, ChannelVersion, ValueEntry, boolean]> = [];
      for (const [channel, version] of Object.entries(versions)) {
        const hasValue = Object.prototype.hasOwnProperty.call(values, channel);
        const value = (values as Record<string, unknown>)[channel];
        if (Object.prototype.hasOwnProperty.call(newVersions, channel)) {
          if (hasValue) slots.push(writer.encode(value, memoKey(key.threadId, key.ns, channel)).then((entry) => [channel, version, entry, true]));
          continue;
        }
        const inherited = parent?.get(channel);
        if (inherited !== undefined && inherited.version === version) {
          slots.push([channel, version, inherited.entry, false]);
        } else if (hasValue && threadKey !== undefined && versionStored(this.#conn, threadKey, key.ns, channel, version)) {
          // Unchanged, yet not what the parent holds (a `__copy__` fork): keep the value given.
          slots.push(writer.encode(value, memoKey(key.threadId, key.ns, channel)).then((entry) => [channel, version, entry, false]));
        }
      }
      const serialized = Promise.all([this.serde.dumpsTyped(body), this.serde.dumpsTyped(metadata), Promise.all(slots)]);
      return serialized.then(([[bodyType, bodyBytes], [metadataType, metadataBytes], resolvedSlots]) => {
        const map: ChannelMap = new Map();
        for (const [channel, version, entry] of resolvedSlots) map.set(channel, { version, entry });
        const channels = encodeChannelMap(map);
        return (threadKey: number) => {
          upsertCheckpoint(this.#conn, {
            thread_key: threadKey,
            checkpoint_ns: key.ns,
            checkpoint_id: checkpointId,
            parent_checkpoint_id: parentId ?? null,
            checkpoint_v: Number.isSafeInteger(checkpoint.v) ? checkpoint.v : 0,
            checkpoint_type: bodyType,
            checkpoint: bodyBytes,
            metadata_type: metadataType,
            metadata: metadataBytes,
            channels,
          });
          for (const [channel, version, , isNew] of resolvedSlots) {
            if (isNew) insertVersion(this.#conn, threadKey, key.ns, channel, version);
          }
        };
      });
    });
    return { configurable: { thread_id: key.threadId, checkpoint_ns: key.ns, checkpoint_id: checkpointId } };
  }

  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath?: string): Promise<void> {
    if (config.configurable === undefined) throw new InvalidInputError('Failed to put writes: config.configurable is missing.');
    const key = checkpointKey(config, 'put writes');
    const checkpointId = config.configurable.checkpoint_id;
    if (checkpointId === undefined) {
      throw new InvalidInputError('Failed to put writes: config.configurable is missing a required "checkpoint_id" field.');
    }
    expectId(checkpointId, 'checkpoint_id');
    expectId(taskId, 'taskId');
    const path = taskPath === undefined ? '' : expectId(taskPath, 'taskPath', true);
    if (!Array.isArray(writes)) throw new InvalidInputError('writes must be an array of [channel, value] pairs');
    const channels = writes.map(([channel]) => expectId(channel, 'write channel'));
    await this.#write(key.threadId, (writer) =>
      Promise.all(writes.map(([, value]) => writer.encode(value))).then((entries) => (threadKey: number) => {
        entries.forEach((entry, i) => {
          insertWrite(this.#conn, {
            thread_key: threadKey,
            checkpoint_ns: key.ns,
            checkpoint_id: checkpointId,
            task_id: taskId,
            idx: WRITES_IDX_MAP[channels[i]!] ?? i,
            channel: channels[i]!,
            task_path: path,
            value: encodeEntry(entry),
          });
        });
      }),
    );
  }

  async deleteThread(threadId: string): Promise<void> {
    const id = expectId(threadId, 'threadId');
    writeTransaction(this.#conn, () => {
      deleteThreadRows(this.#conn, id);
      this.#caches.adopt(readEpoch(this.#conn));
    });
    await this.#conn.whenDurable?.();
  }

  // ---- internals -------------------------------------------------------------------

  /**
   * One write: `prepare` starts serializing synchronously and resolves to
   * the row writes; the blobs it needs are enveloped outside the lock, then
   * everything is written in one transaction. A deletion committed since the
   * caches were last checked (another connection's `deleteThread`) may have
   * removed blobs they name, so the write then starts over with fresh caches.
   */
  async #write(
    threadId: string,
    prepare: (writer: ValueWriter, threadKey: number | undefined) => Promise<(threadKey: number) => void>,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const [epoch, known] = this.#read(() => [this.#caches.epoch, threadKeyOf(this.#conn, threadId)] as const);
      const writer = new ValueWriter(this.serde, this.#codecs, this.#caches, threadId);
      const writeRows = await prepare(writer, known);
      const blobs: Array<[string, Uint8Array]> = [];
      for (const blob of writer.blobs.values()) {
        if (known === undefined || !blobExists(this.#conn, known, blob.hash)) {
          blobs.push([blob.hash, storedForm(this.#codecs, this.#profile, blob)]);
        }
      }
      const committed = writeTransaction(this.#conn, () => {
        if (readEpoch(this.#conn) !== epoch) return rollback(false);
        const threadKey = ensureThreadKey(this.#conn, threadId);
        for (const [hash, stored] of blobs) insertBlob(this.#conn, threadKey, hash, stored);
        writeRows(threadKey);
        return true;
      });
      if (committed && this.#caches.epoch === epoch) writer.commit();
      if (committed) {
        await this.#conn.whenDurable?.();
        return;
      }
      if (attempt >= MAX_WRITE_ATTEMPTS) {
        throw StoreError.backend(`langgraph write to thread ${threadId} lost to concurrent deletions ${attempt} times`);
      }
    }
  }

  #parentChannels(key: CheckpointKey, threadKey: number, parentId: string): ChannelMap | undefined {
    const bytes = selectChannels(this.#conn, threadKey, key.ns, parentId);
    if (bytes === undefined) return undefined;
    try {
      return decodeChannelMap(bytes);
    } catch (error) {
      throw this.#corrupt(key.threadId, parentId, error);
    }
  }

  /**
   * Database phase of `getDeltaChannelHistory`: from the parent of the
   * checkpoint up, each ancestor's writes to the requested channels (newest
   * first) until a channel meets an ancestor that holds a value for it (its
   * seed).
   */
  #walkAncestors(config: RunnableConfig, channels: readonly string[]): AncestorWalk | undefined {
    const key = checkpointKey(config, 'read');
    const threadKey = threadKeyOf(this.#conn, key.threadId);
    if (threadKey === undefined) return undefined;
    const reader = this.#reader(key.threadId, threadKey);
    const history = new Map(channels.map((channel) => [channel, { writes: [] } as ChannelHistory]));
    const remaining = new Set(channels);
    const start = selectCheckpoint(this.#conn, threadKey, key.ns, optionalId(getCheckpointId(config), 'checkpoint_id'));
    const visited = new Set<string>();
    for (let current = start?.parent_checkpoint_id ?? null; current !== null && remaining.size > 0 && !visited.has(current); ) {
      visited.add(current);
      const row = selectCheckpoint(this.#conn, threadKey, key.ns, current);
      if (row === undefined) break;
      const writes = selectWrites(this.#conn, threadKey, key.ns, current);
      for (let i = writes.length - 1; i >= 0; i--) {
        const write = writes[i]!;
        if (remaining.has(write.channel)) {
          history.get(write.channel)!.writes.push([write.task_id, write.channel, reader.resolve(this.#entry(row, write.value))]);
        }
      }
      for (const [channel, slot] of this.#channelMap(row)) {
        if (!remaining.delete(channel)) continue;
        history.get(channel)!.seed = reader.resolve(slot.entry);
      }
      current = row.parent_checkpoint_id;
    }
    return { reader, history };
  }

  /** A read transaction that first moves the caches to the database's deletion epoch. */
  #read<T>(body: () => T): T {
    return readTransaction(this.#conn, () => {
      this.#caches.adopt(readEpoch(this.#conn));
      return body();
    });
  }

  #reader(threadId: string, threadKey: number): ValueReader {
    return new ValueReader(this.#conn, this.#codecs, this.#logger, this.serde, this.#caches, threadId, threadKey);
  }

  /** Database phase of a tuple; runs inside `#read`. */
  #resolveTuple(row: CheckpointRow): ResolvedTuple {
    const reader = this.#reader(row.thread_id, row.thread_key);
    const values = new Map<string, Resolved>();
    for (const [channel, slot] of this.#channelMap(row)) {
      values.set(channel, reader.resolve(slot.entry, memoKey(row.thread_id, row.checkpoint_ns, channel)));
    }
    const writes = selectWrites(this.#conn, row.thread_key, row.checkpoint_ns, row.checkpoint_id).map(
      (write): [string, string, Resolved] => [write.task_id, write.channel, reader.resolve(this.#entry(row, write.value))],
    );
    let sends: Resolved[] | null = null;
    if (row.checkpoint_v < 4 && row.parent_checkpoint_id !== null) {
      sends = selectWrites(this.#conn, row.thread_key, row.checkpoint_ns, row.parent_checkpoint_id, TASKS).map((write) =>
        reader.resolve(this.#entry(row, write.value)),
      );
    }
    return { row, reader, values, writes, sends };
  }

  async #materializeTuple(resolved: ResolvedTuple): Promise<CheckpointTuple> {
    const { row, reader } = resolved;
    const [body, metadata, channelValues, pendingWrites, sends] = await Promise.all([
      this.serde.loadsTyped(row.checkpoint_type, row.checkpoint) as Promise<Omit<Checkpoint, 'channel_values'>>,
      this.serde.loadsTyped(row.metadata_type, row.metadata) as Promise<CheckpointMetadata>,
      materializeMap(reader, resolved.values),
      Promise.all(
        resolved.writes.map(async ([taskId, channel, value]) => [taskId, channel, await reader.materialize(value)] as CheckpointPendingWrite),
      ),
      resolved.sends === null ? null : Promise.all(resolved.sends.map((send) => reader.materialize(send))),
    ]);
    const checkpoint = { ...body, channel_values: channelValues } as Checkpoint;
    if (sends !== null) {
      // Format < 4 kept pending sends as the parent's TASKS writes; LangGraph reads them as a channel.
      checkpoint.channel_values[TASKS] = sends;
      checkpoint.channel_versions ??= {};
      const versions = Object.values(checkpoint.channel_versions);
      checkpoint.channel_versions[TASKS] = versions.length > 0 ? maxChannelVersion(...versions) : this.getNextVersion(undefined);
    }
    const configurable = { thread_id: row.thread_id, checkpoint_ns: row.checkpoint_ns };
    const tuple: CheckpointTuple = {
      config: { configurable: { ...configurable, checkpoint_id: row.checkpoint_id } },
      checkpoint,
      metadata,
      pendingWrites,
    };
    if (row.parent_checkpoint_id !== null) {
      tuple.parentConfig = { configurable: { ...configurable, checkpoint_id: row.parent_checkpoint_id } };
    }
    return tuple;
  }

  #channelMap(row: CheckpointRow): ChannelMap {
    try {
      return decodeChannelMap(row.channels);
    } catch (error) {
      throw this.#corrupt(row.thread_id, row.checkpoint_id, error);
    }
  }

  #entry(row: CheckpointRow, bytes: Uint8Array): ValueEntry {
    try {
      return decodeEntry(bytes);
    } catch (error) {
      throw this.#corrupt(row.thread_id, row.checkpoint_id, error);
    }
  }

  #corrupt(threadId: string, checkpointId: string, error: unknown): StoreError {
    const reason = error instanceof Error ? error.message : String(error);
    this.#logger.warn('langgraph checkpoint is corrupt', { thread_id: threadId, checkpoint_id: checkpointId, reason });
    return StoreError.backend(`corrupt langgraph checkpoint ${checkpointId} in thread ${threadId}: ${reason}`, error);
  }
}

async function materializeMap(reader: ValueReader, values: Map<string, Resolved>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  await Promise.all([...values].map(async ([channel, value]) => void (out[channel] = await reader.materialize(value))));
  return out;
}

function checkpointKey(config: RunnableConfig, action: string): CheckpointKey {
  const configurable = config.configurable ?? {};
  if (configurable.thread_id === undefined) {
    throw new InvalidInputError(
      `Failed to ${action}: config.configurable is missing a required "thread_id" field. Pass one, e.g. ` +
        'graph.invoke(input, { configurable: { thread_id: "my-thread" } }).',
    );
  }
  return {
    threadId: expectId(configurable.thread_id, 'thread_id'),
    ns: configurable.checkpoint_ns === undefined ? '' : expectId(configurable.checkpoint_ns, 'checkpoint_ns', true),
  };
}

function expectId(value: unknown, what: string, allowEmpty = false): string {
  const problem = identifierProblem(value, what, { allowEmpty });
  if (problem !== null) throw new InvalidInputError(problem);
  return value as string;
}

/** An optional id: `undefined` and `''` both mean "none". */
function optionalId(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return expectId(value, what);
}

/** Metadata filter match: the same JSON value (a plain `===` for scalars). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
