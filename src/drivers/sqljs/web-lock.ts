/**
 * What the browser targets share: the cross-tab lock and the storage
 * persistence request.
 *
 * **One tab at a time.** A browser target takes an exclusive Web Lock named
 * after it for as long as it is open (`navigator.locks`, shared by every
 * window and worker of the origin, released by the browser when the holder
 * closes, reloads or crashes). By default a second tab or worker asking for
 * a target that is held gets a `SqliteBusyError` at once; with
 * `ifLocked: 'wait'` it waits until the holder lets go (an `AbortSignal`
 * ends the wait). Either way it never writes beside the first.
 */
import { SqliteBusyError, SqliteError, SqliteValueError } from '../../core/driver/errors.ts';
import { browser } from './browser-globals.ts';

/** Options shared by `opfsPersistence` and `indexedDbPersistence`. */
export interface BrowserPersistenceOptions {
  /** When another tab or worker holds the target: `'fail'` (default) rejects with `SqliteBusyError`; `'wait'` waits. */
  ifLocked?: 'fail' | 'wait';
  /** Ends a wait for the lock (with `ifLocked: 'wait'`). */
  signal?: AbortSignal;
  /**
   * Ask `navigator.storage.persist()` so the browser does not evict the data
   * under storage pressure (default true). Workers cannot ask; they report
   * `navigator.storage.persisted()`.
   */
  requestPersistence?: boolean;
}

/** Takes the target's exclusive lock; resolves with the function that releases it. */
export function holdTargetLock(kind: string, name: string, options: BrowserPersistenceOptions): Promise<() => void> {
  const locks = browser.navigator?.locks;
  if (locks === undefined) {
    return Promise.reject(
      new SqliteError(`Web Locks (navigator.locks) are unavailable here, so the ${kind} database "${name}" cannot be kept to one tab`, 14),
    );
  }
  const wait = options.ifLocked === 'wait';
  return new Promise((resolve, reject) => {
    locks
      .request(
        `lash-sqlite-store:${kind}:${name}`,
        wait ? { mode: 'exclusive', signal: options.signal } : { mode: 'exclusive', ifAvailable: true },
        (lock) => {
          if (lock === null) {
            reject(new SqliteBusyError(`the ${kind} database "${name}" is open in another tab or worker`, 5));
            return;
          }
          return new Promise<void>((release) => resolve(release));
        },
      )
      .catch(reject);
  });
}

/** The answer to `persist()` (windows) or `persisted()` (workers); `null` when there is no answer. */
export async function storagePersistence(request: boolean): Promise<boolean | null> {
  const storage = browser.navigator?.storage;
  const ask = request && typeof storage?.persist === 'function' && typeof (globalThis as { document?: unknown }).document === 'object'
    ? storage.persist.bind(storage)
    : storage?.persisted?.bind(storage);
  if (ask === undefined) return null;
  // Some browsers may hold the promise for a permission prompt; do not wait on it for long.
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 2000));
  try {
    return await Promise.race([ask(), timeout]);
  } catch {
    return null;
  }
}

/** Opens a target under its lock; releases the lock if opening fails. */
export async function underTargetLock<T>(
  kind: string,
  name: string,
  options: BrowserPersistenceOptions,
  open: (release: () => void, persisted: boolean | null) => Promise<T>,
): Promise<T> {
  checkTargetName(kind, name);
  const release = await holdTargetLock(kind, name, options);
  try {
    return await open(release, await storagePersistence(options.requestPersistence !== false));
  } catch (error) {
    release();
    throw error;
  }
}

function checkTargetName(kind: string, name: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) {
    throw new SqliteValueError(`a ${kind} database name must be a non-empty string of at most 200 characters`);
  }
}
