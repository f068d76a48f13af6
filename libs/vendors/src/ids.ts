/**
 * Deterministic identifiers, so that a re-sent request yields the same events and every store
 * downstream drops the repeat (delivery is at-least-once end to end).
 *
 * - A span's event id is `deterministicId(orgId, 'span', vendor, traceId, spanId)`: the same span
 *   sent twice is one event.
 * - A retrieval or generation derived from a span carries `clientEventId = vendor:traceId:spanId`,
 *   so the gateway's idempotency on (org, clientEventId) applies exactly as for Buzo events.
 *   Longer than 128 characters, it becomes `vendor:sha256:<hex of vendor:traceId:spanId>`.
 * - Where a vendor lets a client omit an id (Basalt traces and logs, Galtea traces, HoneyHive
 *   events and sessions), the id is derived from the item's content: a hash of its canonical JSON
 *   (keys sorted) and its position in the request. Re-sending the same body yields the same ids.
 */
import { createHash } from 'node:crypto';
import { deterministicId, type SpanRecordedPayload } from '@cairn/contracts';
import { charLength } from './validate';

export type VendorName = SpanRecordedPayload['source'];

/** The cap on `clientEventId`, `runId`, `parentRunId` and `parentQueryId` in the contracts. */
export const MAX_ID128 = 128;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** JSON with object keys sorted at every level, so equal content always hashes alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((element) => canonicalJson(element)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function contentDigest(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** Event id of a span: the same (org, vendor, trace, span) is always the same event. */
export function spanEventId(orgId: string, vendor: VendorName, traceId: string, spanId: string): string {
  return deterministicId(orgId, 'span', vendor, traceId, spanId);
}

/**
 * Event id of an update to a span that was already recorded (Parea `PUT /trace_log`): it must
 * differ from the span's own event id, and a resend of the same update must be a duplicate, so
 * it is derived from the update's content.
 */
export function spanUpdateEventId(
  orgId: string,
  vendor: VendorName,
  traceId: string,
  spanId: string,
  update: unknown,
): string {
  return deterministicId(orgId, 'span-update', vendor, traceId, spanId, contentDigest(update));
}

/** `clientEventId` of the retrieval or generation a span stands for. */
export function spanClientEventId(vendor: VendorName, traceId: string, spanId: string): string {
  const plain = `${vendor}:${traceId}:${spanId}`;
  return charLength(plain) <= MAX_ID128 ? plain : `${vendor}:sha256:${sha256Hex(plain)}`;
}

/**
 * Envelope id of a retrieval or generation event: one per (org, kind, clientEventId), the same
 * formula the gateway uses for Buzo events.
 */
export function derivedEventId(orgId: string, kind: 'retrieval' | 'generation', clientEventId: string): string {
  return deterministicId(orgId, kind, clientEventId);
}

/**
 * A span id as a correlation anchor (`runId`, `parentRunId`, `parentQueryId`, ≤128 characters).
 * Longer ids become `sha256:<hex>`; the same id always maps to the same anchor, so a retrieval's
 * parentQueryId still meets its generation's runId.
 */
export function anchorId(id: string): string {
  return charLength(id) <= MAX_ID128 ? id : `sha256:${sha256Hex(id)}`;
}

/**
 * An id Cairn assigns where the vendor would have generated one (the client omitted it). UUID-shaped,
 * from the org, what it names, and the content that identifies it.
 */
export function generatedId(orgId: string, vendor: VendorName, what: string, ...content: string[]): string {
  return deterministicId(orgId, vendor, what, ...content);
}
