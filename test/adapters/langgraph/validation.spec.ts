/**
 * LangGraph's checkpointer conformance suite, on both drivers, with its
 * opt-in delta-channel tests.
 *
 * The suite skips some cases for savers *named* like LangGraph's own
 * (`MemorySaver`, `@langchain/langgraph-checkpoint-sqlite`, …); ours are
 * named so that nothing is skipped (`validation-names.test.ts` checks that
 * against the suite's skip lists).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deltaChannelHistoryTests, validate, type CheckpointSaverTestInitializer } from '@langchain/langgraph-checkpoint-validation';
import { LashCheckpointSaver } from '../../../src/langgraph.ts';
import { openNodeSqlite } from '../../../src/node.ts';
import { deleteSqlJsDatabase, openSqlJs } from '../../../src/sqljs.ts';
import type { SqliteConnection } from '../../../src/index.ts';
import { VALIDATION_NAMES } from './validation-names.ts';

const opened = new Map<LashCheckpointSaver, () => void>();

let dir = '';
let counter = 0;

const nodeSqlite: CheckpointSaverTestInitializer<LashCheckpointSaver> = {
  checkpointerName: VALIDATION_NAMES.nodeSqlite,
  beforeAll() {
    dir = mkdtempSync(join(tmpdir(), 'lash-langgraph-'));
  },
  afterAll() {
    rmSync(dir, { recursive: true, force: true });
  },
  createCheckpointer() {
    const path = join(dir, `saver-${++counter}.db`);
    const conn: SqliteConnection = openNodeSqlite(path);
    const saver = new LashCheckpointSaver(conn);
    opened.set(saver, () => conn.close());
    return saver;
  },
  destroyCheckpointer(saver) {
    opened.get(saver)?.();
    opened.delete(saver);
  },
};

const sqlJs: CheckpointSaverTestInitializer<LashCheckpointSaver> = {
  checkpointerName: VALIDATION_NAMES.sqlJs,
  async createCheckpointer() {
    const name = `langgraph-validation-${process.pid}-${++counter}`;
    const conn = await openSqlJs({ name });
    const saver = new LashCheckpointSaver(conn);
    opened.set(saver, () => {
      conn.close();
      deleteSqlJsDatabase(name);
    });
    return saver;
  },
  destroyCheckpointer(saver) {
    opened.get(saver)?.();
    opened.delete(saver);
  },
};

for (const initializer of [nodeSqlite, sqlJs]) {
  validate(initializer);
  deltaChannelHistoryTests(initializer);
}
