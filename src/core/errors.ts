/**
 * The typed errors of the contracts. Messages follow the reference's Display
 * strings, so logs and substring checks read the same in both ports.
 */

/** How a session store read is scoped (never serialized; variant names as in the reference). */
export type SessionReadScope = { kind: 'FullGraph' } | { kind: 'ActivePath'; leaf_node_id: string | null };

export type StoreErrorDetail =
  | { kind: 'SessionBindingMismatch'; bound_session_id: string; attempted_session_id: string }
  | { kind: 'UnsupportedReadScope'; scope: SessionReadScope }
  | { kind: 'HeadRevisionConflict'; expected: number | null; actual: number }
  | { kind: 'RuntimeTurnCommitConflict'; session_id: string; turn_id: string }
  | { kind: 'QueuedWorkClaimExpired'; session_id: string; claim_id: string }
  | { kind: 'UnsupportedRecordSchemaVersion'; record_kind: string; actual: number; expected: number }
  | { kind: 'Backend'; message: string };

export type StoreErrorKind = StoreErrorDetail['kind'];

/** The error of every `RuntimePersistence` method; switch on `detail.kind`. */
export class StoreError extends Error {
  override name = 'StoreError';
  readonly detail: StoreErrorDetail;
  constructor(detail: StoreErrorDetail, options?: { cause?: unknown }) {
    super(storeErrorMessage(detail), options);
    this.detail = detail;
  }

  get kind(): StoreErrorKind {
    return this.detail.kind;
  }

  /** `Backend(message)`, optionally keeping the underlying error as `cause`. */
  static backend(message: string, cause?: unknown): StoreError {
    return new StoreError({ kind: 'Backend', message }, cause === undefined ? undefined : { cause });
  }

  /** Wraps any thrown value as `Backend`, passing `StoreError`s through unchanged. */
  static from(error: unknown): StoreError {
    if (error instanceof StoreError) return error;
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
    case 'Backend':
      return `store backend error: ${detail.message}`;
  }
}

function formatScope(scope: SessionReadScope): string {
  return scope.kind === 'FullGraph'
    ? 'FullGraph'
    : `ActivePath { leaf_node_id: ${scope.leaf_node_id === null ? 'None' : `Some(${JSON.stringify(scope.leaf_node_id)})`} }`;
}

/** Throws `UnsupportedRecordSchemaVersion` unless `actual === expected`. */
export function ensureSupportedSchemaVersion(recordKind: string, actual: number, expected: number): void {
  if (actual !== expected) {
    throw new StoreError({ kind: 'UnsupportedRecordSchemaVersion', record_kind: recordKind, actual, expected });
  }
}

export type PluginErrorKind = 'registration' | 'snapshot' | 'invoke' | 'session';

/**
 * The error of the process registry and host-event store. Every error those
 * contracts raise is of kind `'session'`; `message` is the bare text and the
 * Error message is the reference's Display form, `plugin session error: …`.
 */
export class PluginError extends Error {
  override name = 'PluginError';
  readonly kind: PluginErrorKind;
  /** The message without the Display prefix. */
  readonly detail: string;
  constructor(kind: PluginErrorKind, detail: string, options?: { cause?: unknown }) {
    super(`plugin ${kind} error: ${detail}`, options);
    this.kind = kind;
    this.detail = detail;
  }

  static session(detail: string, cause?: unknown): PluginError {
    return new PluginError('session', detail, cause === undefined ? undefined : { cause });
  }

  override toString(): string {
    return this.message;
  }
}

/** The error of effect controllers: a stable `code` plus a message. Display is `{code}: {message}`. */
export class RuntimeEffectControllerError extends Error {
  override name = 'RuntimeEffectControllerError';
  readonly code: string;
  readonly detail: string;
  constructor(code: string, detail: string, options?: { cause?: unknown }) {
    super(`${code}: ${detail}`, options);
    this.code = code;
    this.detail = detail;
  }

  /** The serialized form `{code, message}`, as recorded in replay rows. */
  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.detail };
  }

  /** A `PluginError` becomes code `plugin` with its Display string. */
  static fromPluginError(error: PluginError): RuntimeEffectControllerError {
    return new RuntimeEffectControllerError('plugin', error.message, { cause: error });
  }
}

/** Runtime errors raised by the effect host; the wire code is snake_case. */
export class RuntimeError extends Error {
  override name = 'RuntimeError';
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export type ArtifactStoreErrorDetail =
  | { kind: 'Encode'; message: string }
  | { kind: 'Decode'; message: string }
  | { kind: 'Backend'; message: string };

/** The error of the lashlang artifact store. */
export class ArtifactStoreError extends Error {
  override name = 'ArtifactStoreError';
  readonly kind: ArtifactStoreErrorDetail['kind'];
  readonly detail: string;
  constructor(kind: ArtifactStoreErrorDetail['kind'], detail: string, options?: { cause?: unknown }) {
    const prefix =
      kind === 'Encode'
        ? 'failed to encode lashlang artifact'
        : kind === 'Decode'
          ? 'failed to decode lashlang artifact'
          : 'artifact store backend error';
    super(`${prefix}: ${detail}`, options);
    this.kind = kind;
    this.detail = detail;
  }
}

/**
 * A database holds a component schema of another version (or a partial one
 * without its version row). Nothing was changed.
 */
export class SchemaVersionError extends Error {
  override name = 'SchemaVersionError';
  readonly component: string;
  readonly found: number;
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

/** An identifier or integer argument that cannot be stored faithfully. */
export class InvalidInputError extends TypeError {
  override name = 'InvalidInputError';
}
