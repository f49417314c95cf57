import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SqliteError, SqliteValueError, TransactionError, type SqliteConnection } from '../../src/index.ts';
import { readTransaction, rollback, writeTransaction } from '../../src/core/driver/transaction.ts';
import { describeEachDriver } from '../support/drivers.ts';

function table(conn: SqliteConnection): void {
  conn.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v)');
}

describeEachDriver('driver contract', (driver) => {
  it('round-trips null, integers, floats, text and blobs', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    table(conn);
    const values = [
      null,
      0,
      -1,
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
      1.5,
      '',
      'héllo 🌍 — ok',
      new Uint8Array([0, 1, 2, 253, 254, 255]),
      new Uint8Array(70_000).fill(7),
    ];
    for (const v of values) conn.run('INSERT INTO t (v) VALUES (?)', [v]);
    const rows = conn.all<{ v: unknown }>('SELECT v FROM t ORDER BY id');
    assert.equal(rows.length, values.length);
    rows.forEach((row, i) => {
      const expected = values[i];
      if (expected instanceof Uint8Array) {
        assert.ok(row.v instanceof Uint8Array, `row ${i} is a Uint8Array`);
        assert.deepEqual(Array.from(row.v as Uint8Array), Array.from(expected));
      } else {
        assert.equal(row.v, expected);
      }
    });
  });

  it('returns rows as null-prototype objects on every driver', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    const row = conn.get('SELECT 1 AS constructor, 2 AS __proto__')!;
    assert.equal(Object.getPrototypeOf(row), null);
    assert.deepEqual(Object.entries(row), [['constructor', 1], ['__proto__', 2]]);
  });

  it('returns rows as value arrays in column order from allValues, where the driver has it', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    if (driver.name === 'node-sqlite') assert.equal(typeof conn.allValues, 'function');
    if (conn.allValues === undefined) return;
    table(conn);
    conn.run('INSERT INTO t (v) VALUES (?), (?), (?)', ['a', null, 3]);
    assert.deepEqual(conn.allValues('SELECT v, id FROM t WHERE id >= ? ORDER BY id', [2]), [[null, 2], [3, 3]]);
    assert.deepEqual(conn.allValues('SELECT v FROM t WHERE id = ?', [9]), []);
    // The keyed form of the same statement is unaffected by the array one.
    assert.deepEqual(conn.all('SELECT v, id FROM t WHERE id >= ? ORDER BY id', [3]).map((row) => ({ ...row })), [{ v: 3, id: 3 }]);
    assert.throws(() => conn.allValues!('SELECT v FROM t WHERE id = ?', [undefined as never]), SqliteValueError);
  });

  it('returns undefined from get() and [] from all() when nothing matches', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    table(conn);
    assert.equal(conn.get('SELECT v FROM t WHERE id = ?', [1]), undefined);
    assert.deepEqual(conn.all('SELECT v FROM t'), []);
  });

  it('reports the rows a statement changed', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    table(conn);
    assert.equal(conn.run('INSERT INTO t (v) VALUES (?), (?), (?)', [1, 2, 3]).changes, 3);
    assert.equal(conn.run('UPDATE t SET v = v + 1 WHERE v >= ?', [2]).changes, 2);
    assert.equal(conn.run('DELETE FROM t WHERE v = ?', [99]).changes, 0);
    assert.deepEqual({ ...conn.get('INSERT INTO t (v) VALUES (?) RETURNING id', [4]) }, { id: 4 });
  });

  it('refuses parameters it cannot store faithfully, with a clear error and no write', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    table(conn);
    const bad: Array<[unknown, RegExp]> = [
      [undefined, /parameter 1 is undefined; pass null/],
      [true, /parameter 1 is a boolean/],
      [10n, /parameter 1 is a bigint/],
      [2 ** 53, /outside the safe range/],
      [-(2 ** 60), /outside the safe range/],
      [Number.NaN, /NaN/],
      [Number.POSITIVE_INFINITY, /Infinity/],
      [{ a: 1 }, /only null, number, string and Uint8Array/],
      [[1, 2], /an array/],
    ];
    for (const [value, message] of bad) {
      assert.throws(() => conn.run('INSERT INTO t (v) VALUES (?)', [value as never]), (error: unknown) => {
        assert.ok(error instanceof SqliteValueError, `${String(value)} gives SqliteValueError`);
        assert.match((error as Error).message, message);
        return true;
      });
    }
    assert.equal(conn.get<{ n: number }>('SELECT COUNT(*) AS n FROM t')!.n, 0);
  });

  it('refuses a call that binds more or fewer parameters than the statement takes, and changes nothing', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    conn.exec('CREATE TABLE p (a, b)');
    const insert = 'INSERT INTO p (a, b) VALUES (?, ?)';
    for (const params of [[], [1], [1, 2, 3]]) {
      for (const call of [() => conn.run(insert, params), () => conn.get(`${insert} RETURNING a`, params), () => conn.all(`${insert} RETURNING a`, params)]) {
        assert.throws(call, (error: unknown) => {
          assert.ok(error instanceof SqliteValueError);
          assert.match((error as Error).message, new RegExp(`takes 2 parameters but ${params.length} (was|were) bound`));
          return true;
        });
      }
    }
    assert.equal(conn.get<{ n: number }>('SELECT COUNT(*) AS n FROM p')!.n, 0);
    // A `?` inside a literal, a quoted name or a comment is not a parameter.
    conn.run(`INSERT INTO p (a, "b") VALUES ('?''?', ?) -- trailing ?\n`, [1]);
    conn.run('INSERT INTO p (a, b) /* ? */ VALUES (?2, ?1)', [1, 2]);
    assert.deepEqual(conn.all('SELECT a, b FROM p').map((r) => ({ ...r })), [{ a: "?'?", b: 1 }, { a: 2, b: 1 }]);
  });

  it('refuses to return an integer outside the safe range', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    assert.throws(() => conn.get('SELECT 9007199254740993 AS big'), SqliteValueError);
    assert.deepEqual({ ...conn.get('SELECT 9007199254740991 AS ok') }, { ok: Number.MAX_SAFE_INTEGER });
  });

  it('raises engine failures as typed SqliteErrors', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    conn.exec('CREATE TABLE u (k TEXT PRIMARY KEY)');
    conn.run('INSERT INTO u VALUES (?)', ['a']);
    assert.throws(
      () => conn.run('INSERT INTO u VALUES (?)', ['a']),
      (error: unknown) => error instanceof SqliteError && error.code === 'SQLITE_CONSTRAINT' && /UNIQUE/.test(error.message),
    );
    assert.throws(() => conn.get('SELECT * FROM missing_table'), SqliteError);
  });

  it('commits a write transaction', async (t) => {
    const location = await driver.fresh(t);
    const conn = await location.open();
    table(conn);
    const result = writeTransaction(conn, () => {
      conn.run('INSERT INTO t (v) VALUES (?)', ['a']);
      return 'done';
    });
    assert.equal(result, 'done');
    const other = await location.open();
    assert.equal(other.get<{ n: number }>('SELECT COUNT(*) AS n FROM t')!.n, 1);
  });

  it('rolls back and rethrows when the body throws', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    table(conn);
    assert.throws(
      () =>
        writeTransaction(conn, () => {
          conn.run('INSERT INTO t (v) VALUES (?)', ['a']);
          throw new Error('boom');
        }),
      /boom/,
    );
    assert.equal(conn.get<{ n: number }>('SELECT COUNT(*) AS n FROM t')!.n, 0);
    // The connection is usable again.
    writeTransaction(conn, () => conn.run('INSERT INTO t (v) VALUES (?)', ['b']));
    assert.equal(conn.get<{ n: number }>('SELECT COUNT(*) AS n FROM t')!.n, 1);
  });

  it('rolls back and returns the value of rollback(value)', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    table(conn);
    const result = writeTransaction<string | null>(conn, () => {
      conn.run('INSERT INTO t (v) VALUES (?)', ['a']);
      return rollback(null);
    });
    assert.equal(result, null);
    assert.equal(conn.get<{ n: number }>('SELECT COUNT(*) AS n FROM t')!.n, 0);
  });

  it('refuses nested transactions clearly and keeps the outer one intact', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    table(conn);
    writeTransaction(conn, () => {
      conn.run('INSERT INTO t (v) VALUES (?)', ['outer']);
      assert.throws(() => writeTransaction(conn, () => 1), (error: unknown) => {
        return error instanceof TransactionError && /do not nest/.test((error as Error).message);
      });
    });
    assert.equal(conn.get<{ v: string }>('SELECT v FROM t')!.v, 'outer');
    readTransaction(conn, () => {
      assert.throws(() => writeTransaction(conn, () => 1), /inside a read transaction/);
    });
  });

  it('refuses a body that returns a Promise, and rolls it back', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    table(conn);
    assert.throws(
      () =>
        writeTransaction(conn, () => {
          conn.run('INSERT INTO t (v) VALUES (?)', ['a']);
          return Promise.resolve(1);
        }),
      /must be synchronous/,
    );
    assert.equal(conn.get<{ n: number }>('SELECT COUNT(*) AS n FROM t')!.n, 0);
  });

  it('runs read transactions and lets reads nest inside writes', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    table(conn);
    conn.run('INSERT INTO t (v) VALUES (?)', [1]);
    assert.equal(
      readTransaction(conn, () => conn.get<{ n: number }>('SELECT COUNT(*) AS n FROM t')!.n),
      1,
    );
    const inner = writeTransaction(conn, () => {
      conn.run('INSERT INTO t (v) VALUES (?)', [2]);
      return readTransaction(conn, () => conn.get<{ n: number }>('SELECT COUNT(*) AS n FROM t')!.n);
    });
    assert.equal(inner, 2);
  });

  it('closes idempotently and refuses transactions afterwards', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    conn.close();
    conn.close();
    assert.equal(conn.closed, true);
    assert.throws(() => writeTransaction(conn, () => 1), TransactionError);
  });

  it('enforces foreign keys', async (t) => {
    const conn = await (await driver.fresh(t)).open();
    conn.exec(`CREATE TABLE p (id TEXT PRIMARY KEY);
      CREATE TABLE c (pid TEXT NOT NULL REFERENCES p(id) ON DELETE CASCADE)`);
    assert.throws(() => conn.run('INSERT INTO c VALUES (?)', ['nope']), /FOREIGN KEY/);
    conn.run('INSERT INTO p VALUES (?)', ['x']);
    conn.run('INSERT INTO c VALUES (?)', ['x']);
    conn.run('DELETE FROM p WHERE id = ?', ['x']);
    assert.equal(conn.get<{ n: number }>('SELECT COUNT(*) AS n FROM c')!.n, 0);
  });

  it('shows one connection the commits of another', async (t) => {
    const location = await driver.fresh(t);
    const a = await location.open();
    const b = await location.open();
    table(a);
    writeTransaction(a, () => a.run('INSERT INTO t (v) VALUES (?)', ['from a']));
    assert.equal(b.get<{ v: string }>('SELECT v FROM t')!.v, 'from a');
  });
});
