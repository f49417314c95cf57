/**
 * Reads entries back into values, in two phases: `resolve` runs inside a
 * read transaction and does every database read (so one tuple comes from one
 * snapshot); `materialize` then awaits the serde's asynchronous decoding.
 *
 * A blob that is missing or does not match its hash is a corrupt
 * checkpoint: a `StoreError` (kind `Backend`), logged, never data.
 */
import type { SerializerProtocol } from '@langchain/langgraph-checkpoint';
import type { Codecs } from '../../core/codec/codecs.ts';
import { StoreError } from '../../core/contract/errors.ts';
import type { SqliteConnection } from '../../core/driver/types.ts';
import type { Logger } from '../../core/logger.ts';
import { readBlob } from './blobs.ts';
import type { SaverCaches } from './caches.ts';
import { FANOUT, decodeDescriptor, decodeIndex, decodeNode, entryKey, type ArrayBlock, type ValueEntry } from './entries.ts';

/** A value after the database phase: ready, waiting for the serde, or a list of those. */
export type Resolved =
  | { readonly kind: 'ready'; readonly value: unknown }
  | { readonly kind: 'decode'; readonly type: string; readonly bytes: Uint8Array; readonly entry: ValueEntry | null }
  | ResolvedList;

interface ResolvedList {
  readonly kind: 'list';
  /** The elements known already; `pending` fills in the rest. */
  readonly values: unknown[];
  readonly pending: ReadonlyArray<readonly [number, Resolved]>;
  /** Called with the finished list (to remember it). */
  readonly done: ((values: unknown[]) => void) | null;
}

export class ValueReader {
  readonly #conn: SqliteConnection;
  readonly #codecs: Codecs;
  readonly #logger: Logger;
  readonly #serde: SerializerProtocol;
  readonly #caches: SaverCaches;
  readonly #threadId: string;
  readonly #threadKey: number;
  /** The caches' epoch when this read began: what it learns is remembered only if it still holds. */
  readonly #epoch: number;

  /** Construct inside the read transaction, after `caches.adopt(…)`. */
  constructor(
    conn: SqliteConnection,
    codecs: Codecs,
    logger: Logger,
    serde: SerializerProtocol,
    caches: SaverCaches,
    threadId: string,
    threadKey: number,
  ) {
    this.#conn = conn;
    this.#codecs = codecs;
    this.#logger = logger;
    this.#serde = serde;
    this.#caches = caches;
    this.#threadId = threadId;
    this.#threadKey = threadKey;
    this.#epoch = caches.epoch;
  }

