/**
 * The errors of the session API. Each message names the session, where its
 * database is, and what to do next; the store's own error stays as `cause`.
 *
 * The translation reads only the contract's error *shape* (`detail.kind`, or
 * `kind`, and the `expected` / `actual` revisions), never its class, so it
 * keeps working while the core's error classes evolve.
 */

export type SessionErrorCode =
  /** The database could not be opened or created (`location` says where). */
  | 'OpenFailed'
  /** The session was committed elsewhere since this handle loaded it: see {@link SessionConflictError}. */
  | 'Conflict'
  /** The turn id was already committed with different content. */
  | 'TurnConflict'
  /** No session with this id, and `create: false` was asked. */
  | 'NotFound'
  /** The database holds another session (one database file holds one session). */
  | 'WrongSession'
  /** A node id that is not (or no longer) in the session. */
  | 'UnknownNode'
  /** The handle, or the store it came from, was closed. */
  | 'Closed'
  /** The store form cannot do this (for example deleting a session of a single-file store). */
  | 'Unsupported'
  /** Any other failure of the store; `cause` holds the store's error. */
  | 'Failed';

/** Options of `SessionError`. */
export interface SessionErrorOptions {
  /** The session this is about. */
  sessionId?: string | null;
  /** Its database file, folder or sql.js name. */
  location?: string | null;
  /** The underlying error. */
  cause?: unknown;
  /** True when trying again later can succeed (a lock held too long by another writer). */
  retryable?: boolean;
}

/**
 * The classes an error is an instance of, by name, under a registry symbol:
 * `instanceof` then holds across two copies of this package in one process
 * (its ESM and CJS builds), where the classes themselves differ.
 */
const BRANDS = Symbol.for('lash-sqlite-store/api-error-brands');

function branded(value: unknown, brand: string): boolean {
  const brands = typeof value === 'object' && value !== null ? (value as Record<symbol, unknown>)[BRANDS] : undefined;
  return Array.isArray(brands) && brands.includes(brand);
}

/** The error of the session API: a `code`, the session and database it is about, and a message that says what to do; the store's error is the `cause`. */
export class SessionError extends Error {
  /** @internal */
  static readonly brand: string = 'SessionError';
  /** @internal */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // A host's own subclass (no brand of its own) keeps the ordinary check.
    if (!Object.hasOwn(this, 'brand')) return Function.prototype[Symbol.hasInstance].call(this, value);
    return branded(value, this.brand);
  }

  /** Always `'SessionError'` (or the subclass's name). */
  override name = 'SessionError';
  /** What went wrong. */
  readonly code: SessionErrorCode;
  /** The session this is about, when there is one. */
  readonly sessionId: string | null;
  /** The database file, folder or sql.js name, when known. */
  readonly location: string | null;
  /** True when trying again later can succeed. */
  readonly retryable: boolean;

  constructor(code: SessionErrorCode, message: string, options: SessionErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    // Every class of the chain, by its brand (see BRANDS).
    const brands: string[] = [];
    for (let type: object | null = new.target; type !== null && type !== Error; type = Object.getPrototypeOf(type)) {
      if (Object.hasOwn(type, 'brand')) brands.push((type as { brand: string }).brand);
    }
    Object.defineProperty(this, BRANDS, { value: brands });
    this.code = code;
    this.sessionId = options.sessionId ?? null;
    this.location = options.location ?? null;
    this.retryable = options.retryable ?? false;
  }
}

/**
 * A commit found the session at another revision than the one this handle
 * loaded: another process, connection or handle committed in between.
 * Nothing was written. `session.reload()` and commit again, or pass
 * `{ onConflict }` to `commitTurn` to have that done for you.
 */
export class SessionConflictError extends SessionError {
  /** @internal */
  static override readonly brand: string = 'SessionConflictError';
  /** Always `'SessionConflictError'`. */
  override name = 'SessionConflictError';
  /** The revision this handle had loaded (0: it expected to create the session). */
  readonly expectedRevision: number;
  /** The revision the database is at. */
  readonly actualRevision: number;

  constructor(sessionId: string, location: string, expectedRevision: number, actualRevision: number, cause?: unknown) {
    super(
      'Conflict',
      `session \`${sessionId}\` in ${location} was changed by another writer: this handle loaded revision ${expectedRevision}, ` +
        `the database is at revision ${actualRevision}. Nothing was written. Call session.reload() and commit again, ` +
        'or pass { onConflict } to commitTurn to reload and retry with your merge function.',
      { sessionId, location, cause },
    );
    this.expectedRevision = expectedRevision;
    this.actualRevision = actualRevision;
  }
}

/** The contract error kind of `error` (`StoreError.detail.kind`, or a `kind` field), if it has one. */
export function storeErrorKind(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { detail, kind } = error as { detail?: unknown; kind?: unknown };
  if (typeof detail === 'object' && detail !== null && typeof (detail as { kind?: unknown }).kind === 'string') {
    return (detail as { kind: string }).kind;
  }
  return typeof kind === 'string' ? kind : undefined;
}

/** A numeric field of the error's detail (or of the error itself). */
export function storeErrorNumber(error: unknown, field: 'expected' | 'actual'): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const detail = (error as { detail?: Record<string, unknown> }).detail;
  const value = typeof detail === 'object' && detail !== null ? detail[field] : (error as Record<string, unknown>)[field];
  return typeof value === 'number' ? value : undefined;
}

export function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An open failure, with the path and what to do about it. */
export function openFailed(location: string, error: unknown, sessionId?: string): SessionError {
  const reason = messageOf(error);
  const name = (error as { name?: unknown } | null)?.name;
  const hint =
    name === 'SchemaVersionError'
      ? 'The file was written by another version of lash-sqlite-store: delete it (or choose another path) to start fresh.'
      : /not a database|file is encrypted/i.test(reason)
        ? 'The file is not a SQLite database: choose another path.'
        : /readonly|read-only|permission|EACCES|EPERM/i.test(reason)
          ? 'Check that the file and its folder are writable.'
          : 'Check that the path is right and its folder is writable.';
  return new SessionError('OpenFailed', `cannot open the session database ${location}: ${reason.replace(/\.$/, '')}. ${hint}`, {
    sessionId: sessionId ?? null,
    location,
    cause: error,
  });
}
