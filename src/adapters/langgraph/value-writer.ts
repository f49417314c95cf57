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
import type { Codecs } from '../../advanced.ts';
import type { PendingBlob } from './blobs.ts';
import { fingerprintOf, isRememberable, type Fingerprint, type KnownNode, type SaverCaches } from './caches.ts';
import {
  FANOUT,
  INLINE_MAX_BYTES,
  encodeDescriptor,
  encodeInner,
  encodeLeaf,
  entryKey,
  type ArrayBlock,
  type ValueEntry,
} from './entries.ts';

export class ValueWriter {
  readonly #serde: SerializerProtocol;
  readonly #codecs: Codecs;
  readonly #caches: SaverCaches;
  readonly #threadId: string;
  /** New content for the thread, by hash. */
  readonly blobs = new Map<string, PendingBlob>();
  readonly #entries: Array<[object, ValueEntry, Fingerprint]> = [];
  readonly #nodes: Array<[number, KnownNode]> = [];

  constructor(serde: SerializerProtocol, codecs: Codecs, caches: SaverCaches, threadId: string) {
    this.#serde = serde;
    this.#codecs = codecs;
    this.#caches = caches;
    this.#threadId = threadId;
  }

  /** The entry of a channel value or a write. Arrays of objects become trees. */
  encode(value: unknown): Promise<ValueEntry> {
    if (!isElementwise(value)) return Promise.resolve(this.#encodeWhole(value));
    const entries: ValueEntry[] = new Array(value.length);
    const waiting: Promise<void>[] = [];
    for (let i = 0; i < value.length; i++) {
      const entry = this.#encodeWhole(value[i]);
      if (entry instanceof Promise) waiting.push(entry.then((e) => void (entries[i] = e)));
      else entries[i] = entry;
    }
    return Promise.all(waiting).then(() => this.#arrayEntry(entries));
  }

  /** Installs what this batch stored into the caches; call only after its transaction committed. */
  commit(): void {
    for (const [value, entry, fingerprint] of this.#entries) this.#caches.rememberEntry(value, entry, this.#threadId, fingerprint);
    for (const [level, node] of this.#nodes) {
      node.threadId = this.#threadId;
      this.#caches.rememberNode(level, node);
    }
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
   * descriptor. The descriptor is always a new, small blob; the nodes are
   * shared with every other version of the list that has the same prefix.
   */
  #arrayEntry(elements: readonly ValueEntry[]): ValueEntry {
    const blocks: ArrayBlock[] = [];
    const leafCount = Math.floor(elements.length / FANOUT);
    let keys: string[] = [];
    for (let i = 0; i < leafCount; i++) {
      const children = elements.slice(i * FANOUT, (i + 1) * FANOUT);
      keys.push(this.#node(0, children.map(entryKey), () => encodeLeaf(children)));
    }
    const tail = elements.slice(leafCount * FANOUT);
    for (let level = 1; keys.length > 0; level++) {
      const parents = Math.floor(keys.length / FANOUT);
      blocks.unshift({ level: level - 1, hashes: keys.slice(parents * FANOUT) });
      const next: string[] = [];
      for (let i = 0; i < parents; i++) {
        const children = keys.slice(i * FANOUT, (i + 1) * FANOUT);
        next.push(this.#node(level, children, () => encodeInner(children)));
      }
      keys = next;
    }
    const descriptor = encodeDescriptor({ length: elements.length, blocks: blocks.filter((b) => b.hashes.length > 0), tail });
    const hash = this.#codecs.sha256Hex(descriptor);
    this.blobs.set(hash, { hash, bytes: descriptor, compressible: false });
    return { kind: 'array', hash };
  }

  /** The hash of a node, reusing a known node with the same children. */
  #node(level: number, childKeys: string[], encode: () => Uint8Array): string {
    const known = this.#caches.node(level, childKeys[0]!);
    if (known !== undefined && sameKeys(known.childKeys, childKeys)) {
      if (known.threadId !== this.#threadId) {
        this.blobs.set(known.hash, { hash: known.hash, bytes: known.content, compressible: false });
        this.#nodes.push([level, known]);
      }
      return known.hash;
    }
    const content = encode();
    const hash = this.#codecs.sha256Hex(content);
    this.blobs.set(hash, { hash, bytes: content, compressible: false });
    this.#nodes.push([level, { childKeys, hash, content, threadId: this.#threadId }]);
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

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
