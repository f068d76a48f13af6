import { generateApiKey, hashApiKey, keyPrefix } from '@cairn/access';
import { createEvent, randomEventId, SCOPES, type CairnEvent, type Scope } from '@cairn/contracts';
import { createKafka, ensureTopics, EventPublisher } from '@cairn/kafka';
import { testEnvironment, uniqueName } from './env';
import { waitFor } from './wait-for';

export interface TestOrganization {
  orgId: string;
  /** A key per scope set asked for; `all` has every scope. */
  keys: Record<string, string>;
}

/**
 * Creates an organization and keys by publishing the same access events the gateway CLI
 * publishes, so services authenticate them from their own copies, as in production.
 */
export async function createTestOrganization(keyScopes: Record<string, Scope[]> = {}): Promise<TestOrganization> {
  const { kafkaBrokers } = testEnvironment();
  const orgId = uniqueName('org');
  const now = new Date();
  const keys: Record<string, string> = {};
  const events: CairnEvent[] = [
    createEvent({
      id: randomEventId(),
      type: 'org.created.v1',
      orgId,
      occurredAt: now.toISOString(),
      payload: { name: orgId },
    }),
  ];
  for (const [name, scopes] of Object.entries({ all: [...SCOPES], ...keyScopes })) {
    const { key } = generateApiKey();
    keys[name] = key;
    events.push(
      createEvent({
        id: randomEventId(),
        type: 'apikey.created.v1',
        orgId,
        occurredAt: now.toISOString(),
        payload: { prefix: keyPrefix(key), hash: hashApiKey(key), scopes, createdAt: now.toISOString() },
      }),
    );
  }
  const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'test-access' });
  await ensureTopics(kafka);
  const publisher = new EventPublisher(kafka, { ackTimeoutMs: 15_000 });
  try {
    await publisher.publish(events);
  } finally {
    await publisher.disconnect();
  }
  return { orgId, keys };
}

/** Waits until a service's key copy accepts `key` (any answer but 401 on an authenticated route). */
export async function waitForKey(url: string, key: string): Promise<void> {
  await waitFor(`key to reach ${url}`, async () => {
    const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
    return response.status !== 401;
  });
}
