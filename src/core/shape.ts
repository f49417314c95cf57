/**
 * The schema kit: one schema per record, from which its checked TypeScript
 * type, its write-side check (caller input) and its read-side decoder (rows
 * parsed back) all come.
 *
 * A schema is a plain function `(value, path) => T`: it returns the value in
 * its normal form (reference serde defaults applied, optional fields absent
 * rather than `undefined`) or throws {@link ShapeError} naming the offending
 * path, which each component wraps in the typed error of its contract. Every
 * problem reads the same way: `path must be what (got …)`.
 *
 * Why in-house rather than `valibot` or `zod/mini` is measured in
 * `docs/design.md` ("Decisions measured"): the same speed, no bundle bytes,
 * and the messages the reference and the tests pin come out as they are.
 *
 * A record's contract type (in `src/core/contract/`, documented field by
 * field) is tied to its schema with {@link shapeOf}: a field the schema lacks,
 * adds or types differently fails `npm run typecheck`.
 */
import { bytesFromJson } from './codec/json-bytes.ts';
import { StoreError } from './contract/errors.ts';
import { isJsonObject, type JsonValue } from './contract/json.ts';
import { findJsonProblem, identifierProblem, ShapeError, u64Problem, type JsonValueOptions } from './validation.ts';

export { ShapeError };

export type Fields = Record<string, unknown>;

/** A schema: checks `value` (found at `path`) and returns it in its normal form. */
export type Shape<T> = (value: unknown, path: string) => T;

/** The type a schema returns. */
export type Infer<S> = S extends Shape<infer T> ? T : never;

/** A member a record may leave out (see {@link optional}). */
export interface OptionalShape<T> extends Shape<T | undefined> {
  readonly optional: true;
}

// ---- messages ---------------------------------------------------------------

/** A value as a problem message shows it: short, and never the whole value. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'bytes';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'bigint') return `${value}n`;
  return typeof value === 'function' || typeof value === 'symbol' ? `a ${typeof value}` : String(value);
}

/** Throws the kit's one message form: `path must be what (got …)`. */
export function fail(path: string, what: string, value: unknown): never {
  throw new ShapeError(`${path} must be ${what} (got ${describe(value)})`, path);
}

/** `path.key`, or `key` at the root (`''`). */
export function at(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

// ---- primitives -------------------------------------------------------------

export const expectObject: Shape<Fields> = (value, path) => {
  if (!isJsonObject(value)) fail(path, 'an object', value);
  return value;
};

export const expectArray: Shape<unknown[]> = (value, path) => {
  if (!Array.isArray(value)) fail(path, 'an array', value);
  return value;
};

export const expectString: Shape<string> = (value, path) => {
  if (typeof value !== 'string') fail(path, 'a string', value);
  return value;
};

export const expectBoolean: Shape<boolean> = (value, path) => {
  if (typeof value !== 'boolean') fail(path, 'a boolean', value);
  return value;
};

/** An identifier (spec decision 16): well-formed Unicode, no NUL, not empty. */
export const expectId: Shape<string> = (value, path) => {
  const problem = identifierProblem(value, path);
  if (problem !== null) throw new ShapeError(problem, path);
  return value as string;
};

/** An identifier that may be empty (the reference's `String` fields the store indexes). */
export const expectText: Shape<string> = (value, path) => {
  const problem = identifierProblem(value, path, { allowEmpty: true });
  if (problem !== null) throw new ShapeError(problem, path);
  return value as string;
};

/** A non-negative safe integer, never rounded or clamped. */
export const expectU64: Shape<number> = (value, path) => {
  const problem = u64Problem(value, path);
  if (problem !== null) throw new ShapeError(problem, path);
  return value as number;
};

/** A safe integer, possibly negative (token counters are `i64`). */
export const expectI64: Shape<number> = (value, path) => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail(path, 'a safe integer', value);
  return value;
};

