import { Type, type Static } from '@sinclair/typebox';
import { envelopeSchema } from '../envelope';
import { CharSpan, Id128 } from './common';

export const CITATION_DETECTED = 'citation.detected.v1';

/** The matcher's verdict that a generation's output used one vector's content. */
export const CitationDetectedPayload = Type.Object(
  {
    generation: Type.Object(
      {
        eventId: Type.String(),
        clientEventId: Id128,
        runId: Type.Optional(Id128),
        parentRunId: Type.Optional(Id128),
      },
      { additionalProperties: false },
    ),
    collectionId: Type.String(),
    vectorId: Type.String(),
    retrievalEventId: Type.String(),
    tier: Type.Union([Type.Literal('verbatim'), Type.Literal('ngram')]),
    /** On the tier's own scale: verbatim is the share of the vector repeated (0–1], ngram is evidence in nats. */
    score: Type.Number({ minimum: 0 }),
    spans: Type.Array(CharSpan),
    matcherVersion: Type.String(),
  },
  { additionalProperties: false },
);

export const CitationDetectedEvent = envelopeSchema(CITATION_DETECTED, CitationDetectedPayload);
export type CitationDetectedPayload = Static<typeof CitationDetectedPayload>;
export type CitationDetectedEvent = Static<typeof CitationDetectedEvent>;
