/**
 * The sql.js redo log and its targets, in Node: records and replay, folding,
 * whenDurable with a failing target, recovery from torn and damaged files,
 * crash points chosen at random in an in-memory disk, and SIGKILL of a real
 * process writing through fileLogPersistence.
 *
 * `LASH_CRASH_ROUNDS=<n>` runs n rounds of the random crash-point test
 * (default 60) and `LASH_KILL_ROUNDS=<n>` n process kills (default 3).
 */
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteBusyError, SqliteError, TransactionError } from '../../src/index.ts';
import { writeTransaction } from '../../src/core/driver/transaction.ts';
import { fileLogPersistence } from '../../src/node.ts';
import {
  SlottedLogTarget,
  openSqlJs,
  type PersistedDatabase,
  type RedoRecord,
  type SlotFileName,
  type SlotFiles,
  type SqlJsPersistence,
} from '../../src/sqljs.ts';
import { classifyStatement, decodeTransactionRecord, encodeTransactionRecord } from '../../src/drivers/sqljs/redo-record.ts';
import { crc32, encodeBaseFrame, encodeRecordFrames, parseLog } from '../../src/drivers/sqljs/log-frames.ts';
import { spawnChild } from '../support/child.ts';
import { tempDir } from '../support/drivers.ts';
import { readBack, TurnWriter } from '../browser/workload.ts';

// ---- test doubles -------------------------------------------------------

/** Files in memory that can "crash": from the n-th write on, nothing reaches them (the n-th is torn). */
class MemoryDisk {
  readonly files = new Map<SlotFileName, Uint8Array>();
  writes = 0;
  crashAtWrite = Number.POSITIVE_INFINITY;
  crashed = false;
  /** What the crashing write was: an append, or a step of a checkpoint. */
  crashedDuring: 'append' | 'checkpoint' | null = null;
  /** Fraction of the crashing write that lands. */
  tornFraction = 0.5;

  target(kind = 'memory'): SlottedLogTarget {
    this.crashed = false;
    return new SlottedLogTarget(new MemorySlotFiles(this), { kind, durable: true, storagePersisted: null });
  }
}

