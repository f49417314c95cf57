/**
 * Thrown inside the Durable Object when a test case needs something a
 * Durable Object does not have (a second database, a file, a child process,
 * node:sqlite): the case is reported as skipped with the reason, not failed.
 */
export class NotApplicable extends Error {
  override name = 'NotApplicable';
}

export function notApplicable(what: string): never {
  throw new NotApplicable(`not applicable in a Durable Object: ${what}`);
}

/** The NotApplicable in an error's cause chain (components wrap what they throw), if any. */
export function notApplicableIn(error: unknown): NotApplicable | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof NotApplicable || e.name === 'NotApplicable') return e as NotApplicable;
  }
  return undefined;
}
