/**
 * Errors across Durable Object RPC.
 *
 * Workers RPC passes a thrown error on as a plain `Error` whose message is
 * prefixed with the class name: `StoreError.detail`, `PluginError.kind`, the
 * `code` of a `SqliteError` and the class itself are lost. An object's RPC
 * method therefore returns an {@link RpcOutcome} (`rpcOutcome(() => …)`), and
 * the caller unwraps it (`unwrapRpcOutcome`, or every method at once with
 * `lashRpcClient(stub)`), which re-throws the original error class with its
 * fields, message and cause chain.
 *
 * ```ts
 * // in the Durable Object
 * commit(commit: RuntimeCommit) { return rpcOutcome(() => this.store.commitRuntimeState(commit)); }
 * // in the Worker
 * const session = lashRpcClient(env.SESSIONS.get(id));
 * try { await session.commit(c); } catch (e) { if (e instanceof StoreError) e.detail.kind; }
 * ```
 */
import { AttachmentStoreError } from '../../core/attachments/store.ts';
import { ArtifactStoreError, InvalidInputError, PluginError, RuntimeEffectControllerError, RuntimeError, SchemaVersionError, StoreError } from '../../core/contract/errors.ts';
import { SqliteBusyError, SqliteError, SqliteReadOnlyError, SqliteValueError, TransactionError } from '../../core/driver/errors.ts';

/** An error as plain data: what crosses RPC (structured clone) intact. */
export interface RpcErrorEnvelope {
  /** Marks the envelope. */
  readonly lashRpcError: 1;
  /** The class, as `error.name` names it (`StoreError`, `PluginError`, `TypeError`, …). */
  readonly name: string;
  /** The error message. */
  readonly message: string;
  /** The error's own enumerable fields (`detail`, `kind`, `code`, …), plain data only. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The stack, if kept. */
  readonly stack?: string;
  /** The error's cause, if any. */
  readonly cause?: RpcErrorEnvelope | {
    /** A cause that is not an error. */
    readonly value: unknown;
  };
}

/** What an RPC method returns instead of throwing. */
export type RpcOutcome<T> = {
  /** Success. */
  readonly ok: true;
  /** The method's result. */
  readonly value: T;
} | {
  /** Failure. */
  readonly ok: false;
  /** The error, as an envelope. */
  readonly error: RpcErrorEnvelope;
};

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * The classes `fromRpcError` rebuilds, by the `name` their instances carry
 * (every class of the package keeps one, spec decision 19). Spelled out
 * rather than read from `cls.name`: a bundler may rename a class binding.
 */
const CLASSES = new Map<string, ErrorClass>([
  ['StoreError', StoreError],
  ['PluginError', PluginError],
  ['RuntimeEffectControllerError', RuntimeEffectControllerError],
  ['RuntimeError', RuntimeError],
  ['ArtifactStoreError', ArtifactStoreError],
  ['SchemaVersionError', SchemaVersionError],
  ['InvalidInputError', InvalidInputError],
  ['AttachmentStoreError', AttachmentStoreError],
  ['SqliteError', SqliteError],
  ['SqliteBusyError', SqliteBusyError],
  ['SqliteReadOnlyError', SqliteReadOnlyError],
  ['SqliteValueError', SqliteValueError],
  ['TransactionError', TransactionError],
  ['Error', Error],
  ['TypeError', TypeError],
  ['RangeError', RangeError],
  ['SyntaxError', SyntaxError],
  ['ReferenceError', ReferenceError],
  ['EvalError', EvalError],
  ['URIError', URIError],
]);

const MAX_CAUSE_DEPTH = 8;

/** Lets `fromRpcError` rebuild another error class, whose instances carry `name`. */
export function registerRpcErrorClass(name: string, cls: ErrorClass): void {
  CLASSES.set(name, cls);
}

/** An error (or any thrown value) as an {@link RpcErrorEnvelope}. */
export function toRpcError(error: unknown): RpcErrorEnvelope {
  return envelopeOf(error, 0);
}

function envelopeOf(error: unknown, depth: number): RpcErrorEnvelope {
  if (!(error instanceof Error)) {
    return { lashRpcError: 1, name: 'Error', message: String(error), fields: { thrown: plainData(error) } };
  }
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key === 'cause') continue;
    const value = plainData((error as unknown as Record<string, unknown>)[key]);
    if (value !== undefined) fields[key] = value;
  }
  const envelope: { -readonly [K in keyof RpcErrorEnvelope]: RpcErrorEnvelope[K] } = {
    lashRpcError: 1,
    name: error.name,
    message: error.message,
    fields,
  };
  if (typeof error.stack === 'string') envelope.stack = error.stack;
  if ('cause' in error && error.cause !== undefined) {
    envelope.cause =
      error.cause instanceof Error && depth < MAX_CAUSE_DEPTH
        ? envelopeOf(error.cause, depth + 1)
        : { value: plainData(error.cause instanceof Error ? String(error.cause) : error.cause) };
  }
  return envelope;
}

