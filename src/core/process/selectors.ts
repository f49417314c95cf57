/**
 * Value selectors (`materialization.rs`): how an event type's declared
 * semantics pick values out of a payload, plus the JSON pointer rules of
 * serde_json's `Value::pointer`.
 */
import { canonicalJson } from '../codec/canonical-json.ts';
import { PluginError } from '../contract/errors.ts';
import { isJsonObject, type JsonValue } from '../contract/json.ts';
import type { ProcessValueSelector } from '../contract/process.ts';

/**
 * RFC 6901 lookup with serde_json's rules: `""` is the whole document, other
 * pointers start with `/`, `~1` → `/` then `~0` → `~`, array indices are
 * decimal without sign or leading zeros, `-` never matches.
 */
export function jsonPointer(document: JsonValue, pointer: string): JsonValue | undefined {
  if (pointer === '') return document;
  if (!pointer.startsWith('/')) return undefined;
  let target: JsonValue = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(target)) {
      const index = arrayIndex(token);
      if (index === undefined || index >= target.length) return undefined;
      target = target[index]!;
    } else if (isJsonObject(target)) {
      if (!Object.hasOwn(target, token)) return undefined;
      target = target[token]!;
    } else {
      return undefined;
    }
  }
  return target;
}

function arrayIndex(token: string): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const index = Number(token);
  return Number.isSafeInteger(index) ? index : undefined;
}

/** Evaluates a selector against a payload; a pointer that matches nothing is an error. */
export function selectValue(payload: JsonValue, selector: ProcessValueSelector): JsonValue {
  if (selector === 'payload') return payload;
  if ('pointer' in selector) {
    const found = jsonPointer(payload, selector.pointer);
    if (found === undefined) throw PluginError.session(`payload pointer \`${selector.pointer}\` did not match`);
    return found;
  }
  if ('const' in selector) return selector.const;
  if ('present' in selector) return jsonPointer(payload, selector.present) !== undefined;
  let rendered = selector.template.template;
  // Fields render in ascending name order (a BTreeMap in the reference), one
  // after another, so text inserted by one field can be replaced by a later one.
  for (const name of Object.keys(selector.template.fields).sort()) {
    const value = selectorString(selectValue(payload, selector.template.fields[name]!));
    // A replacer function, so `$&` and friends in the value are not patterns.
    rendered = rendered.replaceAll(`{${name}}`, () => value);
  }
  return rendered;
}

/** A string as itself, anything else as compact JSON. */
export function selectorString(value: JsonValue): string {
  return typeof value === 'string' ? value : canonicalJson(value);
}

/** `when` truthiness: null false, bool itself, string/array/object non-empty, any number true. */
export function selectorTruthy(value: JsonValue): boolean {
  if (value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return true;
  if (typeof value === 'string' || Array.isArray(value)) return value.length > 0;
  return Object.keys(value).length > 0;
}
