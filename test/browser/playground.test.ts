/**
 * The playground end to end in Chromium: open a `.db` file written by the
 * node:sqlite driver, play the scripted conversation on OPFS, reload and find
 * the session restored, switch the active path by clicking a node, tombstone
 * / GC / vacuum with sizes, and download the database — which opens in
 * node:sqlite with the same head.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { Store } from '../../src/index.ts';
import { openNodeSqlite } from '../../src/node.ts';
import { buildPlayground } from '../../playground/build.ts';
import type { SessionView } from '../../playground/src/session.ts';
import { launchChromium, screenshotOnFailure, serve, skipWithoutChromium, tempProfile, type LaunchedChromium, type StaticServer } from './harness.ts';
import { TurnWriter } from './workload.ts';

type Hooks = { ready: boolean; busy: boolean; view(): SessionView | null; script: { done: number; total: number } };

describe('playground (headless Chromium)', { skip: skipWithoutChromium, timeout: 240_000 }, () => {
  let server: StaticServer;
  let chromium: LaunchedChromium;
  let page: Page;
  const profile = tempProfile('playground');
  const files = tempProfile('playground-files');

  before(async () => {
    server = await serve(await buildPlayground());
    chromium = await launchChromium(profile.dir);
    page = await chromium.newPage();
    await page.setViewportSize({ width: 1440, height: 1000 });
    page.on('pageerror', (error) => console.log(`# page error: ${error}`));
    await page.goto(`${server.origin}/?fast=1`);
    await settled();
  });

  after(async () => {
    await chromium?.close();
    await server?.close();
    profile.dispose();
    files.dispose();
  });

  async function settled(): Promise<SessionView | null> {
    await page.waitForFunction(() => {
      const hooks = (globalThis as unknown as { __playground?: Hooks }).__playground;
      return hooks?.ready === true && !hooks.busy;
    }, null, { timeout: 60_000 });
    return page.evaluate(() => (globalThis as unknown as { __playground: Hooks }).__playground.view());
  }

  async function step<T>(label: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      await screenshotOnFailure([page], `playground-${label}`);
      throw error;
    }
  }

  it('opens a .db file written by the node:sqlite driver (into IndexedDB)', () =>
    step('node-file', async () => {
      const path = join(files.dir, 'from-node.db');
      const conn = openNodeSqlite(path);
      const writer = await TurnWriter.open(conn, 'node-session');
      for (let turn = 1; turn <= 3; turn++) await writer.commitTurn(turn);
      writer.store.close();
      conn.close();
      await page.click('[data-target="indexeddb"]');
      await page.setInputFiles('#db-file', path);
      await page.waitForFunction(() => (globalThis as unknown as { __playground: Hooks }).__playground.view()?.name === 'from-node');
      const view = (await settled())!;
      assert.equal(view.sessionId, 'node-session');
      assert.deepEqual(view.activePath, ['turn-1', 'turn-2', 'turn-3']);
      assert.equal(view.headRevision, 3);
      assert.equal(view.recovery.startedFromData, true);
      assert.equal(view.target, 'indexeddb');
      assert.equal(await page.locator('#graph [data-node-id]').count(), 3);
    }));

  let afterScript: SessionView;

  it('plays the scripted conversation: messages, tool state, queued work, a process with events, a branch and a switch', () =>
    step('script', async () => {
      await page.fill('#session-name', 'scripted');
      await page.click('[data-target="opfs"]');
      await page.click('#open-session');
      await page.waitForFunction(() => (globalThis as unknown as { __playground: Hooks }).__playground.view()?.name === 'scripted');
      await settled();
      await page.click('#run-script');
      await page.waitForFunction(() => (globalThis as unknown as { __playground: Hooks }).__playground.script.done === 9, null, { timeout: 60_000 });
      const view = (await settled())!;
      afterScript = view;
      assert.equal(view.nodes.length, 8);
      assert.equal(view.activePath.length, 6, 'back on the main line');
      const branch = view.nodes.filter((n) => !view.activePath.includes(n.id));
      assert.equal(branch.length, 2, 'a two-node branch off the active path');
      assert.deepEqual(view.queue, [], 'the queued follow-up and the wake were claimed and completed');
      assert.equal(view.processes.length, 1);
      assert.equal(view.processes[0]!.state, 'completed');
      assert.deepEqual(view.processes[0]!.events.map((e) => e.type), ['tests.progress', 'tests.progress', 'tests.progress', 'tests.finished', 'process.completed']);
      assert.equal(view.toolGeneration, 2, 'the tool-state checkpoint of the last turn');
      assert.equal(view.storage.durableSeq, view.storage.committedSeq, 'everything acknowledged is on OPFS');
      assert.equal(await page.locator('#graph [data-node-id].on-path').count(), 6);
      await page.screenshot({ path: join(files.dir, 'script.png') });
    }));

  it('restores the session after a reload', () =>
    step('reload', async () => {
      await page.reload();
      const view = (await settled())!;
      assert.equal(view.name, 'scripted');
      assert.deepEqual(view.activePath, afterScript.activePath);
      assert.equal(view.headRevision, afterScript.headRevision);
      assert.equal(view.nodes.length, 8);
      assert.equal(view.recovery.integrity, 'ok');
      assert.ok(view.recovery.replayedTransactions > 0, 'the redo log was replayed on open');
    }));

  it('switches the active path by clicking a node on the branch', () =>
    step('switch', async () => {
      const branchTip = afterScript.nodes.filter((n) => !afterScript.activePath.includes(n.id)).at(-1)!;
      await page.click(`#graph [data-node-id="${branchTip.id}"]`);
      await page.click('#switch-here');
      await page.waitForFunction((id) => (globalThis as unknown as { __playground: Hooks }).__playground.view()?.leaf === id, branchTip.id);
      const view = (await settled())!;
      assert.ok(view.activePath.includes(branchTip.id));
      assert.equal(await page.locator(`#graph [data-node-id="${branchTip.id}"].on-path.leaf`).count(), 1);
      assert.equal(view.headRevision, afterScript.headRevision! + 1);
    }));

  it('tombstones the old main line, collects its blobs and vacuums, showing sizes before and after', () =>
    step('sizes', async () => {
      const before = (await settled())!;
      const mainOnly = afterScript.activePath.filter((id) => !before.activePath.includes(id));
      assert.ok(mainOnly.length > 0);
      await page.click(`#graph [data-node-id="${mainOnly[0]}"]`);
      await page.click('#tombstone-branch');
      await settled();
      await page.click('#gc');
      await settled();
      await page.click('#vacuum');
      const view = (await settled())!;
      assert.equal(view.nodes.length, before.nodes.length - mainOnly.length);
      const actions = await page.locator('#activity li').evaluateAll((items) => items.map((li) => (li as unknown as { dataset: { action?: string } }).dataset.action));
      assert.deepEqual(actions, ['vacuum', 'gc', 'tombstone']);
      assert.match((await page.locator('#activity li[data-action="vacuum"]').textContent()) ?? '', /→/);
    }));

  it('downloads a database that node:sqlite opens with the same head', () =>
    step('download', async () => {
      const view = (await settled())!;
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
      const path = join(files.dir, 'downloaded.db');
      await download.saveAs(path);
      const conn = openNodeSqlite(path, { readOnly: true });
      try {
        const store = await Store.open(conn);
        const read = await store.loadSession({ kind: 'ActivePath', leaf_node_id: null });
        assert.equal(read?.head_revision, view.headRevision);
        assert.equal(read?.graph.leaf_node_id, view.leaf);
        assert.deepEqual(read?.graph.nodes.map((n) => n.node_id), view.activePath);
        assert.equal(conn.get<{ integrity_check: string }>('PRAGMA integrity_check')?.integrity_check, 'ok');
        store.close();
      } finally {
        conn.close();
      }
    }));
});
