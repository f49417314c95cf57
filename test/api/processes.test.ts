/**
 * Two OS processes committing to one session file through the session API:
 * both load revision 1, both commit at the same instant; one wins, the other
 * gets a SessionConflictError naming the session and both revisions, and the
 * retry helper then commits its turn after the winner's. Both turns are kept.
 * (node:sqlite only: sql.js has neither files nor processes.)
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openSessions } from '../../src/node.ts';
import { spawnChild } from '../support/child.ts';
import { tempDir } from '../support/drivers.ts';

const fixture = join(import.meta.dirname, '..', 'fixtures', 'api-turn-committer.ts');

describe('session API across two OS processes [node-sqlite]', () => {
  it('one commit wins, the other gets the conflict, and the retry helper keeps both turns', async (t) => {
    const path = join(tempDir(t, 'lash-api-race'), 'data', 'shared.db');
    {
      await using sessions = await openSessions(path);
      await sessions.session('shared', { config: { provider: 'openai', model: 'gpt-5.4-mini' } });
    }
    const children = ['a', 'b'].map((name) => spawnChild(fixture, [path, name]));
    t.after(() => children.forEach((child) => child.process.kill('SIGKILL')));
    for (const child of children) assert.deepEqual(await child.next(), { ready: true, revision: 1 });
    const at = Date.now() + 150;
    for (const child of children) child.send({ at });
    const first = await Promise.all(children.map((child) => child.next<{ revision?: number; conflict?: Record<string, unknown> }>()));
    const winner = first.findIndex((reply) => reply.revision === 2);
    const loser = first.findIndex((reply) => reply.conflict !== undefined);
    assert.ok(winner >= 0 && loser >= 0 && winner !== loser, JSON.stringify(first));
    const conflict = first[loser]!.conflict!;
    assert.deepEqual([conflict.sessionId, conflict.expected, conflict.actual], ['shared', 1, 2]);
    assert.ok(String(conflict.message).includes(`session \`shared\` in ${path}`), String(conflict.message));
    assert.deepEqual(await children[loser]!.next(), { revision: 3, replayed: false });
    for (const child of children) assert.equal((await child.exited).code, 0);

    await using sessions = await openSessions(path);
    const session = await sessions.session('shared');
    assert.equal(session.revision, 3);
    const names = [['a', 'b'][winner], ['a', 'b'][loser]];
    assert.deepEqual(
      (await session.history()).map((m) => m.text),
      names.flatMap((name) => [`question from ${name}`, `answer to ${name}`]),
    );
  });
});
