/**
 * The LashSchema validator: the small JSON-schema subset the reference
 * applies to process event payloads (lash-sansio `schema_validation.rs`).
 *
 * Keywords: `anyOf`/`oneOf` (either accepts when any subschema does),
 * `enum`, `type` (a name or a list; unknown names pass), `minimum`/`maximum`,
 * `minLength`/`maxLength` (Unicode scalar values), `minItems`/`maxItems`,
 * `items`, `required`, `properties`, `additionalProperties` (absent or false
 * with `properties` rejects unknown keys, except `__session_id__`). Anything
 * else is ignored, and a schema that is not an object accepts everything.
 * Errors read `{path}: expected …, got …`, as in the reference.
 */
import { canonicalJson } from '../codec/canonical-json.ts';
import { isJsonObject, type JsonObject, type JsonValue } from '../contract/json.ts';

/** The internal argument the runtime injects into tool inputs; never "unexpected". */
const INTERNAL_ARGUMENT = '__session_id__';
const I64_MIN = -(2 ** 63);
const U64_END = 2 ** 64;

/** `null` when `value` satisfies `schema`, otherwise the reference's error text. */
export function lashSchemaProblem(schema: JsonValue, value: JsonValue): string | null {
  return validate('', schema, value);
}

function validate(path: string, schema: JsonValue, value: JsonValue): string | null {
  if (!isJsonObject(schema)) return null;
  const combined = 'anyOf' in schema ? schema.anyOf : schema.oneOf;
  if (Array.isArray(combined)) {
    if (combined.some((sub) => validate(path, sub, value) === null)) return null;
    return mismatch(path, schema, value);
  }
  const choices = schema.enum;
  if (Array.isArray(choices) && !choices.some((choice) => jsonEqual(choice, value))) {
    return `${displayPath(path)}: expected one of ${choices.map(displayValue).join(', ')}, got ${displayValue(value)}`;
  }
  if ('type' in schema && !matchesType(schema.type!, value)) return mismatch(path, schema, value);
  return numberProblem(path, schema, value) ?? lengthProblem(path, schema, value) ?? arrayProblem(path, schema, value) ?? objectProblem(path, schema, value);
}

function numberProblem(path: string, schema: JsonObject, value: JsonValue): string | null {
  if (typeof value !== 'number') return null;
  const { maximum, minimum } = schema;
  if (typeof maximum === 'number' && value > maximum) return mismatch(path, schema, value);
  if (typeof minimum === 'number' && value < minimum) return mismatch(path, schema, value);
  return null;
}

function lengthProblem(path: string, schema: JsonObject, value: JsonValue): string | null {
  if (typeof value !== 'string') return null;
  const maxLength = asU64(schema.maxLength);
  const minLength = asU64(schema.minLength);
  if (maxLength === undefined && minLength === undefined) return null;
  const length = scalarCount(value);
  if (maxLength !== undefined && length > maxLength) return mismatch(path, schema, value);
  if (minLength !== undefined && length < minLength) return mismatch(path, schema, value);
  return null;
}

function arrayProblem(path: string, schema: JsonObject, value: JsonValue): string | null {
  if (!Array.isArray(value)) return null;
  const maxItems = asU64(schema.maxItems);
  const minItems = asU64(schema.minItems);
  if ((maxItems !== undefined && value.length > maxItems) || (minItems !== undefined && value.length < minItems)) {
    return `${displayPath(path)}: expected ${expectedDescription(schema)}, got ${value.length} items`;
  }
  if ('items' in schema) {
    for (let index = 0; index < value.length; index++) {
      const problem = validate(`${path}[${index}]`, schema.items!, value[index]!);
      if (problem !== null) return problem;
    }
  }
  return null;
}

function objectProblem(path: string, schema: JsonObject, value: JsonValue): string | null {
  if (!isJsonObject(value)) return null;
  if (Array.isArray(schema.required)) {
    for (const property of schema.required) {
      if (typeof property === 'string' && !Object.hasOwn(value, property)) {
        return `${joinPath(path, property)}: required property missing`;
      }
    }
  }
  const properties = schema.properties;
  if (!isJsonObject(properties)) return null;
  // serde_json maps iterate in sorted key order; so do we, so the first error reported is the same.
  for (const name of Object.keys(properties).sort()) {
    if (!Object.hasOwn(value, name)) continue;
    const problem = validate(joinPath(path, name), properties[name]!, value[name]!);
    if (problem !== null) return problem;
  }
  const additional = schema.additionalProperties;
  if (additional === true) return null;
  for (const name of Object.keys(value).sort()) {
    if (name === INTERNAL_ARGUMENT || Object.hasOwn(properties, name)) continue;
    if (!isJsonObject(additional)) return `${joinPath(path, name)}: unexpected property`;
    const problem = validate(joinPath(path, name), additional, value[name]!);
    if (problem !== null) return problem;
  }
  return null;
}

function matchesType(type: JsonValue, value: JsonValue): boolean {
  if (typeof type === 'string') return matchesSingleType(type, value);
  if (Array.isArray(type)) return type.some((name) => typeof name === 'string' && matchesSingleType(name, value));
  return true;
}

function matchesSingleType(name: string, value: JsonValue): boolean {
  switch (name) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'integer':
      // i64 or u64 representable (JS cannot tell 1.0 from 1; both count).
      return typeof value === 'number' && Number.isInteger(value) && value >= I64_MIN && value < U64_END;
    case 'number':
      return typeof value === 'number';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isJsonObject(value);
    default:
      return true;
  }
}

function mismatch(path: string, schema: JsonObject, value: JsonValue): string {
  return `${displayPath(path)}: expected ${expectedDescription(schema)}, got ${displayValue(value)}`;
}

function expectedDescription(schema: JsonObject): string {
  const parts: string[] = [];
  if ('type' in schema) parts.push(typeDescription(schema.type!));
  else if ('anyOf' in schema || 'oneOf' in schema) parts.push('matching schema');
  const bounds: Array<[string, string]> = [
    ['minimum', '>= '],
    ['maximum', '<= '],
    ['minLength', 'length >= '],
    ['maxLength', 'length <= '],
    ['minItems', 'items >= '],
    ['maxItems', 'items <= '],
  ];
  for (const [keyword, prefix] of bounds) {
    if (keyword in schema) parts.push(prefix + displayValue(schema[keyword]!));
  }
  return parts.length === 0 ? 'valid value' : parts.join(' ');
}

function typeDescription(type: JsonValue): string {
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.filter((name) => typeof name === 'string').join(' or ');
  return 'valid value';
}

function displayPath(path: string): string {
  return path === '' ? 'arguments' : path;
}

function joinPath(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

/** Strings as Rust's `{:?}` writes them; everything else as compact JSON. */
function displayValue(value: JsonValue): string {
  return typeof value === 'string' ? rustDebugString(value) : canonicalJson(value);
}

function rustDebugString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char === '\0') out += '\\0';
    else if (code < 0x20 || code === 0x7f) out += `\\u{${code.toString(16)}}`;
    else out += char;
  }
  return `${out}"`;
}

function asU64(value: JsonValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function scalarCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Structural JSON equality (object key order does not matter). */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => jsonEqual(item, b[index]!));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key]!, b[key]!));
}
