import { Type, type Static } from '@sinclair/typebox';
import { envelopeSchema } from '../envelope';
import { CharSpan, Id128 } from './common';

export const ALERT_RAISED = 'alert.raised.v1';

export const ALERT_TYPES = ['SERVED_FLAGGED', 'CITED_FLAGGED'] as const;
export const AlertType = Type.Union(ALERT_TYPES.map((type) => Type.Literal(type)));

/** A quarantined vector was served by a retrieval or cited by a generation. */
export const AlertRaisedPayload = Type.Object(
  {
    alertType: AlertType,
    collectionId: Type.String(),
    vectorId: Type.String(),
    quarantineReason: Type.Optional(Type.String()),
    retrieval: Type.Optional(
      Type.Object({ eventId: Type.String(), clientEventId: Id128 }, { additionalProperties: false }),
    ),
    generation: Type.Optional(
      Type.Object(
        {
          eventId: Type.String(),
          clientEventId: Id128,
          runId: Type.Optional(Id128),
          parentRunId: Type.Optional(Id128),
        },
        { additionalProperties: false },
      ),
    ),
    match: Type.Optional(
      Type.Object(
        {
          tier: Type.Union([Type.Literal('verbatim'), Type.Literal('ngram')]),
          score: Type.Number(),
          spans: Type.Array(CharSpan),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const AlertRaisedEvent = envelopeSchema(ALERT_RAISED, AlertRaisedPayload);
export type AlertType = Static<typeof AlertType>;
export type AlertRaisedPayload = Static<typeof AlertRaisedPayload>;
export type AlertRaisedEvent = Static<typeof AlertRaisedEvent>;
