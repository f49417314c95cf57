/**
 * How a checkpoint names its values: value entries, channel maps, and the
 * tree an array value is stored as.
 *
 * A value is serialized by the saver's serde (`dumpsTyped`) and then:
 * - kept inline when its bytes are tiny (`null`, a branch marker, a step
 *   number): a blob row would cost more than the value;
 * - otherwise stored as a content-addressed blob (SHA-256 of the serde
 *   bytes) and named by that hash;
 * - an array of objects (a messages list) is stored element by element, the
 *   element entries grouped into a tree of fixed-size nodes. Appending to
 *   the list rewrites only the last few nodes, so a turn costs the same
 *   bytes and time at message 10 as at message 10,000, and every earlier
 *   checkpoint keeps pointing at the nodes it was written with.
 *
 * Wire forms (msgpack), hashes as 32-byte `bin`:
 * - entry: `[0, type, bytes]` inline | `[1, type, hash]` blob | `[2, hash]` list
 *   | `[3, [entry…]]` short list (fewer than FANOUT elements, kept in the entry)
 * - channel map: `{ [channel]: [version, entry] }`
 * - list descriptor: `[length, index, [entry…]]` — the index blob's hash,
 *   then the tail elements (fewer than FANOUT)
 * - list index: `[[level, [hash…]]…]` — the full nodes not grouped into a
 *   higher node, from the highest level down. It changes only when a leaf
 *   fills up, so a put that adds a message writes only the small descriptor.
 * - node of level 0: `[entry…]` (FANOUT elements); level k > 0: `[hash…]`
 *   (FANOUT nodes of level k − 1)
 */
import { toHex } from '../../core/codec/hex.ts';
import { decodeMsgpack, encodeMsgpack } from '../../core/codec/msgpack.ts';

/** Serde bytes up to this length are stored inline in the entry. */
export const INLINE_MAX_BYTES = 64;

/** Children per tree node. */
export const FANOUT = 16;

export type ChannelVersion = number | string;

export type ValueEntry =
  | { readonly kind: 'inline'; readonly type: string; readonly bytes: Uint8Array }
  | { readonly kind: 'blob'; readonly type: string; readonly hash: string }
  | { readonly kind: 'array'; readonly hash: string }
  | { readonly kind: 'short-list'; readonly elements: readonly ValueEntry[] };

export interface ChannelSlot {
  readonly version: ChannelVersion;
  readonly entry: ValueEntry;
}

export type ChannelMap = Map<string, ChannelSlot>;

export interface ArrayBlock {
  /** 0: the hashes name leaves of FANOUT elements; k: nodes of FANOUT level-(k−1) nodes. */
  readonly level: number;
  readonly hashes: readonly string[];
}

export interface ArrayDescriptor {
  readonly length: number;
  /** Hash of the list index (its blocks). */
  readonly index: string;
  readonly tail: readonly ValueEntry[];
}

/** Thrown for stored bytes that do not decode as the shape they must have. */
export class MalformedEntryError extends Error {
  override name = 'MalformedEntryError';
}

const KIND_INLINE = 0;
const KIND_BLOB = 1;
const KIND_ARRAY = 2;
const KIND_SHORT_LIST = 3;

/** A string that identifies an entry's content: equal keys, equal values. */
export function entryKey(entry: ValueEntry): string {
  switch (entry.kind) {
    case 'inline':
      return `i${entry.type}\u0000${toHex(entry.bytes)}`;
    case 'blob':
      return `b${entry.type}\u0000${entry.hash}`;
    case 'array':
      return `a${entry.hash}`;
    case 'short-list':
      return `s${entry.elements.map(entryKey).join('\u0001')}`;
  }
}

function entryToWire(entry: ValueEntry): unknown[] {
  switch (entry.kind) {
    case 'inline':
      return [KIND_INLINE, entry.type, entry.bytes];
    case 'blob':
      return [KIND_BLOB, entry.type, hashToBytes(entry.hash)];
    case 'array':
      return [KIND_ARRAY, hashToBytes(entry.hash)];
    case 'short-list':
      return [KIND_SHORT_LIST, entry.elements.map(entryToWire)];
  }
}

function entryFromWire(wire: unknown): ValueEntry {
  if (!Array.isArray(wire)) throw new MalformedEntryError('a value entry must be an array');
  const [kind, a, b] = wire as unknown[];
  if (kind === KIND_INLINE && typeof a === 'string' && b instanceof Uint8Array) return { kind: 'inline', type: a, bytes: b };
  if (kind === KIND_BLOB && typeof a === 'string') return { kind: 'blob', type: a, hash: hashFromBytes(b) };
  if (kind === KIND_ARRAY) return { kind: 'array', hash: hashFromBytes(a) };
  if (kind === KIND_SHORT_LIST && Array.isArray(a)) return { kind: 'short-list', elements: a.map(elementFromWire) };
  throw new MalformedEntryError(`unknown value entry kind ${String(kind)}`);
}

