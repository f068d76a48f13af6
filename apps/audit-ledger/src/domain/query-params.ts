import { ALERT_TYPES, VENDORS, type AlertType } from '@cairn/contracts';
import { decodeAlertCursor, decodeTraceCursor, type AlertPosition, type TracePosition } from './cursor';
import { VERIFY_MODES, type VerifyMode } from './chain-verification';

export interface ParamError {
  field: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: ParamError[] };

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Reads a query string's parameters one by one, collecting an error per bad or unknown field. */
class QueryReader {
  readonly errors: ParamError[] = [];

  constructor(
    private readonly query: Record<string, unknown>,
    known: readonly string[],
  ) {
    for (const field of Object.keys(query)) {
      if (!known.includes(field))
        this.errors.push({ field, message: `unknown parameter (allowed: ${known.join(', ')})` });
    }
  }

  string(field: string): string | undefined {
    const value = this.query[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      this.errors.push({ field, message: 'must be given once' });
      return undefined;
    }
    if (value === '') {
      this.errors.push({ field, message: 'must not be empty' });
      return undefined;
    }
    return value;
  }

  timestamp(field: string): Date | undefined {
    const value = this.string(field);
    if (value === undefined) return undefined;
    const ms = Date.parse(value);
    if (!ISO_WITH_ZONE.test(value) || Number.isNaN(ms)) {
      this.errors.push({ field, message: 'must be an ISO 8601 timestamp with a zone (e.g. 2026-04-18T14:22:18Z)' });
      return undefined;
    }
    return new Date(ms);
  }

  integer(field: string, min: number, max: number): number | undefined {
    const value = this.string(field);
    if (value === undefined) return undefined;
    const number = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(number) || number < min || number > max) {
      this.errors.push({ field, message: `must be an integer from ${min} to ${max}` });
      return undefined;
    }
    return number;
  }

  oneOf<T extends string>(field: string, allowed: readonly T[]): T | undefined {
    const value = this.string(field);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      this.errors.push({ field, message: `must be one of ${allowed.join(', ')}` });
      return undefined;
    }
    return value as T;
  }

  cursor<T>(field: string, decode: (cursor: string) => T | undefined): T | undefined {
    const value = this.string(field);
    if (value === undefined) return undefined;
    const position = decode(value);
    if (position === undefined) this.errors.push({ field, message: 'is not a cursor this listing returned' });
    return position;
  }

  fail(field: string, message: string): void {
    this.errors.push({ field, message });
  }

  done<T>(value: T): Parsed<T> {
    return this.errors.length === 0 ? { ok: true, value } : { ok: false, errors: this.errors };
  }
}

export interface TraceQuery {
  /** Traces that started at or after `from` and before `to`. */
  from?: Date;
  to?: Date;
  vendor?: string;
  /** Case-insensitive substring of the trace's name. */
  name?: string;
  after?: TracePosition;
  limit: number;
}

export function parseTraceQuery(query: Record<string, unknown>): Parsed<TraceQuery> {
  const reader = new QueryReader(query, ['from', 'to', 'vendor', 'name', 'cursor', 'limit']);
  const from = reader.timestamp('from');
  const to = reader.timestamp('to');
  if (from !== undefined && to !== undefined && to <= from) reader.fail('to', 'must be later than from');
  const vendor = reader.oneOf('vendor', VENDORS);
  const name = reader.string('name');
  if (name !== undefined && name.length > 1024) reader.fail('name', 'must be at most 1024 characters');
  const after = reader.cursor('cursor', decodeTraceCursor);
  const limit = reader.integer('limit', 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE;
  return reader.done({ from, to, vendor, name, after, limit });
}

export interface AlertQuery {
  type?: AlertType;
  /** Alerts that occurred at or after this instant. */
  since?: Date;
  after?: AlertPosition;
  limit: number;
}

export function parseAlertQuery(query: Record<string, unknown>): Parsed<AlertQuery> {
  const reader = new QueryReader(query, ['type', 'since', 'cursor', 'limit']);
  const type = reader.oneOf('type', ALERT_TYPES);
  const since = reader.timestamp('since');
  const after = reader.cursor('cursor', decodeAlertCursor);
  const limit = reader.integer('limit', 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE;
  return reader.done({ type, since, after, limit });
}

/** A seq range of one chain, both ends inclusive. */
export interface SeqRange {
  from: number;
  to?: number;
}

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

function readRange(reader: QueryReader): SeqRange {
  const from = reader.integer('from', 1, MAX_SEQ) ?? 1;
  const to = reader.integer('to', 1, MAX_SEQ);
  if (to !== undefined && to < from) reader.fail('to', 'must not be below from');
  return { from, to };
}

export function parseExportQuery(query: Record<string, unknown>): Parsed<SeqRange> {
  const reader = new QueryReader(query, ['from', 'to']);
  return reader.done(readRange(reader));
}

export interface VerifyQuery extends SeqRange {
  mode: VerifyMode;
}

export function parseVerifyQuery(query: Record<string, unknown>): Parsed<VerifyQuery> {
  const reader = new QueryReader(query, ['from', 'to', 'mode']);
  const range = readRange(reader);
  const mode = reader.oneOf('mode', VERIFY_MODES) ?? 'full';
  return reader.done({ ...range, mode });
}
