/**
 * Exit codes and the errors the tool reports without a stack trace.
 *
 * Every failure ends as one line on stderr and a documented exit code
 * (docs/cli.md): scripts can tell "the store has problems" from "you called
 * me wrong" from "try again later".
 */
import { SchemaVersionError, StoreError } from '../core/contract/errors.ts';
import { SqliteBusyError, SqliteError } from '../core/driver/errors.ts';

export const EXIT = Object.freeze({
  /** Done; for `verify`, the database is healthy. */
  ok: 0,
  /** `verify` (or an import's check) found problems; a command refused damaged data. */
  problems: 1,
  /** Bad arguments or input: unknown option, missing file, not a database, a target that exists. */
  usage: 2,
  /** Another connection holds the lock past the wait bound; retrying later may work. */
  busy: 3,
  /** A component's schema version is not the one this build supports (no migrations). */
  schema: 4,
  /** A bug in the tool or an engine failure it does not know; run with `--debug` for the stack. */
  internal: 70,
});

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error with a message meant for the user and the exit code it ends the run with. */
export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, EXIT.usage);
}

/** The user-facing message and exit code of any error a command threw. */
export function describeError(error: unknown): { message: string; exitCode: ExitCode } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  const schema = find(error, (e) => e instanceof SchemaVersionError);
  if (schema) return { message: schema.message, exitCode: EXIT.schema };
  // `Busy` is the kind spec decision 19 adds for a lock wait past the bound.
  const busy = find(error, (e) => e instanceof SqliteBusyError || (e instanceof StoreError && (e.detail.kind as string) === 'Busy'));
  if (busy) {
    return {
      message: `the database is locked by another connection (${busy.message}); try again when it is idle`,
      exitCode: EXIT.busy,
    };
  }
  const engine = find(error, (e) => e instanceof SqliteError) as SqliteError | undefined;
  if (engine?.code === 'SQLITE_NOTADB') return { message: 'the file is not a SQLite database', exitCode: EXIT.usage };
  if (engine?.code === 'SQLITE_CORRUPT') {
    return { message: `the database file is damaged: ${engine.message}`, exitCode: EXIT.problems };
  }
  if (engine?.code === 'SQLITE_CANTOPEN') {
    return { message: `cannot open the database: ${engine.message}`, exitCode: EXIT.usage };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message, exitCode: EXIT.internal };
}

/** The first error in the `cause` chain that matches. */
function find(error: unknown, match: (e: Error) => boolean): Error | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 16; e = e.cause, depth++) {
    if (match(e)) return e;
  }
  return undefined;
}
