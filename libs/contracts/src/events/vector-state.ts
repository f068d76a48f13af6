import { Type, type Static } from '@sinclair/typebox';
import { envelopeSchema } from '../envelope';

export const VECTOR_QUARANTINED = 'vector.quarantined.v1';
export const VECTOR_RELEASED = 'vector.released.v1';
export const VECTOR_APPROVED = 'vector.approved.v1';

/** A human's quarantine decision about one vector of one collection. */
export const VectorStatePayload = Type.Object(
  {
    collectionId: Type.String({ minLength: 1, maxLength: 256 }),
    vectorId: Type.String({ minLength: 1, maxLength: 256 }),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
    /** The API key prefix that made the change. */
    actor: Type.String({ maxLength: 128 }),
  },
  { additionalProperties: false },
);

export const VectorQuarantinedEvent = envelopeSchema(VECTOR_QUARANTINED, VectorStatePayload);
export const VectorReleasedEvent = envelopeSchema(VECTOR_RELEASED, VectorStatePayload);
export const VectorApprovedEvent = envelopeSchema(VECTOR_APPROVED, VectorStatePayload);
export type VectorStatePayload = Static<typeof VectorStatePayload>;
export type VectorQuarantinedEvent = Static<typeof VectorQuarantinedEvent>;
export type VectorReleasedEvent = Static<typeof VectorReleasedEvent>;
export type VectorApprovedEvent = Static<typeof VectorApprovedEvent>;
