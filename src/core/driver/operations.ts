/**
 * How a component's public method runs: refuse a closed component, check the
 * caller's input (a bad value becomes the contract's `InvalidInput`, before
 * anything is written), run one transaction through the shared
 * {@link OperationRunner}, and leave with the contract's error type.
 *
 * Every component (session store, queued work, process registry, effect
 * replay, host events) builds one of these with its own {@link ErrorFamily};
 * the lock-wait, durability and error rules are therefore the same
 * everywhere.
 */
import { PluginError, StoreError } from '../contract/errors.ts';
import { ShapeError } from '../validation.ts';
import { SqliteBusyError } from './errors.ts';
import { OperationRunner } from './runner.ts';
import type { Rollback } from './transaction.ts';

/** How a component reports failures in its contract's error type. */
export interface ErrorFamily {
  /** Any thrown value as the contract's error (typed conditions keep their kind). */
  from(error: unknown): Error;
  /** Bad caller input: `message` names the value, `path` locates it inside the argument (`$.a[0]`). */
  invalidInput(message: string, path: string | undefined, cause: unknown): Error;
  /** The component was closed. */
  closed(): Error;
  /**
   * True for an error a check throws on purpose and that must reach the
   * caller as it is (the session store's `UnsupportedReadScope`, say), not
   * be turned into `InvalidInput`.
   */
  isContractError(error: unknown): boolean;
}

export class ComponentOperations {
  readonly runner: OperationRunner;
  readonly #family: ErrorFamily;
  readonly #isClosed: () => boolean;

  constructor(runner: OperationRunner, family: ErrorFamily, isClosed: () => boolean) {
    this.runner = runner;
    this.#family = family;
    this.#isClosed = isClosed;
  }

  /** Throws the family's `closed()` error when the component is closed. */
  ensureOpen(): void {
    if (this.#isClosed()) throw this.#family.closed();
  }

  /**
   * Runs a check of caller input. Checks touch nothing but the input, so
   * whatever they throw is about the input: `InvalidInput` naming `what`
   * (and the path a `ShapeError` carries). Also refuses a closed component.
   */
  input<T>(what: string, check: () => T): T {
    this.ensureOpen();
    try {
      return check();
    } catch (error) {
      if (this.#family.isContractError(error)) throw error;
      throw this.invalid(what, error);
    }
  }

  /** The `InvalidInput` error for a failed check of `what`. */
  invalid(what: string, error: unknown): Error {
    const problem = error instanceof Error ? error.message : String(error);
    const path = error instanceof ShapeError ? error.path : undefined;
    // A ShapeError's message starts with its path, which already names the value.
    const message = path !== undefined ? problem : `${what}: ${problem}`;
    return this.#family.invalidInput(message, path === undefined ? undefined : jsonPath(path), error);
  }

  /** One write transaction, retried on lock contention and acknowledged once durable. */
  async write<T>(body: () => T | Rollback<T>): Promise<T> {
    this.ensureOpen();
    try {
      return await this.runner.write(body);
    } catch (error) {
      throw this.#family.from(error);
    }
  }

  /** One read transaction (one snapshot), retried on lock contention. */
  async read<T>(body: () => T): Promise<T> {
    this.ensureOpen();
    try {
      return await this.runner.read(body);
    } catch (error) {
      throw this.#family.from(error);
    }
  }

  /** {@link OperationRunner.attempt} with the family's errors: for operations of several transactions. */
  async attempt<T>(operation: () => T): Promise<T> {
    this.ensureOpen();
    try {
      return await this.runner.attempt(operation);
    } catch (error) {
      throw this.#family.from(error);
    }
  }

  /**
   * A write operation that opens its own transaction(s): retried on lock
   * contention like {@link attempt}, then acknowledged once durable.
   */
  async writeOperation<T>(operation: () => T): Promise<T> {
    this.ensureOpen();
    try {
      const result = await this.runner.attempt(operation);
      if (this.runner.conn.whenDurable !== undefined) await this.runner.durable();
      return result;
    } catch (error) {
      throw this.#family.from(error);
    }
  }

  /**
   * {@link writeOperation} for hot paths: when the first attempt succeeds and
   * the connection has no persistence target to wait for, the result comes
   * back synchronously (no promise hop); otherwise a promise. Callers write
   * `const r = ops.writeOperationFast(op); const value = r instanceof Promise ? await r : r;`.
   */
  writeOperationFast<T>(operation: () => T): T | Promise<T> {
    this.ensureOpen();
    let result: T;
    try {
      result = operation();
    } catch (error) {
      if (!(error instanceof SqliteBusyError)) throw this.#family.from(error);
      return this.writeOperation(operation);
    }
    if (this.runner.conn.whenDurable === undefined) return result;
    return this.durable().then(() => result);
  }

  /** Awaits the connection's persistence target (`NotPersisted` when it fails). */
  async durable(): Promise<void> {
    try {
      await this.runner.durable();
    } catch (error) {
      throw this.#family.from(error);
    }
  }

  /** The synchronous write, for synchronous contract methods (see `OperationRunner.attemptSync`). */
  writeSync<T>(body: () => T | Rollback<T>): T {
    this.ensureOpen();
    try {
      return this.runner.writeSync(body);
    } catch (error) {
      throw this.#family.from(error);
    }
  }

  /** A synchronous read of one statement (or a body that opens its own read transaction). */
  readSync<T>(body: () => T): T {
    this.ensureOpen();
    try {
      return this.runner.attemptSync(body);
    } catch (error) {
      throw this.#family.from(error);
    }
  }
}

/**
 * A checker's path as a JSON path relative to the argument: the leading name
 * (`commit`, `nodes`, `payloads`) becomes `$` — `commit.graph.Append.nodes[0]`
 * → `$.graph.Append.nodes[0]`.
 */
export function jsonPath(path: string): string {
  const match = /^[A-Za-z_][\w ]*/.exec(path);
  return match === null ? `$${path.startsWith('[') || path.startsWith('.') ? '' : '.'}${path}` : `$${path.slice(match[0].length)}`;
}

/** How the session store and queued work report failures (`src/core/driver/operations.ts`). */
export const storeErrorFamily: ErrorFamily = Object.freeze({
  from: (error: unknown) => StoreError.from(error),
  invalidInput: (message: string, path: string | undefined, cause: unknown) => StoreError.invalidInput(message, path, cause),
  closed: () => StoreError.backend('the store is closed'),
  // A check may raise a contract error on purpose (`UnsupportedReadScope`); a `Backend` from a check is about the input.
  isContractError: (error: unknown) => error instanceof StoreError && error.detail.kind !== 'Backend',
});

/** The process registry's and host-event store's family: `PluginError` `session`, with a `condition`. */
export function pluginErrorFamily(closedMessage: string): ErrorFamily {
  return Object.freeze({
    from: (error: unknown) => PluginError.from(error),
    invalidInput: (message: string, _path: string | undefined, cause: unknown) => PluginError.invalidInput(message, cause),
    closed: () => PluginError.session(closedMessage),
    // The registry's and host-event store's checks raise their own PluginErrors (reference wording).
    isContractError: (error: unknown) => error instanceof PluginError,
  });
}
