import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HoneyHive } from 'honeyhive';
import { Topics, type CairnEvent } from '@cairn/contracts';
import {
  createTestOrganization,
  REPO_ROOT,
  startService,
  TopicReader,
  waitForKey,
  type RunningService,
  type TestOrganization,
} from '@cairn/testing';
import { post } from './buzo-requests';

const fixture = (vendor: string, name: string) =>
  readFileSync(path.join(REPO_ROOT, 'libs/vendors/src', vendor, 'fixtures', name), 'utf8');

describe('vendor-compatible ingestion against real Kafka and Postgres', () => {
  let gateway: RunningService;
  let org: TestOrganization;
  let ingest: TopicReader;
  const spans = (vendor: string) =>
    ingest.events.filter(
      (event): event is Extract<CairnEvent, { type: 'span.recorded.v1' }> =>
        event.type === 'span.recorded.v1' && event.payload.source === vendor,
    );

  beforeAll(async () => {
    org = await createTestOrganization();
    gateway = await startService('ingest-gateway');
    await waitForKey(`${gateway.url}/v1/quarantine`, org.keys.all!);
    ingest = await new TopicReader([Topics.ingest], (event) => event.orgId === org.orgId).start();
  });

  afterAll(async () => {
    await ingest?.stop();
    await gateway?.kill('SIGTERM');
  });

  it("accepts Basalt's seed trace as written, answers in Basalt's shape, and records its span tree once", async () => {
    const body = fixture('basalt', 'monitor-trace.request.json');
    const first = await post(`${gateway.url}/monitor/trace`, org.keys.all, body);
    expect(first.status).toBe(200);
    // Basalt's documented shape; the id is Cairn's (the seed's "123" is an example value).
    expect(first.body).toEqual({ trace: { id: expect.any(String) as string }, warning: null });
    const published = await ingest.waitForCount(
      2,
      (event) => event.type === 'span.recorded.v1' && event.payload.source === 'basalt',
    );
    const root = published.find(
      (event) => event.type === 'span.recorded.v1' && event.payload.parentSpanId === undefined,
    );
    expect(root).toBeDefined();
    for (const span of spans('basalt')) expect(span.payload.traceId).toBe(spans('basalt')[0]!.payload.traceId);

    const again = await post(`${gateway.url}/monitor/trace`, org.keys.all, body);
    expect(again.status).toBe(200);
    const count = spans('basalt').length;
    // A later event proves the resend published nothing new.
    await post(`${gateway.url}/v1/generation-traces`, org.keys.all, {
      events: [
        {
          clientEventId: 'sentinel-basalt',
          output: { text: 'x' },
          latencyMs: 1,
          timestamp: new Date().toISOString(),
          sdk: { lang: 'ts', version: '1' },
        },
      ],
    });
    await ingest.waitForCount(
      1,
      (event) => event.type === 'generation.recorded.v1' && event.payload.clientEventId === 'sentinel-basalt',
    );
    expect(spans('basalt')).toHaveLength(count);
  });

  it("accepts Parea's seed trace log with x-api-key, answering null, and refuses bad input with FastAPI's 422", async () => {
    const project = await post(
      `${gateway.url}/api/parea/v1/project`,
      undefined,
      { name: 'demo' },
      { 'x-api-key': org.keys.all! },
    );
    expect(project).toMatchObject({ status: 200, body: { name: 'demo', was_created: true } });
    const log = await post(
      `${gateway.url}/api/parea/v1/trace_log`,
      undefined,
      fixture('parea', 'trace-log.request.json'),
      {
        'x-api-key': org.keys.all!,
      },
    );
    expect(log).toEqual(expect.objectContaining({ status: 200, body: null }));
    await ingest.waitForCount(1, (event) => event.type === 'span.recorded.v1' && event.payload.source === 'parea');

    const bad = await post(
      `${gateway.url}/api/parea/v1/trace_log`,
      undefined,
      { trace_id: 5 },
      { 'x-api-key': org.keys.all! },
    );
    expect(bad.status).toBe(422);
    expect((bad.body as { detail: { loc: string[] }[] }).detail[0]?.loc[0]).toBe('body');
  });

  it("accepts Galtea's seed batch, both as a bare array and as {traces}, answering the created traces", async () => {
    const traces = JSON.parse(fixture('galtea', 'traces-batch.request.json')) as unknown[];
    const bare = await post(`${gateway.url}/traces/batch`, org.keys.all, traces);
    expect(bare.status).toBe(200);
    expect(Array.isArray(bare.body)).toBe(true);
    expect((bare.body as { id: string }[]).length).toBe(traces.length);
    const wrapped = await post(`${gateway.url}/traces/batch`, org.keys.all, { traces });
    expect(wrapped.status).toBe(200);
    await ingest.waitForCount(
      traces.length,
      (event) => event.type === 'span.recorded.v1' && event.payload.source === 'galtea',
    );

    const bad = await post(`${gateway.url}/traces/batch`, org.keys.all, [
      { ...(traces[0] as object), startTime: 'not a time' },
    ]);
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: { field: string }[] }).errors[0]?.field).toMatch(/startTime/);
  });

  it('takes a batch from the real HoneyHive TypeScript SDK pointed at the gateway', async () => {
    const client = new HoneyHive({ bearerAuth: org.keys.all!, serverURL: gateway.url });
    const sessionId = '7f0f4a7e-3c1a-4d7c-9a57-2f7e0c3a1d01';
    const response = await client.events.createEventBatch({
      events: [
        {
          project: 'cairn-test',
          source: 'sdk-test',
          eventName: 'retriever',
          eventType: 'tool',
          eventId: '7f0f4a7e-3c1a-4d7c-9a57-2f7e0c3a1d02',
          sessionId,
          config: {},
          inputs: { query: 'reset link lifetime' },
          outputs: { documents: [{ id: 'doc-1', content: 'Reset links expire after 24 hours.', score: 0.9 }] },
          duration: 12,
          startTime: 1_776_521_000_000,
        },
        {
          project: 'cairn-test',
          source: 'sdk-test',
          eventName: 'openai.chat',
          eventType: 'model',
          eventId: '7f0f4a7e-3c1a-4d7c-9a57-2f7e0c3a1d03',
          sessionId,
          config: { model: 'gpt-4o' },
          inputs: { chat_history: [{ role: 'user', content: 'How long is a reset link valid?' }] },
          outputs: { content: 'Reset links expire after 24 hours.' },
          duration: 800,
          startTime: 1_776_521_000_100,
        },
      ],
    });
    expect(response.success).toBe(true);
    expect(response.eventIds).toHaveLength(2);
    const published = await ingest.waitForCount(
      2,
      (event) => event.type === 'span.recorded.v1' && event.payload.source === 'honeyhive',
    );
    // The tool event returned documents with ids, so it is a retrieval span (and a retrieval event).
    expect(published.map((event) => event.type === 'span.recorded.v1' && event.payload.kind).sort()).toEqual([
      'generation',
      'retrieval',
    ]);
    await ingest.waitForCount(
      1,
      (event) => event.type === 'retrieval.recorded.v1' && event.payload.source === 'honeyhive',
    );
    await ingest.waitForCount(
      1,
      (event) => event.type === 'generation.recorded.v1' && event.payload.source === 'honeyhive',
    );
  });
});
