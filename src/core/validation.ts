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

/**
 * Plain JSON headed for a row or a hash: finite numbers, no bigint, no
 * functions, no class instances, bounded depth (which also stops cycles).
 * `JSON.stringify` would silently turn NaN into `null`, so a stored value
 * would no longer be the value the caller handed in. An object member that
 * is `undefined` counts as absent, as it does in rows and canonical JSON.
 */
export function jsonValueProblem(value: unknown, what: string, depth = 0): string | null {
  if (depth > 512) return `${what} is nested too deeply`;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) ? null : `${what} holds the non-finite number ${value}`;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const problem = jsonValueProblem(value[i], `${what}[${i}]`, depth + 1);
          if (problem !== null) return problem;
        }
        return null;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return `${what} must be plain JSON (got a class instance)`;
      for (const [key, member] of Object.entries(value)) {
        if (member === undefined) continue;
        const problem = jsonValueProblem(member, `${what}.${key}`, depth + 1);
        if (problem !== null) return problem;
      }
      return null;
    }
    default:
      return `${what} must be JSON (got ${typeof value})`;
  }
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

/**
 * A value of the wrong shape (caller input or a row read back). Thrown by the
 * components' small readers with the offending path, and wrapped by each
 * component into the typed error of its contract.
 */
export class ShapeError extends Error {
  override name = 'ShapeError';
}
