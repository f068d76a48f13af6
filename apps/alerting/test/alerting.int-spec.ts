import { deterministicId, Topics, type CairnEvent, type EventOf } from '@cairn/contracts';
import { createKafka, EventPublisher } from '@cairn/kafka';
import { createPool, type Pool } from '@cairn/pg';
import {
  deleteGroups,
  createTestOrganization,
  metricSample,
  startGroupAtEnd,
  startService,
  testEnvironment,
  TopicReader,
  uniqueName,
  waitFor,
  waitForKey,
  type RunningService,
  type TestOrganization,
} from '@cairn/testing';
import { verifyWithDocumentedSnippet } from './documented-verifier';
import {
  alertingGroups,
  AlertingTables,
  citationOf,
  COLLECTION,
  generation,
  header,
  Receiver,
  retrievalServing,
  vectorDecision,
} from './harness';

type AlertEvent = EventOf<'alert.raised.v1'>;
const isAlert = (event: CairnEvent): event is AlertEvent => event.type === 'alert.raised.v1';

const ROLES = ['api', 'served', 'cited', 'absent', 'repeat', 'dedup', 'down', 'removal', 'crash'] as const;
type Role = (typeof ROLES)[number];

describe('alerting against real Kafka, Postgres and an HTTP receiver', () => {
  const env = testEnvironment();
  const kafka = createKafka({ brokers: env.kafkaBrokers, clientId: 'alerting-test' });
  const publisher = new EventPublisher(kafka, { ackTimeoutMs: 30_000 });
  const groupBase = uniqueName('alerting-test');
  const guardGroupBase = uniqueName('alerting-guard-test');
  const serviceEnv = {
    ALERTING_GROUP_ID: groupBase,
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_RETRY_BASE_MS: '200',
    WEBHOOK_RETRY_CAP_MS: '1000',
    WEBHOOK_RETRY_FOR_MS: String(10 * 60_000),
    WEBHOOK_POLL_INTERVAL_MS: '100',
    WEBHOOK_TIMEOUT_MS: '3000',
    WEBHOOK_LEASE_MS: '4000',
  };
  let service: RunningService;
  let pool: Pool;
  let tables: AlertingTables;
  let receiver: Receiver;
  let alertReader: TopicReader;
  let orgs: Record<Role, TestOrganization>;

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { applicationName: 'alerting-test' });
    tables = new AlertingTables(pool);
    const created = await Promise.all(
      ROLES.map(
        async (role) => [role, await createTestOrganization({ reader: ['read'], ingest: ['ingest'] })] as const,
      ),
    );
    orgs = Object.fromEntries(created) as Record<Role, TestOrganization>;
    // The shared topics hold other runs' history: this run's groups read only what follows.
    for (const base of [groupBase, guardGroupBase]) {
      for (const [group, topics] of alertingGroups(base)) await startGroupAtEnd(kafka, group, topics);
    }
    await publisher.connect();
    receiver = await new Receiver().start();
    const ours = new Set(created.map(([, org]) => org.orgId));
    alertReader = await new TopicReader([Topics.alerts], (event) => ours.has(event.orgId)).start();
    service = await startService('alerting', serviceEnv);
    await Promise.all(ROLES.map((role) => waitForKey(`${service.url}/v1/webhooks`, orgs[role].keys.all!)));
  });

  afterAll(async () => {
    await service?.kill('SIGTERM');
    await alertReader?.stop();
    await receiver?.stop();
    await publisher.disconnect();
    await deleteGroups(
      kafka,
      [groupBase, guardGroupBase].flatMap((base) => alertingGroups(base).map(([group]) => group)),
    );
    await tables?.removeOrganizations(
      ROLES.map((role) => orgs[role].orgId),
      [groupBase, guardGroupBase],
    );
    await pool?.end();
  });

  const publish = (...events: CairnEvent[]) => publisher.publish(events);

  async function call(
    baseUrl: string,
    method: string,
    path: string,
    key: string | undefined,
    body?: unknown,
  ): Promise<{ status: number; body: unknown; text: string }> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined, text };
  }
  const api = (method: string, path: string, key: string | undefined, body?: unknown) =>
    call(service.url, method, path, key, body);

  async function registerWebhook(role: Role, path: string, secret?: string) {
    const response = await api('POST', '/v1/webhooks', orgs[role].keys.all, {
      url: receiver.url(path),
      ...(secret ? { secret } : {}),
    });
    expect(response.status).toBe(201);
    return response.body as { id: string; secret: string };
  }

  const alertsOf = (orgId: string, predicate: (alert: AlertEvent) => boolean = () => true) =>
    alertReader.events.filter(isAlert).filter((alert) => alert.orgId === orgId && predicate(alert));

  async function waitForAlert(orgId: string, predicate: (alert: AlertEvent) => boolean, timeoutMs = 30_000) {
    return waitFor(`an alert of ${orgId}`, () => alertsOf(orgId, predicate)[0], { timeoutMs });
  }

  const servedAlertId = (orgId: string, retrievalId: string, vectorId: string) =>
    deterministicId(orgId, 'alert', 'SERVED_FLAGGED', retrievalId, COLLECTION, vectorId);
  const citedAlertId = (orgId: string, generationId: string, vectorId: string) =>
    deterministicId(orgId, 'alert', 'CITED_FLAGGED', generationId, COLLECTION, vectorId);

  const scrapeMetrics = async () => (await fetch(`${service.url}/metrics`)).text();

  async function quarantine(orgId: string, ...vectorIds: string[]) {
    await publish(...vectorIds.map((vectorId) => vectorDecision(orgId, 'vector.quarantined.v1', vectorId)));
    await tables.waitForStates(orgId, Object.fromEntries(vectorIds.map((vectorId) => [vectorId, 'QUARANTINED'])));
  }

  it('authenticates the webhook API, validates its input naming the field, and never lists secrets', async () => {
    const { keys } = orgs.api;
    expect((await api('GET', '/v1/webhooks', undefined)).status).toBe(401);
    expect((await api('GET', '/v1/webhooks', `ck_unknownkey1_${'a'.repeat(43)}`)).status).toBe(401);
    expect((await api('GET', '/v1/webhooks', keys.reader)).status).toBe(403);
    expect((await api('POST', '/v1/webhooks', keys.ingest, { url: receiver.url('/x') })).status).toBe(403);

    const invalid: [unknown, string][] = [
      [{}, 'url'],
      [{ url: 'ftp://files.example.com/drop' }, 'url'],
      [{ url: 'javascript:alert(1)' }, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ url: receiver.url('/x'), secret: 'short' }, 'secret'],
      [{ url: receiver.url('/x'), secret: 42 }, 'secret'],
      [{ url: receiver.url('/x'), surprise: true }, 'surprise'],
    ];
    for (const [body, field] of invalid) {
      const response = await api('POST', '/v1/webhooks', keys.all, body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.body).toEqual({
        detail: expect.stringContaining(field) as string,
        errors: expect.arrayContaining([{ field, message: expect.any(String) as string }]) as unknown[],
      });
    }
    expect((await api('POST', '/v1/webhooks', keys.all, [{ url: receiver.url('/x') }])).status).toBe(400);

    const chosenSecret = 'a-secret-chosen-by-the-receiver-team';
    const chosen = await api('POST', '/v1/webhooks', keys.all, { url: receiver.url('/api-1'), secret: chosenSecret });
    expect(chosen).toMatchObject({ status: 201, body: { url: receiver.url('/api-1'), secret: chosenSecret } });
    const generated = await api('POST', '/v1/webhooks', keys.all, { url: receiver.url('/api-2') });
    expect(generated.status).toBe(201);
    const { id, secret } = generated.body as { id: string; secret: string };
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);

    const listed = await api('GET', '/v1/webhooks', keys.all);
    expect(listed.status).toBe(200);
    expect((listed.body as { items: { id: string; url: string }[] }).items.map((item) => item.url)).toEqual([
      receiver.url('/api-1'),
      receiver.url('/api-2'),
    ]);
    expect(listed.text).not.toContain(secret);
    expect(listed.text).not.toContain(chosenSecret);
    expect(listed.text).not.toMatch(/secret"/);
    expect((await api('GET', '/v1/webhooks', orgs.served.keys.all)).body).toEqual({ items: [] });

    const rotated = await api('POST', `/v1/webhooks/${id}/rotate-secret`, keys.all);
    expect(rotated.status).toBe(200);
    expect((rotated.body as { secret: string }).secret).toMatch(/^whsec_/);
    expect((rotated.body as { secret: string }).secret).not.toBe(secret);
    expect((await api('POST', `/v1/webhooks/${id}/rotate-secret`, orgs.served.keys.all)).status).toBe(404);

    expect((await api('DELETE', `/v1/webhooks/${id}`, orgs.served.keys.all)).status).toBe(404);
    expect((await api('DELETE', `/v1/webhooks/${id}`, keys.all)).status).toBe(204);
    expect((await api('DELETE', `/v1/webhooks/${id}`, keys.all)).status).toBe(404);
    expect((await api('DELETE', '/v1/webhooks/not-a-uuid', keys.all)).status).toBe(404);
    const remaining = (await api('GET', '/v1/webhooks', keys.all)).body as { items: { url: string }[] };
    expect(remaining.items.map((item) => item.url)).toEqual([receiver.url('/api-1')]);

    expect(await api('GET', '/v1/webhooks/settings', keys.all)).toMatchObject({
      status: 200,
      body: { dedupWindowMs: 3_600_000, source: 'default' },
    });
    expect(await api('PUT', '/v1/webhooks/settings', keys.all, { dedupWindowMs: 0 })).toMatchObject({
      status: 200,
      body: { dedupWindowMs: 0, source: 'organization' },
    });
    const negative = await api('PUT', '/v1/webhooks/settings', keys.all, { dedupWindowMs: -1 });
    expect(negative.status).toBe(400);
    expect((negative.body as { errors: { field: string }[] }).errors[0]?.field).toBe('dedupWindowMs');
    expect(await api('PUT', '/v1/webhooks/settings', keys.all, { dedupWindowMs: null })).toMatchObject({
      body: { dedupWindowMs: 3_600_000, source: 'default' },
    });
  });

  it('refuses private, loopback and link-local webhook URLs when private addresses are not allowed', async () => {
    const guarded = await startService('alerting', {
      ALERTING_GROUP_ID: guardGroupBase,
      WEBHOOK_DELIVERY_ENABLED: 'false',
    });
    try {
      const key = orgs.api.keys.all;
      await waitForKey(`${guarded.url}/v1/webhooks`, key!);
      const refused = [
        'http://127.0.0.1:8080/hook',
        'http://localhost:8080/hook',
        'http://api.localhost/hook',
        'http://[::1]/hook',
        'http://10.0.0.7/hook',
        'http://172.20.1.1/hook',
        'http://192.168.1.1/hook',
        'http://169.254.169.254/latest/meta-data',
        'http://[fd00::1]/hook',
        'http://[fe80::1]/hook',
        'http://[::ffff:192.168.0.1]/hook',
        'http://0.0.0.0/hook',
      ];
      for (const url of refused) {
        const response = await call(guarded.url, 'POST', '/v1/webhooks', key, { url });
        expect({ url, status: response.status }).toEqual({ url, status: 400 });
        expect((response.body as { errors: { field: string; message: string }[] }).errors).toEqual([
          { field: 'url', message: expect.stringMatching(/not a public/) as string },
        ]);
      }
      const accepted = await call(guarded.url, 'POST', '/v1/webhooks', key, { url: 'https://93.184.215.14/hook' });
      expect(accepted.status).toBe(201);
    } finally {
      await guarded.kill('SIGTERM');
    }
  });

  it('raises one SERVED_FLAGGED per quarantined vector a retrieval serves, and delivers it signed', async () => {
    const { orgId } = orgs.served;
    const { secret } = await registerWebhook('served', '/served');
    await publish(vectorDecision(orgId, 'vector.quarantined.v1', 'v-poisoned', { reason: 'prompt injection' }));
    await quarantine(orgId, 'v-sentinel');
    await tables.waitForStates(orgId, { 'v-poisoned': 'QUARANTINED' });

    const retrieval = retrievalServing(orgId, ['v-clean', 'v-poisoned', 'v-poisoned']);
    const sentinel = retrievalServing(orgId, ['v-sentinel']);
    await publish(retrieval, sentinel);

    await waitForAlert(orgId, (alert) => alert.causationId === sentinel.id);
    const served = alertsOf(orgId, (alert) => alert.causationId === retrieval.id);
    expect(served).toEqual([
      expect.objectContaining({
        id: servedAlertId(orgId, retrieval.id, 'v-poisoned'),
        type: 'alert.raised.v1',
        occurredAt: retrieval.occurredAt,
        correlationId: 'chain-run-abc',
        payload: {
          alertType: 'SERVED_FLAGGED',
          collectionId: COLLECTION,
          vectorId: 'v-poisoned',
          quarantineReason: 'prompt injection',
          retrieval: { eventId: retrieval.id, clientEventId: retrieval.payload.clientEventId },
        },
      }),
    ]);
    const alert = served[0]!;

    const deliveries = await receiver.waitFor('/served', 2);
    const delivery = deliveries.find((request) => header(request, 'Cairn-Event-Id') === alert.id);
    expect(delivery).toBeDefined();
    expect(JSON.parse(delivery!.body)).toEqual(alert);
    expect(header(delivery!, 'content-type')).toBe('application/json');
    expect(header(delivery!, 'Cairn-Delivery-Id')).toBe((await tables.deliveries(alert.id))[0]?.id);
    expect(verifyWithDocumentedSnippet(delivery!.body, header(delivery!, 'Cairn-Signature'), secret)).toBe(true);
    await waitFor('the delivery to be closed as delivered', async () =>
      (await tables.deliveries(alert.id)).every((row) => row.status === 'delivered'),
    );
  });

  it('raises CITED_FLAGGED with the generation, the match and the reason, signed as the README says', async () => {
    const { orgId } = orgs.cited;
    const { secret } = await registerWebhook('cited', '/cited');
    await publish(vectorDecision(orgId, 'vector.quarantined.v1', 'v-leak', { reason: 'customer PII' }));
    await tables.waitForStates(orgId, { 'v-leak': 'QUARANTINED' });
    const cited = generation(orgId);
    const citation = citationOf(orgId, cited, 'v-leak');
    await publish(citation);

    const alert = await waitForAlert(orgId, () => true);
    expect(alert).toMatchObject({
      id: citedAlertId(orgId, cited.eventId, 'v-leak'),
      occurredAt: citation.occurredAt,
      correlationId: cited.runId,
      causationId: citation.id,
      payload: {
        alertType: 'CITED_FLAGGED',
        collectionId: COLLECTION,
        vectorId: 'v-leak',
        quarantineReason: 'customer PII',
        generation: { eventId: cited.eventId, clientEventId: cited.clientEventId, runId: cited.runId },
        match: { tier: 'verbatim', score: 0.87, spans: [{ start: 0, end: 45 }] },
      },
    });

    const [delivery] = await receiver.waitFor('/cited', 1);
    const signature = header(delivery!, 'Cairn-Signature');
    expect(signature).toMatch(/^t=\d{10},v1=[0-9a-f]{64}$/);
    expect(Math.abs(Number(/^t=(\d+)/.exec(signature)?.[1]) - Date.now() / 1000)).toBeLessThan(60);
    expect(JSON.parse(delivery!.body)).toEqual(alert);
    expect(verifyWithDocumentedSnippet(delivery!.body, signature, secret)).toBe(true);

    // Tampering with anything the signature covers fails the documented check.
    const tamperedBody = delivery!.body.replace('customer PII', 'customer pii');
    const flipped = signature.replace(/.$/, (last) => (last === '0' ? '1' : '0'));
    const shifted = signature.replace(/^t=(\d+)/, (_, t: string) => `t=${Number(t) + 1}`);
    expect(verifyWithDocumentedSnippet(tamperedBody, signature, secret)).toBe(false);
    expect(verifyWithDocumentedSnippet(delivery!.body, flipped, secret)).toBe(false);
    expect(verifyWithDocumentedSnippet(delivery!.body, shifted, secret)).toBe(false);
    expect(verifyWithDocumentedSnippet(delivery!.body, signature, 'whsec_someone-elses-secret')).toBe(false);
    expect(verifyWithDocumentedSnippet(delivery!.body, signature, secret, Date.now() + 6 * 60_000)).toBe(false);
  });

  it('raises nothing for approved or released vectors; the latest decision wins, ties by event order', async () => {
    const { orgId } = orgs.absent;
    await registerWebhook('absent', '/absent');
    const now = Date.now();
    const at = (offsetMs: number) => ({ occurredAt: new Date(now + offsetMs) });
    await publish(
      ...['v-approved', 'v-released', 'v-late-approval', 'v-tie', 'v-sentinel'].map((vectorId) =>
        vectorDecision(orgId, 'vector.quarantined.v1', vectorId, at(0)),
      ),
      vectorDecision(orgId, 'vector.approved.v1', 'v-approved', at(1_000)),
      vectorDecision(orgId, 'vector.released.v1', 'v-released', at(1_000)),
      // Approved before it was quarantined: arriving late, it must not undo the newer quarantine.
      vectorDecision(orgId, 'vector.approved.v1', 'v-late-approval', at(-60_000)),
      vectorDecision(orgId, 'vector.approved.v1', 'v-tie', at(0)),
    );
    await tables.waitForStates(orgId, {
      'v-approved': 'APPROVED',
      'v-released': 'RELEASED',
      'v-late-approval': 'QUARANTINED',
      'v-tie': 'APPROVED',
      'v-sentinel': 'QUARANTINED',
    });

    const cleared = ['v-approved', 'v-released', 'v-tie'];
    const retrieval = retrievalServing(orgId, [...cleared, 'v-late-approval']);
    const cited = generation(orgId);
    await publish(retrieval, ...cleared.map((vectorId) => citationOf(orgId, cited, vectorId)));
    // Sentinels after them on the same topics: once their alerts are out, the events before were applied.
    const sentinelRetrieval = retrievalServing(orgId, ['v-sentinel']);
    const sentinelGeneration = generation(orgId);
    await publish(sentinelRetrieval, citationOf(orgId, sentinelGeneration, 'v-sentinel'));
    await waitForAlert(orgId, (alert) => alert.causationId === sentinelRetrieval.id);
    await waitForAlert(orgId, (alert) => alert.payload.generation?.eventId === sentinelGeneration.eventId);

    const expected = [
      servedAlertId(orgId, retrieval.id, 'v-late-approval'),
      servedAlertId(orgId, sentinelRetrieval.id, 'v-sentinel'),
      citedAlertId(orgId, sentinelGeneration.eventId, 'v-sentinel'),
    ].sort();
    expect(
      alertsOf(orgId)
        .map((alert) => alert.id)
        .sort(),
    ).toEqual(expected);
    const delivered = await receiver.waitFor('/absent', 3);
    expect(delivered.map((request) => header(request, 'Cairn-Event-Id')).sort()).toEqual(expected);
  });

  it('raises one alert when the same citation arrives twice, or again under a new matcher version', async () => {
    const { orgId } = orgs.repeat;
    await registerWebhook('repeat', '/repeat');
    await quarantine(orgId, 'v-flagged', 'v-sentinel');
    const cited = generation(orgId);
    const citation = citationOf(orgId, cited, 'v-flagged');
    await publish(citation);
    await publish(citation, citationOf(orgId, cited, 'v-flagged', 'matcher-2'));
    const sentinel = generation(orgId);
    await publish(citationOf(orgId, sentinel, 'v-sentinel'));
    await waitForAlert(orgId, (alert) => alert.payload.generation?.eventId === sentinel.eventId);

    const id = citedAlertId(orgId, cited.eventId, 'v-flagged');
    expect(alertsOf(orgId, (alert) => alert.payload.vectorId === 'v-flagged').map((alert) => alert.id)).toEqual([id]);
    expect(await tables.alert(id)).toEqual([{ notified: true }]);
    expect(await tables.deliveries(id)).toHaveLength(1);
    await receiver.waitFor('/repeat', 2);
    await waitFor('both deliveries to be closed', async () =>
      (await tables.deliveries(id)).every((row) => row.status === 'delivered'),
    );
    expect(receiver.to('/repeat').filter((request) => header(request, 'Cairn-Event-Id') === id)).toHaveLength(1);
  });

  it('within the dedup window records and publishes a repeat alert but sends it to no webhook', async () => {
    const { orgId, keys } = orgs.dedup;
    await registerWebhook('dedup', '/dedup');
    await quarantine(orgId, 'v-noisy', 'v-sentinel');
    const first = retrievalServing(orgId, ['v-noisy']);
    const second = retrievalServing(orgId, ['v-noisy']);
    const sentinel = retrievalServing(orgId, ['v-sentinel']);
    await publish(first, second, sentinel);
    await waitForAlert(orgId, (alert) => alert.causationId === sentinel.id);
    await receiver.waitFor('/dedup', 2);

    const [firstId, secondId, sentinelId] = [
      servedAlertId(orgId, first.id, 'v-noisy'),
      servedAlertId(orgId, second.id, 'v-noisy'),
      servedAlertId(orgId, sentinel.id, 'v-sentinel'),
    ];
    expect(alertsOf(orgId).map((alert) => alert.id)).toEqual([firstId, secondId, sentinelId]);
    expect([await tables.alert(firstId), await tables.alert(secondId)]).toEqual([
      [{ notified: true }],
      [{ notified: false }],
    ]);
    expect(await tables.deliveries(secondId)).toEqual([]);
    expect(
      receiver
        .to('/dedup')
        .map((request) => header(request, 'Cairn-Event-Id'))
        .sort(),
    ).toEqual([firstId, sentinelId].sort());

    // With the organization's window set to 0, every alert is sent.
    expect((await api('PUT', '/v1/webhooks/settings', keys.all, { dedupWindowMs: 0 })).status).toBe(200);
    const third = retrievalServing(orgId, ['v-noisy']);
    await publish(third);
    const [, , thirdDelivery] = await receiver.waitFor('/dedup', 3);
    expect(header(thirdDelivery!, 'Cairn-Event-Id')).toBe(servedAlertId(orgId, third.id, 'v-noisy'));
  });

  it('retries while the receiver answers 500 or refuses connections, records every attempt, and delivers once it is back', async () => {
    const { orgId } = orgs.down;
    // Earlier tests' last attempts may still be being recorded: count from a quiet outbox.
    await waitFor(
      'earlier deliveries to be closed',
      async () => (await tables.pendingDeliveries(ROLES.map((role) => orgs[role].orgId))) === 0,
    );
    const before = await scrapeMetrics();
    receiver.on('/flaky', (_, nth) => (nth <= 2 ? 500 : 204));
    await registerWebhook('down', '/flaky');
    const offline = new Receiver();
    await offline.start();
    const offlineUrl = offline.url('/offline');
    await offline.stop();
    const registered = await api('POST', '/v1/webhooks', orgs.down.keys.all, { url: offlineUrl });
    expect(registered.status).toBe(201);
    const offlineWebhook = (registered.body as { id: string }).id;

    await quarantine(orgId, 'v-flagged');
    const retrieval = retrievalServing(orgId, ['v-flagged']);
    await publish(retrieval);
    const alertId = servedAlertId(orgId, retrieval.id, 'v-flagged');

    await receiver.waitFor('/flaky', 3);
    const flakyDelivery = await waitFor('the flaky delivery to be delivered', async () =>
      (await tables.deliveries(alertId)).find((row) => row.webhookId !== offlineWebhook && row.status === 'delivered'),
    );
    expect((await tables.attempts(flakyDelivery.id)).map((attempt) => attempt.statusCode)).toEqual([500, 500, 204]);

    const offlineDelivery = (await tables.deliveries(alertId)).find((row) => row.webhookId === offlineWebhook)!;
    await waitFor('two refused attempts', async () => (await tables.attempts(offlineDelivery.id)).length >= 2);
    const back = await new Receiver().start(Number(new URL(offlineUrl).port));
    try {
      const [request] = await back.waitFor('/offline', 1);
      expect(header(request!, 'Cairn-Delivery-Id')).toBe(offlineDelivery.id);
      await waitFor('the offline delivery to be delivered', async () =>
        (await tables.deliveries(alertId)).some((row) => row.id === offlineDelivery.id && row.status === 'delivered'),
      );
      const attempts = await tables.attempts(offlineDelivery.id);
      expect(attempts.length).toBeGreaterThanOrEqual(3);
      expect(attempts.slice(0, -1).every((attempt) => /ECONNREFUSED/.test(attempt.error ?? ''))).toBe(true);
      expect(attempts.at(-1)).toMatchObject({ statusCode: 204, error: null });

      // One count per recorded attempt, once its record is committed.
      const counted = (after: string, name: string, outcome: string) =>
        (metricSample(after, name, { outcome }) ?? 0) - (metricSample(before, name, { outcome }) ?? 0);
      const after = await waitFor('both deliveries to be counted', async () => {
        const scraped = await scrapeMetrics();
        return counted(scraped, 'cairn_webhook_deliveries_total', 'delivered') >= 2 && scraped;
      });
      const refused = attempts.length - 1; // retried like the flaky receiver's two 500s
      expect({
        delivered: counted(after, 'cairn_webhook_deliveries_total', 'delivered'),
        retrying: counted(after, 'cairn_webhook_deliveries_total', 'retrying'),
        failed: counted(after, 'cairn_webhook_deliveries_total', 'failed'),
        timedDelivered: counted(after, 'cairn_webhook_delivery_duration_seconds_count', 'delivered'),
      }).toEqual({ delivered: 2, retrying: 2 + refused, failed: 0, timedDelivered: 2 });
    } finally {
      await back.stop();
    }
  });

  it('stops delivering to a deleted webhook and signs with a rotated secret from then on', async () => {
    const { orgId, keys } = orgs.removal;
    receiver.on('/doomed', () => 500);
    const kept = await registerWebhook('removal', '/kept');
    const doomed = await registerWebhook('removal', '/doomed');
    await quarantine(orgId, 'v-one', 'v-two');

    const before = retrievalServing(orgId, ['v-one']);
    await publish(before);
    const beforeId = servedAlertId(orgId, before.id, 'v-one');
    await receiver.waitFor('/kept', 1);
    await receiver.waitFor('/doomed', 1);
    expect((await api('DELETE', `/v1/webhooks/${doomed.id}`, keys.all)).status).toBe(204);
    const statusByWebhook = async (alertId: string) =>
      Object.fromEntries((await tables.deliveries(alertId)).map((row) => [row.webhookId, row.status]));
    await waitFor(
      'the kept delivery to be closed',
      async () => (await statusByWebhook(beforeId))[kept.id] === 'delivered',
    );
    expect(await statusByWebhook(beforeId)).toEqual({ [kept.id]: 'delivered', [doomed.id]: 'cancelled' });

    const rotated = (await api('POST', `/v1/webhooks/${kept.id}/rotate-secret`, keys.all)).body as { secret: string };
    const after = retrievalServing(orgId, ['v-two']);
    await publish(after);
    const afterId = servedAlertId(orgId, after.id, 'v-two');
    const [, delivery] = await receiver.waitFor('/kept', 2);
    expect(header(delivery!, 'Cairn-Event-Id')).toBe(afterId);
    const signature = header(delivery!, 'Cairn-Signature');
    expect(verifyWithDocumentedSnippet(delivery!.body, signature, rotated.secret)).toBe(true);
    expect(verifyWithDocumentedSnippet(delivery!.body, signature, kept.secret)).toBe(false);
    expect((await tables.deliveries(afterId)).map((row) => row.webhookId)).toEqual([kept.id]);
    expect(receiver.to('/doomed').some((request) => header(request, 'Cairn-Event-Id') === afterId)).toBe(false);
  });

  it('loses no delivery when SIGKILLed mid-send: the restarted service sends it again, the alert recorded once', async () => {
    const { orgId } = orgs.crash;
    receiver.on('/crash', (_, nth) => (nth === 1 ? 'hang' : 204));
    await registerWebhook('crash', '/crash');
    await quarantine(orgId, 'v-flagged', 'v-sentinel');
    const cited = generation(orgId);
    await publish(citationOf(orgId, cited, 'v-flagged'));
    const alertId = citedAlertId(orgId, cited.eventId, 'v-flagged');

    const [inFlight] = await receiver.waitFor('/crash', 1);
    expect(await service.kill('SIGKILL')).toBe('SIGKILL');
    receiver.dropHanging();
    const [queued] = await tables.deliveries(alertId);
    expect(queued).toMatchObject({ status: 'pending', attempts: 1 });

    service = await startService('alerting', serviceEnv);
    const [, resent] = await receiver.waitFor('/crash', 2, 60_000);
    expect(header(resent!, 'Cairn-Delivery-Id')).toBe(header(inFlight!, 'Cairn-Delivery-Id'));
    expect(header(resent!, 'Cairn-Event-Id')).toBe(alertId);
    expect(header(resent!, 'Cairn-Delivery-Attempt')).toBe('2');
    await waitFor('the delivery to be closed as delivered', async () =>
      (await tables.deliveries(alertId)).every((row) => row.status === 'delivered'),
    );
    // The killed attempt left no record; the one after the restart did.
    expect((await tables.attempts(queued!.id)).map((attempt) => [attempt.attempt, attempt.statusCode])).toEqual([
      [2, 204],
    ]);

    // Once the restarted consumer has applied a later citation, the first was not raised again.
    const sentinel = generation(orgId);
    await publish(citationOf(orgId, sentinel, 'v-sentinel'));
    await waitForAlert(orgId, (alert) => alert.payload.generation?.eventId === sentinel.eventId, 90_000);
    expect(alertsOf(orgId, (alert) => alert.payload.vectorId === 'v-flagged').map((alert) => alert.id)).toEqual([
      alertId,
    ]);
    expect(await tables.alert(alertId)).toHaveLength(1);
    expect(await tables.deliveries(alertId)).toHaveLength(1);
  });
});