class MemorySlotFiles implements SlotFiles {
  readonly #disk: MemoryDisk;
  constructor(disk: MemoryDisk) {
    this.#disk = disk;
  }
  async read(file: SlotFileName): Promise<Uint8Array> {
    return (this.#disk.files.get(file) ?? new Uint8Array(0)).slice();
  }
  async write(file: SlotFileName, offset: number, bytes: Uint8Array, truncate: boolean): Promise<void> {
    const disk = this.#disk;
    if (disk.crashed) throw new Error('the disk is gone (crashed)');
    disk.writes += 1;
    const crashing = disk.writes >= disk.crashAtWrite;
    const landed = crashing ? bytes.subarray(0, Math.floor(bytes.length * disk.tornFraction)) : bytes;
    const old = disk.files.get(file) ?? new Uint8Array(0);
    const size = truncate && !crashing ? offset + landed.length : Math.max(old.length, offset + landed.length);
    const next = new Uint8Array(size);
    next.set(old.subarray(0, Math.min(old.length, size)));
    next.set(landed, offset);
    disk.files.set(file, next);
    if (crashing) {
      disk.crashed = true;
      disk.crashedDuring = file.startsWith('log') && offset > 0 ? 'append' : 'checkpoint';
      throw new Error('crash during write');
    }
  }
  async close(): Promise<void> {}
}

/** A log-mode target in memory that can be told to fail, and shows what it received. */
class RecordingTarget implements SqlJsPersistence {
  readonly kind = 'recording';
  readonly mode = 'log' as const;
  readonly durable = true;
  readonly storagePersisted = null;
  appended: RedoRecord[][] = [];
  checkpoints: { seq: number; bytes: number }[] = [];
  failNext = 0;
  async load(): Promise<PersistedDatabase> {
    return { image: null, imageSeq: 0, records: [], notes: [] };
  }
  async append(records: readonly RedoRecord[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('quota exceeded');
    }
    this.appended.push([...records]);
  }
  async checkpoint(image: Uint8Array, seq: number): Promise<void> {
    this.checkpoints.push({ seq, bytes: image.length });
  }
  async size() {
    return { imageBytes: 0, logBytes: 0, logRecords: this.appended.flat().length };
  }
  async close(): Promise<void> {}
}

// ---- tests --------------------------------------------------------------

describe('sql.js redo records', () => {
  it('encode and decode statements exactly: text with a leading U+FEFF, bytes, numbers, null, exec', () => {
    const record = {
      explicit: true,
      statements: [
        ['CREATE TABLE t (a, b, c, d)', null],
        ['INSERT INTO t VALUES (?, ?, ?, ?)', ['\uFEFFbom', new Uint8Array([0, 1, 255]), -1.5, null]],
        ['INSERT INTO t VALUES (?, ?, ?, ?)', ['x'.repeat(1000), new Uint8Array(0), Number.MAX_SAFE_INTEGER, '']],
      ],
    } as const;
    const bytes = encodeTransactionRecord(record);
    assert.deepEqual(decodeTransactionRecord(bytes), record);
    assert.equal(new TextDecoder().decode(bytes).split('INSERT INTO t').length - 1, 1, 'repeated SQL is stored once');
    assert.throws(() => decodeTransactionRecord(bytes.subarray(0, bytes.length - 3)), RangeError);
  });

  it('classifies statements: transaction control alone, reads, writes, vacuum', () => {
    assert.equal(classifyStatement('BEGIN IMMEDIATE'), 'begin');
    assert.equal(classifyStatement('  begin transaction;'), 'begin');
    assert.equal(classifyStatement('COMMIT'), 'commit');
    assert.equal(classifyStatement('END'), 'commit');
    assert.equal(classifyStatement('ROLLBACK'), 'rollback');
    assert.equal(classifyStatement('ROLLBACK TO sp'), 'write');
    assert.equal(classifyStatement('-- note\nSELECT 1'), 'read');
    assert.equal(classifyStatement('WITH RECURSIVE p(x) AS (SELECT 1) SELECT x FROM p'), 'read');
    assert.equal(classifyStatement('WITH d AS (SELECT 1) DELETE FROM t'), 'write');
    assert.equal(classifyStatement('INSERT INTO t VALUES (1) RETURNING rowid'), 'write');
    assert.equal(classifyStatement('PRAGMA integrity_check'), 'read');
    assert.equal(classifyStatement('PRAGMA user_version = 3'), 'write');
    assert.equal(classifyStatement('SELECT 1; DELETE FROM t'), 'write', 'several statements: not known to be a read');
    assert.equal(classifyStatement('VACUUM'), 'vacuum');
    assert.equal(classifyStatement('CREATE TRIGGER x AFTER INSERT ON t BEGIN DELETE FROM u; END'), 'write');
    assert.throws(() => classifyStatement('BEGIN; INSERT INTO t VALUES (1); COMMIT'), TransactionError);
  });

  it('frames records with a checksum; a torn or stale tail is cut off', () => {
    const image = new Uint8Array([1, 2, 3, 4]);
    const base = encodeBaseFrame(7, 10, image);
    const records = [11, 12, 13].map((seq) => ({ seq, bytes: new Uint8Array([seq, seq]) }));
    const log = new Uint8Array([...base, ...encodeRecordFrames(7, records)]);
    const whole = parseLog(log);
    assert.deepEqual(whole.base, { generation: 7, seq: 10, imageLength: 4, imageCrc: crc32(image) });
    assert.deepEqual(whole.records.map((r) => r.seq), [11, 12, 13]);
    assert.equal(whole.tornBytes, 0);
    const torn = parseLog(log.subarray(0, log.length - 5));
    assert.deepEqual(torn.records.map((r) => r.seq), [11, 12]);
    assert.ok(torn.tornBytes > 0);
    const stale = parseLog(new Uint8Array([...base, ...encodeRecordFrames(6, records)]));
    assert.deepEqual(stale.records, [], 'frames of another generation are not this log');
    const flipped = log.slice();
    flipped[flipped.length - 1]! ^= 1;
    assert.deepEqual(parseLog(flipped).records.map((r) => r.seq), [11, 12]);
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926, 'the standard CRC-32 check value');
  });
});

