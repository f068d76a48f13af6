import { Type, type Static } from '@sinclair/typebox';
import { envelopeSchema, IsoTimestamp } from '../envelope';

export const ORG_CREATED = 'org.created.v1';
export const APIKEY_CREATED = 'apikey.created.v1';
export const APIKEY_REVOKED = 'apikey.revoked.v1';

export const SCOPES = ['ingest', 'read', 'admin'] as const;
export const Scope = Type.Union(SCOPES.map((scope) => Type.Literal(scope)));

export const OrgCreatedPayload = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

/** A key's public part: its lookup prefix and the SHA-256 of the whole key — never the secret. */
export const ApiKeyCreatedPayload = Type.Object(
  {
    prefix: Type.String({ minLength: 1, maxLength: 64 }),
    hash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    scopes: Type.Array(Scope, { minItems: 1, uniqueItems: true }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    createdAt: IsoTimestamp,
  },
  { additionalProperties: false },
);

export const ApiKeyRevokedPayload = Type.Object(
  { prefix: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

export const OrgCreatedEvent = envelopeSchema(ORG_CREATED, OrgCreatedPayload);
export const ApiKeyCreatedEvent = envelopeSchema(APIKEY_CREATED, ApiKeyCreatedPayload);
export const ApiKeyRevokedEvent = envelopeSchema(APIKEY_REVOKED, ApiKeyRevokedPayload);
export type Scope = Static<typeof Scope>;
export type OrgCreatedPayload = Static<typeof OrgCreatedPayload>;
export type ApiKeyCreatedPayload = Static<typeof ApiKeyCreatedPayload>;
export type ApiKeyRevokedPayload = Static<typeof ApiKeyRevokedPayload>;
export type OrgCreatedEvent = Static<typeof OrgCreatedEvent>;
export type ApiKeyCreatedEvent = Static<typeof ApiKeyCreatedEvent>;
export type ApiKeyRevokedEvent = Static<typeof ApiKeyRevokedEvent>;
