import { Type, type Static } from '@sinclair/typebox';
import { envelopeSchema, IsoTimestamp } from '../envelope';

export const LEDGER_APPENDED = 'ledger.appended.v1';

/** One audit-ledger entry as chained, for consumers that follow the ledger through Kafka. */
export const LedgerAppendedPayload = Type.Object(
  {
    seq: Type.Integer({ minimum: 1 }),
    eventId: Type.String(),
    type: Type.String(),
    occurredAt: IsoTimestamp,
    payload: Type.Unknown(),
    prevHash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    hash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  },
  { additionalProperties: false },
);

export const LedgerAppendedEvent = envelopeSchema(LEDGER_APPENDED, LedgerAppendedPayload);
export type LedgerAppendedPayload = Static<typeof LedgerAppendedPayload>;
export type LedgerAppendedEvent = Static<typeof LedgerAppendedEvent>;
