/**
 * `indexedDbPersistence(name)`: a sql.js database kept in IndexedDB (in a
 * window or a Worker), as an image checkpoint plus a redo log.
 *
 * The IndexedDB database `lash-sqlite-store/<name>` has two object stores:
 * `image` (one value, `{ seq, bytes }` under the key `current`) and `log`
 * (one value per committed transaction, keyed by its sequence number). An
 * append is one readwrite transaction; a checkpoint is one readwrite
 * transaction that puts the new image and deletes the records it contains.
 * IndexedDB transactions are atomic, so a crash leaves either state, never a
 * mixture. Transactions use `durability: 'strict'` by default (the browser
 * flushes to disk before `complete`), so an acknowledged commit survives a
 * browser or OS crash, not only a tab crash.
 */
import { SqliteError } from '../../core/driver/errors.ts';
import { browser, type IdbDatabaseLike, type IdbTransactionLike, type RequestLike } from './browser-globals.ts';
import type { PersistedDatabase, PersistenceSize, RedoRecord, SqlJsPersistence } from './persistence.ts';
import { holdTargetLock, underTargetLock, type BrowserPersistenceOptions } from './web-lock.ts';

export interface IndexedDbPersistenceOptions extends BrowserPersistenceOptions {
  /** IndexedDB transaction durability (default `'strict'`; `'relaxed'` survives tab crashes only). */
  durability?: 'strict' | 'relaxed';
}

const PREFIX = 'lash-sqlite-store/';
const IMAGE = 'image';
const LOG = 'log';
const CURRENT = 'current';

/** The IndexedDB target named `name` (see the module comment). */
export function indexedDbPersistence(name: string, options: IndexedDbPersistenceOptions = {}): Promise<SqlJsPersistence> {
  return underTargetLock('indexeddb', name, options, async (release, persisted) => {
    const db = await openDatabase(name);
    return new IndexedDbTarget(db, options.durability ?? 'strict', persisted, release);
  });
}

/** Names of the IndexedDB databases of this origin (where `indexedDB.databases()` exists). */
export async function listIndexedDbDatabases(): Promise<string[]> {
  const all = (await factory().databases?.()) ?? [];
  return all
    .map((info) => info.name ?? '')
    .filter((n) => n.startsWith(PREFIX))
    .map((n) => n.slice(PREFIX.length))
    .sort();
}

/** Deletes an IndexedDB database; fails with `SqliteBusyError` while a tab or worker has it open. */
export async function deleteIndexedDbDatabase(name: string): Promise<void> {
  const release = await holdTargetLock('indexeddb', name, {});
  try {
    await request(factory().deleteDatabase(PREFIX + name));
  } finally {
    release();
  }
}

class IndexedDbTarget implements SqlJsPersistence {
  readonly kind = 'indexeddb';
  readonly mode = 'log' as const;
  readonly durable: boolean;
  readonly storagePersisted: boolean | null;
  readonly #db: IdbDatabaseLike;
  readonly #durability: 'strict' | 'relaxed';
  readonly #release: () => void;
  #size: { imageBytes: number; logBytes: number; logRecords: number } = { imageBytes: 0, logBytes: 0, logRecords: 0 };
  #closed = false;

  constructor(db: IdbDatabaseLike, durability: 'strict' | 'relaxed', persisted: boolean | null, release: () => void) {
    this.#db = db;
    this.#durability = durability;
    this.durable = durability === 'strict';
    this.storagePersisted = persisted;
    this.#release = release;
    // Another context deleting or upgrading the database: let go rather than block it.
    db.onversionchange = () => void this.close();
  }

  async load(): Promise<PersistedDatabase> {
    const tx = this.#db.transaction([IMAGE, LOG], 'readonly');
    const image = tx.objectStore(IMAGE).get(CURRENT);
    const keys = tx.objectStore(LOG).getAllKeys();
    const values = tx.objectStore(LOG).getAll();
    await completion(tx);
    const stored = image.result as { seq: number; bytes: Uint8Array } | undefined;
    const notes: string[] = [];
    const imageSeq = stored?.seq ?? 0;
    const records: RedoRecord[] = [];
    const allKeys = keys.result as number[];
    const allValues = values.result as Uint8Array[];
    for (let i = 0; i < allKeys.length; i++) {
      const seq = allKeys[i]!;
      if (seq <= imageSeq) continue;
      if (seq !== imageSeq + records.length + 1) {
        notes.push(`log: record ${seq} does not follow ${imageSeq + records.length}; ${allKeys.length - i} records ignored`);
        break;
      }
      records.push({ seq, bytes: allValues[i]! });
    }
    this.#size = {
      imageBytes: stored?.bytes.length ?? 0,
      logBytes: records.reduce((sum, r) => sum + r.bytes.length, 0),
      logRecords: records.length,
    };
    return { image: stored?.bytes ?? null, imageSeq, records, notes };
  }

  async append(records: readonly RedoRecord[]): Promise<void> {
    const tx = this.#transaction('readwrite', [LOG]);
    const log = tx.objectStore(LOG);
    for (const record of records) log.put(ownBuffer(record.bytes), record.seq);
    await completion(tx);
    this.#size.logRecords += records.length;
    this.#size.logBytes += records.reduce((sum, r) => sum + r.bytes.length, 0);
  }

  async checkpoint(image: Uint8Array, seq: number): Promise<void> {
    const tx = this.#transaction('readwrite', [IMAGE, LOG]);
    tx.objectStore(IMAGE).put({ seq, bytes: ownBuffer(image) }, CURRENT);
    tx.objectStore(LOG).delete(browser.IDBKeyRange!.upperBound(seq));
    await completion(tx);
    this.#size = { imageBytes: image.length, logBytes: 0, logRecords: 0 };
  }

  async size(): Promise<PersistenceSize> {
    return { ...this.#size };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
    this.#release();
  }

  #transaction(mode: 'readwrite', stores: string[]): IdbTransactionLike {
    if (this.#closed) throw new SqliteError('the IndexedDB target is closed', 21);
    return this.#db.transaction(stores, mode, { durability: this.#durability });
  }
}

function factory() {
  const idb = browser.indexedDB;
  if (idb === undefined) throw new SqliteError('IndexedDB is unavailable here', 14);
  return idb;
}

function openDatabase(name: string): Promise<IdbDatabaseLike> {
  const open = factory().open(PREFIX + name, 1);
  open.onupgradeneeded = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains(IMAGE)) db.createObjectStore(IMAGE);
    if (!db.objectStoreNames.contains(LOG)) db.createObjectStore(LOG);
  };
  open.onblocked = () => undefined; // an older connection of ours is closing: the open proceeds when it has
  return request(open);
}

/** Structured clone copies a view's whole buffer: store exactly the bytes. */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

function request<T>(req: RequestLike<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(idbError('request', req.error));
  });
}

function completion(tx: IdbTransactionLike): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(idbError('transaction', tx.error));
    tx.onabort = () => reject(idbError('transaction aborted', tx.error));
  });
}

function idbError(what: string, error: { name: string; message: string } | null): SqliteError {
  const code = error?.name === 'QuotaExceededError' ? 13 : 10;
  return new SqliteError(`IndexedDB ${what} failed: ${error?.name ?? 'Error'}: ${error?.message ?? 'unknown'}`, code, { cause: error });
}