describe('sql.js persistence: the journal', () => {
  it('appends one record per committed write transaction, batched per synchronous stretch; reads and rollbacks add nothing', async () => {
    const target = new RecordingTarget();
    const conn = await openSqlJs({ persistence: target });
    assert.equal(target.checkpoints.length, 1, 'an empty target gets its first image on open');
    conn.exec('CREATE TABLE t (v)');
    writeTransaction(conn, () => conn.run('INSERT INTO t VALUES (?)', ['a']));
    writeTransaction(conn, () => conn.get('SELECT COUNT(*) FROM t'));
    assert.throws(() => writeTransaction(conn, () => { conn.run('INSERT INTO t VALUES (?)', ['b']); throw new Error('no'); }));
    writeTransaction(conn, () => conn.get('INSERT INTO t VALUES (?) RETURNING rowid', ['c']));
    await conn.whenDurable();
    assert.deepEqual(target.appended.map((batch) => batch.map((r) => r.seq)), [[1, 2, 3]]);
    const statements = target.appended[0]!.map((r) => decodeTransactionRecord(r.bytes));
    assert.deepEqual(statements.map((s) => [s.explicit, s.statements.map(([sql]) => sql)]), [
      [false, ['CREATE TABLE t (v)']],
      [true, ['INSERT INTO t VALUES (?)']],
      [true, ['INSERT INTO t VALUES (?) RETURNING rowid']],
    ]);
    const report = await conn.storageReport();
    assert.equal(report?.committedSeq, 3);
    assert.equal(report?.durableSeq, 3);
    await conn.close();
  });

  it('copies bound bytes when it records them: a caller reusing its buffer changes nothing', async () => {
    const disk = new MemoryDisk();
    const conn = await openSqlJs({ persistence: disk.target() });
    conn.exec('CREATE TABLE b (v BLOB)');
    const buffer = new Uint8Array([1, 1, 1]);
    writeTransaction(conn, () => {
      conn.run('INSERT INTO b VALUES (?)', [buffer]);
      buffer.fill(2);
      conn.run('INSERT INTO b VALUES (?)', [buffer]);
    });
    await conn.close();
    const again = await openSqlJs({ persistence: disk.target() });
    assert.deepEqual(again.all<{ v: Uint8Array }>('SELECT v FROM b').map((r) => [...r.v]), [[1, 1, 1], [2, 2, 2]]);
    await again.close();
  });

  it('whenDurable rejects while the target fails, keeps the data in memory, and a later call writes it', async () => {
    const target = new RecordingTarget();
    const conn = await openSqlJs({ persistence: target });
    conn.exec('CREATE TABLE t (v)');
    await conn.whenDurable();
    target.failNext = 1;
    writeTransaction(conn, () => conn.run('INSERT INTO t VALUES (1)'));
    const failure = await conn.whenDurable().then(() => null, (error: unknown) => error);
    assert.ok(failure instanceof SqliteError, String(failure));
    assert.equal(failure.code, 'SQLITE_IOERR');
    assert.match(failure.message, /recording target did not persist transactions 2\.\.2: quota exceeded/);
    assert.match((await conn.storageReport())!.lastError ?? '', /quota exceeded/);
    assert.equal(conn.get<{ n: number }>('SELECT COUNT(*) AS n FROM t')!.n, 1, 'still committed in memory');
    await conn.whenDurable();
    assert.deepEqual(target.appended.flat().map((r) => r.seq), [1, 2], 'retried from the first record not written');
    assert.equal((await conn.storageReport())!.lastError, null);
    await conn.close();
  });

  it('replays the log on open, folds it into a new image once it has grown, and flush() folds on demand', async (t) => {
    const dir = join(tempDir(t), 'db');
    const conn = await openSqlJs({ persistence: fileLogPersistence(dir), checkpointLogBytes: 20_000 });
    const writer = await TurnWriter.open(conn, 'session-fold');
    for (let turn = 1; turn <= 30; turn++) await writer.commitTurn(turn, 1500);
    const report = (await conn.storageReport())!;
    assert.ok(report.imageBytes > 0);
    assert.ok(report.logRecords < 30, `folded at least once (${report.logRecords} records in the log)`);
    writer.store.close();
    await conn.close();

    const reopened = await openSqlJs({ persistence: fileLogPersistence(dir) });
    assert.equal(reopened.recovery?.integrity, 'ok');
    assert.equal(reopened.recovery?.replayedTransactions, report.logRecords);
    const back = await readBack(reopened);
    assert.deepEqual(back.nodeIds, Array.from({ length: 30 }, (_, i) => `turn-${i + 1}`));
    assert.equal(back.headRevision, 30);
    await reopened.flush();
    assert.equal((await reopened.storageReport())!.logRecords, 0);
    await reopened.close();
    const folded = await openSqlJs({ persistence: fileLogPersistence(dir) });
    assert.equal(folded.recovery?.replayedTransactions, 0);
    assert.equal((await readBack(folded)).headRevision, 30);
    await folded.close();
  });

  it('VACUUM folds a smaller image', async () => {
    const disk = new MemoryDisk();
    const conn = await openSqlJs({ persistence: disk.target() });
    conn.exec('CREATE TABLE t (v)');
    writeTransaction(conn, () => {
      for (let i = 0; i < 200; i++) conn.run('INSERT INTO t VALUES (?)', [new Uint8Array(2000)]);
    });
    await conn.flush();
    const before = (await conn.storageReport())!.imageBytes;
    writeTransaction(conn, () => conn.run('DELETE FROM t'));
    conn.exec('VACUUM');
    await conn.whenDurable();
    await conn.flush();
    const after = (await conn.storageReport())!.imageBytes;
    assert.ok(after < before / 10, `${before} → ${after}`);
    await conn.close();
  });

  it('opens an empty target from data and persists it; refuses data for a target that holds a database', async () => {
    const source = await openSqlJs();
    source.exec("CREATE TABLE t (v); INSERT INTO t VALUES ('dropped in')");
    const bytes = source.export();
    source.close();
    const disk = new MemoryDisk();
    const conn = await openSqlJs({ persistence: disk.target(), data: bytes });
    assert.equal(conn.recovery?.startedFromData, true);
    await conn.close();
    const again = await openSqlJs({ persistence: disk.target() });
    assert.equal(again.get<{ v: string }>('SELECT v FROM t')!.v, 'dropped in');
    await again.close();
    await assert.rejects(openSqlJs({ persistence: disk.target(), data: bytes }), /already holds a database/);
  });

  it('shares a persisted named database between handles and releases the target with the last one', async (t) => {
    const dir = join(tempDir(t), 'db');
    const name = `persisted-${process.pid}`;
    const target = fileLogPersistence(dir);
    const a = await openSqlJs({ name, persistence: target });
    const b = await openSqlJs({ name });
    assert.throws(() => fileLogPersistence(dir), SqliteBusyError, 'one open per directory');
    a.exec('CREATE TABLE t (v)');
    assert.ok(b.get("SELECT name FROM sqlite_master WHERE name = 't'"));
    await a.close();
    b.exec('INSERT INTO t VALUES (1)');
    await b.close();
    const c = await openSqlJs({ name, persistence: fileLogPersistence(dir) });
    assert.equal(c.get<{ n: number }>('SELECT COUNT(*) AS n FROM t')!.n, 1);
    await c.close();
  });

  it('refuses a SAVEPOINT outside BEGIN and transaction control mixed with other statements', async () => {
    const conn = await openSqlJs({ persistence: new RecordingTarget() });
    assert.throws(() => conn.exec('SAVEPOINT s'), TransactionError);
    assert.throws(() => conn.exec('BEGIN; CREATE TABLE t (v); COMMIT'), TransactionError);
    conn.exec('BEGIN');
    conn.exec('CREATE TABLE t (v)');
    conn.exec('SAVEPOINT s');
    conn.exec('INSERT INTO t VALUES (1)');
    conn.exec('ROLLBACK TO s');
    conn.exec('INSERT INTO t VALUES (2)');
    conn.exec('COMMIT');
    await conn.close();
  });
});

