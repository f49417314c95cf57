/**
 * The typed errors of the contracts. Messages follow the reference's Display
 * strings, so logs and substring checks read the same in both ports.
 *
 * Every class keeps its name in the build (`err.name`, `err.constructor.name`)
 * and has one identity across copies of the package: `instanceof` checks
 * a brand registered under `Symbol.for`, so an error thrown by one copy of the
 * package is an instance of the other copy's class (see `brand.ts`).
 */
import { brandError } from './brand.ts';

/** How a session store read is scoped (never serialized; variant names as in the reference). */
export type SessionReadScope = {
  /** Read the whole graph. */
  kind: 'FullGraph';
} | {
  /** Read only the path from a leaf to the root. */
  kind: 'ActivePath';
  /** The leaf to read from; `null` for the head's leaf. */
  leaf_node_id: string | null;
};

/** What went wrong in a `StoreError`, tagged on `kind` (the reference's variants plus `InvalidInput`, `Busy` and `NotPersisted`). */
export type StoreErrorDetail =
  | {
      /** The commit is for another session than the store is bound to. */
      kind: 'SessionBindingMismatch';
      /** The store's session. */
      bound_session_id: string;
      /** The commit's session. */
      attempted_session_id: string;
    }
  | {
      /** The store cannot read at this scope. */
      kind: 'UnsupportedReadScope';
      /** The scope asked for. */
      scope: SessionReadScope;
    }
  | {
      /** The head moved: the commit expected another revision. */
      kind: 'HeadRevisionConflict';
      /** The revision the commit expected (`null`: no head). */
      expected: number | null;
      /** The head's revision. */
      actual: number;
    }
  | {
      /** The turn id was committed before with other content. */
      kind: 'RuntimeTurnCommitConflict';
      /** The session. */
      session_id: string;
      /** The turn id. */
      turn_id: string;
    }
  | {
      /** The claim expired, was replaced or was already completed. */
      kind: 'QueuedWorkClaimExpired';
      /** The session. */
      session_id: string;
      /** The claim id. */
      claim_id: string;
    }
  | {
      /** A stored record has a schema version this build does not read. */
      kind: 'UnsupportedRecordSchemaVersion';
      /** The record's kind. */
      record_kind: string;
      /** The version found. */
      actual: number;
      /** The version this build reads. */
      expected: number;
    }
  /**
   * The caller passed a value the contract refuses (wrong type, `null` where a
   * value is required, non-JSON data, an unsafe id). `path` locates it inside
   * the argument (`$.graph.Append.nodes[0].event`) when it is inside one.
   * Nothing was written (spec decision 19).
   */
  | {
      /** Bad input. */
      kind: 'InvalidInput';
      /** What is wrong. */
      message: string;
      /** Where, inside the argument. */
      path?: string;
    }
  /**
   * Another connection held the lock past the wait bound (`busyTimeoutMs`).
   * Nothing was written; the whole call can be retried (`retryable`).
   */
  | {
      /** The write lock was held too long. */
      kind: 'Busy';
      /** What was waited for. */
      message: string;
      /** How long the call waited (ms). */
      waited_ms: number;
    }
  /**
   * The write committed in memory but the connection's persistence target
   * failed (sql.js with a persistence target). The data is there for every
   * reader of this connection; `whenDurable()` tries the write again.
   */
  | {
      /** Committed in memory, not persisted. */
      kind: 'NotPersisted';
      /** What failed. */
      message: string;
    }
  | {
      /** An engine failure or corrupt stored data. */
      kind: 'Backend';
      /** What failed. */
      message: string;
    };

/** The `kind` of a `StoreErrorDetail`. */
export type StoreErrorKind = StoreErrorDetail['kind'];

/** The error of every `RuntimePersistence` method; switch on `detail.kind`. */
export class StoreError extends Error {
  static {
    brandError(this, 'StoreError');
  }
  /** Always `'StoreError'`, whichever build threw it. */
  override name = 'StoreError';
  /** What went wrong. */
  readonly detail: StoreErrorDetail;
  constructor(detail: StoreErrorDetail, options?: { cause?: unknown }) {
    super(storeErrorMessage(detail), options);
    this.detail = detail;
  }

  /** The detail's `kind`. */
  get kind(): StoreErrorKind {
    return this.detail.kind;
  }

  /** True when the same call may succeed if simply made again (`Busy`). */
  get retryable(): boolean {
    return this.detail.kind === 'Busy';
  }

