import { encodeAlertCursor, encodeTraceCursor } from './cursor';
import { parseAlertQuery, parseExportQuery, parseTraceQuery, parseVerifyQuery } from './query-params';

describe('parseTraceQuery', () => {
  it('reads every filter', () => {
    const cursor = encodeTraceCursor({ firstSeq: 9, traceId: 'run-a' });
    expect(
      parseTraceQuery({
        from: '2026-04-18T14:00:00Z',
        to: '2026-04-18T17:00:00+02:00',
        vendor: 'parea',
        name: 'answer',
        cursor,
        limit: '20',
      }),
    ).toEqual({
      ok: true,
      value: {
        from: new Date('2026-04-18T14:00:00Z'),
        to: new Date('2026-04-18T15:00:00.000Z'),
        vendor: 'parea',
        name: 'answer',
        after: { firstSeq: 9, traceId: 'run-a' },
        limit: 20,
      },
    });
  });

  it('defaults to the first page of 50', () => {
    expect(parseTraceQuery({})).toEqual({ ok: true, value: { limit: 50 } });
  });

  it('names every bad field', () => {
    expect(
      parseTraceQuery({
        from: 'yesterday',
        vendor: 'acme',
        cursor: 'garbage',
        limit: '0',
        surprise: '1',
        name: ['a', 'b'],
      }),
    ).toEqual({
      ok: false,
      errors: [
        { field: 'surprise', message: 'unknown parameter (allowed: from, to, vendor, name, cursor, limit)' },
        { field: 'from', message: 'must be an ISO 8601 timestamp with a zone (e.g. 2026-04-18T14:22:18Z)' },
        { field: 'vendor', message: 'must be one of buzo, basalt, parea, galtea, honeyhive' },
        { field: 'name', message: 'must be given once' },
        { field: 'cursor', message: 'is not a cursor this listing returned' },
        { field: 'limit', message: 'must be an integer from 1 to 200' },
      ],
    });
  });

  it('refuses an empty or backwards time range and a timestamp without a zone', () => {
    expect(parseTraceQuery({ from: '2026-04-18T14:00:00Z', to: '2026-04-18T14:00:00Z' })).toEqual({
      ok: false,
      errors: [{ field: 'to', message: 'must be later than from' }],
    });
    expect(parseTraceQuery({ to: '2026-04-18T14:00:00' })).toMatchObject({ ok: false, errors: [{ field: 'to' }] });
    expect(parseTraceQuery({ vendor: '' })).toEqual({
      ok: false,
      errors: [{ field: 'vendor', message: 'must not be empty' }],
    });
  });

  it("refuses an alert listing's cursor", () => {
    expect(parseTraceQuery({ cursor: encodeAlertCursor({ seq: 3 }) })).toMatchObject({
      ok: false,
      errors: [{ field: 'cursor' }],
    });
  });
});

describe('parseAlertQuery', () => {
  it('reads type, since and cursor', () => {
    expect(
      parseAlertQuery({
        type: 'CITED_FLAGGED',
        since: '2026-04-18T14:22:18.015Z',
        cursor: encodeAlertCursor({ seq: 12 }),
      }),
    ).toEqual({
      ok: true,
      value: { type: 'CITED_FLAGGED', since: new Date('2026-04-18T14:22:18.015Z'), after: { seq: 12 }, limit: 50 },
    });
  });

  it('names a bad type and since', () => {
    expect(parseAlertQuery({ type: 'cited', since: '2026-13-45T00:00:00Z' })).toEqual({
      ok: false,
      errors: [
        { field: 'type', message: 'must be one of SERVED_FLAGGED, CITED_FLAGGED' },
        { field: 'since', message: 'must be an ISO 8601 timestamp with a zone (e.g. 2026-04-18T14:22:18Z)' },
      ],
    });
  });
});

describe('seq ranges', () => {
  it('default to the whole chain and full verification', () => {
    expect(parseVerifyQuery({})).toEqual({ ok: true, value: { from: 1, to: undefined, mode: 'full' } });
    expect(parseExportQuery({ from: '5', to: '9' })).toEqual({ ok: true, value: { from: 5, to: 9 } });
    expect(parseVerifyQuery({ mode: 'stored', from: '2' })).toEqual({
      ok: true,
      value: { from: 2, to: undefined, mode: 'stored' },
    });
  });

  it('name a bad bound or mode', () => {
    expect(parseVerifyQuery({ from: '0', to: 'x', mode: 'fast' })).toEqual({
      ok: false,
      errors: [
        { field: 'from', message: 'must be an integer from 1 to 9007199254740991' },
        { field: 'to', message: 'must be an integer from 1 to 9007199254740991' },
        { field: 'mode', message: 'must be one of full, stored' },
      ],
    });
    expect(parseExportQuery({ from: '9', to: '5' })).toEqual({
      ok: false,
      errors: [{ field: 'to', message: 'must not be below from' }],
    });
  });
});
