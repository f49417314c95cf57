/**
 * Stands in for `src/node.ts` inside the Durable Object: node:sqlite and
 * files do not exist there. `nodeCodecs` keeps its meaning — native SHA-256
 * and zlib — through workerd's `node:crypto` and `node:zlib` (nodejs_compat).
 */
import { createHash } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import type { Codecs } from '../../../src/index.ts';
import { notApplicable } from './not-applicable.ts';

export const nodeCodecs: Codecs = Object.freeze({
  name: 'node',
  sha256Hex: (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex'),
  deflate: (data: Uint8Array) => new Uint8Array(deflateSync(data, { level: 6 })),
  inflate: (data: Uint8Array) => new Uint8Array(inflateSync(data)),
});

export const DEFAULT_BUSY_TIMEOUT_MS = 15_000;
export const openNodeSqlite = (): never => notApplicable('node:sqlite');
export const atomicFilePersistence = (): never => notApplicable('file persistence');
export const writeFileAtomically = (): never => notApplicable('files');
export class SqliteSessionStoreFactory {
  constructor() {
    notApplicable('a directory of session files');
  }
}
