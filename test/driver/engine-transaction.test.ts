/**
 * The optional `transaction(kind, body)` driver hook, for engines that refuse
 * `BEGIN`/`COMMIT` SQL (a Durable Object's `transactionSync`). The engine here
 * is sql.js behind a wrapper that refuses transaction SQL the way a Durable
 * Object does and runs the body in a savepoint-free BEGIN/COMMIT of its own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Store, TransactionError, type SqliteConnection } from '../../src/index.ts';
import { readTransaction, rollback, writeTransaction } from '../../src/core/driver/transaction.ts';
import { openSqlJs } from '../../src/sqljs.ts';

const TRANSACTION_SQL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/i;

interface EngineLog {
  kinds: Array<'read' | 'write'>;
  afterCommits: number;
}

async function engineTransactionConnection(): Promise<{ conn: SqliteConnection; log: EngineLog }> {
  const inner = await openSqlJs();
  const log: EngineLog = { kinds: [], afterCommits: 0 };
  const refuse = (sql: string) => {
    if (TRANSACTION_SQL.test(sql)) throw new Error('To execute a transaction, please use transactionSync(): SQLITE_AUTH');
  };
  const conn: SqliteConnection = {
    info: { ...inner.info, engine: 'engine-transactions' },
    get closed() {
      return inner.closed;
    },
    exec(sql) {
      refuse(sql);
      inner.exec(sql);
    },
    run: (sql, params) => (refuse(sql), inner.run(sql, params)),
    get: (sql, params) => inner.get(sql, params),
    all: (sql, params) => inner.all(sql, params),
    close: () => inner.close(),
    afterCommit() {
      log.afterCommits += 1;
    },
    transaction(kind, body) {
      log.kinds.push(kind);
      inner.exec(kind === 'write' ? 'BEGIN IMMEDIATE' : 'BEGIN');
      try {
        const result = body();
        inner.exec('COMMIT');
        return result;
      } catch (error) {
        inner.exec('ROLLBACK');
        throw error;
      }
    },
  };
  return { conn, log };
}

describe('engine transactions (driver.transaction hook)', () => {
  it('commits a write body through the hook and calls afterCommit once', async () => {
    const { conn, log } = await engineTransactionConnection();
    conn.exec('CREATE TABLE t (v INTEGER)');
    const out = writeTransaction(conn, () => {
      conn.run('INSERT INTO t VALUES (1)');
      return 'done';
    });
    assert.equal(out, 'done');
    assert.deepEqual(log.kinds, ['write']);
    assert.equal(log.afterCommits, 1);
    assert.equal(conn.get<{ n: number }>('SELECT count(*) AS n FROM t')?.n, 1);
  });

  it('rolls back a Rollback result and still returns its value', async () => {
    const { conn, log } = await engineTransactionConnection();
    conn.exec('CREATE TABLE t (v INTEGER)');
    const out = writeTransaction(conn, () => {
      conn.run('INSERT INTO t VALUES (1)');
      return rollback(42);
    });
    assert.equal(out, 42);
    assert.equal(log.afterCommits, 0);
    assert.equal(conn.get<{ n: number }>('SELECT count(*) AS n FROM t')?.n, 0);
  });

  it('rolls back and re-throws a thrown error, and refuses Promise bodies', async () => {
    const { conn } = await engineTransactionConnection();
    conn.exec('CREATE TABLE t (v INTEGER)');
    assert.throws(
      () =>
        writeTransaction(conn, () => {
          conn.run('INSERT INTO t VALUES (1)');
          throw new RangeError('boom');
        }),
      RangeError,
    );
    assert.throws(() => writeTransaction(conn, () => Promise.resolve(1) as unknown as number), TransactionError);
    assert.equal(conn.get<{ n: number }>('SELECT count(*) AS n FROM t')?.n, 0);
  });

  it('keeps nesting rules: reads nest in writes, writes never nest', async () => {
    const { conn, log } = await engineTransactionConnection();
    conn.exec('CREATE TABLE t (v INTEGER)');
    writeTransaction(conn, () => {
      assert.equal(readTransaction(conn, () => 7), 7);
      assert.throws(() => writeTransaction(conn, () => 1), /do not nest/);
    });
    assert.equal(readTransaction(conn, () => conn.get<{ n: number }>('SELECT count(*) AS n FROM t')?.n), 0);
    assert.deepEqual(log.kinds, ['write', 'read']);
  });

  it('opens a Store and commits on an engine that refuses BEGIN', async () => {
    const { conn, log } = await engineTransactionConnection();
    const store = await Store.open(conn);
    const session = await store.loadSession({ kind: 'FullGraph' });
    assert.equal(session, null);
    assert.ok(log.kinds.includes('write'), 'schema setup went through the hook');
    store.close();
  });
});
