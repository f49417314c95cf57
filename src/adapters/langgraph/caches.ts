/**
 * What a saver remembers between calls, so a turn's cost does not grow with
 * the thread's history.
 *
 * LangGraph hands the saver the whole state at every checkpoint (the full
 * messages list included) and reads the whole state back at the start of
 * every run. Without memory, both are O(history) per turn. These make them
 * O(what changed):
 *
 * - **array memos**, per (thread, namespace, channel): the last list stored
 *   or read — its elements, their entries and its tree nodes. A list put
 *   again is compared with it element by element *by identity* (a pointer
 *   compare each); the shared prefix keeps its entries and every tree node
 *   it covers, so only the new messages are serialized and only the last
 *   nodes re-hashed. A list read again under the same descriptor comes back
 *   without touching the database.
 * - **identity** (`WeakMap`): any other object stored or read → its entry.
 * - **decoded values** (LRU by serialized bytes): blob entry → its decoded
 *   value; **leaf values**: tree leaf → its decoded elements. The same
 *   objects are handed out again.
 * - **node contents**: decoded tree nodes by hash (content-derived, always on).
 *
 * All but the last rely on LangGraph's rule that state is not mutated in
 * place (nodes return updates). LangGraph bends it in one place: the
 * messages reducer gives an id-less message its id by assigning
 * `message.id`, after the node's writes were stored. So an object
 * remembered on its own keeps a *fingerprint* of its own top-level fields
 * (every key and the identity of every value) and is used only while that
 * still matches. Elements of a memoized list are not fingerprinted (that
 * would cost O(history) again): they were stored from a checkpoint, after
 * the reducer ran. `immutableValues: false` turns all of these off.
 *
 * Every fact "this hash is stored in thread T" holds only while nothing was
 * deleted: `deleteThread` bumps the database's deletion epoch, and a saver
 * that sees another epoch than the one its caches were filled under drops
 * them all (see `LashCheckpointSaver`).
 */
import type { ArrayBlock, ValueEntry } from './entries.ts';

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

/** A list as last stored or read in one channel of one thread. */
export interface ArrayMemo {
  /** Hash of the list's descriptor. */
  readonly descriptor: string;
  /** A copy of the list, compared by identity with the next one. */
  readonly elements: readonly unknown[];
  readonly entries: readonly ValueEntry[];
  /** `levels[L][j]`: the hash of the j-th full node of level L (it covers elements from j·F^(L+1)). */
  readonly levels: readonly (readonly string[])[];
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

const MAX_MEMOS = 256;

export class SaverCaches {
  /** Off when values may be mutated in place after a checkpoint. */
  readonly trustIdentity: boolean;
  #identity = new WeakMap<object, KnownEntry>();
  readonly #decoded: ByteBudgetLru<DecodedValue>;
  /** Decoded elements of a tree leaf, by its hash. */
  readonly leafValues: ByteBudgetLru<readonly unknown[]>;
  /** Decoded node contents and list indexes by hash (immutable content, always safe to keep). */
  readonly nodeContents: ByteBudgetLru<ValueEntry[] | string[]>;
  readonly indexes: ByteBudgetLru<ArrayBlock[]>;
  readonly #memos = new Map<string, ArrayMemo>();
  /** The deletion epoch every fact in these caches was learned under. */
  #epoch: number;

  constructor(trustIdentity: boolean, maxBytes: number, epoch: number) {
    this.#epoch = epoch;
    this.trustIdentity = trustIdentity && maxBytes > 0;
    const valueBytes = this.trustIdentity ? maxBytes : 0;
    this.#decoded = new ByteBudgetLru(Math.floor(valueBytes / 4));
    this.leafValues = new ByteBudgetLru(valueBytes - Math.floor(valueBytes / 4));
    this.nodeContents = new ByteBudgetLru(Math.floor(maxBytes / 8));
    this.indexes = new ByteBudgetLru(Math.floor(maxBytes / 64));
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
    this.leafValues.clear();
    this.nodeContents.clear();
    this.indexes.clear();
    this.#memos.clear();
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

  memo(key: string): ArrayMemo | undefined {
    return this.trustIdentity ? this.#memos.get(key) : undefined;
  }

  rememberMemo(key: string, memo: ArrayMemo): void {
    if (!this.trustIdentity) return;
    this.#memos.delete(key);
    if (this.#memos.size >= MAX_MEMOS) this.#memos.delete(this.#memos.keys().next().value!);
    this.#memos.set(key, memo);
  }
}

/** The memo key of a channel of a thread's namespace. */
export function memoKey(threadId: string, ns: string, channel: string): string {
  return `${threadId}\u0000${ns}\u0000${channel}`;
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


