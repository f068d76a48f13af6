import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Topics } from '@cairn/contracts';
import {
  createTestOrganization,
  REPO_ROOT,
  startService,
  TopicReader,
  waitFor,
  waitForKey,
  type RunningService,
  type TestOrganization,
} from '@cairn/testing';
import {
  badGenerations,
  badRetrievals,
  generationEvent,
  post,
  postOversized,
  retrievalEvent,
  SEED_GENERATION_BODY,
} from './buzo-requests';

describe('ingest gateway (Buzo-compatible) against real Kafka and Postgres', () => {
  let gateway: RunningService;
  let org: TestOrganization;
  let other: TestOrganization;
  let ingest: TopicReader;
  const orgEvents = (orgId: string) => ingest.events.filter((event) => event.orgId === orgId);

  beforeAll(async () => {
    [org, other] = await Promise.all([
      createTestOrganization({ reader: ['read'], ingestOnly: ['ingest'] }),
      createTestOrganization(),
    ]);
    gateway = await startService('ingest-gateway', { RATE_LIMIT_RPS: '1000', RATE_LIMIT_BURST: '1000' });
    await Promise.all([
      waitForKey(`${gateway.url}/v1/quarantine`, org.keys.all!),
      waitForKey(`${gateway.url}/v1/quarantine`, other.keys.all!),
    ]);
    const ours = new Set([org.orgId, other.orgId]);
    ingest = await new TopicReader([Topics.ingest, Topics.vectors], (event) => ours.has(event.orgId)).start();
  });

  afterAll(async () => {
    await ingest?.stop();
    await gateway?.kill('SIGTERM');
  });

  const retrievals = (key: string | undefined, events: unknown[]) =>
    post(`${gateway.url}/v1/retrieval-traces`, key, { events });
  const generations = (key: string | undefined, events: unknown[]) =>
    post(`${gateway.url}/v1/generation-traces`, key, { events });

  it('accepts retrievals and generations and publishes them keyed by organization', async () => {
    const retrieval = retrievalEvent();
    const generation = generationEvent({ parentRunId: 'root' });
    expect(await retrievals(org.keys.all, [retrieval])).toMatchObject({
      status: 200,
      body: { accepted: 1, duplicates: 0 },
    });
    expect(await generations(org.keys.all, [generation])).toMatchObject({
      status: 200,
      body: { accepted: 1, duplicates: 0 },
    });

    const [published] = await ingest.waitForCount(
      1,
      (event) => event.type === 'retrieval.recorded.v1' && event.payload.clientEventId === retrieval.clientEventId,
    );
    expect(published).toMatchObject({
      type: 'retrieval.recorded.v1',
      orgId: org.orgId,
      occurredAt: retrieval.timestamp,
      payload: {
        clientEventId: retrieval.clientEventId,
        source: 'buzo',
        collectionId: retrieval.collectionId,
        query: retrieval.query,
        results: retrieval.results,
        kReturned: 2,
        parentQueryId: 'chain-run-abc',
      },
    });
    const [gen] = await ingest.waitForCount(
      1,
      (event) => event.type === 'generation.recorded.v1' && event.payload.clientEventId === generation.clientEventId,
    );
    expect(gen).toMatchObject({
      orgId: org.orgId,
      payload: { runId: 'chain-run-abc', parentRunId: 'root', output: generation.output },
    });
  });

  it("accepts the seed's curl example exactly as written", async () => {
    const response = await post(`${gateway.url}/v1/generation-traces`, org.keys.all, SEED_GENERATION_BODY);
    expect(response.status).toBe(200);
    expect(
      (response.body as { accepted: number; duplicates: number }).accepted +
        (response.body as { duplicates: number }).duplicates,
    ).toBe(1);
    await ingest.waitForCount(
      1,
      (event) =>
        event.type === 'generation.recorded.v1' &&
        event.payload.clientEventId === '01913e1f-3a40-7b2c-8d4f-bbbb00000001' &&
        event.orgId === org.orgId,
    );
  });

  it.each(badRetrievals)(
    'rejects a retrieval with %s (400 naming %s), publishing nothing',
    async (_name, overrides, field) => {
      const good = retrievalEvent();
      const bad = retrievalEvent(overrides);
      const response = await retrievals(org.keys.all, [good, bad]);
      expect(response.status).toBe(400);
      const body = response.body as { detail: string; errors: { index?: number; field: string }[] };
      expect(body.detail).toMatch(/nothing was accepted/);
      expect(body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ index: 1, field })]));
      expect(body.errors.every((error) => error.index === 1)).toBe(true);
      // The valid event of the rejected batch was not recorded: sending it alone is accepted.
      expect(await retrievals(org.keys.all, [good])).toMatchObject({
        status: 200,
        body: { accepted: 1, duplicates: 0 },
      });
    },
  );

  it.each(badGenerations)('rejects a generation with %s (400 naming %s)', async (_name, overrides, field) => {
    const response = await generations(org.keys.all, [generationEvent(overrides)]);
    expect(response.status).toBe(400);
    expect((response.body as { errors: unknown[] }).errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ index: 0, field })]),
    );
  });

  it('rejects empty and oversized batches', async () => {
    expect((await retrievals(org.keys.all, [])).status).toBe(400);
    const tooMany = Array.from({ length: 101 }, () => retrievalEvent());
    const response = await retrievals(org.keys.all, tooMany);
    expect(response.status).toBe(400);
    expect((response.body as { errors: { field: string }[] }).errors[0]?.field).toBe('events');
    expect(
      (
        await generations(
          org.keys.all,
          Array.from({ length: 51 }, () => generationEvent()),
        )
      ).status,
    ).toBe(400);
  });

  it('answers 415 for a wrong content type and 413 for a body over the limit', async () => {
    const wrongType = await fetch(`${gateway.url}/v1/generation-traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${org.keys.all}`, 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(wrongType.status).toBe(415);
    const huge = await postOversized(`${gateway.url}/v1/generation-traces`, org.keys.all!, 17 * 1024 * 1024);
    expect(huge.status).toBe(413);
    expect(huge.body).toEqual({ detail: expect.any(String) as string });
  });

  it('counts duplicates within a batch, across batches, and between concurrent requests', async () => {
    const first = generationEvent();
    const second = generationEvent();
    expect(await generations(org.keys.all, [first, first, second])).toMatchObject({
      body: { accepted: 2, duplicates: 1 },
    });
    expect(await generations(org.keys.all, [first, second])).toMatchObject({ body: { accepted: 0, duplicates: 2 } });

    const racing = generationEvent();
    const results = await Promise.all(Array.from({ length: 4 }, () => generations(org.keys.all, [racing])));
    const bodies = results.map((result) => result.body as { accepted: number; duplicates: number });
    expect(bodies.reduce((sum, body) => sum + body.accepted, 0)).toBe(1);
    expect(bodies.reduce((sum, body) => sum + body.duplicates, 0)).toBe(3);
    await ingest.waitForCount(
      1,
      (event) => event.type === 'generation.recorded.v1' && event.payload.clientEventId === racing.clientEventId,
    );
    // Whatever the race, one event per client event id reached Kafka.
    const sentinel = generationEvent();
    await generations(org.keys.all, [sentinel]);
    await ingest.waitForCount(
      1,
      (event) => event.type === 'generation.recorded.v1' && event.payload.clientEventId === sentinel.clientEventId,
    );
    const copies = (id: string) =>
      orgEvents(org.orgId).filter(
        (event) => event.type === 'generation.recorded.v1' && event.payload.clientEventId === id,
      );
    expect([
      copies(first.clientEventId).length,
      copies(second.clientEventId).length,
      copies(racing.clientEventId).length,
    ]).toEqual([1, 1, 1]);
  });

  it('authenticates: no key, unknown key, wrong scope, and the organization always comes from the key', async () => {
    expect((await generations(undefined, [generationEvent()])).status).toBe(401);
    expect((await generations('ck_unknownkey1_' + 'a'.repeat(43), [generationEvent()])).status).toBe(401);
    expect((await generations(org.keys.reader, [generationEvent()])).status).toBe(403);
    const viaHeader = await post(
      `${gateway.url}/v1/generation-traces`,
      undefined,
      { events: [generationEvent()] },
      { 'x-api-key': org.keys.ingestOnly! },
    );
    expect(viaHeader.status).toBe(200);

    const sameId = generationEvent();
    const smuggled = await generations(other.keys.all, [{ ...sameId, orgId: org.orgId }]);
    expect(smuggled.status).toBe(400);
    expect((smuggled.body as { errors: { field: string }[] }).errors[0]?.field).toBe('orgId');
    expect(await generations(other.keys.all, [sameId])).toMatchObject({ body: { accepted: 1 } });
    expect(await generations(org.keys.all, [sameId])).toMatchObject({ body: { accepted: 1 } });
    const published = await ingest.waitForCount(
      2,
      (event) => event.type === 'generation.recorded.v1' && event.payload.clientEventId === sameId.clientEventId,
    );
    expect(published.map((event) => event.orgId).sort()).toEqual([org.orgId, other.orgId].sort());
    expect(new Set(published.map((event) => event.id)).size).toBe(2);
  });

  it('quarantines, approves and lists vectors (admin to change, read to list)', async () => {
    const change = { collectionId: 'kb', vectorIds: ['v-1', 'v-2'], reason: 'poisoned' };
    expect((await post(`${gateway.url}/v1/vectors/quarantine`, org.keys.reader, change)).status).toBe(403);
    expect(await post(`${gateway.url}/v1/vectors/quarantine`, org.keys.all, change)).toMatchObject({
      status: 200,
      body: { accepted: 2 },
    });
    expect(
      await post(`${gateway.url}/v1/vectors/approve`, org.keys.all, { collectionId: 'kb', vectorIds: ['v-2'] }),
    ).toMatchObject({ status: 200 });
    expect((await post(`${gateway.url}/v1/vectors/delete`, org.keys.all, change)).status).toBe(404);
    expect(
      (await post(`${gateway.url}/v1/vectors/quarantine`, org.keys.all, { collectionId: 'kb', vectorIds: [] })).status,
    ).toBe(400);

    const list = async (state = 'QUARANTINED') => {
      const response = await fetch(`${gateway.url}/v1/quarantine?state=${state}`, {
        headers: { authorization: `Bearer ${org.keys.reader}` },
      });
      return ((await response.json()) as { items: { vectorId: string; reason: string | null }[] }).items;
    };
    await ingest.waitForCount(3, (event) => event.orgId === org.orgId && event.type.startsWith('vector.'));
    await waitFor(
      'quarantine list to reflect the changes',
      async () => (await list()).length === 1 && (await list('APPROVED')).length === 1,
    );
    expect(await list()).toEqual([expect.objectContaining({ vectorId: 'v-1', reason: 'poisoned' })]);
  });

  it('answers 503 within 5 s while Kafka is down, accepting nothing, and accepts the same request once it is back', async () => {
    const stackCli = path.join(REPO_ROOT, 'tools/stack/cli.mjs');
    const event = generationEvent();
    expect(spawnSync(process.execPath, [stackCli, 'kafka-stop'], { stdio: 'inherit' }).status).toBe(0);
    try {
      const started = Date.now();
      const response = await generations(org.keys.all, [event]);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      expect(spawnSync(process.execPath, [stackCli, 'kafka-start'], { stdio: 'inherit' }).status).toBe(0);
    }
    const accepted = await waitFor(
      'the gateway to accept again',
      async () => {
        const response = await generations(org.keys.all, [event]);
        return response.status === 200 ? response.body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(accepted).toEqual({ accepted: 1, duplicates: 0 });
  });

  it('serves its OpenAPI document, covering every route', async () => {
    const response = await fetch(`${gateway.url}/openapi.json`);
    const document = (await response.json()) as { paths: Record<string, unknown> };
    for (const route of ['/v1/retrieval-traces', '/v1/generation-traces', '/v1/vectors/{action}', '/v1/quarantine']) {
      expect(document.paths).toHaveProperty([route]);
    }
  });
});