  /** `InvalidInput(message)`, with the path inside the argument when known. */
  static invalidInput(message: string, path?: string, cause?: unknown): StoreError {
    const detail: StoreErrorDetail = path === undefined ? { kind: 'InvalidInput', message } : { kind: 'InvalidInput', message, path };
    return new StoreError(detail, cause === undefined ? undefined : { cause });
  }

  /** `Backend(message)`, optionally keeping the underlying error as `cause`. */
  static backend(message: string, cause?: unknown): StoreError {
    return new StoreError({ kind: 'Backend', message }, cause === undefined ? undefined : { cause });
  }

  /**
   * Wraps any thrown value: `StoreError`s pass through unchanged, the shared
   * typed conditions (bad input, a lock wait that ran out, a failed
   * persistence target) keep their kind, anything else is `Backend` with the
   * original error as `cause`.
   */
  static from(error: unknown): StoreError {
    if (error instanceof StoreError) return error;
    const condition = conditionOf(error);
    if (condition !== null) {
      const message = error instanceof Error ? error.message : String(error);
      switch (condition.kind) {
        case 'InvalidInput':
          return StoreError.invalidInput(message, condition.path, error);
        case 'Busy':
          return new StoreError({ kind: 'Busy', message, waited_ms: condition.waitedMs }, { cause: error });
        case 'NotPersisted':
          return new StoreError({ kind: 'NotPersisted', message }, { cause: error });
      }
    }
    return StoreError.backend(error instanceof Error ? error.message : String(error), error);
  }
}

function storeErrorMessage(detail: StoreErrorDetail): string {
  switch (detail.kind) {
    case 'SessionBindingMismatch':
      return `store is already bound to session \`${detail.bound_session_id}\` and cannot be reused for \`${detail.attempted_session_id}\``;
    case 'UnsupportedReadScope':
      return `store does not support read scope ${formatScope(detail.scope)}`;
    case 'HeadRevisionConflict':
      return `store head revision conflict: expected ${detail.expected === null ? 'None' : `Some(${detail.expected})`}, actual ${detail.actual}`;
    case 'RuntimeTurnCommitConflict':
      return `runtime turn \`${detail.turn_id}\` for session \`${detail.session_id}\` was already committed with a different commit hash`;
    case 'QueuedWorkClaimExpired':
      return `queued work claim \`${detail.claim_id}\` for session \`${detail.session_id}\` is missing or expired`;
    case 'UnsupportedRecordSchemaVersion':
      return `${detail.record_kind} schema_version ${detail.actual} is not supported by this binary (expected ${detail.expected})`;
    case 'InvalidInput':
      return `invalid input: ${detail.message}`;
    case 'Busy':
      return `store busy: ${detail.message}`;
    case 'NotPersisted':
      return `store write not persisted: ${detail.message}`;
    case 'Backend':
      return `store backend error: ${detail.message}`;
  }
}

/**
 * The reference's wording (Rust `Debug`) for the two real scopes; anything
 * else — a scope the contract does not have — as the caller wrote it, in JSON
 * (`{"kind":"Bogus"}`), bounded in length.
 */