describe('sql.js persistence: recovery', () => {
  async function filledDisk(turns: number): Promise<MemoryDisk> {
    const disk = new MemoryDisk();
    const conn = await openSqlJs({ persistence: disk.target() });
    const writer = await TurnWriter.open(conn, 'session-recovery');
    for (let turn = 1; turn <= turns; turn++) await writer.commitTurn(turn);
    await conn.close();
    return disk;
  }

  it('discards a torn log tail, says so, and keeps every intact record', async () => {
    const disk = await filledDisk(5);
    const log = disk.files.get('log-0')!;
    disk.files.set('log-0', log.subarray(0, log.length - 7));
    const conn = await openSqlJs({ persistence: disk.target() });
    assert.match(conn.recovery!.notes.join('\n'), /log-0: discarded \d+ bytes after \d+ intact records/);
    assert.deepEqual((await readBack(conn)).nodeIds, ['turn-1', 'turn-2', 'turn-3', 'turn-4']);
    const writer = await TurnWriter.open(conn, 'session-recovery');
    await writer.commitTurn(5);
    await conn.close();
    const again = await openSqlJs({ persistence: disk.target() });
    assert.deepEqual(again.recovery!.notes, [], 'the tail was cut, the next append continued cleanly');
    assert.equal((await readBack(again)).nodeIds.length, 5);
    await again.close();
  });

  it('falls back to the older image and both logs when the newest image is damaged', async () => {
    const disk = new MemoryDisk();
    const conn = await openSqlJs({ persistence: disk.target(), checkpointLogBytes: 1 });
    const writer = await TurnWriter.open(conn, 'session-damaged');
    for (let turn = 1; turn <= 3; turn++) await writer.commitTurn(turn);
    // Stop folding: the next records stay in the current log.
    await conn.close();
    const opened = await openSqlJs({ persistence: disk.target(), checkpointLogBytes: 1 << 30 });
    const more = await TurnWriter.open(opened, 'session-damaged');
    await more.commitTurn(4);
    await opened.close();
    const newest = parseLog(disk.files.get('log-0')!).base!.generation > parseLog(disk.files.get('log-1')!).base!.generation ? 0 : 1;
    const image = disk.files.get(`image-${newest}`)!;
    image[image.length - 100]! ^= 0xff;
    const recovered = await openSqlJs({ persistence: disk.target() });
    assert.match(recovered.recovery!.notes.join('\n'), /does not match its checksum.*recovered from image-/s);
    assert.deepEqual((await readBack(recovered)).nodeIds, ['turn-1', 'turn-2', 'turn-3', 'turn-4']);
    await recovered.close();
    const clean = await openSqlJs({ persistence: disk.target() });
    assert.deepEqual(clean.recovery!.notes, [], 'a new checkpoint replaced the damaged slot');
    await clean.close();
  });

  it('refuses to open a database that fails PRAGMA integrity_check, or a log that does not replay', async () => {
    const disk = await filledDisk(2);
    const newest = parseLog(disk.files.get('log-0')!).base!;
    const image = disk.files.get('image-0')!.slice();
    // Damage the schema b-tree page, then re-seal the image so its checksum agrees.
    for (let i = 100; i < 400; i++) image[i] = 0x5a;
    const broken = new MemoryDisk();
    broken.files.set('image-0', image);
    broken.files.set('log-0', encodeBaseFrame(newest.generation, newest.seq, image));
    await assert.rejects(openSqlJs({ persistence: broken.target() }), (error: unknown) => {
      assert.ok(error instanceof SqliteError);
      assert.equal(error.code, 'SQLITE_CORRUPT');
      return true;
    });

    const bad = new MemoryDisk();
    const empty = await openSqlJs();
    const emptyImage = empty.export();
    empty.close();
    const record = { seq: 1, bytes: encodeTransactionRecord({ explicit: true, statements: [['INSERT INTO missing VALUES (1)', []]] }) };
    bad.files.set('image-0', emptyImage);
    bad.files.set('log-0', new Uint8Array([...encodeBaseFrame(1, 0, emptyImage), ...encodeRecordFrames(1, [record])]));
    await assert.rejects(openSqlJs({ persistence: bad.target() }), /redo record 1 does not replay: no such table: missing/);
  });
});

