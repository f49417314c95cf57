/**
 * The few browser APIs the OPFS and IndexedDB targets use, typed here
 * structurally: the package compiles without the DOM library (it is
 * isomorphic), and the targets feature-detect everything at run time.
 */

export interface LockManagerLike {
  request(
    name: string,
    options: { mode?: 'exclusive' | 'shared'; ifAvailable?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => Promise<void> | void,
  ): Promise<unknown>;
}

export interface StorageManagerLike {
  persist?(): Promise<boolean>;
  persisted?(): Promise<boolean>;
  getDirectory?(): Promise<DirectoryHandleLike>;
}

export interface DirectoryHandleLike {
  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<DirectoryHandleLike>;
  getFileHandle(name: string, options?: { create?: boolean }): Promise<FileHandleLike>;
  removeEntry(name: string, options?: { recursive?: boolean }): Promise<void>;
  keys(): AsyncIterable<string>;
}

export interface FileHandleLike {
  getFile(): Promise<{ arrayBuffer(): Promise<ArrayBuffer> }>;
  createWritable?(options?: { keepExistingData?: boolean }): Promise<WritableLike>;
  createSyncAccessHandle?(): Promise<SyncAccessHandleLike>;
}

export interface SyncAccessHandleLike {
  getSize(): number;
  read(buffer: Uint8Array, options: { at: number }): number;
  write(buffer: Uint8Array, options: { at: number }): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}

export interface WritableLike {
  write(chunk: { type: 'write'; position: number; data: Uint8Array }): Promise<void>;
  truncate(size: number): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

export interface RequestLike<T> {
  result: T;
  error: { name: string; message: string } | null;
  onsuccess: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface OpenRequestLike extends RequestLike<IdbDatabaseLike> {
  onupgradeneeded: ((event: unknown) => void) | null;
  onblocked: ((event: unknown) => void) | null;
}

export interface IdbFactoryLike {
  open(name: string, version?: number): OpenRequestLike;
  deleteDatabase(name: string): OpenRequestLike;
  databases?(): Promise<{ name?: string }[]>;
}

export interface IdbDatabaseLike {
  readonly objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string): unknown;
  transaction(stores: string[], mode: 'readonly' | 'readwrite', options?: { durability?: 'strict' | 'relaxed' | 'default' }): IdbTransactionLike;
  close(): void;
  onversionchange: ((event: unknown) => void) | null;
}

export interface IdbTransactionLike {
  objectStore(name: string): IdbStoreLike;
  oncomplete: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onabort: ((event: unknown) => void) | null;
  error: { name: string; message: string } | null;
}

export interface IdbStoreLike {
  get(key: unknown): RequestLike<unknown>;
  getAll(): RequestLike<unknown[]>;
  getAllKeys(): RequestLike<unknown[]>;
  put(value: unknown, key: unknown): RequestLike<unknown>;
  delete(key: unknown): RequestLike<unknown>;
}

export interface BrowserGlobals {
  navigator?: { locks?: LockManagerLike; storage?: StorageManagerLike };
  indexedDB?: IdbFactoryLike;
  IDBKeyRange?: { upperBound(bound: unknown): unknown };
  FileSystemFileHandle?: { prototype: FileHandleLike };
  Worker?: new (url: string) => WorkerLike;
  Blob?: new (parts: string[], options: { type: string }) => unknown;
  URL: { createObjectURL?(blob: unknown): string; revokeObjectURL?(url: string): void };
}

export interface WorkerLike {
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: { message?: string }) => void) | null;
}

export const browser = globalThis as unknown as BrowserGlobals;
