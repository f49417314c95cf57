/**
 * Turns the values of one put (or one putWrites) into entries and the blobs
 * they need. Serialization starts synchronously when a value is handed in,
 * so what is stored is the value as it was when the saver was called.
 *
 * Nothing is remembered until the caller says the batch committed
 * (`commit()`): a cache must never claim a blob that a rolled-back
 * transaction did not write.
 */
import type { SerializerProtocol } from '@langchain/langgraph-checkpoint';
import type { Codecs } from '../../core/codec/codecs.ts';
import type { PendingBlob } from './blobs.ts';
import { fingerprintOf, isRememberable, type ArrayMemo, type Fingerprint, type SaverCaches } from './caches.ts';
import {
  FANOUT,
  INLINE_MAX_BYTES,
  encodeDescriptor,
  encodeIndex,
  encodeInner,
  encodeLeaf,
  type ArrayBlock,
  type ValueEntry,
} from './entries.ts';

/** Stands for "no descriptor" in a memo: a short list lives in its entry. */
const SHORT_LIST = '';

export class ValueWriter {
  readonly #serde: SerializerProtocol;
  readonly #codecs: Codecs;
  readonly #caches: SaverCaches;
  readonly #threadId: string;
  /** New content for the thread, by hash. */
  readonly blobs = new Map<string, PendingBlob>();
  readonly #entries: Array<[object, ValueEntry, Fingerprint]> = [];
  readonly #memos: Array<[string, ArrayMemo]> = [];

  constructor(serde: SerializerProtocol, codecs: Codecs, caches: SaverCaches, threadId: string) {
    this.#serde = serde;
    this.#codecs = codecs;
    this.#caches = caches;
    this.#threadId = threadId;
  }

  /**
   * The entry of a channel value or a write. Arrays of objects become trees;
   * `memoKey` names the channel, whose last list is then reused.
   */
  encode(value: unknown, memoKey?: string): Promise<ValueEntry> {
    if (!isElementwise(value)) return Promise.resolve(this.#encodeWhole(value));
    const memo = memoKey === undefined ? undefined : this.#caches.memo(memoKey);
    const elements = value.slice();
    const shared = memo === undefined ? 0 : sharedPrefix(memo.elements, elements);
    const entries: ValueEntry[] = memo === undefined ? new Array(elements.length) : memo.entries.slice(0, shared);
    const waiting: Promise<void>[] = [];
    for (let i = shared; i < elements.length; i++) {
      const entry = this.#encodeWhole(elements[i]);
      if (entry instanceof Promise) waiting.push(entry.then((e) => void (entries[i] = e)));
      else entries[i] = entry;
    }
    return Promise.all(waiting).then((): ValueEntry => {
      const tree = this.#tree(entries, memo, shared);
      if (memoKey !== undefined) this.#memos.push([memoKey, { descriptor: tree.hash, elements, entries, levels: tree.levels }]);
      return tree.hash === SHORT_LIST ? { kind: 'short-list', elements: entries } : { kind: 'array', hash: tree.hash };
    });
  }

  /** Installs what this batch stored into the caches; call only after its transaction committed. */
  commit(): void {
    for (const [value, entry, fingerprint] of this.#entries) this.#caches.rememberEntry(value, entry, this.#threadId, fingerprint);
    for (const [key, memo] of this.#memos) this.#caches.rememberMemo(key, memo);
  }

  #encodeWhole(value: unknown): ValueEntry | Promise<ValueEntry> {
    const known = this.#caches.knownEntry(value, this.#threadId);
    if (known !== undefined) return known;
    // What the object looked like when it was serialized (just below, synchronously).
    const fingerprint = this.#caches.trustIdentity && isRememberable(value) ? fingerprintOf(value) : null;
    return this.#serde.dumpsTyped(value).then(([type, bytes]) => {
      const entry = this.#entryOf(type, bytes === value ? bytes.slice() : bytes);
      if (fingerprint !== null) this.#entries.push([value as object, entry, fingerprint]);
      return entry;
    });
  }

  #entryOf(type: string, bytes: Uint8Array): ValueEntry {
    if (bytes.length <= INLINE_MAX_BYTES) return { kind: 'inline', type, bytes };
    const hash = this.#codecs.sha256Hex(bytes);
    this.blobs.set(hash, { hash, bytes, compressible: true });
    return { kind: 'blob', type, hash };
  }

  /**
   * Groups element entries into full nodes of FANOUT, those into full nodes
   * of the next level, and so on; what does not fill a node stays in the
   * descriptor. A node that covers only the first `shared` elements is the
   * memo's node: it is neither rebuilt nor re-hashed. A list too short to
   * fill one node needs no descriptor: its entry holds the elements.
   */
  #tree(entries: readonly ValueEntry[], memo: ArrayMemo | undefined, shared: number): { hash: string; levels: string[][] } {
    const levels: string[][] = [];
    let span = FANOUT;
    let count = Math.floor(entries.length / FANOUT);
    for (let level = 0; count > 0; level++) {
      const hashes: string[] = [];
      const below = levels[level - 1];
      for (let j = 0; j < count; j++) {
        const reusable = memo?.levels[level]?.[j];
        if (reusable !== undefined && (j + 1) * span <= shared) {
          hashes.push(reusable);
        } else if (level === 0) {
          hashes.push(this.#node(encodeLeaf(entries.slice(j * FANOUT, (j + 1) * FANOUT))));
        } else {
          hashes.push(this.#node(encodeInner(below!.slice(j * FANOUT, (j + 1) * FANOUT))));
        }
      }
      levels.push(hashes);
      span *= FANOUT;
      count = Math.floor(count / FANOUT);
    }
    if (levels.length === 0) return { hash: SHORT_LIST, levels };
    const blocks: ArrayBlock[] = [];
    for (let level = levels.length - 1; level >= 0; level--) {
      const grouped = FANOUT * (levels[level + 1]?.length ?? 0);
      const rest = levels[level]!.slice(grouped);
      if (rest.length > 0) blocks.push({ level, hashes: rest });
    }
    const tail = entries.slice(Math.floor(entries.length / FANOUT) * FANOUT);
    const index = this.#node(encodeIndex(blocks));
    return { hash: this.#node(encodeDescriptor({ length: entries.length, index, tail })), levels };
  }

  /** Hashes a structure blob (node, index or descriptor) and queues it. */
  #node(content: Uint8Array): string {
    const hash = this.#codecs.sha256Hex(content);
    this.blobs.set(hash, { hash, bytes: content, compressible: false });
    return hash;
  }
}

/**
 * Arrays holding objects (messages, sends, documents) are stored element by
 * element; arrays of plain scalars are small or change as a whole, and are
 * stored whole.
 */
function isElementwise(value: unknown): value is readonly unknown[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (const element of value) if (typeof element === 'object' && element !== null) return true;
  return false;
}

/** How many leading elements two lists share, by identity. */
function sharedPrefix(a: readonly unknown[], b: readonly unknown[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
