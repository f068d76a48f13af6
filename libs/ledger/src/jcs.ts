/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): one byte sequence per JSON value, so that a hash of
 * it can be recomputed by anyone, in any language.
 *
 * - Object members are sorted by their names as arrays of UTF-16 code units (what
 *   `Array.prototype.sort` does without a comparator), recursively; array order is kept.
 * - Numbers are IEEE-754 doubles serialized as ECMAScript `Number.prototype.toString` does
 *   (`String(n)`): `-0` becomes `0`; NaN and ±Infinity are rejected.
 * - Strings are serialized as `JSON.stringify` does, which is exactly RFC 8785 §3.2.2.2: `\b \t \n
 *   \f \r \" \\` as two-character escapes, other U+0000–U+001F as lowercase `\u00hh`, everything
 *   else as is (including U+007F, U+2028 and U+2029).
 * - Lone surrogates are rejected: RFC 8785 §3.2.2.2 requires an implementation to fail on them, and
 *   UTF-8 cannot carry them (Node would silently hash U+FFFD instead, so two different strings
 *   would share a hash). Modern `JSON.stringify` would escape them as `\udxxx`; JCS does not allow
 *   that choice.
 * - No whitespace. The caller hashes the UTF-8 encoding of the returned string.
 *
 * Beyond the RFC, for values built in JavaScript: object members whose value is `undefined` are
 * omitted (as `JSON.stringify` does, so optional fields behave naturally); everything else that is
 * not JSON is rejected with a `JcsError` naming where it sits — `undefined` in an array (which
 * `JSON.stringify` would silently turn into `null`), functions, symbols, bigints, and objects that
 * are not plain (`Date`, `Map`, `Buffer`, class instances). Symbol-keyed members are ignored, as in
 * `JSON.stringify`.
 */

export type JsonPrimitive = null | boolean | number | string;
export type JsonArray = readonly JsonValue[];
/** `undefined` members are allowed so optional properties type-check; they are omitted. */
export interface JsonObject {
  readonly [key: string]: JsonValue | undefined;
}
export type JsonValue = JsonPrimitive | JsonArray | JsonObject;

/** Deep enough for any real payload; shallow enough to fail cleanly on a cyclic value. */
const MAX_DEPTH = 1000;

/** Strings without these serialize as `"` + string + `"`; the rest go through `JSON.stringify`. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JCS escapes
const NEEDS_ESCAPE_OR_CHECK = /["\\\u0000-\u001F\uD800-\uDFFF]/;
/** Only strings holding a surrogate code unit get the exact lone-surrogate check. */
const ANY_SURROGATE = /[\uD800-\uDFFF]/;

/** Thrown for anything that is not canonicalizable JSON; `path` says where it sits. */
export class JcsError extends Error {
  constructor(
    readonly problem: string,
    /** JSONPath-like location of the offending value, e.g. `$.payload.results[2].score`. */
    readonly path: string,
  ) {
    super(`cannot canonicalize value at ${path}: ${problem}`);
    this.name = 'JcsError';
  }
}

/** Internal: collects path segments innermost-first while unwinding, turned into a JcsError at the top. */
class Problem extends Error {
  readonly segments: string[] = [];
}

export function canonicalize(value: JsonValue): string {
  try {
    return serializeValue(value, 0);
  } catch (error) {
    throw toPublicError(error);
  }
}

function serializeValue(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Problem(`${String(value)} is not a JSON number`);
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (depth >= MAX_DEPTH) throw new Problem(`nested deeper than ${MAX_DEPTH} levels (is the value cyclic?)`);
      if (Array.isArray(value)) return serializeArray(value as readonly unknown[], depth + 1);
      return serializeObject(value, depth + 1);
    default:
      throw new Problem(`${describe(value)} is not a JSON value`);
  }
}

function serializeString(value: string): string {
  if (!NEEDS_ESCAPE_OR_CHECK.test(value)) return '"' + value + '"';
  if (ANY_SURROGATE.test(value)) assertNoLoneSurrogate(value);
  return JSON.stringify(value);
}

function serializeArray(array: readonly unknown[], depth: number): string {
  let out = '[';
  for (let index = 0; index < array.length; index++) {
    const element = array[index];
    try {
      if (element === undefined) throw new Problem('undefined is not a JSON value');
      out += (index === 0 ? '' : ',') + serializeValue(element, depth);
    } catch (error) {
      throw addSegment(error, `[${index}]`);
    }
  }
  return out + ']';
}

function serializeObject(object: object, depth: number): string {
  const prototype: unknown = Object.getPrototypeOf(object);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new Problem(`${describe(object)} is not a plain object`);
  }
  const record = object as Readonly<Record<string, unknown>>;
  const keys = sortedKeys(record);
  let out = '{';
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index] as string;
    const member = record[key];
    if (member === undefined) continue;
    try {
      out += (out.length === 1 ? '' : ',') + memberPrefix(key) + serializeValue(member, depth);
    } catch (error) {
      throw addSegment(error, memberSegment(key));
    }
  }
  return out + '}';
}

/** Own enumerable keys in UTF-16 code-unit order (RFC 8785 §3.2.3), which is what `<` and the default sort compare. */
function sortedKeys(record: object): string[] {
  const keys = Object.keys(record);
  // Objects built by code often list their keys in order already; checking is cheaper than sorting.
  for (let index = 1; index < keys.length; index++) {
    if ((keys[index - 1] as string) > (keys[index] as string)) return keys.sort();
  }
  return keys;
}

/**
 * `"key":` for a member name. Payloads reuse a small vocabulary of names, so the serialized form is
 * cached; the cache is dropped when it grows past a bound, so odd payloads cannot bloat it.
 */
const memberPrefixes = new Map<string, string>();
const MEMBER_PREFIX_CACHE_LIMIT = 4096;

function memberPrefix(key: string): string {
  let prefix = memberPrefixes.get(key);
  if (prefix === undefined) {
    prefix = serializeString(key) + ':';
    if (memberPrefixes.size >= MEMBER_PREFIX_CACHE_LIMIT) memberPrefixes.clear();
    memberPrefixes.set(key, prefix);
  }
  return prefix;
}

function assertNoLoneSurrogate(value: string): void {
  for (let index = 0; index < value.length; index++) {
    const unit = value.charCodeAt(index);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = value.charCodeAt(index + 1); // NaN past the end
    if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      index++; // a well-formed pair
      continue;
    }
    throw new Problem(`lone surrogate U+${unit.toString(16).toUpperCase()} at string index ${index}`);
  }
}

function addSegment(error: unknown, segment: string): unknown {
  if (error instanceof Problem) error.segments.unshift(segment);
  return error;
}

function toPublicError(error: unknown): unknown {
  if (!(error instanceof Problem)) return error;
  const { segments } = error;
  // A cyclic value produces a thousand segments; the ends say enough.
  const shown = segments.length > 12 ? [...segments.slice(0, 6), '…', ...segments.slice(-4)] : segments;
  return new JcsError(error.message, '$' + shown.join(''));
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function memberSegment(key: string): string {
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function describe(value: unknown): string {
  if (typeof value === 'bigint') return `bigint ${value}n`;
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value === 'function') return 'a function';
  if (value === undefined) return 'undefined';
  if (typeof value === 'object' && value !== null) {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object with a custom prototype';
  }
  return typeof value;
}
