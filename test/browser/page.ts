// Runs inside headless Chromium: the sql.js entry and the core, bundled for
// the browser, open a database, write a blob and read it back.
import {
  BlobDescriptors,
  SESSION_SCHEMA,
  consoleLogger,
  ensureComponentSchema,
  portableCodecs,
  writeTransaction,
} from '../../src/index.ts';
import { insertArtifactBlob, readBlob } from '../../src/core/blobs/blob-table.ts';
import { openSqlJs } from '../../src/sqljs.ts';

const page = globalThis as { __result?: unknown };

async function main(): Promise<unknown> {
  const conn = await openSqlJs({ name: 'browser', locateFile: (file) => `/${file}` });
  ensureComponentSchema(conn, SESSION_SCHEMA);
  const io = { conn, codecs: conn.codecs ?? portableCodecs, logger: consoleLogger };
  const content = new TextEncoder().encode('a tool state written in the browser '.repeat(200));
  const ref = writeTransaction(conn, () =>
    insertArtifactBlob(io, 'Balanced', BlobDescriptors.toolStateSnapshot(), content),
  );
  const other = await openSqlJs({ name: 'browser' });
  const back = readBlob({ ...io, conn: other }, ref);
  const stored = other.get<{ size: number }>('SELECT LENGTH(content) AS size FROM blobs WHERE hash = ?', [ref]);
  const image = conn.export();
  return {
    ref,
    roundTrip: back !== null && new TextDecoder().decode(back) === new TextDecoder().decode(content),
    logicalBytes: content.length,
    storedBytes: stored?.size,
    imageHeader: new TextDecoder().decode(image.subarray(0, 15)),
    durability: conn.info.durability,
  };
}

main().then(
  (result) => (page.__result = { ok: true, result }),
  (error: unknown) => (page.__result = { ok: false, error: String((error as Error)?.stack ?? error) }),
);