/** A list element: a whole value (lists do not nest). */
function elementFromWire(wire: unknown): ValueEntry {
  const entry = entryFromWire(wire);
  if (entry.kind !== 'inline' && entry.kind !== 'blob') throw new MalformedEntryError('a list element must be a whole value');
  return entry;
}

export function encodeEntry(entry: ValueEntry): Uint8Array {
  return encodeMsgpack(entryToWire(entry));
}

export function decodeEntry(bytes: Uint8Array): ValueEntry {
  return entryFromWire(decodeMsgpack(bytes));
}

export function encodeChannelMap(map: ChannelMap): Uint8Array {
  const wire: Record<string, unknown> = {};
  for (const [channel, slot] of map) wire[channel] = [slot.version, entryToWire(slot.entry)];
  return encodeMsgpack(wire);
}

export function decodeChannelMap(bytes: Uint8Array): ChannelMap {
  const wire = decodeMsgpack(bytes);
  if (typeof wire !== 'object' || wire === null || Array.isArray(wire)) {
    throw new MalformedEntryError('a channel map must be a map');
  }
  const map: ChannelMap = new Map();
  for (const [channel, value] of Object.entries(wire as Record<string, unknown>)) {
    if (!Array.isArray(value) || value.length !== 2 || !isVersion(value[0])) {
      throw new MalformedEntryError(`channel ${channel}: a slot must be [version, entry]`);
    }
    map.set(channel, { version: value[0], entry: entryFromWire(value[1]) });
  }
  return map;
}

export function encodeDescriptor(descriptor: ArrayDescriptor): Uint8Array {
  return encodeMsgpack([descriptor.length, hashToBytes(descriptor.index), descriptor.tail.map(entryToWire)]);
}

export function decodeDescriptor(bytes: Uint8Array): ArrayDescriptor {
  const wire = decodeMsgpack(bytes);
  if (!Array.isArray(wire) || wire.length !== 3 || !Number.isSafeInteger(wire[0]) || !Array.isArray(wire[2])) {
    throw new MalformedEntryError('a list descriptor must be [length, index, tail]');
  }
  return { length: wire[0] as number, index: hashFromBytes(wire[1]), tail: (wire[2] as unknown[]).map(elementFromWire) };
}

export function encodeIndex(blocks: readonly ArrayBlock[]): Uint8Array {
  return encodeMsgpack(blocks.map((block) => [block.level, block.hashes.map(hashToBytes)]));
}

export function decodeIndex(bytes: Uint8Array): ArrayBlock[] {
  const wire = decodeMsgpack(bytes);
  if (!Array.isArray(wire)) throw new MalformedEntryError('a list index must be an array of blocks');
  return wire.map((block): ArrayBlock => {
    if (!Array.isArray(block) || !Number.isSafeInteger(block[0]) || !Array.isArray(block[1])) {
      throw new MalformedEntryError('a list block must be [level, hashes]');
    }
    return { level: block[0] as number, hashes: (block[1] as unknown[]).map(hashFromBytes) };
  });
}

export function encodeLeaf(entries: readonly ValueEntry[]): Uint8Array {
  return encodeMsgpack(entries.map(entryToWire));
}

export function encodeInner(hashes: readonly string[]): Uint8Array {
  return encodeMsgpack(hashes.map(hashToBytes));
}

/** A decoded node: element entries (level 0) or child hashes (level > 0). */
export function decodeNode(bytes: Uint8Array, level: number): ValueEntry[] | string[] {
  const wire = decodeMsgpack(bytes);
  if (!Array.isArray(wire) || wire.length !== FANOUT) {
    throw new MalformedEntryError(`a tree node must hold ${FANOUT} children`);
  }
  return level === 0 ? wire.map(elementFromWire) : wire.map(hashFromBytes);
}

function isVersion(value: unknown): value is ChannelVersion {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/** A hex SHA-256 as its 32 bytes (how entries and the blob table store it). */
export function hashToBytes(hash: string): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number.parseInt(hash.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function hashFromBytes(value: unknown): string {
  if (!(value instanceof Uint8Array) || value.length !== 32) throw new MalformedEntryError('a hash must be 32 bytes');
  return toHex(value);
}
