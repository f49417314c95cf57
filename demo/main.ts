/**
 * `npm run demo` — a first look at the foundation: open a session database
 * file under ./demo-data, store a checkpoint-like blob through the envelope
 * codec, read it back verified, and show what the file holds.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SESSION_SCHEMA, ensureComponentSchema, safeSessionDbFileName, writeTransaction } from '../src/index.ts';
import { BlobDescriptors } from '../src/index.ts';
import { insertArtifactBlob, readBlob } from '../src/core/blobs/blob-table.ts';
import { encodeMsgpack, decodeMsgpack } from '../src/core/codec/msgpack.ts';
import { consoleLogger } from '../src/index.ts';
import { openNodeSqlite } from '../src/node.ts';

const root = resolve('demo-data');
mkdirSync(root, { recursive: true });
const path = join(root, safeSessionDbFileName('demo/session'));
console.log(`session database: ${path}`);

const conn = openNodeSqlite(path);
ensureComponentSchema(conn, SESSION_SCHEMA);
const io = { conn, codecs: conn.codecs!, logger: consoleLogger };
const toolState = { generation: 3, tools: { search: { manifest: { description: 'x'.repeat(6000) } } } };
const ref = writeTransaction(conn, () =>
  insertArtifactBlob(io, 'Balanced', BlobDescriptors.toolStateSnapshot(), encodeMsgpack(toolState)),
);
const back = decodeMsgpack(readBlob(io, ref)!) as typeof toolState;
const stored = conn.get<{ n: number; bytes: number }>('SELECT COUNT(*) AS n, SUM(LENGTH(content)) AS bytes FROM blobs')!;
console.log(`tool state blob ${ref.slice(0, 16)}… round-trips: generation ${back.generation}`);
console.log(`blobs: ${stored.n}, ${stored.bytes} bytes stored (${encodeMsgpack(toolState).length} logical, zlib under Balanced)`);
conn.close();
