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
 *   serializations, not a thousand.
 * - **decoded values** (LRU by serialized bytes): entry → the value decoded
 *   from it, so reading the state back does not re-parse every message. The
 *   same objects are handed out again.
 *
 * Both rely on LangGraph's rule that state is not mutated in place (nodes
 * return updates). LangGraph itself bends it in one place — the messages
 * reducer gives an id-less message its id by assigning `message.id` — so a
 * remembered object also keeps a *fingerprint* of its own top-level fields
 * (every key and the identity of every value) and is used only while that
 * still matches: a reassigned field is always caught, a change deep inside
 * a field's value is not. `immutableValues: false` turns both caches off.
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
interface KnownEntry {
  readonly entry: ValueEntry;
  readonly threadId: string | null;
  readonly fingerprint: Fingerprint;
}

/** A decoded value and, for an object, its fingerprint when it was decoded. */
interface DecodedValue {
  readonly value: unknown;
  readonly fingerprint: Fingerprint | null;
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

  delete(key: string): void {
    const member = this.#members.get(key);
    if (member === undefined) return;
    this.#members.delete(key);
    this.#bytes -= member.size;
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
  readonly #decoded: ByteBudgetLru<DecodedValue>;
  readonly #nodes = new Map<string, KnownNode>();
  /** Decoded node contents by hash (immutable content, always safe to keep). */
  readonly nodeContents: ByteBudgetLru<ValueEntry[] | string[]>;
  /** The deletion epoch every fact in these caches was learned under. */
  #epoch: number;

  constructor(trustIdentity: boolean, maxBytes: number, epoch: number) {
    this.#epoch = epoch;
    this.trustIdentity = trustIdentity && maxBytes > 0;
    this.#decoded = new ByteBudgetLru(this.trustIdentity ? maxBytes : 0);
    this.nodeContents = new ByteBudgetLru(Math.max(0, Math.floor(maxBytes / 8)));
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
    this.#identity = new WeakMap();
    this.#decoded.clear();
    this.#nodes.clear();
    this.nodeContents.clear();
  }

  /** The entry of an object already stored in (or inline for) `threadId`, if it is unchanged since. */
  knownEntry(value: unknown, threadId: string): ValueEntry | undefined {
    if (!this.trustIdentity || !isRememberable(value)) return undefined;
    const known = this.#identity.get(value);
    if (known === undefined || (known.threadId !== null && known.threadId !== threadId)) return undefined;
    return matches(value, known.fingerprint) ? known.entry : undefined;
  }

  /** `fingerprint` defaults to the object's fields now; pass the one taken when the bytes were made. */
  rememberEntry(value: unknown, entry: ValueEntry, threadId: string, fingerprint?: Fingerprint): void {
    if (!this.trustIdentity || !isRememberable(value)) return;
    const fp = fingerprint ?? fingerprintOf(value);
    this.#identity.set(value, { entry, threadId: entry.kind === 'inline' ? null : threadId, fingerprint: fp });
  }

  /** The value decoded from `key` before, if it is unchanged since (`found: false` otherwise). */
  decoded(key: string): { found: boolean; value?: unknown } {
    const cached = this.#decoded.get(key);
    if (cached === undefined) return { found: false };
    if (cached.fingerprint !== null && !matches(cached.value as object, cached.fingerprint)) {
      this.#decoded.delete(key);
      return { found: false };
    }
    return { found: true, value: cached.value };
  }

  rememberDecoded(key: string, value: unknown, size: number): void {
    if (!this.trustIdentity) return;
    if (isRememberable(value)) this.#decoded.set(key, { value, fingerprint: fingerprintOf(value) }, size);
    else if (typeof value !== 'object' || value === null) this.#decoded.set(key, { value, fingerprint: null }, size);
  }

  node(level: number, firstChildKey: string): KnownNode | undefined {
    return this.#nodes.get(nodeKey(level, firstChildKey));
  }

  rememberNode(level: number, node: KnownNode): void {
    if (this.#nodes.size >= MAX_NODES) this.#nodes.clear();
    this.#nodes.set(nodeKey(level, node.childKeys[0]!), node);
  }
}

/** Every own enumerable key of an object, each followed by its value: `[k0, v0, k1, v1, …]`. */
export type Fingerprint = readonly unknown[];

export function fingerprintOf(value: object): Fingerprint {
  const out: unknown[] = [];
  for (const key of Object.keys(value)) out.push(key, (value as Record<string, unknown>)[key]);
  return out;
}

function matches(value: object, fingerprint: Fingerprint): boolean {
  const keys = Object.keys(value);
  if (keys.length * 2 !== fingerprint.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (fingerprint[i * 2] !== key || fingerprint[i * 2 + 1] !== (value as Record<string, unknown>)[key]) return false;
  }
  return true;
}

/**
 * Plain objects, arrays and class instances whose state is their own
 * fields (messages, documents). Maps, Sets, dates, typed arrays and the
 * like keep their state where a fingerprint cannot see it.
 */
export function isRememberable(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  return !(
    value instanceof Map ||
    value instanceof Set ||
    value instanceof Date ||
    value instanceof RegExp ||
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer
  );
}

function nodeKey(level: number, firstChildKey: string): string {
  return `${level}|${firstChildKey}`;
}