/** `value` as bytes; throws naming `path` when it is not a `Uint8Array`. */
export const expectBytes: Shape<Uint8Array> = (value, path) => {
  const bytes = bytesFromJson(value);
  if (bytes === null) fail(path, 'bytes (a Uint8Array or an array of integers 0-255)', value);
  return bytes;
};

/**
 * Any value at all but `undefined`: a free-form JSON member of a row (it
 * comes from `JSON.parse`) or of an input checked as a whole with
 * `findJsonProblem` first. Kept as it is, not copied.
 */
export const anyJson: Shape<JsonValue> = (value, path) => {
  if (value === undefined) fail(path, 'a JSON value', value);
  return value as JsonValue;
};

/**
 * Free-form JSON (spec decision 20): refuses what is not JSON — `NaN`, a
 * `Date`, a `Map`, a hole… — with the path where it is (`findJsonProblem`).
 * Returns the value unchanged.
 */
export function expectJson<T>(value: T, path: string, options?: JsonValueOptions): T {
  const problem = findJsonProblem(value, path, options);
  if (problem !== null) throw new ShapeError(problem.message, problem.path);
  return value;
}

/** {@link expectJson} as a schema. */
export function plainJson(options?: JsonValueOptions): Shape<JsonValue> {
  return (value, path) => expectJson(anyJson(value, path), path, options);
}

/** One of a few strings. */
export function literal<const T extends string>(...choices: readonly T[]): Shape<T> {
  const what = choices.length === 1 ? JSON.stringify(choices[0]) : `${choices.slice(0, -1).map((c) => JSON.stringify(c)).join(', ')} or ${JSON.stringify(choices.at(-1))}`;
  return (value, path) => {
    if (typeof value !== 'string' || !choices.includes(value as T)) fail(path, what, value);
    return value as T;
  };
}

// ---- modifiers ----------------------------------------------------------------

/** serde `Option` with `default`: absent and `null` both mean "none" (left out of the result). */
export function optional<T>(shape: Shape<T>): OptionalShape<T> {
  const read: Shape<T | undefined> = (value, path) => (value === undefined || value === null ? undefined : shape(value, path));
  return Object.assign(read, { optional: true as const });
}

/** A member that may be absent (`undefined`) but, when present, must pass: `null` is refused, never dropped. */
export function omittable<T>(shape: Shape<T>): OptionalShape<T> {
  const read: Shape<T | undefined> = (value, path) => (value === undefined ? undefined : shape(value, path));
  return Object.assign(read, { optional: true as const });
}

/** Checked when present; absent and `null` pass through as they are (members of an opaque, kept record). */
export function nullish<T>(shape: Shape<T>): OptionalShape<T | null> {
  const read: Shape<T | null | undefined> = (value, path) => (value === undefined || value === null ? value : shape(value, path));
  return Object.assign(read, { optional: true as const });
}

/**
 * serde `#[serde(default)]`: absent takes `make()`; `null` is not absent and
 * goes to the schema. The member is always in the result.
 */
export function fallback<T>(shape: Shape<T>, make: () => T): Shape<T> {
  return (value, path) => (value === undefined ? make() : shape(value, path));
}

/** An optional member read as `null` when absent or `null` (the contract types it `T | null`). */
export function nullable<T>(shape: Shape<T>): Shape<T | null> {
  return (value, path) => (value === undefined || value === null ? null : shape(value, path));
}

/** Absent or `null` take `make()` (serde `Option` read with `unwrap_or_default`). */
export function orDefault<T>(shape: Shape<T>, make: () => T): Shape<T> {
  return (value, path) => (value === undefined || value === null ? make() : shape(value, path));
}

/** A further check on a value of the right type: `problem` returns what it must be, or `null`. */
export function refine<T>(shape: Shape<T>, problem: (value: T) => string | null): Shape<T> {
  return (value, path) => {
    const checked = shape(value, path);
    const what = problem(checked);
    if (what !== null) fail(path, what, value);
    return checked;
  };
}

