import { Type, type Static } from '@sinclair/typebox';
import { envelopeSchema, IsoTimestamp } from '../envelope';
import { Id128 } from './common';

export const GENERATION_CORRELATED = 'generation.correlated.v1';

export const CorrelatedGeneration = Type.Object(
  {
    eventId: Type.String(),
    clientEventId: Id128,
    runId: Type.Optional(Id128),
    parentRunId: Type.Optional(Id128),
    traceId: Type.Optional(Type.String()),
    timestamp: IsoTimestamp,
    outputText: Type.String({ maxLength: 32000 }),
  },
  { additionalProperties: false },
);

export const CorrelatedRetrieval = Type.Object(
  {
    eventId: Type.String(),
    clientEventId: Id128,
    collectionId: Type.String(),
    timestamp: IsoTimestamp,
  },
  { additionalProperties: false },
);

/** A vector one of the retrievals returned; `content` is absent when Cairn has never seen it. */
export const CorrelatedVector = Type.Object(
  {
    collectionId: Type.String(),
    vectorId: Type.String(),
    retrievalEventId: Type.String(),
    score: Type.Number(),
    content: Type.Optional(Type.String()),
    contentSource: Type.Union([Type.Literal('retrieval'), Type.Literal('stored'), Type.Literal('unknown')]),
  },
  { additionalProperties: false },
);

/** A generation joined with every retrieval that fed it, ready for matching. */
export const GenerationCorrelatedPayload = Type.Object(
  {
    generation: CorrelatedGeneration,
    retrievals: Type.Array(CorrelatedRetrieval, { minItems: 1 }),
    vectors: Type.Array(CorrelatedVector),
  },
  { additionalProperties: false },
);

export const GenerationCorrelatedEvent = envelopeSchema(GENERATION_CORRELATED, GenerationCorrelatedPayload);
export type CorrelatedVector = Static<typeof CorrelatedVector>;
export type GenerationCorrelatedPayload = Static<typeof GenerationCorrelatedPayload>;
export type GenerationCorrelatedEvent = Static<typeof GenerationCorrelatedEvent>;
