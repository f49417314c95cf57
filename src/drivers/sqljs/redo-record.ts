/**
 * Redo records: what the sql.js driver writes to a persistence target's log
 * for each committed write transaction — the statements that changed the
 * database, with their parameters, in order. Replaying them on the image the
 * transaction started from gives the same database, because every statement
 * the stores run is deterministic given its parameters (tokens, clocks and
 * ids are computed in JavaScript and bound; no `random()` or `'now'` in SQL).
 *
 * Reads are not recorded. A statement that failed is not recorded either: it
 * changed nothing, and the transaction went on without it.
 */
import { TransactionError } from '../../core/driver/errors.ts';
import type { SqlParam } from '../../core/driver/types.ts';

/** One recorded statement: SQL text and its parameters (`null` for `exec`). */
export type RecordedStatement = readonly [sql: string, params: readonly SqlParam[] | null];

/** A decoded redo record. */
export interface TransactionRecord {
  /** False for a single statement that ran outside BEGIN … COMMIT (its own implicit transaction). */
  readonly explicit: boolean;
  readonly statements: readonly RecordedStatement[];
}

// A small binary form of its own rather than msgpack: text must come back
// exactly (msgpack's decoder drops a leading U+FEFF, as TextDecoder does by
// default), and repeated SQL is stored once per record.
//
//   u8 format (1) · u8 explicit · u32 distinct SQL count · SQL strings
//   u32 statement count · per statement: u32 SQL index, u32 parameter count
//   (0xffffffff for exec) · parameters: u8 tag (0 null, 1 float64, 2 text,
//   3 bytes) and its payload (text and bytes: u32 length, then the bytes)
const FORMAT = 1;
const EXEC = 0xffffffff;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true });

