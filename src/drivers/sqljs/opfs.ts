/**
 * `opfsPersistence(name)`: a sql.js database kept in the Origin Private File
 * System, as an image checkpoint plus a redo log (the slotted layout of
 * `slotted-log.ts`, in the directory `lash-sqlite-store/db-<name>`).
 *
 * How the files are written depends on where it runs:
 *
 * - **In a dedicated Worker**, through `createSyncAccessHandle()`: a commit
 *   is one positioned write and one `flush()` (about a millisecond).
 * - **In a window**, where sync access handles do not exist, through a small
 *   helper Worker the target starts itself (from a `blob:` URL) that holds
 *   the sync handles; each call is one message away.
 * - **In a window that may not start `blob:` workers** (a strict CSP), or
 *   with `access: 'writable'`, through `createWritable()`, whose `close()`
 *   replaces the file atomically; an append then copies the log file once,
 *   so its cost grows with the log (bounded by the fold threshold). Prefer
 *   IndexedDB there.
 *
 * A sync access handle is exclusive, and a handle closed by a page that is
 * going away may linger for a moment, so opening retries for a few seconds.
 */
import { SqliteError, SqliteValueError } from '../../core/driver/errors.ts';
import { browser, type DirectoryHandleLike, type FileHandleLike, type SyncAccessHandleLike, type WorkerLike } from './browser-globals.ts';
import type { SqlJsPersistence } from './persistence.ts';
import { SlottedLogTarget, type SlotFileName, type SlotFiles } from './slotted-log.ts';
import { holdTargetLock, underTargetLock, type BrowserPersistenceOptions } from './web-lock.ts';

export interface OpfsPersistenceOptions extends BrowserPersistenceOptions {
  /**
   * `'auto'` (default): sync access handles in a Worker, a helper Worker in a
   * window, `createWritable()` when neither is possible. `'sync'` and
   * `'writable'` force one way (`'sync'` fails where it is impossible).
   */
  access?: 'auto' | 'sync' | 'writable';
}

const ROOT = 'lash-sqlite-store';
const FILES: readonly SlotFileName[] = ['image-0', 'image-1', 'log-0', 'log-1'];
const HANDLE_RETRY_MS = 5000;

/** The OPFS target named `name` (see the module comment). */
export function opfsPersistence(name: string, options: OpfsPersistenceOptions = {}): Promise<SqlJsPersistence> {
  return underTargetLock('opfs', name, options, async (release, persisted) => {
    const files = await openFiles(name, options.access ?? 'auto');
    return new SlottedLogTarget(files.files, {
      kind: files.via === 'writable' ? 'opfs-writable' : 'opfs',
      durable: true,
      storagePersisted: persisted,
      onClose: release,
    });
  });
}

/** Names of the OPFS databases of this origin. */
export async function listOpfsDatabases(): Promise<string[]> {
  const root = await rootDirectory(false);
  if (root === null) return [];
  const names: string[] = [];
  for await (const entry of root.keys()) if (entry.startsWith('db-')) names.push(decodeURIComponent(entry.slice(3)));
  return names.sort();
}

/** Deletes an OPFS database; fails with `SqliteBusyError` while a tab or worker has it open. */
export async function deleteOpfsDatabase(name: string): Promise<boolean> {
  const release = await holdTargetLock('opfs', name, {});
  try {
    const root = await rootDirectory(false);
    if (root === null) return false;
    try {
      await root.removeEntry(directoryName(name), { recursive: true });
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'NotFoundError') return false;
      throw error;
    }
  } finally {
    release();
  }
}

async function openFiles(name: string, access: 'auto' | 'sync' | 'writable'): Promise<{ files: SlotFiles; via: string }> {
  const syncHere = typeof browser.FileSystemFileHandle?.prototype.createSyncAccessHandle === 'function';
  if (access !== 'writable' && syncHere) return { files: await SyncHandleFiles.open(await databaseDirectory(name)), via: 'sync' };
  if (access !== 'writable' && browser.Worker !== undefined && browser.Blob !== undefined && browser.URL.createObjectURL) {
    try {
      return { files: await HelperWorkerFiles.open(name), via: 'helper' };
    } catch (error) {
      if (access === 'sync') throw error;
    }
  }
  if (access === 'sync') throw new SqliteError('OPFS sync access handles are not available here', 14);
  return { files: new WritableFiles(await databaseDirectory(name)), via: 'writable' };
}

