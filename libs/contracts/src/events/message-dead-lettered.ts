import { Type, type Static } from '@sinclair/typebox';
import { envelopeSchema, IsoTimestamp } from '../envelope';

export const MESSAGE_DEAD_LETTERED = 'message.dead-lettered.v1';

/** A message a consumer gave up on, with where it came from and why, so nothing is dropped. */
export const MessageDeadLetteredPayload = Type.Object(
  {
    consumerGroup: Type.String(),
    topic: Type.String(),
    partition: Type.Integer({ minimum: 0 }),
    offset: Type.String(),
    key: Type.Optional(Type.String()),
    /** The original value, as UTF-8 text (base64 when it was not valid UTF-8). */
    value: Type.String(),
    valueEncoding: Type.Union([Type.Literal('utf8'), Type.Literal('base64')]),
    error: Type.String(),
    attempts: Type.Integer({ minimum: 1 }),
    failedAt: IsoTimestamp,
  },
  { additionalProperties: false },
);

export const MessageDeadLetteredEvent = envelopeSchema(MESSAGE_DEAD_LETTERED, MessageDeadLetteredPayload);
export type MessageDeadLetteredPayload = Static<typeof MessageDeadLetteredPayload>;
export type MessageDeadLetteredEvent = Static<typeof MessageDeadLetteredEvent>;
