/**
 * Input checks shared by every component (spec decision 16). Each returns a
 * problem description, or `null` when the value is fine, so every component
 * can raise its own typed error with the same wording.
 */

/**
 * Identifiers (session, node, batch, process, scope ids, keys) must be
 * well-formed Unicode without NUL: a lone surrogate would alias another id
 * once encoded as UTF-8, and sql.js truncates TEXT at NUL.
 */
export function identifierProblem(value: unknown, what: string, options: { allowEmpty?: boolean } = {}): string | null {
  if (typeof value !== 'string') return `${what} must be a string`;
  if (!options.allowEmpty && value.length === 0) return `${what} must not be empty`;
  if (value.includes('\0')) return `${what} must not contain NUL characters`;
  if (!value.isWellFormed()) return `${what} must be well-formed Unicode (it holds a lone surrogate)`;
  return null;
}

/** A value headed for an INTEGER column: a non-negative safe integer, never clamped. */
export function u64Problem(value: unknown, what: string): string | null {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    return `${what} must be a non-negative safe integer (got ${describe(value)})`;
  }
  return null;
}

/** `now + ttl`, saturating at `Number.MAX_SAFE_INTEGER` (the one clamp the spec allows). */
export function saturatingAdd(a: number, b: number): number {
  const sum = a + b;
  return sum > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : sum;
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return value === null ? 'null' : typeof value;
}