/** True for a value made by {@link toRpcError}. */
export function isRpcErrorEnvelope(value: unknown): value is RpcErrorEnvelope {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { lashRpcError?: unknown }).lashRpcError === 1 &&
    typeof (value as { name?: unknown }).name === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/**
 * Rebuilds the error an envelope describes: an instance of its class (an
 * unknown class becomes an `Error` with that `name`), with its fields,
 * message, stack and cause chain. The constructor is not called — fields are
 * restored as they were, whatever the constructor's signature.
 */
export function fromRpcError(envelope: RpcErrorEnvelope): Error {
  const cls = CLASSES.get(envelope.name) ?? Error;
  const error = Object.create(cls.prototype) as Error;
  Object.defineProperty(error, 'message', { value: envelope.message, writable: true, configurable: true });
  if (envelope.stack !== undefined) {
    Object.defineProperty(error, 'stack', { value: envelope.stack, writable: true, configurable: true });
  }
  Object.assign(error, envelope.fields);
  if (error.name !== envelope.name) {
    Object.defineProperty(error, 'name', { value: envelope.name, writable: true, configurable: true, enumerable: true });
  }
  if (envelope.cause !== undefined) {
    const cause = isRpcErrorEnvelope(envelope.cause) ? fromRpcError(envelope.cause) : envelope.cause.value;
    Object.defineProperty(error, 'cause', { value: cause, writable: true, configurable: true });
  }
  return error;
}

/** Runs `body` and returns its value, or the error it threw, as an {@link RpcOutcome}. */
export async function rpcOutcome<T>(body: () => T | Promise<T>): Promise<RpcOutcome<Awaited<T>>> {
  try {
    return { ok: true, value: await body() };
  } catch (error) {
    return { ok: false, error: toRpcError(error) };
  }
}

/** The value of an outcome, or its error re-thrown as its own class. */
export function unwrapRpcOutcome<T>(outcome: RpcOutcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw fromRpcError(outcome.error);
}

/** A stub's methods that return outcomes, as methods that return values and throw errors. */
export type LashRpcClient<S> = {
  readonly [K in keyof S]: S[K] extends (...args: infer A) => infer R
    ? Awaited<R> extends RpcOutcome<infer V>
      ? (...args: A) => Promise<V>
      : never
    : never;
};

/**
 * Wraps a Durable Object stub (or any object whose methods return
 * {@link RpcOutcome}s) so each call resolves to the value or throws the
 * original error. `T` is the object's class (`lashRpcClient<SessionObject>(stub)`):
 * typing from the class keeps the stub's deep RPC types out of the compiler's way.
 */
export function lashRpcClient<T extends object>(stub: object): LashRpcClient<T> {
  return new Proxy(Object.create(null) as LashRpcClient<T>, {
    get(_target, property) {
      if (typeof property !== 'string' || property === 'then') return undefined;
      return async (...args: unknown[]) => {
        // Called as a method, never through `.apply`: on a stub, `apply` would
        // itself be a remote property.
        const outcome = (await (stub as Record<string, (...a: unknown[]) => unknown>)[property]!(...args)) as RpcOutcome<unknown>;
        if (!isOutcome(outcome)) throw new TypeError(`${property} did not return an RpcOutcome (wrap its body in rpcOutcome)`);
        return unwrapRpcOutcome(outcome);
      };
    },
  });
}

function isOutcome(value: unknown): value is RpcOutcome<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const { ok } = value as { ok?: unknown };
  return ok === true ? 'value' in value : ok === false && isRpcErrorEnvelope((value as { error?: unknown }).error);
}

/**
 * Plain data survives structured clone unchanged; anything else (a function,
 * a class instance) is dropped, or would make the whole RPC reply fail.
 */
function plainData(value: unknown, depth = 0): unknown {
  if (value === null || ['string', 'number', 'boolean', 'bigint'].includes(typeof value)) return value;
  if (typeof value !== 'object' || depth > 32) return undefined;
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map((item) => plainData(item, depth + 1) ?? null);
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const copied = plainData(item, depth + 1);
    if (copied !== undefined) out[key] = copied;
  }
  return out;
}
