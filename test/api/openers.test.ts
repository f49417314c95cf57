/**
 * Opening the session API in one call: node:sqlite files (parent folders
 * created, the path in every open error), `:memory:`, one file per session
 * under a folder; sql.js by name, from bytes, or private. A store closes
 * what it opened.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SessionConflictError, SessionError, Sessions } from '../../src/index.ts';
import { SHARED_DATABASE_FILE, SqliteSessionStoreFactory, openNodeSqlite, openSessions } from '../../src/node.ts';
import { deleteSqlJsDatabase, openSqlJs, openSqlJsSessions } from '../../src/sqljs.ts';
import { tempDir } from '../support/drivers.ts';
import { CapturingLogger } from '../support/logger.ts';
import { CONFIG, exchange } from './helpers.ts';

const texts = (messages: Array<{ text: string }>) => messages.map((m) => m.text);

function openFailure(pattern: RegExp, location: string) {
  return (error: unknown) => {
    assert.ok(error instanceof SessionError, String(error));
    assert.equal(error.code, 'OpenFailed');
    assert.equal(error.location, location);
    assert.ok(error.message.includes(location), error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('openSessions (node:sqlite)', () => {
  it('opens a file path, creating its parent folders, and resumes it on the next open; closing closes the connection it opened', async (t) => {
    const dir = tempDir(t, 'lash-api');
    const path = join(dir, 'deep', 'er', 'chat.db');
    {
      await using sessions = await openSessions(path);
      assert.equal(sessions.form, 'file');
      assert.equal(sessions.location, path);
      const chat = await sessions.session('chat', { config: CONFIG });
      await chat.commitTurn(exchange('hello', 'hi'));
      assert.ok(existsSync(`${path}-wal`), 'WAL while open');
    }
    // The last connection closed: SQLite checkpointed and removed the WAL file.
    assert.ok(!existsSync(`${path}-wal`), 'the store closed the connection it opened');
    await using sessions = await openSessions(join(dir, 'deep', 'er', '..', 'er', 'chat.db'));
    const chat = await sessions.session('chat');
    assert.equal(chat.revision, 2);
    assert.deepEqual(texts(await chat.history()), ['hello', 'hi']);
  });

  it(":memory: gives a private database for unit tests", async () => {
    await using sessions = await openSessions(':memory:');
    assert.equal(sessions.location, ':memory:');
    const chat = await sessions.session('test');
    await chat.commitTurn(exchange('2+2?', '4'));
    assert.deepEqual(texts(await chat.history()), ['2+2?', '4']);
    await using other = await openSessions(':memory:');
    assert.deepEqual(await other.list(), []);
  });

  it('every open error names the path and what to do', async (t) => {
    const dir = tempDir(t, 'lash-api');
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'not a folder');
    const under = join(file, 'chat.db');
    await assert.rejects(openSessions(under), openFailure(/a file is in the way of the folder .*plain-file/, under));

    await assert.rejects(openSessions(dir), (error: SessionError) => {
      assert.equal(error.code, 'OpenFailed');
      assert.ok(error.message.startsWith(`${dir} is a folder: pass { dir: `), error.message);
      return true;
    });

    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'x'.repeat(4096));
    await assert.rejects(openSessions(junk), openFailure(/not a SQLite database: choose another path/, junk));

    const old = join(dir, 'old.db');
    const conn = openNodeSqlite(old);
    conn.exec('CREATE TABLE lash_schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)');
    conn.run("INSERT INTO lash_schema_versions VALUES ('session', 99)");
    conn.close();
    await assert.rejects(openSessions(old), openFailure(/version 99.*another version of lash-sqlite-store: delete it/, old));

    await assert.rejects(openSessions('' as string), TypeError);
  });

  it('{ dir } keeps one database per session, named as SqliteSessionStoreFactory names them; lists, resumes and deletes them', async (t) => {
    const root = join(tempDir(t, 'lash-api'), 'sessions');
    let clockNow = Date.UTC(2026, 0, 1);
    const logger = new CapturingLogger();
    const options = { clock: () => clockNow, logger };
    {
      await using sessions = await openSessions({ dir: root }, options);
      assert.equal(sessions.form, 'folder');
      assert.equal(sessions.location, root);
      const alpha = await sessions.session('chat/alpha', { config: CONFIG });
      await alpha.commitTurn(exchange('alpha question', 'a'));
      clockNow += 1000;
      const beta = await sessions.session('beta');
      await beta.commitTurn(exchange('beta question', 'b'));
      await beta.commitTurn(exchange('more', 'b'));
      assert.equal(alpha.location, new SqliteSessionStoreFactory(root).pathForSession('chat/alpha'));
      assert.ok(existsSync(alpha.location));
      // Processes and host events live in a shared file that is not a session.
      await sessions.processes();
      assert.ok(existsSync(join(root, SHARED_DATABASE_FILE)));
      writeFileSync(join(root, 'broken-0123456789abcdef.db'), 'garbage');
      const list = await sessions.list();
      assert.deepEqual(
        list.map((s) => [s.id, s.firstUserMessage, s.messageCount, s.revision]),
        [
          ['beta', 'beta question', 4, 3],
          ['chat/alpha', 'alpha question', 2, 2],
        ],
      );
      assert.match(logger.warnings[0]!.message, /could not be read; it is left out of the list/);
      assert.equal(logger.warnings[0]!.details?.location, join(root, 'broken-0123456789abcdef.db'));
    }
    await using sessions = await openSessions({ dir: root });
    const alpha = await sessions.session('chat/alpha');
    assert.deepEqual(texts(await alpha.history()), ['alpha question', 'a']);
    await sessions.delete('chat/alpha');
    assert.ok(alpha.closed, 'deleting a session closes its handles');
    assert.ok(!existsSync(alpha.location));
    assert.deepEqual((await sessions.list()).map((s) => s.id), ['beta']);
    await sessions.delete('chat/alpha'); // idempotent
  });

  it('{ dir }: two handles of one session share one connection, closed when the last handle closes', async (t) => {
    const root = join(tempDir(t, 'lash-api'), 'sessions');
    await using sessions = await openSessions({ dir: root });
    const a = await sessions.session('s');
    const b = await sessions.session('s');
    await a.commitTurn(exchange('q', 'a'));
    await b.reload();
    await b.commitTurn(exchange('q2', 'a2'));
    await a.close();
    assert.ok(existsSync(`${b.location}-wal`));
    await b.close();
    assert.ok(!existsSync(`${b.location}-wal`));
    assert.equal((await sessions.session('s')).revision, 3);
  });

  it('a single-file store cannot delete its session, and says what to do instead', async () => {
    await using sessions = await openSessions(':memory:');
    await assert.rejects(sessions.delete('x'), (error: SessionError) => error.code === 'Unsupported' && /delete the file itself/.test(error.message));
  });

  it('an id that cannot name a session is refused before anything is created', async (t) => {
    const root = join(tempDir(t, 'lash-api'), 'sessions');
    mkdirSync(root);
    await using sessions = await openSessions({ dir: root });
    await assert.rejects(sessions.session(''), (error: Error) => error.name === 'InvalidInputError');
    await assert.rejects(sessions.session('a\u0000b'), (error: Error) => error.name === 'InvalidInputError');
    assert.deepEqual(readdirSync(root), []);
  });
});

describe('openSqlJsSessions (sql.js)', () => {
  it('a name is shared by the stores opened on it in this process, so a page can close and reopen it', async (t) => {
    const name = `api-${process.pid}-shared`;
    t.after(() => deleteSqlJsDatabase(name));
    {
      await using sessions = await openSqlJsSessions({ name });
      assert.equal(sessions.location, `the sql.js database "${name}"`);
      await (await sessions.session('play', { config: CONFIG })).commitTurn(exchange('hi', 'hello'));
    }
    await using again = await openSqlJsSessions({ name });
    assert.deepEqual(texts(await (await again.session('play')).history()), ['hi', 'hello']);
  });

  it('opens from the bytes of a database file written by node:sqlite, and a private one by default', async (t) => {
    const path = join(tempDir(t, 'lash-api'), 'chat.db');
    {
      await using sessions = await openSessions(path);
      await (await sessions.session('chat')).commitTurn(exchange('from node', 'ok'));
    }
    const conn = openNodeSqlite(path);
    const bytes = conn.raw.serialize();
    conn.close();
    await using fromBytes = await openSqlJsSessions({ data: bytes });
    assert.deepEqual(texts(await (await fromBytes.session('chat')).history()), ['from node', 'ok']);
    await using fresh = await openSqlJsSessions();
    assert.equal(fresh.location, 'a private sql.js database');
    assert.deepEqual(await fresh.list(), []);
  });

  it('an open error names the database', async () => {
    await assert.rejects(openSqlJsSessions({ data: new Uint8Array(8192).fill(7) }), openFailure(/not a SQLite database|file is not a database/, 'a private sql.js database'));
  });

  it('Sessions.open on a handed sql.js connection leaves it open', async () => {
    const conn = await openSqlJs();
    {
      await using sessions = await Sessions.open(conn);
      await sessions.session('x');
    }
    assert.equal(conn.get<{ n: number }>('SELECT COUNT(*) AS n FROM session_head')?.n, 1);
    conn.close();
  });
});

describe('session API errors', () => {
  it('instanceof holds across two copies of the package (ESM and CJS builds), by brand, and keeps the subclass apart', () => {
    const brands = Symbol.for('lash-sqlite-store/api-error-brands');
    const conflict = new SessionConflictError('s', 'db', 1, 2);
    assert.ok(conflict instanceof SessionError && conflict instanceof SessionConflictError && conflict instanceof Error);
    assert.equal(conflict.name, 'SessionConflictError');
    assert.ok(!(new SessionError('Failed', 'x') instanceof SessionConflictError));
    assert.ok(!(new Error('x') instanceof SessionError));
    // What the other build's class makes: another class, the same brands.
    const fromOtherCopy = Object.assign(new Error('x'), { [brands]: ['SessionConflictError', 'SessionError'] });
    assert.ok(fromOtherCopy instanceof SessionConflictError && fromOtherCopy instanceof SessionError);
  });
});
