/**
 * Durable browser storage in real Chromium: for OPFS and IndexedDB, in a
 * window and in a dedicated Worker, commit turns and crash the renderer (CDP
 * `Page.crash`) or SIGKILL the whole browser right after an acknowledged
 * commit, at a random point; reopen on the same profile and find every
 * acknowledged turn with `PRAGMA integrity_check` ok. Then the two-tab case.
 *
 * `LASH_BROWSER_CRASH_ROUNDS=<n>` sets the rounds per target and context
 * (default 2: one renderer crash, one browser kill).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Command } from './agent.ts';
import {
  bundle,
  launchChromium,
  screenshotOnFailure,
  serve,
  skipWithoutChromium,
  tempProfile,
  type LaunchedChromium,
  type StaticServer,
} from './harness.ts';

const ROUNDS = Number(process.env.LASH_BROWSER_CRASH_ROUNDS ?? 2);

interface Agent {
  readonly page: Page;
  readonly acks: string[];
  call<T = Record<string, unknown>>(command: Command): Promise<T>;
  reply(command: Command): Promise<{ result?: unknown; error?: { name: string; message: string } }>;
}

describe('durable browser storage (headless Chromium)', { skip: skipWithoutChromium, timeout: 600_000 }, () => {
  let server: StaticServer;
  let chromium: LaunchedChromium;
  const profile = tempProfile('persistence');
  const figures: string[] = [];

  before(async () => {
    const agent = await bundle(join(import.meta.dirname, 'agent.ts'));
    server = await serve({
      '/': '<!doctype html><meta charset="utf-8"><title>agent</title><script type="module" src="/agent.js"></script>',
      '/agent.js': agent,
    });
    chromium = await launchChromium(profile.dir);
  });

  after(async () => {
    await chromium?.close();
    await server?.close();
    profile.dispose();
    for (const line of figures) console.log(`# ${line}`);
  });

  async function openAgent(inWorker: boolean): Promise<Agent> {
    const page = await chromium.newPage();
    const acks: string[] = [];
    const errors: string[] = [];
    page.on('console', (message) => {
      const text = message.text();
      if (text.startsWith('lash-ack ')) acks.push(text.slice(9));
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`${server.origin}/${inWorker ? '?worker=1' : ''}`);
    await page.waitForFunction(() => (globalThis as { __agentReady?: boolean }).__agentReady === true, null, { timeout: 30_000 });
    const reply = (command: Command) =>
      page.evaluate((c) => (globalThis as unknown as { lashAgent: { call(c: unknown): Promise<unknown> } }).lashAgent.call(c), command) as Promise<{
        result?: unknown;
        error?: { name: string; message: string };
      }>;
    return {
      page,
      acks,
      reply,
      async call<T>(command: Command): Promise<T> {
        const answer = await reply(command);
        if (answer.error) throw Object.assign(new Error(`${answer.error.name}: ${answer.error.message}`), answer.error);
        if (errors.length > 0) throw new Error(`page errors: ${errors.join('\n')}`);
        return answer.result as T;
      },
    };
  }

  async function crashRenderer(page: Page): Promise<void> {
    const crashed = new Promise<void>((resolve) => page.once('crash', () => resolve()));
    const session = await page.context().newCDPSession(page);
    void session.send('Page.crash').catch(() => undefined);
    await crashed;
    await page.close().catch(() => undefined);
  }

  for (const target of ['opfs', 'indexeddb'] as const) {
    for (const context of ['window', 'worker'] as const) {
      it(`${target} in a ${context}: every acknowledged turn survives a renderer crash or a browser kill (${ROUNDS} rounds)`, { timeout: 60_000 + ROUNDS * 30_000 }, async () => {
        const name = `crash-${target}-${context}`;
        const acked: string[] = [];
        let replayed = 0;
        let agent: Agent | undefined;
        try {
          for (let round = 0; round <= ROUNDS; round++) {
            agent = await openAgent(context === 'worker');
            const opened = await agent.call<{
              recovery: { replayedTransactions: number; integrity: string; notes: string[]; storagePersisted: boolean | null };
              durability: string;
            }>({
              op: 'open',
              target,
              name,
              checkpointLogBytes: 24_000,
            });
            assert.equal(opened.durability, 'durable');
            assert.equal(opened.recovery.integrity, 'ok');
            assert.equal(typeof opened.recovery.storagePersisted, 'boolean', 'the persist() / persisted() answer is reported');
            replayed += opened.recovery.replayedTransactions;
            const back = await agent.call<{ nodeIds: string[]; integrity: string; headRevision: number | null }>({ op: 'verify' });
            assert.equal(back.integrity, 'ok');
            const lost = acked.filter((id) => !back.nodeIds.includes(id));
            assert.deepEqual(lost, [], `round ${round}: acknowledged turns lost (${opened.recovery.notes.join('; ')})`);
            assert.deepEqual(back.nodeIds, back.nodeIds.map((_, i) => `turn-${i + 1}`), 'a prefix of the turns, no gap');
            if (round === ROUNDS) break;

            const crashAfter = 2 + Math.floor(Math.random() * 25);
            const loop = agent.reply({ op: 'commit', from: back.nodeIds.length + 1, count: 100_000, minPayload: 200, maxPayload: 6000 });
            let failed: unknown = null;
            loop.then((reply) => (failed = reply.error ?? 'the commit loop ended'), () => undefined);
            const deadline = Date.now() + 60_000;
            while (agent.acks.length < crashAfter && failed === null && Date.now() < deadline) await sleep(2);
            assert.equal(failed, null, `the commit loop failed before the crash: ${JSON.stringify(failed)}`);
            await sleep(Math.random() * 15);
            if (round % 2 === 0) {
              await crashRenderer(agent.page);
            } else {
              await chromium.kill();
              chromium = await launchChromium(profile.dir);
            }
            acked.push(...agent.acks);
          }
          await agent!.call({ op: 'close' });
          await agent!.page.close();
          figures.push(`${target} / ${context}: ${ROUNDS} crash rounds, ${acked.length} acknowledged turns found, 0 lost (${replayed} transactions replayed on reopen)`);
        } catch (error) {
          if (agent) await screenshotOnFailure([agent.page], `crash-${target}-${context}`);
          throw error;
        }
      });
    }
  }

  for (const target of ['opfs', 'indexeddb'] as const) {
    it(`${target}: a second tab gets SqliteBusyError, or waits and then sees the first tab's turns`, async () => {
      const name = `two-tabs-${target}`;
      const first = await openAgent(false);
      const second = await openAgent(false);
      try {
        await first.call({ op: 'open', target, name });
        await first.call({ op: 'commit', from: 1, count: 3, minPayload: 100, maxPayload: 200 });
        const refused = await second.reply({ op: 'open', target, name });
        assert.equal(refused.error?.name, 'SqliteBusyError', JSON.stringify(refused));
        assert.match(refused.error!.message, /open in another tab or worker/);
        let opened = false;
        const waiting = second.reply({ op: 'open', target, name, ifLocked: 'wait' }).then((reply) => ((opened = true), reply));
        await sleep(300);
        assert.equal(opened, false, 'waits while the first tab holds the target');
        await first.call({ op: 'commit', from: 4, count: 1, minPayload: 100, maxPayload: 200 });
        await first.call({ op: 'close' });
        assert.equal((await waiting).error, undefined);
        const back = await second.call<{ nodeIds: string[] }>({ op: 'verify' });
        assert.deepEqual(back.nodeIds, ['turn-1', 'turn-2', 'turn-3', 'turn-4']);
        await second.call({ op: 'close' });
      } catch (error) {
        await screenshotOnFailure([first.page, second.page], `two-tabs-${target}`);
        throw error;
      } finally {
        await first.page.close();
        await second.page.close();
      }
    });
  }

  it('opfs through createWritable (no sync handles) keeps its turns across a reload, and reports sizes', async () => {
    const agent = await openAgent(false);
    try {
      const opened = await agent.call<{ kind: string }>({ op: 'open', target: 'opfs', name: 'writable', access: 'writable' });
      assert.equal(opened.kind, 'opfs-writable');
      await agent.call({ op: 'commit', from: 1, count: 5, minPayload: 100, maxPayload: 2000 });
      const storage = await agent.call<{ logRecords: number; imageBytes: number; databaseBytes: number; durableSeq: number; committedSeq: number }>({
        op: 'storage',
      });
      // (the commit loop folds now and then, so the log holds only the latest records)
      assert.ok(storage.committedSeq >= 5 && storage.imageBytes > 0 && storage.databaseBytes > 0, JSON.stringify(storage));
      assert.equal(storage.durableSeq, storage.committedSeq);
      await agent.page.reload();
      await agent.page.waitForFunction(() => (globalThis as { __agentReady?: boolean }).__agentReady === true);
      await agent.call({ op: 'open', target: 'opfs', name: 'writable', access: 'writable' });
      assert.deepEqual((await agent.call<{ nodeIds: string[] }>({ op: 'verify' })).nodeIds.length, 5);
      await agent.call({ op: 'close' });
    } catch (error) {
      await screenshotOnFailure([agent.page], 'opfs-writable');
      throw error;
    } finally {
      await agent.page.close();
    }
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