const CRASH_ROUNDS = Number(process.env.LASH_CRASH_ROUNDS ?? 60);
const KILL_ROUNDS = Number(process.env.LASH_KILL_ROUNDS ?? 3);

describe('sql.js persistence: crashes', () => {
  it(`finds every acknowledged turn after a crash at a random write, torn at a random point (${CRASH_ROUNDS} rounds)`, async () => {
    let acknowledgedTotal = 0;
    let lostTotal = 0;
    const during = { append: 0, checkpoint: 0, none: 0 };
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let round = 0; round < CRASH_ROUNDS; round++) {
      const disk = new MemoryDisk();
      disk.crashAtWrite = 1 + Math.floor(random() * 60);
      disk.tornFraction = random();
      const acked: string[] = [];
      try {
        const conn = await openSqlJs({ persistence: disk.target(), checkpointLogBytes: 4000 });
        const writer = await TurnWriter.open(conn, 'session-crash');
        for (let turn = 1; turn <= 40; turn++) {
          acked.push(await writer.commitTurn(turn, 300 + Math.floor(random() * 900)));
          // Folds in the background too, so crashes land inside checkpoints as well as appends.
          if (random() < 0.2) conn.flush().catch(() => undefined);
        }
      } catch {
        // the crash: the page is gone
      }
      during[disk.crashedDuring ?? 'none'] += 1;
      disk.crashAtWrite = Number.POSITIVE_INFINITY;
      const reopened = await openSqlJs({ persistence: disk.target() });
      const back = await readBack(reopened);
      assert.equal(back.integrity, 'ok');
      const found = acked.filter((id) => back.nodeIds.includes(id));
      acknowledgedTotal += acked.length;
      lostTotal += acked.length - found.length;
      assert.deepEqual(found, acked, `round ${round} (crash at write ${disk.crashAtWrite}): ${reopened.recovery!.notes.join('; ')}`);
      assert.deepEqual(back.nodeIds, back.nodeIds.map((_, i) => `turn-${i + 1}`), 'a prefix of the turns, no gap');
      await reopened.close();
    }
    console.log(
      `# random crash points: ${CRASH_ROUNDS} rounds (${during.append} in an append, ${during.checkpoint} in a checkpoint, ` +
        `${during.none} after the last write), ${acknowledgedTotal} acknowledged turns, ${lostTotal} lost`,
    );
    assert.ok(during.append > 0 && during.checkpoint > 0, 'crashes landed in appends and in checkpoints');
  });

  it(`finds every acknowledged turn after SIGKILL of a process writing through fileLogPersistence (${KILL_ROUNDS} rounds)`, async (t) => {
    const dir = tempDir(t);
    let acknowledgedTotal = 0;
    for (let round = 0; round < KILL_ROUNDS; round++) {
      const path = join(dir, `db-${round}`);
      const child = spawnChild(join(import.meta.dirname, 'sqljs-crash-child.ts'), [path]);
      const killAfter = 5 + Math.floor(Math.random() * 40);
      const acked: string[] = [];
      while (acked.length < killAfter) acked.push(((await child.next()) as { ack: string }).ack);
      child.process.kill('SIGKILL');
      await child.exited;
      const conn = await openSqlJs({ persistence: fileLogPersistence(path) });
      const back = await readBack(conn);
      assert.equal(back.integrity, 'ok');
      assert.deepEqual(acked.filter((id) => !back.nodeIds.includes(id)), [], `round ${round}: ${conn.recovery!.notes.join('; ')}`);
      acknowledgedTotal += acked.length;
      await conn.close();
    }
    console.log(`# SIGKILL: ${KILL_ROUNDS} rounds, ${acknowledgedTotal} acknowledged turns, 0 lost`);
  });
});

