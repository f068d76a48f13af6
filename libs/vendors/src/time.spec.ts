import { epochMillisToIso, parseTimestamp, resolveTiming, secondsToMillis } from './time';
import { Issues } from './validate';

describe('parseTimestamp', () => {
  it.each([
    ['2026-04-18T14:22:18.015Z', '2026-04-18T14:22:18.015Z'],
    ['2026-04-18T14:22:18Z', '2026-04-18T14:22:18.000Z'],
    ['2026-04-18T16:22:18.015+02:00', '2026-04-18T14:22:18.015Z'],
    ['2026-04-18T16:22:18.015+0200', '2026-04-18T14:22:18.015Z'],
    ['2026-04-18T09:22:18-05', '2026-04-18T14:22:18.000Z'],
    ['2026-04-18t14:22:18z', '2026-04-18T14:22:18.000Z'],
    // Parea: no zone, space separator, read as UTC.
    ['2024-05-30 13:48:34', '2024-05-30T13:48:34.000Z'],
    ['2024-05-30T13:48:34', '2024-05-30T13:48:34.000Z'],
    // Python isoformat(): microseconds are truncated to milliseconds.
    ['2024-05-30T13:48:34.123987+00:00', '2024-05-30T13:48:34.123Z'],
    ['2024-05-30T13:48:34.5Z', '2024-05-30T13:48:34.500Z'],
    ['2024-05-30T13:48Z', '2024-05-30T13:48:00.000Z'],
    ['2024-05-30', '2024-05-30T00:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2026-01-01T00:30:00+01:00', '2025-12-31T23:30:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseTimestamp(text)).toBe(iso);
  });

  it.each([
    'yesterday',
    '',
    '2024-5-30',
    '2023-02-29T00:00:00Z',
    '2024-04-31T00:00:00Z',
    '2024-13-01 00:00:00',
    '2024-05-30T24:00:00Z',
    '2024-05-30T13:60:00Z',
    '2024-05-30T13:48:34+25:00',
    '30/05/2024',
    '1717076914',
  ])('rejects %j', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });
});

describe('epochMillisToIso', () => {
  it('reads epoch milliseconds, truncating fractions', () => {
    expect(epochMillisToIso(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(epochMillisToIso(1776522138015.9)).toBe('2026-04-18T14:22:18.015Z');
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, 9e15, 253402300800000])('rejects %p', (ms) => {
    expect(epochMillisToIso(ms)).toBeUndefined();
  });
});

describe('secondsToMillis', () => {
  it('converts without float noise', () => {
    expect(secondsToMillis(1.1)).toBe(1100);
    expect(secondsToMillis(0.0001234)).toBe(0.123);
    expect(secondsToMillis(0)).toBe(0);
  });
});

describe('resolveTiming', () => {
  const now = new Date('2026-04-18T14:22:18.015Z');
  const paths = { startPath: 'start', endPath: 'end' };
  const start = '2026-04-18T14:00:00.000Z';
  const end = '2026-04-18T14:00:01.500Z';

  it.each([
    ['both ends', { start, end }, { startTime: start, endTime: end, latencyMs: 1500 }],
    [
      'both ends and a reported latency',
      { start, end, latencyMs: 7 },
      { startTime: start, endTime: end, latencyMs: 7 },
    ],
    ['start and latency', { start, latencyMs: 1500 }, { startTime: start, endTime: end, latencyMs: 1500 }],
    ['end and latency', { end, latencyMs: 1500 }, { startTime: start, endTime: end, latencyMs: 1500 }],
    ['start only', { start }, { startTime: start }],
    ['end only', { end }, { startTime: end, endTime: end }],
    ['nothing', {}, { startTime: now.toISOString() }],
  ])('completes %s', (_case, input, expected) => {
    const issues = new Issues();
    expect(JSON.parse(JSON.stringify(resolveTiming({ ...paths, ...input }, now, issues)))).toEqual(expected);
    expect(issues.any).toBe(false);
  });

  it('rejects an end before the start', () => {
    const issues = new Issues();
    resolveTiming({ ...paths, start: end, end: start }, now, issues);
    expect(issues.errors).toEqual([{ path: 'end', message: 'must not be before start' }]);
  });
});