/** A schema defined later (recursive records). */
export function lazy<T>(make: () => Shape<T>): Shape<T> {
  let shape: Shape<T> | undefined;
  return (value, path) => (shape ??= make())(value, path);
}

// ---- containers ---------------------------------------------------------------

/** A list; returns a fresh array of the decoded items. */
export function array<T>(item: Shape<T>): Shape<T[]> {
  return (value, path) => {
    const items = expectArray(value, path);
    const out = new Array<T>(items.length);
    for (let i = 0; i < items.length; i++) out[i] = item(items[i], `${path}[${i}]`);
    return out;
  };
}

/**
 * A string-keyed map; keys go in with `defineProperty`, so a `__proto__` key
 * stays a key. A member's path is `path.key`, as `findJsonProblem` names it.
 */
export function record<T>(item: Shape<T>): Shape<{ [key: string]: T }> {
  return (value, path) => {
    const out: { [key: string]: T } = {};
    for (const [key, member] of Object.entries(expectObject(value, path))) {
      Object.defineProperty(out, key, { value: item(member, at(path, key)), enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
}

type ShapeMap = Record<string, Shape<unknown>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type RequiredKeys<F extends ShapeMap> = { [K in keyof F]: F[K] extends OptionalShape<unknown> ? never : K }[keyof F];
type OptionalKeys<F extends ShapeMap> = { [K in keyof F]: F[K] extends OptionalShape<unknown> ? K : never }[keyof F];
/** The record type of a field map: optional members may be absent. */
export type ObjectOf<F extends ShapeMap> = Simplify<
  { [K in RequiredKeys<F>]: Infer<F[K]> } & { [K in OptionalKeys<F>]?: Exclude<Infer<F[K]>, undefined> }
>;

export interface ObjectOptions {
  /** Refuse members outside the schema (serde `deny_unknown_fields`). */
  readonly strict?: boolean;
  /**
   * The record is opaque to the store beyond the members it reads: members
   * outside the schema are kept as they are, and the input itself is
   * returned when no member changed (no copy of a large frame or node).
   * Default: a fresh object with only the schema's members, as serde reads.
   */
  readonly keep?: boolean;
}

/**
 * A record: each member is checked by its schema and written to a fresh
 * object in the schema's order (the reference's key order); a member whose
 * schema returns `undefined` is left out.
 */
export function object<F extends ShapeMap>(fields: F, options: ObjectOptions = {}): Shape<ObjectOf<F>> {
  const body = members(fields, options);
  return (value, path) => body(expectObject(value, path), path) as ObjectOf<F>;
}

/**
 * The member loop of {@link object}, for a value already known to be an
 * object. Plain arrays and an index loop: this runs for every record of a
 * commit, and its call site sees every member schema.
 */
function members(fields: ShapeMap, options: ObjectOptions): (input: Fields, path: string) => Fields {
  const names = Object.keys(fields);
  const shapes = names.map((name) => fields[name]!);
  const suffixes = names.map((name) => `.${name}`);
  const count = names.length;
  const memberPath = (path: string, i: number) => (path === '' ? names[i]! : path + suffixes[i]!);
  if (options.keep) {
    return (input, path) => {
      let out: Fields | undefined;
      for (let i = 0; i < count; i++) {
        const name = names[i]!;
        const before = input[name];
        const member = shapes[i]!(before, memberPath(path, i));
        if (member === before) continue;
        out ??= { ...input };
        if (member === undefined) delete out[name];
        else out[name] = member;
      }
      return out ?? input;
    };
  }
  const strict = options.strict === true;
  return (input, path) => {
    if (strict) onlyKeys(input, names, path);
    const out: Fields = {};
    for (let i = 0; i < count; i++) {
      const member = shapes[i]!(input[names[i]!], memberPath(path, i));
      if (member !== undefined) out[names[i]!] = member;
    }
    return out;
  };
}

type TaggedOf<K extends string, V extends Record<string, ShapeMap>> = {
  [T in keyof V & string]: Simplify<{ [P in K]: T } & ObjectOf<V[T]>>;
}[keyof V & string];

/** An internally tagged union (serde `#[serde(tag = "…")]`): `{ [tag]: name, ...fields of name }`. */
export function tagged<const K extends string, V extends Record<string, ShapeMap>>(tag: K, variants: V, options: ObjectOptions = {}): Shape<TaggedOf<K, V>> {
  const kind = literal(...(Object.keys(variants) as Array<keyof V & string>));
  const bodies = new Map(Object.entries(variants).map(([name, fields]) => [name, members({ [tag]: kind, ...fields }, options)]));
  return (value, path) => {
    const input = expectObject(value, path);
    return bodies.get(kind(input[tag], at(path, tag)))!(input, path) as TaggedOf<K, V>;
  };
}

type VariantOf<V extends ShapeMap> = { [T in keyof V & string]: { [P in T]: Infer<V[T]> } }[keyof V & string];

/**
 * An externally tagged enum (serde's default): a unit variant is its name
 * (`units`), a variant with data an object with that one key.
 */
export function variant<const U extends string, V extends ShapeMap>(units: readonly U[], variants: V, what: string): Shape<U | VariantOf<V>> {
  return (value, path) => {
    if (typeof value === 'string' && units.includes(value as U)) return value as U;
    if (isJsonObject(value)) {
      const keys = Object.keys(value).filter((key) => value[key] !== undefined);
      const shape = keys.length === 1 ? variants[keys[0]!] : undefined;
      if (shape !== undefined) return { [keys[0]!]: shape(value[keys[0]!], at(path, keys[0]!)) } as VariantOf<V>;
    }
    return fail(path, what, value);
  };
}

/** Refuses keys outside `allowed` (for the reference's `deny_unknown_fields` records). */
export function onlyKeys(record: Fields, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(record)) {
    if (record[key] !== undefined && !allowed.includes(key)) throw new ShapeError(`${path} has an unknown field \`${key}\``, at(path, key));
  }
}

// ---- types ------------------------------------------------------------------

type Assignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Mutually assignable, with the same keys (so an optional member cannot be left out of the schema). */
type Same<A, B> = Assignable<A, B> extends true ? Assignable<keyof A, keyof B> : false;

/**
 * Ties a schema to its contract type: `shapeOf<ProcessRecord>()(object({…}))`
 * compiles only if the schema returns exactly that type (no field missing,
 * extra or typed differently), so the two cannot drift apart.
 */
export function shapeOf<T>() {
  return <S extends Shape<unknown>>(shape: S & (Same<Infer<S>, T> extends true ? unknown : { readonly mismatch: [Infer<S>, T] })): Shape<T> =>
    shape as unknown as Shape<T>;
}

/**
 * Runs a schema and returns its problem message, or `null` (for components
 * whose contract reports a problem text rather than throwing).
 */
export function shapeProblem(shape: Shape<unknown>, value: unknown, path: string): string | null {
  try {
    shape(value, path);
    return null;
  } catch (error) {
    if (error instanceof ShapeError) return error.message;
    throw error;
  }
}

/** The message of an error, without the `store backend error: ` prefix of a wrapped `Backend`. */
export function messageOf(error: unknown): string {
  if (error instanceof StoreError && error.detail.kind === 'Backend') return error.detail.message;
  return error instanceof Error ? error.message : String(error);
}

/** Shorthand for record schemas. */
export { optionalString, optionalId, optionalU64 };

function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : expectString(value, path);
}

function optionalId(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : expectId(value, path);
}

function optionalU64(value: unknown, path: string): number | undefined {
  return value === undefined || value === null ? undefined : expectU64(value, path);
}