function formatScope(scope: unknown): string {
  const candidate = scope as { kind?: unknown; leaf_node_id?: unknown } | null;
  if (candidate?.kind === 'FullGraph') return 'FullGraph';
  const leaf = candidate?.leaf_node_id;
  if (candidate?.kind === 'ActivePath' && (leaf === null || typeof leaf === 'string')) {
    return `ActivePath { leaf_node_id: ${leaf === null ? 'None' : `Some(${JSON.stringify(leaf)})`} }`;
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(scope);
  } catch {
    text = undefined;
  }
  if (text === undefined) return scope === null ? 'null' : typeof scope;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Throws `UnsupportedRecordSchemaVersion` unless `actual === expected`. */
export function ensureSupportedSchemaVersion(recordKind: string, actual: number, expected: number): void {
  if (actual !== expected) {
    throw new StoreError({ kind: 'UnsupportedRecordSchemaVersion', record_kind: recordKind, actual, expected });
  }
}

/** The kinds of `PluginError`; the store's contracts raise only `session`. */
export type PluginErrorKind = 'registration' | 'snapshot' | 'invoke' | 'session';

/**
 * The error of the process registry and host-event store. Every error those
 * contracts raise is of kind `'session'`; `message` is the bare text and the
 * Error message is the reference's Display form, `plugin session error: …`.
 */
export class PluginError extends Error {
  static {
    brandError(this, 'PluginError');
  }
  /** Always `'PluginError'`. */
  override name = 'PluginError';
  /** The error's kind. */
  readonly kind: PluginErrorKind;
  /** The message without the Display prefix. */
  readonly detail: string;
  /**
   * Which of the shared conditions of spec decision 19 this is, when it is
   * one (`InvalidInput`, `Busy`, `NotPersisted`); `null` for the contract's
   * own errors (unknown process, hash conflict, stale lease…) and backend
   * failures. The contract fixes the class and the `plugin session error: …`
   * Display form; this field lets a caller decide without parsing it.
   */
  readonly condition: ErrorCondition | null;
  constructor(kind: PluginErrorKind, detail: string, options?: { cause?: unknown; condition?: ErrorCondition | null }) {
    super(`plugin ${kind} error: ${detail}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.detail = detail;
    this.condition = options?.condition ?? null;
  }

  /** True when the same call may succeed if simply made again (`Busy`). */
  get retryable(): boolean {
    return this.condition === 'Busy';
  }

  /** A `session` error. */
  static session(detail: string, cause?: unknown): PluginError {
    return new PluginError('session', detail, cause === undefined ? undefined : { cause });
  }

  /** A `session` error for bad caller input (`condition: 'InvalidInput'`). */
  static invalidInput(detail: string, cause?: unknown): PluginError {
    return new PluginError('session', detail, { cause, condition: 'InvalidInput' });
  }

  /**
   * Wraps any thrown value as a `session` error: `PluginError`s pass through,
   * the shared conditions keep their `condition`, the rest keep their cause.
   */
  static from(error: unknown): PluginError {
    if (error instanceof PluginError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new PluginError('session', message, { cause: error, condition: conditionOf(error)?.kind ?? null });
  }

  override toString(): string {
    return this.message;
  }
}

/** The error of effect controllers: a stable `code` plus a message. Display is `{code}: {message}`. */
export class RuntimeEffectControllerError extends Error {
  static {
    brandError(this, 'RuntimeEffectControllerError');
  }
  /** Always `'RuntimeEffectControllerError'`. */
  override name = 'RuntimeEffectControllerError';
  /** The stable error code (e.g. `runtime_effect_envelope_mismatch`). */
  readonly code: string;
  /** The message without the code. */
  readonly detail: string;
  constructor(code: string, detail: string, options?: { cause?: unknown }) {
    super(`${code}: ${detail}`, options);
    this.code = code;
    this.detail = detail;
  }

  /** True when the same call may succeed if simply made again (`sqlite_effect_replay_busy`). */
  get retryable(): boolean {
    return this.code === 'sqlite_effect_replay_busy';
  }

  /** The serialized form `{code, message}`, as recorded in replay rows. */
  toJSON(): {
    /** The code. */
    code: string;
    /** The message. */
    message: string;
  } {
    return { code: this.code, message: this.detail };
  }

  /** A `PluginError` becomes code `plugin` with its Display string. */
  static fromPluginError(error: PluginError): RuntimeEffectControllerError {
    return new RuntimeEffectControllerError('plugin', error.message, { cause: error });
  }
}

/** Runtime errors raised by the effect host; the wire code is snake_case. */
export class RuntimeError extends Error {
  static {
    brandError(this, 'RuntimeError');
  }
  /** Always `'RuntimeError'`. */
  override name = 'RuntimeError';
  /** The snake_case error code. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** What went wrong in an `ArtifactStoreError`, tagged on `kind`. */
export type ArtifactStoreErrorDetail =
  | {
      /** The artifact could not be encoded. */
      kind: 'Encode';
      /** Why. */
      message: string;
    }
  | {
      /** The stored bytes could not be decoded (or their `module_ref` does not match). */
      kind: 'Decode';
      /** Why. */
      message: string;
    }
  | {
      /** The backend failed. */
      kind: 'Backend';
      /** Why. */
      message: string;
    };

/** The error of the lashlang artifact store. */
export class ArtifactStoreError extends Error {
  static {
    brandError(this, 'ArtifactStoreError');
  }
  /** Always `'ArtifactStoreError'`. */
  override name = 'ArtifactStoreError';
  /** The error's kind. */
  readonly kind: ArtifactStoreErrorDetail['kind'];
  /** The message without the prefix. */
  readonly detail: string;
  /** The shared condition of spec decision 19 a `Backend` error stands for, if any (as on `PluginError`). */
  readonly condition: ErrorCondition | null;
  constructor(
    kind: ArtifactStoreErrorDetail['kind'],
    detail: string,
    options?: { cause?: unknown; condition?: ErrorCondition | null },
  ) {
    const prefix =
      kind === 'Encode'
        ? 'failed to encode lashlang artifact'
        : kind === 'Decode'
          ? 'failed to decode lashlang artifact'
          : 'artifact store backend error';
    super(`${prefix}: ${detail}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.detail = detail;
    this.condition = options?.condition ?? null;
  }

  /** True when the same call may succeed if simply made again (`Busy`). */
  get retryable(): boolean {
    return this.condition === 'Busy';
  }
}

/**
 * A database holds a component schema of another version (or a partial one
 * without its version row). Nothing was changed.
 */
export class SchemaVersionError extends Error {
  static {
    brandError(this, 'SchemaVersionError');
  }
  /** Always `'SchemaVersionError'`. */
  override name = 'SchemaVersionError';
  /** The component whose schema is refused (`session`, `process`, …). */
  readonly component: string;
  /** The version the database holds (0 when the version row is missing). */
  readonly found: number;
  /** The version this build supports. */
  readonly expected: number;
  constructor(component: string, label: string, found: number, expected: number) {
    super(
      `Unsupported lash ${label} schema: this build supports schema version ${expected}, but the database reports version ${found}. There is no migration chain — delete the database and start fresh.`,
    );
    this.component = component;
    this.found = found;
    this.expected = expected;
  }
}

/**
 * A configuration argument that cannot be used: the options of an `open`, a
 * factory's root or session id, a connection that is not one. (A contract
 * method's bad argument is its contract's error: `StoreError` `InvalidInput`,
 * `PluginError` with `condition: 'InvalidInput'`.)
 */
export class InvalidInputError extends TypeError {
  static {
    brandError(this, 'InvalidInputError');
  }
  /** Always `'InvalidInputError'`. */
  override name = 'InvalidInputError';
  /** Always `'InvalidInput'`. */
  readonly kind = 'InvalidInput';
}

/** The shared conditions of spec decision 19 that every component reports in its own error class. */
export type ErrorCondition = 'InvalidInput' | 'Busy' | 'NotPersisted';

/**
 * Another connection held the lock past the wait bound. Raised by the
 * operation runner (`src/core/driver/runner.ts`); each component turns it into
 * its contract's error (`StoreError` `Busy`, `PluginError` with
 * `condition: 'Busy'`, `sqlite_effect_replay_busy`).
 */
export class LockWaitTimeoutError extends Error {
  static {
    brandError(this, 'LockWaitTimeoutError');
  }
  override name = 'LockWaitTimeoutError';
  readonly waitedMs: number;
  constructor(message: string, waitedMs: number, options?: { cause?: unknown }) {
    super(message, options);
    this.waitedMs = waitedMs;
  }
}

/**
 * A write committed, but the connection's persistence target failed to
 * store it (`whenDurable()` rejected). Raised by the operation runner.
 */
export class PersistenceError extends Error {
  static {
    brandError(this, 'PersistenceError');
  }
  override name = 'PersistenceError';
}

/**
 * The shared condition a thrown value stands for, if any: bad input, a lock
 * wait that ran out, a failed persistence target. (A `ShapeError` is not one
 * by itself: the same checks read rows back, where a wrong shape is a corrupt
 * row. Whoever checks input turns its `ShapeError` into `InvalidInput`.)
 */
export function conditionOf(error: unknown): { kind: ErrorCondition; path?: string; waitedMs: number } | null {
  if (error instanceof LockWaitTimeoutError) return { kind: 'Busy', waitedMs: error.waitedMs };
  if (error instanceof PersistenceError) return { kind: 'NotPersisted', waitedMs: 0 };
  if (error instanceof InvalidInputError) return { kind: 'InvalidInput', waitedMs: 0 };
  if (error instanceof StoreError) {
    const { detail } = error;
    if (detail.kind === 'InvalidInput') return { kind: 'InvalidInput', waitedMs: 0, ...(detail.path === undefined ? {} : { path: detail.path }) };
    if (detail.kind === 'Busy') return { kind: 'Busy', waitedMs: detail.waited_ms };
    if (detail.kind === 'NotPersisted') return { kind: 'NotPersisted', waitedMs: 0 };
  }
  if (error instanceof PluginError && error.condition !== null) return { kind: error.condition, waitedMs: 0 };
  return null;
}