export function encodeTransactionRecord(record: TransactionRecord): Uint8Array {
  const sqlIndex = new Map<string, number>();
  const sqlBytes: Uint8Array[] = [];
  const chunks: Uint8Array[] = [];
  let size = 10;
  for (const [sql] of record.statements) {
    if (sqlIndex.has(sql)) continue;
    sqlIndex.set(sql, sqlBytes.length);
    const bytes = encoder.encode(sql);
    sqlBytes.push(bytes);
    size += 4 + bytes.length;
  }
  for (const [, params] of record.statements) {
    size += 8;
    for (const param of params ?? []) {
      if (typeof param === 'string') {
        const bytes = encoder.encode(param);
        chunks.push(bytes);
        size += 5 + bytes.length;
      } else {
        size += param === null ? 1 : typeof param === 'number' ? 9 : 5 + param.length;
      }
    }
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  const u32 = (value: number) => {
    view.setUint32(at, value, true);
    at += 4;
  };
  const bytes = (value: Uint8Array) => {
    u32(value.length);
    out.set(value, at);
    at += value.length;
  };
  out[at++] = FORMAT;
  out[at++] = record.explicit ? 1 : 0;
  u32(sqlBytes.length);
  sqlBytes.forEach(bytes);
  u32(record.statements.length);
  let chunk = 0;
  for (const [sql, params] of record.statements) {
    u32(sqlIndex.get(sql)!);
    u32(params === null ? EXEC : params.length);
    for (const param of params ?? []) {
      if (param === null) {
        out[at++] = 0;
      } else if (typeof param === 'number') {
        out[at++] = 1;
        view.setFloat64(at, param, true);
        at += 8;
      } else if (typeof param === 'string') {
        out[at++] = 2;
        bytes(chunks[chunk++]!);
      } else {
        out[at++] = 3;
        bytes(param);
      }
    }
  }
  return out;
}

export function decodeTransactionRecord(record: Uint8Array): TransactionRecord {
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  let at = 0;
  const u8 = () => {
    if (at >= record.length) throw new RangeError('a redo record ends early');
    return record[at++]!;
  };
  const u32 = () => {
    const value = view.getUint32(at, true);
    at += 4;
    return value;
  };
  const bytes = () => {
    const length = u32();
    if (at + length > record.length) throw new RangeError('a redo record ends early');
    at += length;
    return record.subarray(at - length, at);
  };
  if (u8() !== FORMAT) throw new TypeError('not a redo record of format 1');
  const explicit = u8() === 1;
  const sqls = Array.from({ length: u32() }, () => decoder.decode(bytes()));
  const statements = Array.from({ length: u32() }, (): RecordedStatement => {
    const sql = sqls[u32()];
    if (sql === undefined) throw new RangeError('a redo record names an unknown statement');
    const count = u32();
    if (count === EXEC) return [sql, null];
    const params: SqlParam[] = [];
    for (let i = 0; i < count; i++) {
      const tag = u8();
      if (tag === 0) params.push(null);
      else if (tag === 1) {
        params.push(view.getFloat64(at, true));
        at += 8;
      } else if (tag === 2) params.push(decoder.decode(bytes()));
      else if (tag === 3) params.push(bytes().slice());
      else throw new TypeError(`a redo record holds an unknown value tag ${tag}`);
    }
    return [sql, params];
  });
  if (at !== record.length) throw new RangeError('a redo record has trailing bytes');
  return { explicit, statements };
}

/** How the driver treats a statement while a persistence target records the database. */
export type StatementKind = 'begin' | 'commit' | 'rollback' | 'read' | 'write' | 'vacuum' | 'savepoint';

const BEGIN = /^BEGIN(\s+(DEFERRED|IMMEDIATE|EXCLUSIVE))?(\s+TRANSACTION)?\s*;?\s*$/i;
const COMMIT = /^(COMMIT|END)(\s+TRANSACTION)?\s*;?\s*$/i;
const ROLLBACK = /^ROLLBACK(\s+TRANSACTION)?\s*;?\s*$/i;
const WITH_WRITE = /\b(INSERT|UPDATE|DELETE|REPLACE)\b/i;

/**
 * Classifies one SQL string by its first keyword. Transaction control must
 * come as a statement of its own (`exec('BEGIN')`), which is how the
 * transaction helper runs it; a string that mixes it with other statements
 * is refused, since the record boundaries would otherwise be guessed.
 * Anything not known to be a read is a write (recording a read is only
 * wasted replay time; missing a write would lose data).
 */
export function classifyStatement(sql: string): StatementKind {
  const text = stripLeadingComments(sql);
  const keyword = /^[A-Za-z]+/.exec(text)?.[0]?.toUpperCase() ?? '';
  const single = !text.replace(/;\s*$/, '').includes(';');
  switch (keyword) {
    case 'BEGIN':
      if (BEGIN.test(text)) return 'begin';
      throw mixedControl(sql);
    case 'COMMIT':
    case 'END':
      if (COMMIT.test(text)) return 'commit';
      throw mixedControl(sql);
    case 'ROLLBACK':
      if (ROLLBACK.test(text)) return 'rollback';
      return 'write'; // ROLLBACK TO a savepoint, inside a transaction
    case 'SAVEPOINT':
      return 'savepoint';
    case 'SELECT':
    case 'VALUES':
    case 'EXPLAIN':
      return single ? 'read' : 'write';
    case 'WITH':
      return single && !WITH_WRITE.test(text) ? 'read' : 'write';
    case 'PRAGMA':
      // `PRAGMA x = v` may change the file (user_version, page_size…); a bare
      // PRAGMA reads (integrity_check, table_info, page_count…).
      return single && !text.includes('=') ? 'read' : 'write';
    case 'VACUUM':
      return single ? 'vacuum' : 'write';
    default:
      return 'write';
  }
}

function stripLeadingComments(sql: string): string {
  let text = sql.trimStart();
  for (;;) {
    if (text.startsWith('--')) {
      const end = text.indexOf('\n');
      text = end < 0 ? '' : text.slice(end + 1).trimStart();
    } else if (text.startsWith('/*')) {
      const end = text.indexOf('*/');
      text = end < 0 ? '' : text.slice(end + 2).trimStart();
    } else {
      return text;
    }
  }
}

function mixedControl(sql: string): TransactionError {
  return new TransactionError(
    `with a persistence target, run BEGIN / COMMIT / ROLLBACK as a statement of its own: ${sql.slice(0, 80)}`,
  );
}
