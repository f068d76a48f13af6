import { Type, type Static } from '@sinclair/typebox';
import { envelopeSchema, IsoTimestamp } from '../envelope';
import { Id128, JsonObject, Sdk, SpanRef, Vendor } from './common';

export const RETRIEVAL_RECORDED = 'retrieval.recorded.v1';

export const RetrievedVector = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 256 }),
    score: Type.Number(),
    content: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** What a retriever returned, normalized from Buzo's retrieval trace or a vendor retrieval span. */
export const RetrievalRecordedPayload = Type.Object(
  {
    clientEventId: Id128,
    source: Vendor,
    collectionId: Type.String({ minLength: 1, maxLength: 256 }),
    query: Type.Object(
      {
        text: Type.Optional(Type.String()),
        hash: Type.Optional(Type.String()),
        embedding: Type.Optional(Type.Array(Type.Number())),
      },
      { additionalProperties: false },
    ),
    results: Type.Array(RetrievedVector, { maxItems: 200 }),
    latencyMs: Type.Integer({ minimum: 0 }),
    kReturned: Type.Integer({ minimum: 0 }),
    kRequested: Type.Optional(Type.Integer({ minimum: 0 })),
    timestamp: IsoTimestamp,
    parentQueryId: Type.Optional(Id128),
    ...SpanRef,
    agentId: Type.Optional(Type.String({ maxLength: 256 })),
    embeddingModelId: Type.Optional(Type.String({ maxLength: 256 })),
    cacheHit: Type.Optional(Type.Boolean()),
    resultsRerankedScores: Type.Optional(Type.Array(Type.Number())),
    error: Type.Optional(Type.Unknown()),
    metadata: Type.Optional(JsonObject),
    sdk: Type.Optional(Sdk),
  },
  { additionalProperties: false },
);

export const RetrievalRecordedEvent = envelopeSchema(RETRIEVAL_RECORDED, RetrievalRecordedPayload);
export type RetrievalRecordedPayload = Static<typeof RetrievalRecordedPayload>;
export type RetrievalRecordedEvent = Static<typeof RetrievalRecordedEvent>;
