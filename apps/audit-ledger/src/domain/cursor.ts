/**
 * Opaque page cursors: base64url of `[kind, ...position]`. The kind keeps a cursor from one listing
 * from being replayed against another; the position is the sort key of the last item returned.
 */

export interface TracePosition {
  firstSeq: number;
  traceId: string;
}

export interface AlertPosition {
  seq: number;
}

const encode = (value: unknown[]) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

function decode(kind: string, cursor: string): unknown[] | undefined {
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(value) && value[0] === kind ? value.slice(1) : undefined;
  } catch {
    return undefined;
  }
}

const isSeq = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 1;

export function encodeTraceCursor({ firstSeq, traceId }: TracePosition): string {
  return encode(['traces', firstSeq, traceId]);
}

export function decodeTraceCursor(cursor: string): TracePosition | undefined {
  const position = decode('traces', cursor);
  if (position?.length !== 2) return undefined;
  const [firstSeq, traceId] = position;
  return isSeq(firstSeq) && typeof traceId === 'string' ? { firstSeq, traceId } : undefined;
}

export function encodeAlertCursor({ seq }: AlertPosition): string {
  return encode(['alerts', seq]);
}

export function decodeAlertCursor(cursor: string): AlertPosition | undefined {
  const position = decode('alerts', cursor);
  if (position?.length !== 1) return undefined;
  const [seq] = position;
  return isSeq(seq) ? { seq } : undefined;
}
