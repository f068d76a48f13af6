import { randomUUID } from 'node:crypto';
import { generateApiKey, hashApiKey, keyPrefix } from '@cairn/access';
import { createEvent, deterministicId, randomEventId, SCOPES, type CairnEvent, type Scope } from '@cairn/contracts';

export const DEV_ORG_ID = 'dev';

export interface IssuedKey {
  orgId: string;
  key: string;
  prefix: string;
  scopes: Scope[];
}

function keyCreated(orgId: string, key: string, scopes: Scope[], now: Date, id = randomEventId()): CairnEvent {
  return createEvent(
    {
      id,
      type: 'apikey.created.v1',
      orgId,
      occurredAt: now.toISOString(),
      payload: { prefix: keyPrefix(key), hash: hashApiKey(key), scopes, createdAt: now.toISOString() },
    },
    now,
  );
}

/** A new organization and its first key: the events to publish, and the key to show once. */
export function newOrganization(name: string, scopes: Scope[], now = new Date()) {
  const orgId = randomUUID();
  const { key, prefix } = generateApiKey();
  const events: CairnEvent[] = [
    createEvent(
      { id: randomEventId(), type: 'org.created.v1', orgId, occurredAt: now.toISOString(), payload: { name } },
      now,
    ),
    keyCreated(orgId, key, scopes, now),
  ];
  return { events, issued: { orgId, key, prefix, scopes } satisfies IssuedKey };
}

export function newKey(orgId: string, scopes: Scope[], now = new Date()) {
  const { key, prefix } = generateApiKey();
  return { events: [keyCreated(orgId, key, scopes, now)], issued: { orgId, key, prefix, scopes } satisfies IssuedKey };
}

export function revokeKey(orgId: string, prefix: string, now = new Date()): CairnEvent[] {
  return [
    createEvent(
      { id: randomEventId(), type: 'apikey.revoked.v1', orgId, occurredAt: now.toISOString(), payload: { prefix } },
      now,
    ),
  ];
}

/**
 * The development organization with a caller-chosen key. Event ids and timestamps are derived
 * from the key, so seeding again on every `npm start` is a no-op for every consumer.
 */
export function devOrganization(key: string) {
  const epoch = new Date('2026-01-01T00:00:00.000Z');
  const events: CairnEvent[] = [
    createEvent(
      {
        id: deterministicId(DEV_ORG_ID, 'org'),
        type: 'org.created.v1',
        orgId: DEV_ORG_ID,
        occurredAt: epoch.toISOString(),
        payload: { name: 'Development' },
      },
      epoch,
    ),
    keyCreated(DEV_ORG_ID, key, [...SCOPES], epoch, deterministicId(DEV_ORG_ID, 'key', hashApiKey(key))),
  ];
  return {
    events,
    issued: { orgId: DEV_ORG_ID, key, prefix: keyPrefix(key), scopes: [...SCOPES] } satisfies IssuedKey,
  };
}
