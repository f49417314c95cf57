/**
 * Stands in for `src/node.ts` inside the Durable Object: node:sqlite and
 * files do not exist there. `nodeCodecs` keeps its meaning — native SHA-256
 * and zlib — through workerd's `node:crypto` and `node:zlib` (nodejs_compat).
 */
import { builtinCodecs } from '../../../src/durable-object.ts';
import type { Codecs } from '../../../src/index.ts';
import { notApplicable } from './not-applicable.ts';

export const nodeCodecs: Codecs = builtinCodecs() ?? notApplicable('native codecs (the Worker has no nodejs_compat)');

export const DEFAULT_BUSY_TIMEOUT_MS = 15_000;
export const openNodeSqlite = (): never => notApplicable('node:sqlite');
export const atomicFilePersistence = (): never => notApplicable('file persistence');
export const writeFileAtomically = (): never => notApplicable('files');
export class SqliteSessionStoreFactory {
  constructor() {
    notApplicable('a directory of session files');
  }
}
