/**
 * Vendor time formats → UTC ISO 8601 with milliseconds (`2026-04-18T14:22:18.015Z`).
 *
 * - ISO 8601 / RFC 3339 strings with `Z` or an offset (`+02:00`, `+0200`, `+02`) are converted to UTC.
 * - Strings without a zone, such as Parea's `2024-05-30 13:48:34`, are read as UTC: Parea's SDKs
 *   produce them from UTC clocks and its docs call them "from a POSIX timestamp".
 * - A date alone (`2024-05-30`) is midnight UTC.
 * - Fractions finer than a millisecond are truncated (Python's microseconds → milliseconds).
 * - Epoch numbers are milliseconds (HoneyHive); fractional milliseconds are truncated.
 * Anything else, or an impossible date (`2024-02-30`), is rejected.
 */
import type { Issues } from './validate';

const ISO_LIKE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/** Largest time value a JavaScript Date can hold (±8.64e15 ms, about 275,000 years). */
const MAX_EPOCH_MS = 8.64e15;

function inRange(value: number, min: number, max: number): boolean {
  return value >= min && value <= max;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** Parses a vendor timestamp string; undefined when it is not a valid date-time. */
export function parseTimestamp(text: string): string | undefined {
  const match = ISO_LIKE.exec(text.trim());
  if (match === null) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', , sign, offsetHours = '0', offsetMinutes = '0'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const offH = Number(offsetHours);
  const offM = Number(offsetMinutes);
  if (!inRange(month, 1, 12) || !inRange(day, 1, daysInMonth(year, month))) return undefined;
  if (!inRange(hour, 0, 23) || !inRange(minute, 0, 59) || !inRange(second, 0, 59)) return undefined;
  if (!inRange(offH, 0, 23) || !inRange(offM, 0, 59)) return undefined;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  const offset = (sign === '-' ? -1 : 1) * (offH * 60 + offM) * 60_000;
  const utc = date.getTime() - (sign === undefined ? 0 : offset);
  return epochMillisToIso(utc, { allowNegative: true });
}

/** Epoch milliseconds → ISO; undefined when not a finite, representable, non-negative number. */
export function epochMillisToIso(ms: number, options: { allowNegative?: boolean } = {}): string | undefined {
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_EPOCH_MS) return undefined;
  if (ms < 0 && !options.allowNegative) return undefined;
  const iso = new Date(Math.trunc(ms)).toISOString();
  // Years outside 0000–9999 print as ±YYYYYY, which is not RFC 3339.
  return /^\d{4}-/.test(iso) ? iso : undefined;
}

export function addMillis(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + Math.round(ms)).toISOString();
}

export function millisBetween(startIso: string, endIso: string): number {
  return Date.parse(endIso) - Date.parse(startIso);
}

/** Parea sends latency in seconds; keep microsecond precision, drop float noise (1.1 s → 1100 ms). */
export function secondsToMillis(seconds: number): number {
  return Math.round(seconds * 1_000_000) / 1000;
}

export interface TimingInput {
  start?: string;
  end?: string;
  /** Latency the vendor reported, in ms; it wins over end − start when both are known. */
  latencyMs?: number;
  startPath: string;
  endPath: string;
}

export interface Timing {
  startTime: string;
  endTime?: string;
  latencyMs?: number;
}

/**
 * Completes a span's timing from what the vendor sent: latency from the two ends, a missing end
 * from start + latency, a missing start from end − latency (or the end itself). With no time at
 * all the span starts at `now` (the vendors' servers default to their clock the same way).
 * An end before the start is an error.
 */
export function resolveTiming(input: TimingInput, now: Date, issues: Issues): Timing {
  const { start, end, latencyMs } = input;
  if (start !== undefined && end !== undefined) {
    const measured = millisBetween(start, end);
    if (measured < 0) issues.add(input.endPath, `must not be before ${input.startPath}`);
    return { startTime: start, endTime: end, latencyMs: latencyMs ?? Math.max(measured, 0) };
  }
  if (start !== undefined) {
    return { startTime: start, endTime: latencyMs === undefined ? undefined : addMillis(start, latencyMs), latencyMs };
  }
  if (end !== undefined) {
    return { startTime: latencyMs === undefined ? end : addMillis(end, -latencyMs), endTime: end, latencyMs };
  }
  return { startTime: now.toISOString(), latencyMs };
}
