/**
 * Where components report what they cannot throw: corrupt rows skipped on a
 * lenient read, auto-GC failures after a commit, and so on.
 */
export interface Logger {
  /** Reports something wrong that did not fail the call (a corrupt row, a failed auto-GC). */
  warn(message: string, details?: Record<string, unknown>): void;
  /** Reports detail, if the logger wants it. */
  debug?(message: string, details?: Record<string, unknown>): void;
}

/** Writes warnings to `console.warn`, prefixed with the package name. */
export const consoleLogger: Logger = Object.freeze({
  warn(message: string, details?: Record<string, unknown>): void {
    if (details === undefined) console.warn(`[lash-sqlite-store] ${message}`);
    else console.warn(`[lash-sqlite-store] ${message}`, details);
  },
});

/** Drops everything. */
export const silentLogger: Logger = Object.freeze({ warn(): void {} });

/** Milliseconds since the Unix epoch. Inject a fake one to test leases without sleeping. */
export type Clock = () => number;

/** `Date.now`. */
export const systemClock: Clock = () => Date.now();
