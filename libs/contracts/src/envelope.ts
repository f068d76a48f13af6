import { createHash, randomUUID } from 'node:crypto';
import { Type, type TSchema, type Static } from '@sinclair/typebox';

export const OrgId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' });
export const IsoTimestamp = Type.String({ format: 'date-time' });

/**
 * The envelope every message value carries: `{ id, type, orgId, occurredAt, recordedAt,
 * correlationId?, causationId?, payload }`. `type` is pinned per event by `envelopeSchema`.
 */
export function envelopeSchema<TTypeName extends string, TPayload extends TSchema>(type: TTypeName, payload: TPayload) {
  return Type.Object(
    {
      id: Type.String({ minLength: 1, maxLength: 128 }),
      type: Type.Literal(type),
      orgId: OrgId,
      occurredAt: IsoTimestamp,
      recordedAt: IsoTimestamp,
      correlationId: Type.Optional(Type.String({ maxLength: 256 })),
      causationId: Type.Optional(Type.String({ maxLength: 128 })),
      payload,
    },
    { $id: type, additionalProperties: false },
  );
}

export interface Envelope<TTypeName extends string = string, TPayload = unknown> {
  id: string;
  type: TTypeName;
  orgId: string;
  occurredAt: string;
  recordedAt: string;
  correlationId?: string;
  causationId?: string;
  payload: TPayload;
}

export type EnvelopeOf<TSchemaType extends TSchema> = Static<TSchemaType>;

/**
 * A UUID-shaped id derived from its inputs (SHA-256, version nibble 8), so re-processing the same
 * input yields the same event id and downstream stores drop the repeat.
 */
export function deterministicId(...parts: readonly string[]): string {
  const digest = createHash('sha256').update(parts.join('\u001f')).digest('hex');
  return [
    digest.slice(0, 8),
    digest.slice(8, 12),
    `8${digest.slice(13, 16)}`,
    ((parseInt(digest.slice(16, 18), 16) & 0x3f) | 0x80).toString(16) + digest.slice(18, 20),
    digest.slice(20, 32),
  ].join('-');
}

/** For events that are new facts rather than derivations (an admin action, an organization). */
export function randomEventId(): string {
  return randomUUID();
}