async function rootDirectory(create: boolean): Promise<DirectoryHandleLike | null> {
  const storage = browser.navigator?.storage;
  if (typeof storage?.getDirectory !== 'function') {
    throw new SqliteError('the Origin Private File System (navigator.storage.getDirectory) is unavailable here', 14);
  }
  const top = await storage.getDirectory();
  try {
    return await top.getDirectoryHandle(ROOT, { create });
  } catch (error) {
    if (!create && (error as { name?: string }).name === 'NotFoundError') return null;
    throw error;
  }
}

async function databaseDirectory(name: string): Promise<DirectoryHandleLike> {
  return (await rootDirectory(true))!.getDirectoryHandle(directoryName(name), { create: true });
}

function directoryName(name: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new SqliteValueError('an OPFS database name must be a non-empty string');
  return `db-${encodeURIComponent(name)}`;
}

/** Files through sync access handles (a dedicated Worker). */
class SyncHandleFiles implements SlotFiles {
  readonly #handles: Map<SlotFileName, SyncAccessHandleLike>;

  private constructor(handles: Map<SlotFileName, SyncAccessHandleLike>) {
    this.#handles = handles;
  }

  static async open(dir: DirectoryHandleLike): Promise<SyncHandleFiles> {
    const handles = new Map<SlotFileName, SyncAccessHandleLike>();
    try {
      for (const file of FILES) handles.set(file, await syncHandle(await dir.getFileHandle(file, { create: true })));
    } catch (error) {
      for (const handle of handles.values()) handle.close();
      throw error;
    }
    return new SyncHandleFiles(handles);
  }

  async read(file: SlotFileName): Promise<Uint8Array> {
    const handle = this.#handles.get(file)!;
    const bytes = new Uint8Array(handle.getSize());
    handle.read(bytes, { at: 0 });
    return bytes;
  }

  async write(file: SlotFileName, offset: number, bytes: Uint8Array, truncate: boolean): Promise<void> {
    const handle = this.#handles.get(file)!;
    let written = 0;
    while (written < bytes.length) written += handle.write(bytes.subarray(written), { at: offset + written });
    if (truncate) handle.truncate(offset + bytes.length);
    handle.flush();
  }

