/**
 * Real multi-process use on one node:sqlite file: a parent waiting on writes
 * made by a child process, two processes racing for a lease, and two
 * processes appending to one stream.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { processScope } from '../../src/index.ts';
import { spawnChild } from '../support/child.ts';
import { nodeSqliteDriver } from '../support/drivers.ts';
import { freshRegistry, plainEventType, registration, within } from './support.ts';

const WRITER = join(import.meta.dirname, '../fixtures/process-writer.ts');

it('a parent blocked in awaitProcess sees a child process complete it (node:sqlite)', async (t) => {
  const { registry, location } = await freshRegistry(t, nodeSqliteDriver);
  await registry.registerProcess(registration('proc-cross', [plainEventType('sig')]));
  await registry.grantHandle(processScope('s'), 'proc-cross', {});
  const child = spawnChild(WRITER, [location.id]);
  t.after(() => child.process.kill());
  assert.deepEqual(await child.next(), { ready: true });

  const signal = registry.waitEventAfter('proc-cross', 'sig', 0);
  child.send({ op: 'append', process_id: 'proc-cross', request: { event_type: 'sig', payload: { from: 'child' } } });
  assert.deepEqual(await child.next(), { done: true, sequence: 1 });
  assert.deepEqual((await within(signal, 2000, 'cross-process waitEventAfter')).payload, { from: 'child' });

  const output = registry.awaitProcess('proc-cross');
  child.send({ op: 'complete', process_id: 'proc-cross', output: { type: 'success', value: { ok: 'child' } } });
  assert.deepEqual(await child.next(), { done: true, state: 'completed' });
  assert.deepEqual(await within(output, 2000, 'cross-process awaitProcess'), { type: 'success', value: { ok: 'child' } });

  child.send({ op: 'exit' });
  assert.equal((await child.exited).code, 0);
});

it('two OS processes racing for one lease: exactly one wins, the other is fenced (node:sqlite)', async (t) => {
  const { registry, location } = await freshRegistry(t, nodeSqliteDriver);
  await registry.registerProcess(registration('proc-race'));
  const children = [spawnChild(WRITER, [location.id]), spawnChild(WRITER, [location.id])];
  t.after(() => children.forEach((child) => child.process.kill()));
  for (const child of children) assert.deepEqual(await child.next(), { ready: true });
  children.forEach((child, i) => child.send({ op: 'claim', process_id: 'proc-race', owner_id: `owner-${i}`, ttl_ms: 60_000 }));
  const replies = await Promise.all(children.map((child) => child.next<{ done?: true; fencing_token?: number; error?: string }>()));
  const winners = replies.filter((reply) => reply.done);
  const losers = replies.filter((reply) => reply.error);
  assert.equal(winners.length, 1);
  assert.equal(winners[0]!.fencing_token, 1);
  assert.equal(losers.length, 1);
  assert.match(losers[0]!.error!, /already leased by `owner-\d`/);
  for (const child of children) child.send({ op: 'exit' });
  await Promise.all(children.map((child) => child.exited));
});

it('two OS processes appending to one stream get gap-free, unique sequences (node:sqlite)', async (t) => {
  const { registry, location } = await freshRegistry(t, nodeSqliteDriver);
  await registry.registerProcess(registration('proc-append-race', [plainEventType('tick')]));
  const children = [spawnChild(WRITER, [location.id]), spawnChild(WRITER, [location.id])];
  t.after(() => children.forEach((child) => child.process.kill()));
  for (const child of children) assert.deepEqual(await child.next(), { ready: true });
  for (const child of children) child.send({ op: 'appendMany', process_id: 'proc-append-race', event_type: 'tick', count: 100 });
  const replies = await Promise.all(children.map((child) => child.next<{ sequences: number[] }>()));
  const all = replies.flatMap((reply) => reply.sequences).sort((a, b) => a - b);
  assert.deepEqual(all, Array.from({ length: 200 }, (_, i) => i + 1));
  const events = await registry.eventsAfter('proc-append-race', 0);
  assert.deepEqual(events.map((event) => event.sequence), all);
  for (const child of children) child.send({ op: 'exit' });
  await Promise.all(children.map((child) => child.exited));
});
