import { Type, type Static } from '@sinclair/typebox';
import { envelopeSchema, IsoTimestamp } from '../envelope';
import { JsonObject, Vendor } from './common';

export const SPAN_RECORDED = 'span.recorded.v1';

export const SPAN_KINDS = [
  'generation',
  'retrieval',
  'embedding',
  'tool',
  'function',
  'chain',
  'agent',
  'session',
  'evaluator',
  'event',
  'span',
] as const;
export const SpanKind = Type.Union(SPAN_KINDS.map((kind) => Type.Literal(kind)));

/** One node of a vendor's trace tree, in Cairn's canonical span model. */
export const SpanRecordedPayload = Type.Object(
  {
    source: Vendor,
    traceId: Type.String({ minLength: 1, maxLength: 256 }),
    spanId: Type.String({ minLength: 1, maxLength: 256 }),
    parentSpanId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    kind: SpanKind,
    name: Type.String({ maxLength: 1024 }),
    input: Type.Optional(Type.Unknown()),
    output: Type.Optional(Type.Unknown()),
    startTime: IsoTimestamp,
    endTime: Type.Optional(IsoTimestamp),
    latencyMs: Type.Optional(Type.Number({ minimum: 0 })),
    model: Type.Optional(Type.String({ maxLength: 256 })),
    inputTokens: Type.Optional(Type.Integer({ minimum: 0 })),
    outputTokens: Type.Optional(Type.Integer({ minimum: 0 })),
    totalTokens: Type.Optional(Type.Integer({ minimum: 0 })),
    cost: Type.Optional(Type.Number({ minimum: 0 })),
    error: Type.Optional(Type.Unknown()),
    sessionId: Type.Optional(Type.String({ maxLength: 256 })),
    userId: Type.Optional(Type.String({ maxLength: 256 })),
    metadata: Type.Optional(JsonObject),
    /** The vendor's own identifiers, verbatim (e.g. `{ event_id, session_id }`). */
    originalIds: Type.Record(Type.String(), Type.String()),
  },
  { additionalProperties: false },
);

export const SpanRecordedEvent = envelopeSchema(SPAN_RECORDED, SpanRecordedPayload);
export type SpanKind = Static<typeof SpanKind>;
export type SpanRecordedPayload = Static<typeof SpanRecordedPayload>;
export type SpanRecordedEvent = Static<typeof SpanRecordedEvent>;