  async close(): Promise<void> {
    for (const handle of this.#handles.values()) handle.close();
    this.#handles.clear();
  }
}

/** A sync handle; a page that just went away may still hold the file for a moment. */
async function syncHandle(file: FileHandleLike): Promise<SyncAccessHandleLike> {
  const deadline = Date.now() + HANDLE_RETRY_MS;
  for (let delay = 10; ; delay = Math.min(delay * 2, 250)) {
    try {
      return await file.createSyncAccessHandle!();
    } catch (error) {
      if ((error as { name?: string }).name !== 'NoModificationAllowedError' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Files through `createWritable()` (a window without workers): each write replaces the file atomically. */
class WritableFiles implements SlotFiles {
  readonly #dir: DirectoryHandleLike;

  constructor(dir: DirectoryHandleLike) {
    this.#dir = dir;
  }

  async read(file: SlotFileName): Promise<Uint8Array> {
    const handle = await this.#dir.getFileHandle(file, { create: true });
    return new Uint8Array(await (await handle.getFile()).arrayBuffer());
  }

  async write(file: SlotFileName, offset: number, bytes: Uint8Array, truncate: boolean): Promise<void> {
    const handle = await this.#dir.getFileHandle(file, { create: true });
    if (handle.createWritable === undefined) throw new SqliteError('OPFS createWritable() is unavailable here', 14);
    const writable = await handle.createWritable({ keepExistingData: offset > 0 || !truncate });
    try {
      await writable.write({ type: 'write', position: offset, data: bytes });
      if (truncate) await writable.truncate(offset + bytes.length);
      await writable.close();
    } catch (error) {
      await writable.abort().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {}
}

/**
 * The helper Worker's whole program: it opens the four sync handles and
 * answers read / write / close messages. Plain JavaScript in a string, so it
 * runs from a `blob:` URL whatever bundler built the page.
 */
const HELPER_SOURCE = `
let handles = null;
async function handleFor(dir, name) {
  const file = await dir.getFileHandle(name, { create: true });
  const deadline = Date.now() + ${HANDLE_RETRY_MS};
  for (let delay = 10; ; delay = Math.min(delay * 2, 250)) {
    try { return await file.createSyncAccessHandle(); }
    catch (error) {
      if (error.name !== 'NoModificationAllowedError' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
onmessage = async (event) => {
  const { id, op, args } = event.data;
  try {
    if (op === 'open') {
      let dir = await navigator.storage.getDirectory();
      for (const part of args[0]) dir = await dir.getDirectoryHandle(part, { create: true });
      handles = {};
      for (const name of args[1]) handles[name] = await handleFor(dir, name);
      postMessage({ id });
    } else if (op === 'read') {
      const handle = handles[args[0]];
      const bytes = new Uint8Array(handle.getSize());
      handle.read(bytes, { at: 0 });
      postMessage({ id, result: bytes }, [bytes.buffer]);
    } else if (op === 'write') {
      const [name, offset, bytes, truncate] = args;
      const handle = handles[name];
      let written = 0;
      while (written < bytes.length) written += handle.write(bytes.subarray(written), { at: offset + written });
      if (truncate) handle.truncate(offset + bytes.length);
      handle.flush();
      postMessage({ id });
    } else if (op === 'close') {
      for (const handle of Object.values(handles || {})) handle.close();
      handles = null;
      postMessage({ id });
    }
  } catch (error) {
    postMessage({ id, error: { name: error && error.name, message: String(error && error.message || error) } });
  }
};
`;

interface HelperReply {
  readonly id: number;
  readonly result?: Uint8Array;
  readonly error?: { name: string; message: string };
}

/** Files through sync handles held by a helper Worker (a window). */
class HelperWorkerFiles implements SlotFiles {
  readonly #worker: WorkerLike;
  readonly #pending = new Map<number, { resolve(reply: HelperReply): void; reject(error: Error): void }>();
  #next = 0;

  private constructor(worker: WorkerLike) {
    this.#worker = worker;
    worker.onmessage = (event) => {
      const reply = event.data as HelperReply;
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (reply.error === undefined) pending?.resolve(reply);
      else pending?.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
    };
    worker.onerror = (event) => {
      const error = new SqliteError(`the OPFS helper worker failed: ${event.message ?? 'unknown error'}`, 10);
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    };
  }

  static async open(name: string): Promise<HelperWorkerFiles> {
    const url = browser.URL.createObjectURL!(new browser.Blob!([HELPER_SOURCE], { type: 'text/javascript' }));
    let worker: WorkerLike | undefined;
    try {
      worker = new browser.Worker!(url);
      const files = new HelperWorkerFiles(worker);
      await files.#call('open', [[ROOT, directoryName(name)], FILES]);
      return files;
    } catch (error) {
      worker?.terminate();
      throw error;
    } finally {
      browser.URL.revokeObjectURL?.(url);
    }
  }

  async read(file: SlotFileName): Promise<Uint8Array> {
    return (await this.#call('read', [file])).result!;
  }

  async write(file: SlotFileName, offset: number, bytes: Uint8Array, truncate: boolean): Promise<void> {
    await this.#call('write', [file, offset, bytes, truncate]);
  }

  async close(): Promise<void> {
    try {
      await this.#call('close', []);
    } finally {
      this.#worker.terminate();
    }
  }

  #call(op: string, args: unknown[]): Promise<HelperReply> {
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, op, args });
    });
  }
}
