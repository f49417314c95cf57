/**
 * `silenceSqliteExperimentalWarning()`: drops the one warning Node 22 prints
 * when node:sqlite is loaded ("ExperimentalWarning: SQLite is an
 * experimental feature and might change at any time"), and nothing else.
 *
 * Node has no switch for a single warning: `--disable-warning=ExperimentalWarning`
 * hides every experimental feature's warning, and removing the `warning`
 * listeners hides every warning (deprecations included) from every
 * listener. This wraps `process.emitWarning` instead, which is what Node's
 * experimental-feature check calls, synchronously, when the module loads;
 * so it must run before the first database is opened (the driver loads
 * node:sqlite then, not on import). Node 24 prints no such warning.
 * See docs/node-sqlite-warning.md.
 */

const SQLITE_WARNING = /^SQLite is an experimental feature\b/;
let installed = false;

/** Installs the filter (once; later calls do nothing). Call it before opening a node:sqlite database. */
export function silenceSqliteExperimentalWarning(): void {
  if (installed) return;
  installed = true;
  const emitWarning = process.emitWarning;
  process.emitWarning = function emitWarningExceptSqlite(this: unknown, warning: string | Error, ...rest: unknown[]): void {
    if (isSqliteExperimentalWarning(warning, rest[0])) return;
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
}

/** `emitWarning(message, type)`, `emitWarning(message, { type })` or `emitWarning(error)` of the SQLite warning. */
function isSqliteExperimentalWarning(warning: string | Error, typeOrOptions: unknown): boolean {
  const message = typeof warning === 'string' ? warning : warning?.message;
  const type =
    typeof warning !== 'string'
      ? warning?.name
      : typeof typeOrOptions === 'string'
        ? typeOrOptions
        : (typeOrOptions as { type?: unknown } | undefined)?.type;
  return type === 'ExperimentalWarning' && typeof message === 'string' && SQLITE_WARNING.test(message);
}
