/**
 * Hand-written request validation shared by every vendor normalizer: a `Reader` walks one JSON
 * object, checks each field it is asked for, and records every problem (with the field's path,
 * e.g. `traces[3].startTime`) in one `Issues` list, so a client learns all of its mistakes at once.
 *
 * Required readers return a placeholder ('' , 0, the first enum value) after recording an error,
 * so callers keep plain types; a normalizer must check `issues.any` before it uses what it read.
 */
import { epochMillisToIso, parseTimestamp } from './time';

export type JsonObject = Record<string, unknown>;

export interface FieldError {
  /** Where the problem is, in the request body: `traces[3].startTime`, `(body)` for the body itself. */
  path: string;
  message: string;
}

/** Path used for errors about the request body as a whole. */
export const BODY_PATH = '(body)';

export class Issues {
  private readonly list: FieldError[] = [];

  add(path: string, message: string): void {
    this.list.push({ path: path === '' ? BODY_PATH : path, message });
  }

  get any(): boolean {
    return this.list.length > 0;
  }

  get errors(): FieldError[] {
    return [...this.list];
  }
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `parent.key`, `parent["odd key"]` or `parent[3]`; the root path is ''. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (!PLAIN_KEY.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Length as JSON Schema's `maxLength` counts it (Unicode code points), so our caps agree with the contracts. */
export function charLength(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Size of a JSON value as it travels on the wire (compact JSON, UTF-8). */
export function jsonBytes(value: unknown): number {
  return utf8Bytes(JSON.stringify(value) ?? '');
}

export const KB = 1024;

export interface StringRule {
  /** Maximum length in characters (code points). */
  max?: number;
  /** Maximum size in UTF-8 bytes. */
  maxBytes?: number;
  /** Reject ''. */
  nonEmpty?: boolean;
}

export interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

export interface SizeRule {
  /** Maximum size of the value serialized as JSON, in UTF-8 bytes. */
  maxBytes?: number;
}

export interface ArrayRule {
  min?: number;
  max?: number;
}

/** An element of an array being read, with its path. */
export interface Item {
  value: unknown;
  path: string;
  index: number;
}

export type TimestampFormat = 'iso' | 'epoch-ms';

export class Reader {
  private constructor(
    readonly value: JsonObject,
    readonly path: string,
    readonly issues: Issues,
  ) {}

  /** A reader over `value`, or undefined (with an error at `path`) when it is not a JSON object. */
  static of(value: unknown, path: string, issues: Issues): Reader | undefined {
    if (!isJsonObject(value)) {
      issues.add(path, 'must be a JSON object');
      return undefined;
    }
    return new Reader(value, path, issues);
  }

  /** A reader over an empty object: the placeholder a required object reader returns after an error. */
  static empty(path: string, issues: Issues): Reader {
    return new Reader({}, path, issues);
  }

  pathOf(key: string): string {
    return childPath(this.path, key);
  }

  /** Present and not null (vendors send null for "not set"). */
  has(key: string): boolean {
    const value = this.value[key];
    return value !== undefined && value !== null;
  }

  keys(): string[] {
    return Object.keys(this.value);
  }

  /** The raw value, null folded into undefined. */
  raw(key: string): unknown {
    return this.has(key) ? this.value[key] : undefined;
  }

  private missing(key: string): void {
    this.issues.add(this.pathOf(key), 'is required');
  }

  private checkString(key: string, rule: StringRule): string | undefined {
    const value = this.value[key];
    const path = this.pathOf(key);
    if (typeof value !== 'string') {
      this.issues.add(path, 'must be a string');
      return undefined;
    }
    if (rule.nonEmpty && value.length === 0) {
      this.issues.add(path, 'must not be empty');
      return undefined;
    }
    if (rule.max !== undefined && charLength(value) > rule.max) {
      this.issues.add(path, `must be at most ${rule.max} characters (got ${charLength(value)})`);
      return undefined;
    }
    if (rule.maxBytes !== undefined && utf8Bytes(value) > rule.maxBytes) {
      this.issues.add(path, `must be at most ${rule.maxBytes} bytes (got ${utf8Bytes(value)})`);
      return undefined;
    }
    return value;
  }

  string(key: string, rule: StringRule = {}): string {
    if (!this.has(key)) {
      this.missing(key);
      return '';
    }
    return this.checkString(key, rule) ?? '';
  }

  optionalString(key: string, rule: StringRule = {}): string | undefined {
    return this.has(key) ? this.checkString(key, rule) : undefined;
  }

  private checkNumber(key: string, rule: NumberRule): number | undefined {
    const value = this.value[key];
    const path = this.pathOf(key);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.issues.add(path, rule.integer ? 'must be an integer' : 'must be a number');
      return undefined;
    }
    if (rule.integer && !Number.isInteger(value)) {
      this.issues.add(path, 'must be an integer');
      return undefined;
    }
    if (rule.min !== undefined && value < rule.min) {
      this.issues.add(path, `must be at least ${rule.min}`);
      return undefined;
    }
    if (rule.max !== undefined && value > rule.max) {
      this.issues.add(path, `must be at most ${rule.max}`);
      return undefined;
    }
    return value;
  }

  number(key: string, rule: NumberRule = {}): number {
    if (!this.has(key)) {
      this.missing(key);
      return 0;
    }
    return this.checkNumber(key, rule) ?? 0;
  }

  optionalNumber(key: string, rule: NumberRule = {}): number | undefined {
    return this.has(key) ? this.checkNumber(key, rule) : undefined;
  }

  optionalBoolean(key: string): boolean | undefined {
    if (!this.has(key)) return undefined;
    const value = this.value[key];
    if (typeof value !== 'boolean') {
      this.issues.add(this.pathOf(key), 'must be a boolean');
      return undefined;
    }
    return value;
  }

  private checkEnum<TValue extends string>(key: string, values: readonly TValue[]): TValue | undefined {
    const value = this.value[key];
    const found = values.find((candidate) => candidate === value);
    if (found === undefined) this.issues.add(this.pathOf(key), `must be one of: ${values.join(', ')}`);
    return found;
  }

  enumOf<TValue extends string>(key: string, values: readonly [TValue, ...TValue[]]): TValue {
    if (!this.has(key)) {
      this.missing(key);
      return values[0];
    }
    return this.checkEnum(key, values) ?? values[0];
  }

  optionalEnum<TValue extends string>(key: string, values: readonly TValue[]): TValue | undefined {
    return this.has(key) ? this.checkEnum(key, values) : undefined;
  }

  private checkSize(key: string, value: unknown, rule: SizeRule): boolean {
    if (rule.maxBytes === undefined) return true;
    const size = jsonBytes(value);
    if (size <= rule.maxBytes) return true;
    this.issues.add(this.pathOf(key), `must be at most ${rule.maxBytes} bytes as JSON (got ${size})`);
    return false;
  }

  /** A nested object (absent or null → undefined). */
  optionalObject(key: string, rule: SizeRule = {}): Reader | undefined {
    if (!this.has(key)) return undefined;
    const nested = Reader.of(this.value[key], this.pathOf(key), this.issues);
    if (nested === undefined || !this.checkSize(key, nested.value, rule)) return undefined;
    return nested;
  }

  object(key: string, rule: SizeRule = {}): Reader {
    if (!this.has(key)) {
      this.missing(key);
      return Reader.empty(this.pathOf(key), this.issues);
    }
    return this.optionalObject(key, rule) ?? Reader.empty(this.pathOf(key), this.issues);
  }

  /** Any JSON value: string, number, boolean, object or array (absent or null → undefined). */
  optionalJson(key: string, rule: SizeRule = {}): unknown {
    if (!this.has(key)) return undefined;
    const value = this.value[key];
    return this.checkSize(key, value, rule) ? value : undefined;
  }

  optionalArray(key: string, rule: ArrayRule = {}): Item[] | undefined {
    if (!this.has(key)) return undefined;
    return readArray(this.value[key], this.pathOf(key), this.issues, rule);
  }

  /** An array whose every element is an object; bad elements are reported and left out. */
  optionalObjectArray(key: string, rule: ArrayRule = {}): Reader[] | undefined {
    const items = this.optionalArray(key, rule);
    if (items === undefined) return undefined;
    return items.flatMap((item) => Reader.of(item.value, item.path, this.issues) ?? []);
  }

  optionalStringArray(key: string, rule: ArrayRule & StringRule = {}): string[] | undefined {
    const items = this.optionalArray(key, rule);
    if (items === undefined) return undefined;
    const strings: string[] = [];
    for (const item of items) {
      if (typeof item.value !== 'string') this.issues.add(item.path, 'must be a string');
      else if (rule.max !== undefined && charLength(item.value) > rule.max)
        this.issues.add(item.path, `must be at most ${rule.max} characters`);
      else strings.push(item.value);
    }
    return strings;
  }

  /**
   * A point in time, normalized to UTC ISO 8601 with milliseconds. `iso` accepts ISO 8601 /
   * RFC 3339 strings and the zone-less `2024-05-30 13:48:34` (read as UTC); `epoch-ms` accepts
   * numbers of milliseconds since the Unix epoch.
   */
  optionalTimestamp(key: string, format: TimestampFormat): string | undefined {
    if (!this.has(key)) return undefined;
    const value = this.value[key];
    const path = this.pathOf(key);
    if (format === 'epoch-ms') {
      const iso = typeof value === 'number' ? epochMillisToIso(value) : undefined;
      if (iso === undefined) this.issues.add(path, 'must be a UTC timestamp in epoch milliseconds (a number ≥ 0)');
      return iso;
    }
    const iso = typeof value === 'string' ? parseTimestamp(value) : undefined;
    if (iso === undefined) this.issues.add(path, 'must be an ISO 8601 date-time, e.g. 2024-05-30T13:48:34Z');
    return iso;
  }

  /** Records "is required" for each key that is absent or null. */
  require(...keys: string[]): void {
    for (const key of keys) if (!this.has(key)) this.missing(key);
  }

  /** Keys the vendor's schema does not name, in the order they were sent. */
  unknownKeys(known: ReadonlySet<string>): string[] {
    return this.keys().filter((key) => !known.has(key));
  }

  /** For APIs that refuse unknown fields (HoneyHive v1). */
  rejectUnknown(known: ReadonlySet<string>): void {
    for (const key of this.unknownKeys(known)) this.issues.add(this.pathOf(key), 'is not a known field');
  }
}

/** Reads an array (e.g. a bare-array request body), checking its length. */
export function readArray(value: unknown, path: string, issues: Issues, rule: ArrayRule = {}): Item[] | undefined {
  if (!Array.isArray(value)) {
    issues.add(path, 'must be an array');
    return undefined;
  }
  const items: unknown[] = value;
  if (rule.min !== undefined && items.length < rule.min) {
    issues.add(path, rule.min === 1 ? 'must not be empty' : `must have at least ${rule.min} items`);
  }
  if (rule.max !== undefined && items.length > rule.max) {
    issues.add(path, `must have at most ${rule.max} items (got ${items.length})`);
    return undefined;
  }
  return items.map((element, index) => ({ value: element, path: childPath(path, index), index }));
}
