import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  createTestOrganization,
  metricSample,
  REPO_ROOT,
  startService,
  testEnvironment,
  waitFor,
  waitForKey,
  type RunningService,
  type TestOrganization,
} from '@cairn/testing';

const generation = () => ({
  clientEventId: randomUUID(),
  runId: `run-${randomUUID()}`,
  output: { text: 'Reset links expire in 24 hours.' },
  latencyMs: 812,
  timestamp: new Date().toISOString(),
  sdk: { lang: 'ts', version: '0.4.0' },
});

describe('GET /metrics on a real service', () => {
  let gateway: RunningService;
  let org: TestOrganization;

  const scrape = async () => {
    const response = await fetch(`${gateway.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  beforeAll(async () => {
    org = await createTestOrganization();
    gateway = await startService('ingest-gateway');
    await waitForKey(`${gateway.url}/v1/quarantine`, org.keys.all!);
  });

  afterAll(async () => {
    await gateway?.kill('SIGTERM');
  });

  it('counts HTTP requests by route pattern and status, and events published per topic', async () => {
    const before = await scrape();
    const route = { method: 'POST', route: '/v1/generation-traces' };
    const accepted = { ...route, status: '200' };
    const published = { topic: 'cairn.ingest.v1' };

    for (let batch = 0; batch < 3; batch += 1) {
      const response = await fetch(`${gateway.url}/v1/generation-traces`, {
        method: 'POST',
        headers: { authorization: `Bearer ${org.keys.all!}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events: [generation(), generation()] }),
      });
      expect(response.status).toBe(200);
    }
    const unauthorized = await fetch(`${gateway.url}/v1/generation-traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events: [generation()] }),
    });
    expect(unauthorized.status).toBe(401);
    expect((await fetch(`${gateway.url}/no/such/route`)).status).toBe(404);

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) =>
      (metricSample(after, name, labels) ?? 0) - (metricSample(before, name, labels) ?? 0);
    expect(delta('cairn_http_requests_total', accepted)).toBe(3);
    expect(delta('cairn_http_requests_total', { ...route, status: '401' })).toBe(1);
    expect(delta('cairn_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(delta('cairn_http_request_duration_seconds_count', accepted)).toBe(3);
    expect(delta('cairn_events_published_total', published)).toBe(6);
    expect(metricSample(after, 'cairn_service_info', { service: 'ingest-gateway' })).toBe(1);
    expect(metricSample(after, 'process_cpu_seconds_total')).toBeGreaterThan(0);
  });

  it('counts consumed events and reports consumer lag per group and partition', async () => {
    // The gateway keeps its key copy from cairn.access.v1 (group ingest-gateway-access); the test
    // organization's access events went through it before its key worked.
    const group = { group: 'ingest-gateway-access', topic: 'cairn.access.v1' };
    const text = await waitFor('the lag gauge and the consumer counters', async () => {
      const scraped = await scrape();
      return metricSample(scraped, 'cairn_consumer_lag', group) !== undefined ? scraped : undefined;
    });
    expect(metricSample(text, 'cairn_consumer_messages_total', group)).toBeGreaterThan(0);
    expect(metricSample(text, 'cairn_consumer_batch_duration_seconds_count', group)).toBeGreaterThan(0);
    expect(metricSample(text, 'cairn_consumer_handler_duration_seconds_count', group)).toBeGreaterThan(0);
    const partitions = [
      ...text.matchAll(
        /^cairn_consumer_lag\{group="ingest-gateway-access",topic="cairn\.access\.v1",partition="(\d+)"\} (\d+)$/gm,
      ),
    ];
    expect(partitions.length).toBe(12);
    for (const match of partitions) expect(Number(match[2])).toBeGreaterThanOrEqual(0);
  });

  it('echoes a caller request id, or makes one', async () => {
    const given = await fetch(`${gateway.url}/health/live`, { headers: { 'x-request-id': 'trace-abc.123' } });
    expect(given.headers.get('x-request-id')).toBe('trace-abc.123');
    const made = await fetch(`${gateway.url}/health/live`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('--migrate-only', () => {
  it('migrates the schema and exits 0 without listening', async () => {
    const { databaseUrl } = testEnvironment();
    const child = spawn(
      process.execPath,
      [
        '-r',
        path.join(REPO_ROOT, 'tools/register.cjs'),
        path.join(REPO_ROOT, 'apps/matcher/src/main.ts'),
        '--migrate-only',
      ],
      {
        cwd: REPO_ROOT,
        // An unroutable broker: migrating must not need Kafka.
        env: { ...process.env, KAFKA_BROKERS: '127.0.0.1:1', DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect({ code, output }).toMatchObject({ code: 0, output: expect.stringContaining('migrations done') as unknown });
    expect(output).not.toContain('listening on');
  });
});
