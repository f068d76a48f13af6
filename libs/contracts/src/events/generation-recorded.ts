import { Type, type Static } from '@sinclair/typebox';
import { envelopeSchema, IsoTimestamp } from '../envelope';
import { Id128, JsonObject, Sdk, SpanRef, Vendor } from './common';

export const GENERATION_RECORDED = 'generation.recorded.v1';

/** What a model generated, normalized from Buzo's generation trace or a vendor generation span. */
export const GenerationRecordedPayload = Type.Object(
  {
    clientEventId: Id128,
    source: Vendor,
    output: Type.Object({ text: Type.Optional(Type.String({ maxLength: 32000 })) }, { additionalProperties: false }),
    latencyMs: Type.Integer({ minimum: 0 }),
    timestamp: IsoTimestamp,
    runId: Type.Optional(Id128),
    parentRunId: Type.Optional(Id128),
    ...SpanRef,
    collectionId: Type.Optional(Type.String({ maxLength: 256 })),
    agentId: Type.Optional(Type.String({ maxLength: 256 })),
    model: Type.Optional(Type.String({ maxLength: 256 })),
    promptTokens: Type.Optional(Type.Integer({ minimum: 0 })),
    completionTokens: Type.Optional(Type.Integer({ minimum: 0 })),
    error: Type.Optional(Type.Unknown()),
    metadata: Type.Optional(JsonObject),
    sdk: Type.Optional(Sdk),
  },
  { additionalProperties: false },
);

export const GenerationRecordedEvent = envelopeSchema(GENERATION_RECORDED, GenerationRecordedPayload);
export type GenerationRecordedPayload = Static<typeof GenerationRecordedPayload>;
export type GenerationRecordedEvent = Static<typeof GenerationRecordedEvent>;