  /** Database phase: every read an entry needs. `memoKey` names the channel a list belongs to. */
  resolve(entry: ValueEntry, memoKey?: string): Resolved {
    switch (entry.kind) {
      case 'inline':
        return { kind: 'decode', type: entry.type, bytes: entry.bytes, entry: null };
      case 'blob': {
        const cached = this.#caches.decoded(entryKey(entry));
        if (cached.found) {
          this.#caches.rememberEntry(cached.value, entry, this.#threadId);
          return { kind: 'ready', value: cached.value };
        }
        return { kind: 'decode', type: entry.type, bytes: this.#blob(entry.hash), entry };
      }
      case 'array':
        return this.#list(entry.hash, memoKey);
      case 'short-list':
        return this.#shortList(entry.elements, memoKey);
    }
  }

  /** Serde phase: the value itself. Decoded blob values are remembered while the epoch holds. */
  async materialize(resolved: Resolved): Promise<unknown> {
    switch (resolved.kind) {
      case 'ready':
        return resolved.value;
      case 'decode': {
        const value = await this.#serde.loadsTyped(resolved.type, resolved.bytes);
        const entry = resolved.entry;
        if (entry !== null && this.#current()) {
          this.#caches.rememberDecoded(entryKey(entry), value, resolved.bytes.length);
          this.#caches.rememberEntry(value, entry, this.#threadId);
        }
        return value;
      }
      case 'list': {
        const { values } = resolved;
        await Promise.all(resolved.pending.map(async ([i, item]) => void (values[i] = await this.materialize(item))));
        if (resolved.done !== null && this.#current()) resolved.done(values);
        return values;
      }
    }
  }

  #current(): boolean {
    return this.#caches.epoch === this.#epoch;
  }

  /**
   * A list, from its channel's memo when the descriptor is the same, else
   * from its descriptor and tree (leaves decoded before come from the leaf
   * cache). The finished list becomes the channel's memo.
   */
  #list(hash: string, memoKey: string | undefined): ResolvedList {
    const memo = memoKey === undefined ? undefined : this.#caches.memo(memoKey);
    if (memo !== undefined && memo.descriptor === hash) return { kind: 'list', values: memo.elements.slice(), pending: [], done: null };
    const descriptor = decodeDescriptor(this.#blob(hash));
    const levels: string[][] = [];
    const entries: ValueEntry[] = [];
    const values: unknown[] = [];
    const pending: Array<readonly [number, Resolved]> = [];
    const leaves: Array<readonly [string, number]> = [];
    const expand = (node: string, level: number): void => {
      (levels[level] ??= []).push(node);
      const children = this.#node(node, level);
      if (level > 0) {
        for (const child of children as string[]) expand(child, level - 1);
        return;
      }
      const known = this.#caches.leafValues.get(node);
      const start = entries.length;
      for (const [i, child] of (children as ValueEntry[]).entries()) {
        entries.push(child);
        if (known !== undefined) values.push(known[i]);
        else this.#element(child, values, pending);
      }
      if (known === undefined) leaves.push([node, start]);
    };
    for (const block of this.#index(descriptor.index)) for (const node of block.hashes) expand(node, block.level);
    for (const child of descriptor.tail) {
      entries.push(child);
      this.#element(child, values, pending);
    }
    if (entries.length !== descriptor.length) {
      this.#corrupt(hash, `list holds ${entries.length} elements, its descriptor says ${descriptor.length}`);
    }
    const done = (finished: unknown[]): void => {
      for (const [leaf, start] of leaves) {
        const leafValues = finished.slice(start, start + FANOUT);
        this.#caches.leafValues.set(leaf, leafValues, approximateSize(entries, start, leafValues.length));
      }
      if (memoKey !== undefined) {
        this.#caches.rememberMemo(memoKey, { descriptor: hash, elements: finished.slice(), entries, levels });
      }
    };
    return { kind: 'list', values, pending, done };
  }

  /** A list kept in its entry; it becomes the channel's memo too (under no descriptor). */
  #shortList(entries: readonly ValueEntry[], memoKey: string | undefined): ResolvedList {
    const values: unknown[] = [];
    const pending: Array<readonly [number, Resolved]> = [];
    for (const entry of entries) this.#element(entry, values, pending);
    const done =
      memoKey === undefined
        ? null
        : (finished: unknown[]) => this.#caches.rememberMemo(memoKey, { descriptor: '', elements: finished.slice(), entries, levels: [] });
    return { kind: 'list', values, pending, done };
  }

  #element(entry: ValueEntry, values: unknown[], pending: Array<readonly [number, Resolved]>): void {
    const resolved = this.resolve(entry);
    if (resolved.kind === 'ready') values.push(resolved.value);
    else {
      pending.push([values.length, resolved]);
      values.push(undefined);
    }
  }

  #index(hash: string): ArrayBlock[] {
    const cached = this.#caches.indexes.get(hash);
    if (cached !== undefined) return cached;
    const content = this.#blob(hash);
    const blocks = decodeIndex(content);
    this.#caches.indexes.set(hash, blocks, content.length);
    return blocks;
  }

  #node(hash: string, level: number): ValueEntry[] | string[] {
    const cached = this.#caches.nodeContents.get(hash);
    if (cached !== undefined) return cached;
    const content = this.#blob(hash);
    const decoded = decodeNode(content, level);
    this.#caches.nodeContents.set(hash, decoded, content.length);
    return decoded;
  }

  #blob(hash: string): Uint8Array {
    const found = readBlob(this.#conn, this.#codecs, this.#threadKey, hash);
    if (found.status === 'ok') return found.bytes;
    return this.#corrupt(hash, found.status === 'missing' ? 'a value it names is missing' : found.reason);
  }

  #corrupt(hash: string, reason: string): never {
    this.#logger.warn('langgraph checkpoint is corrupt', { thread_id: this.#threadId, hash, reason });
    throw StoreError.backend(`corrupt langgraph checkpoint in thread ${this.#threadId}: blob ${hash}: ${reason}`);
  }
}

/**
 * A leaf's weight in the cache budget: inline bytes as they are, a nominal
 * 1 KiB per blob element (its size is not known when it came from a cache).
 */
function approximateSize(entries: readonly ValueEntry[], start: number, count: number): number {
  let size = 0;
  for (let i = start; i < start + count; i++) {
    const entry = entries[i]!;
    size += entry.kind === 'inline' ? entry.bytes.length : 1024;
  }
  return size;
}