describe('fileLogPersistence files', () => {
  it('writes image slots that are plain SQLite files and a log that grows by one frame per commit', async (t) => {
    const dir = join(tempDir(t), 'db');
    const conn = await openSqlJs({ persistence: fileLogPersistence(dir) });
    conn.exec('CREATE TABLE t (v)');
    await conn.whenDurable();
    const before = readFileSync(join(dir, 'log-0')).length;
    writeTransaction(conn, () => conn.run('INSERT INTO t VALUES (?)', ['x'.repeat(100)]));
    await conn.whenDurable();
    const grown = readFileSync(join(dir, 'log-0')).length - before;
    assert.ok(grown > 100 && grown < 300, `one small frame (${grown} bytes)`);
    await conn.flush();
    await conn.close();
    const image = readFileSync(join(dir, 'image-1'));
    assert.equal(new TextDecoder().decode(image.subarray(0, 15)), 'SQLite format 3');
    // A garbage tail (a torn append) is discarded on the next open.
    appendFileSync(join(dir, 'log-1'), new Uint8Array(50).fill(7));
    const again = await openSqlJs({ persistence: fileLogPersistence(dir) });
    assert.match(again.recovery!.notes.join(), /discarded 50 bytes/);
    assert.equal(again.get<{ n: number }>('SELECT COUNT(*) AS n FROM t')!.n, 1);
    await again.close();
    // With no intact base frame anywhere (the first checkpoint was cut short) the target is empty, and says why.
    truncateSync(join(dir, 'log-1'), 10);
    writeFileSync(join(dir, 'log-0'), new Uint8Array(0));
    const empty = await openSqlJs({ persistence: fileLogPersistence(dir) });
    assert.match(empty.recovery!.notes.join(), /log-1: no intact base frame in 10 bytes/);
    assert.equal(empty.get("SELECT name FROM sqlite_master WHERE name = 't'"), undefined);
    await empty.close();
  });
});
