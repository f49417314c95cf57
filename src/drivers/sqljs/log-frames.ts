/**
 * The on-disk framing of a redo log file (OPFS and Node file targets).
 *
 * A log file is a sequence of frames. The first is a *base* frame naming the
 * image it continues (generation, the image's last sequence number, its
 * length and CRC-32); the rest are *record* frames, one per committed
 * transaction. Each frame carries its length and a CRC-32 over header and
 * payload, so a frame torn by a crash mid-append is recognised and dropped
 * with everything after it, and a stale frame left over from an older
 * generation is never mistaken for a new one.
 *
 * ```
 * offset  0  u32  magic 'LSL1'
 *         4  u8   type (1 base, 2 record), 3 zero bytes
 *         8  u32  generation
 *        12  u32  sequence number, low 32 bits
 *        16  u32  sequence number, high bits
 *        20  u32  payload length
 *        24  u32  CRC-32 of bytes 0..24 and the payload
 *        28       payload (base: image length u32 lo, u32 hi, image CRC-32)
 * ```
 */
import type { RedoRecord } from './persistence.ts';

const MAGIC = 0x314c534c; // "LSL1" little-endian
const HEADER = 28;
const TYPE_BASE = 1;
const TYPE_RECORD = 2;
const BASE_PAYLOAD = 12;

/** The image a log continues. */
export interface LogBase {
  readonly generation: number;
  /** Last sequence number inside the image. */
  readonly seq: number;
  readonly imageLength: number;
  readonly imageCrc: number;
}

export interface ParsedLog {
  /** `null` when the file does not start with an intact base frame. */
  readonly base: LogBase | null;
  /** Intact records continuing the base, in order. */
  readonly records: RedoRecord[];
  /** Bytes of intact frames from the start: where the next append goes. */
  readonly validBytes: number;
  /** Bytes after them (a torn or stale tail), discarded. */
  readonly tornBytes: number;
}

/** The base frame of a new log for `image` (checkpoint of generation `generation`, up to `seq`). */
export function encodeBaseFrame(generation: number, seq: number, image: Uint8Array): Uint8Array {
  const payload = new Uint8Array(BASE_PAYLOAD);
  const view = new DataView(payload.buffer);
  writeU53(view, 0, image.length);
  view.setUint32(8, crc32(image), true);
  return encodeFrame(TYPE_BASE, generation, seq, payload);
}

/** Record frames for `records`, concatenated. */
export function encodeRecordFrames(generation: number, records: readonly RedoRecord[]): Uint8Array {
  const frames = records.map((record) => encodeFrame(TYPE_RECORD, generation, record.seq, record.bytes));
  const out = new Uint8Array(frames.reduce((sum, frame) => sum + frame.length, 0));
  let offset = 0;
  for (const frame of frames) {
    out.set(frame, offset);
    offset += frame.length;
  }
  return out;
}

/** Reads a log file: its base, then records while they are intact and continue the sequence. */
export function parseLog(bytes: Uint8Array): ParsedLog {
  const first = readFrame(bytes, 0);
  if (first === null || first.type !== TYPE_BASE || first.payload.length !== BASE_PAYLOAD) {
    return { base: null, records: [], validBytes: 0, tornBytes: bytes.length };
  }
  const payloadView = new DataView(first.payload.buffer, first.payload.byteOffset, BASE_PAYLOAD);
  const base: LogBase = {
    generation: first.generation,
    seq: first.seq,
    imageLength: readU53(payloadView, 0),
    imageCrc: payloadView.getUint32(8, true),
  };
  const records: RedoRecord[] = [];
  let offset = first.end;
  for (;;) {
    const frame = readFrame(bytes, offset);
    if (frame === null || frame.type !== TYPE_RECORD || frame.generation !== base.generation) break;
    if (frame.seq !== base.seq + records.length + 1) break;
    records.push({ seq: frame.seq, bytes: frame.payload });
    offset = frame.end;
  }
  return { base, records, validBytes: offset, tornBytes: bytes.length - offset };
}

/** True when `image` is the one `base` describes. */
export function imageMatches(base: LogBase, image: Uint8Array): boolean {
  return image.length >= base.imageLength && crc32(image.subarray(0, base.imageLength)) === base.imageCrc;
}

interface Frame {
  readonly type: number;
  readonly generation: number;
  readonly seq: number;
  readonly payload: Uint8Array;
  readonly end: number;
}

function encodeFrame(type: number, generation: number, seq: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(HEADER + payload.length);
  const view = new DataView(frame.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint8(4, type);
  view.setUint32(8, generation >>> 0, true);
  writeU53(view, 12, seq);
  view.setUint32(20, payload.length, true);
  frame.set(payload, HEADER);
  const crc = crc32(frame.subarray(HEADER), crc32(frame.subarray(0, 24)));
  view.setUint32(24, crc, true);
  return frame;
}

function readFrame(bytes: Uint8Array, offset: number): Frame | null {
  if (bytes.length - offset < HEADER) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, HEADER);
  if (view.getUint32(0, true) !== MAGIC) return null;
  const length = view.getUint32(20, true);
  const end = offset + HEADER + length;
  if (end > bytes.length) return null;
  const payload = bytes.subarray(offset + HEADER, end);
  const crc = crc32(payload, crc32(bytes.subarray(offset, offset + 24)));
  if (crc !== view.getUint32(24, true)) return null;
  return { type: view.getUint8(4), generation: view.getUint32(8, true), seq: readU53(view, 12), payload, end };
}

function writeU53(view: DataView, offset: number, value: number): void {
  view.setUint32(offset, value % 0x1_0000_0000, true);
  view.setUint32(offset + 4, Math.floor(value / 0x1_0000_0000), true);
}

function readU53(view: DataView, offset: number): number {
  return view.getUint32(offset, true) + view.getUint32(offset + 4, true) * 0x1_0000_0000;
}

// CRC-32 (IEEE 802.3, as zlib's), slicing by 8: several hundred MB/s in JS,
// so checking a 20 MB image on open costs tens of milliseconds.
const TABLE = buildTable();

function buildTable(): Int32Array {
  const table = new Int32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = table[n]!;
    for (let k = 1; k < 8; k++) {
      c = table[c & 0xff]! ^ (c >>> 8);
      table[k * 256 + n] = c;
    }
  }
  return table;
}

/** CRC-32 of `bytes`, continuing `previous` (the CRC of what came before). */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const t = TABLE;
  let c = ~previous;
  let i = 0;
  const last = bytes.length - 8;
  for (; i <= last; i += 8) {
    const a = c ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    c =
      t[1792 + (a & 0xff)]! ^
      t[1536 + ((a >>> 8) & 0xff)]! ^
      t[1280 + ((a >>> 16) & 0xff)]! ^
      t[1024 + (a >>> 24)]! ^
      t[768 + bytes[i + 4]!]! ^
      t[512 + bytes[i + 5]!]! ^
      t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
  }
  for (; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
