import { decodeAlertCursor, decodeTraceCursor, encodeAlertCursor, encodeTraceCursor } from './cursor';

describe('page cursors', () => {
  it('round-trip the position of the last item', () => {
    const cursor = encodeTraceCursor({ firstSeq: 42, traceId: 'run/é 1' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeTraceCursor(cursor)).toEqual({ firstSeq: 42, traceId: 'run/é 1' });
    expect(decodeAlertCursor(encodeAlertCursor({ seq: 7 }))).toEqual({ seq: 7 });
  });

  it('refuse a cursor of another listing', () => {
    expect(decodeAlertCursor(encodeTraceCursor({ firstSeq: 1, traceId: 't' }))).toBeUndefined();
    expect(decodeTraceCursor(encodeAlertCursor({ seq: 1 }))).toBeUndefined();
  });

  it.each([
    ['not base64url', 'a+b/c'],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['a bad seq', Buffer.from(JSON.stringify(['alerts', 0])).toString('base64url')],
    ['a fractional seq', Buffer.from(JSON.stringify(['alerts', 1.5])).toString('base64url')],
    ['extra members', Buffer.from(JSON.stringify(['alerts', 1, 2])).toString('base64url')],
    ['too long', 'a'.repeat(1025)],
  ])('refuse %s', (_name, cursor) => {
    expect(decodeAlertCursor(cursor)).toBeUndefined();
  });

  it('refuse a trace cursor whose trace id is not a string', () => {
    expect(decodeTraceCursor(Buffer.from(JSON.stringify(['traces', 3, 4])).toString('base64url'))).toBeUndefined();
  });
});
