/**
 * What a saver remembers between calls, so a turn's cost does not grow with
 * the thread's history.
 *
 * LangGraph hands the saver the whole state at every checkpoint (the full
 * messages list included) and reads the whole state back at the start of
 * every run. Without memory, both are O(history) per turn. Three caches make
 * them O(what changed):
 *
 * - **identity** (`WeakMap`): an object the saver has stored or read →
 *   its entry. A message list put again with two new messages costs two
 *   serializations, not a thousand. This relies on LangGraph's contract that
 *   state is not mutated in place once checkpointed (nodes return updates);
 *   `immutableValues: false` turns it off.
 * - **decoded values** (LRU by serialized bytes): entry → the value decoded
 *   from it, so reading the state back does not re-parse every message. The
 *   same objects are handed out again (hence also only with
 *   `immutableValues`).
 * - **nodes**: tree nodes by their first child, checked against all their
 *   children before reuse, so an unchanged part of a list is not re-hashed.
 *   It holds only content-derived facts and is always on.
 *
 * Every fact "this hash is stored in thread T" holds only while nothing was
 * deleted: `deleteThread` bumps the database's deletion epoch, and a saver
 * that sees another epoch than the one its caches were filled under drops
 * them all (see `LashCheckpointSaver`).
 */
import type { ValueEntry } from './entries.ts';

/** An entry known to be stored in a thread (inline entries need no thread). */
export interface KnownEntry {
  readonly entry: ValueEntry;
  readonly threadId: string | null;
}

/** A tree node with its children, its encoded content and a thread that holds it. */
export interface KnownNode {
  readonly childKeys: readonly string[];
  readonly hash: string;
  readonly content: Uint8Array;
  threadId: string;
}

/** A map that forgets its least recently used members beyond a byte budget. */
export class ByteBudgetLru<V> {
  readonly #maxBytes: number;
  readonly #members = new Map<string, { value: V; size: number }>();
  #bytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  get(key: string): V | undefined {
    const member = this.#members.get(key);
    if (member === undefined) return undefined;
    this.#members.delete(key);
    this.#members.set(key, member);
    return member.value;
  }

  has(key: string): boolean {
    return this.#members.has(key);
  }

  set(key: string, value: V, size: number): void {
    if (size > this.#maxBytes) return;
    const old = this.#members.get(key);
    if (old !== undefined) {
      this.#bytes -= old.size;
      this.#members.delete(key);
    }
    this.#members.set(key, { value, size });
    this.#bytes += size;
    for (const [oldest, member] of this.#members) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#members.delete(oldest);
      this.#bytes -= member.size;
    }
  }

  clear(): void {
    this.#members.clear();
    this.#bytes = 0;
  }
}

const MAX_NODES = 65_536;

export class SaverCaches {
  /** Off when values may be mutated in place after a checkpoint. */
  readonly trustIdentity: boolean;
  #identity = new WeakMap<object, KnownEntry>();
  readonly decoded: ByteBudgetLru<unknown>;
  readonly #nodes = new Map<string, KnownNode>();
  /** Decoded node contents by hash (immutable content, always safe to keep). */
  readonly nodeContents: ByteBudgetLru<ValueEntry[] | string[]>;

  /** The deletion epoch every fact in these caches was learned under. */
  #epoch: number;

  constructor(trustIdentity: boolean, maxBytes: number, epoch: number) {
    this.#epoch = epoch;
    this.trustIdentity = trustIdentity && maxBytes > 0;
    this.decoded = new ByteBudgetLru(this.trustIdentity ? maxBytes : 0);
    this.nodeContents = new ByteBudgetLru(Math.max(0, Math.floor(maxBytes / 8)));
  }

  /** The entry of an object already stored in (or inline for) `threadId`. */
  knownEntry(value: unknown, threadId: string): ValueEntry | undefined {
    if (!this.trustIdentity || !isObject(value)) return undefined;
    const known = this.#identity.get(value);
    if (known === undefined) return undefined;
    return known.threadId === null || known.threadId === threadId ? known.entry : undefined;
  }

  rememberEntry(value: unknown, entry: ValueEntry, threadId: string): void {
    if (!this.trustIdentity || !isObject(value)) return;
    this.#identity.set(value, { entry, threadId: entry.kind === 'inline' ? null : threadId });
  }

  node(level: number, firstChildKey: string): KnownNode | undefined {
    return this.#nodes.get(nodeKey(level, firstChildKey));
  }

  rememberNode(level: number, node: KnownNode): void {
    if (this.#nodes.size >= MAX_NODES) this.#nodes.clear();
    this.#nodes.set(nodeKey(level, node.childKeys[0]!), node);
  }

  get epoch(): number {
    return this.#epoch;
  }

  /**
   * Moves to the database's current deletion epoch, forgetting everything
   * learned under an earlier one (blobs it names may be gone). Call inside
   * the transaction that read `epoch`, before learning anything from it.
   */
  adopt(epoch: number): void {
    if (epoch === this.#epoch) return;
    this.#epoch = epoch;
    this.#clear();
  }

  #clear(): void {
    this.#identity = new WeakMap();
    this.decoded.clear();
    this.#nodes.clear();
    this.nodeContents.clear();
  }
}

function nodeKey(level: number, firstChildKey: string): string {
  return `${level}|${firstChildKey}`;
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}
