/**
 * Reads entries back into values, in two phases: `resolve` runs inside a
 * read transaction and does every database read (so one tuple comes from one
 * snapshot); `materialize` then awaits the serde's asynchronous decoding.
 *
 * A blob that is missing or does not match its hash is a corrupt
 * checkpoint: a `StoreError` (kind `Backend`), logged, never data.
 */
import type { SerializerProtocol } from '@langchain/langgraph-checkpoint';
import { StoreError, type Codecs, type Logger, type SqliteConnection } from '../../advanced.ts';
import { readBlob } from './blobs.ts';
import type { SaverCaches } from './caches.ts';
import { decodeDescriptor, decodeNode, entryKey, type ValueEntry } from './entries.ts';

/** A value after the database phase: ready, waiting for the serde, or an array of those. */
export type Resolved =
  | { readonly kind: 'ready'; readonly value: unknown }
  | { readonly kind: 'decode'; readonly type: string; readonly bytes: Uint8Array; readonly entry: ValueEntry | null }
  | { readonly kind: 'array'; readonly items: readonly Resolved[] };

export class ValueReader {
  readonly #conn: SqliteConnection;
  readonly #codecs: Codecs;
  readonly #logger: Logger;
  readonly #serde: SerializerProtocol;
  readonly #caches: SaverCaches;
  readonly #threadId: string;
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
  ) {
    this.#conn = conn;
    this.#codecs = codecs;
    this.#logger = logger;
    this.#serde = serde;
    this.#caches = caches;
    this.#threadId = threadId;
    this.#epoch = caches.epoch;
  }

  /** Database phase: every read an entry needs. */
  resolve(entry: ValueEntry): Resolved {
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
        return { kind: 'array', items: this.#elements(entry.hash).map((element) => this.resolve(element)) };
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
        if (entry !== null && this.#caches.epoch === this.#epoch) {
          this.#caches.rememberDecoded(entryKey(entry), value, resolved.bytes.length);
          this.#caches.rememberEntry(value, entry, this.#threadId);
        }
        return value;
      }
      case 'array': {
        const out: unknown[] = new Array(resolved.items.length);
        const waiting: Promise<void>[] = [];
        resolved.items.forEach((item, i) => {
          if (item.kind === 'ready') out[i] = item.value;
          else waiting.push(this.materialize(item).then((value) => void (out[i] = value)));
        });
        await Promise.all(waiting);
        return out;
      }
    }
  }

  /** Element entries of an array, from its descriptor and tree. */
  #elements(hash: string): ValueEntry[] {
    const descriptor = decodeDescriptor(this.#blob(hash));
    const out: ValueEntry[] = [];
    for (const block of descriptor.blocks) for (const node of block.hashes) this.#expand(node, block.level, out);
    out.push(...descriptor.tail);
    if (out.length !== descriptor.length) this.#corrupt(hash, `array holds ${out.length} elements, its descriptor says ${descriptor.length}`);
    return out;
  }

  #expand(hash: string, level: number, out: ValueEntry[]): void {
    const children = this.#node(hash, level);
    if (level === 0) {
      out.push(...(children as ValueEntry[]));
      return;
    }
    for (const child of children as string[]) this.#expand(child, level - 1, out);
  }

  #node(hash: string, level: number): ValueEntry[] | string[] {
    const cached = this.#caches.nodeContents.get(hash);
    if (cached !== undefined) return cached;
    const content = this.#blob(hash);
    const children = decodeNode(content, level);
    this.#caches.nodeContents.set(hash, children, content.length);
    if (level === 0) {
      const childKeys = (children as ValueEntry[]).map(entryKey);
      this.#caches.rememberNode(0, { childKeys, hash, content, threadId: this.#threadId });
    } else {
      this.#caches.rememberNode(level, { childKeys: children as string[], hash, content, threadId: this.#threadId });
    }
    return children;
  }

  #blob(hash: string): Uint8Array {
    const found = readBlob(this.#conn, this.#codecs, this.#threadId, hash);
    if (found.status === 'ok') return found.bytes;
    return this.#corrupt(hash, found.status === 'missing' ? 'a value it names is missing' : found.reason);
  }

  #corrupt(hash: string, reason: string): never {
    this.#logger.warn('langgraph checkpoint is corrupt', { thread_id: this.#threadId, hash, reason });
    throw StoreError.backend(`corrupt langgraph checkpoint in thread ${this.#threadId}: blob ${hash}: ${reason}`);
  }
}
