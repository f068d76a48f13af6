import type { EventOf } from '@cairn/contracts';
import {
  createTestOrganization,
  startTsProcess,
  uniqueName,
  waitForKey,
  waitForOutput,
  type TestOrganization,
} from '@cairn/testing';
import { alertEvent, COLLECTION, eventId, spanEvent, vectorDecision } from './events';
import { event, LedgerHarness, runTs, type HttpAnswer } from './harness';

const REBUILD_CLI = 'apps/audit-ledger/src/rebuild-cli.ts';

/**
 * A Buzo run whose retrieval and generation are an hour apart, so a correlation service running on the
 * shared broker does not correlate them: the correlation and citations here are the test's own.
 */
function buzoRun(orgId: string, prefix: string, output: string) {
  const retrieval = event({
    id: eventId(orgId, `${prefix}-retrieval`),
    type: 'retrieval.recorded.v1',
    orgId,
    occurredAt: '2026-04-18T10:00:00.000Z',
    payload: {
      clientEventId: `${prefix}-retrieval`,
      source: 'buzo',
      collectionId: COLLECTION,
      query: { text: 'how long is a reset link valid?' },
      results: [
        { id: 'v1', score: 0.92, content: 'Reset links expire after 24 hours.' },
        { id: 'v2', score: 0.71, content: 'Support can resend a link.' },
      ],
      latencyMs: 40,
      kReturned: 2,
      timestamp: '2026-04-18T10:00:00.000Z',
      parentQueryId: 'run-1',
      agentId: 'support-bot',
    },
  });
  const generation = event({
    id: eventId(orgId, `${prefix}-generation`),
    type: 'generation.recorded.v1',
    orgId,
    occurredAt: '2026-04-18T11:00:00.000Z',
    payload: {
      clientEventId: 'gen-1',
      source: 'buzo',
      output: { text: output },
      latencyMs: 800,
      timestamp: '2026-04-18T11:00:00.000Z',
      runId: 'run-1',
      ...(prefix === 'a' ? { parentRunId: 'root-1' } : {}),
      model: 'gpt-4o',
    },
  });
  return { retrieval, generation };
}

function citation(
  orgId: string,
  name: string,
  generation: EventOf<'generation.recorded.v1'>,
  retrieval: EventOf<'retrieval.recorded.v1'>,
  vectorId: string,
  match: { tier: 'verbatim' | 'ngram'; score: number; spans: { start: number; end: number }[]; version: string },
): EventOf<'citation.detected.v1'> {
  return event({
    id: eventId(orgId, name),
    type: 'citation.detected.v1',
    orgId,
    occurredAt: generation.occurredAt,
    payload: {
      generation: { eventId: generation.id, clientEventId: generation.payload.clientEventId, runId: 'run-1' },
      collectionId: COLLECTION,
      vectorId,
      retrievalEventId: retrieval.id,
      tier: match.tier,
      score: match.score,
      spans: match.spans,
      matcherVersion: match.version,
    },
  });
}

interface Page<T> {
  items: T[];
  next: string | null;
}
type TraceSummary = { id: string; vendor: string; name: string | null };
type SpanNode = { spanId: string; children: SpanNode[] };
const spanShape = (nodes: SpanNode[]): unknown[] => nodes.map((node) => [node.spanId, spanShape(node.children)]);

describe('audit ledger: projections, query API and rebuild against real Kafka and Postgres', () => {
  const harness = new LedgerHarness();
  let a: TestOrganization;
  let b: TestOrganization;
  const filler = uniqueName('filler');
  let runA: ReturnType<typeof buzoRun>;
  let runB: ReturnType<typeof buzoRun>;
  const get = <T>(pathAndQuery: string, org: TestOrganization): Promise<HttpAnswer<T>> =>
    harness.get<T>(pathAndQuery, org.keys.all);
  const ids = (page: HttpAnswer<Page<{ id: string }>>) => page.body.items.map((item) => item.id);

  beforeAll(async () => {
    await harness.prepare();
    [a, b] = await Promise.all([createTestOrganization(), createTestOrganization()]);
    await harness.start();
    await Promise.all([a, b].map((org) => waitForKey(`${harness.url}/v1/traces`, org.keys.all!)));

    runA = buzoRun(a.orgId, 'a', 'Your reset link expires after 24 hours; support can resend it.');
    runB = buzoRun(b.orgId, 'b', 'B output');
    const correlation = event({
      id: eventId(a.orgId, 'correlation'),
      type: 'generation.correlated.v1',
      orgId: a.orgId,
      occurredAt: '2026-04-18T11:00:00.000Z',
      payload: {
        generation: {
          eventId: runA.generation.id,
          clientEventId: 'gen-1',
          runId: 'run-1',
          parentRunId: 'root-1',
          timestamp: '2026-04-18T11:00:00.000Z',
          outputText: runA.generation.payload.output.text!,
        },
        retrievals: [
          {
            eventId: runA.retrieval.id,
            clientEventId: 'a-retrieval',
            collectionId: COLLECTION,
            timestamp: '2026-04-18T10:00:00.000Z',
          },
        ],
        vectors: [
          {
            collectionId: COLLECTION,
            vectorId: 'v1',
            retrievalEventId: runA.retrieval.id,
            score: 0.92,
            contentSource: 'retrieval',
          },
        ],
      },
    });
    const { retrieval, generation } = runA;
    const vendorSpan = (spanId: string, parentSpanId: string | undefined, name: string, second: number) =>
      spanEvent(a.orgId, `vt-${spanId}`, {
        traceId: 'vt-1',
        spanId,
        ...(parentSpanId === undefined ? {} : { parentSpanId }),
        name,
        startTime: `2026-04-18T13:00:0${second}.000Z`,
        endTime: `2026-04-18T13:00:0${second + 1}.000Z`,
      });
    const vendorGeneration = event({
      id: eventId(a.orgId, 'vendor-generation'),
      type: 'generation.recorded.v1',
      orgId: a.orgId,
      occurredAt: '2026-04-18T13:00:02.000Z',
      payload: {
        clientEventId: 'vendor-gen-1',
        source: 'parea',
        output: { text: 'vendor answer' },
        latencyMs: 1000,
        timestamp: '2026-04-18T13:00:02.000Z',
        traceId: 'vt-1',
        spanId: 'llm',
      },
    });
    await harness.publish(
      retrieval,
      generation,
      // Children before their parents: the tree is built from whatever has arrived.
      vendorSpan('tool', 'llm', 'search-tool', 3),
      vendorSpan('llm', 'root', 'llm-call', 2),
      vendorSpan('retrieve', 'root', 'retriever', 1),
      vendorSpan('root', undefined, 'answer-question', 0),
      vendorGeneration,
      correlation,
      citation(a.orgId, 'cite-v1', generation, retrieval, 'v1', {
        tier: 'verbatim',
        score: 0.9,
        spans: [{ start: 0, end: 24 }],
        version: 'm1',
      }),
      citation(a.orgId, 'cite-v2', generation, retrieval, 'v2', {
        tier: 'ngram',
        score: 3.2,
        spans: [{ start: 26, end: 62 }],
        version: 'm1',
      }),
      citation(a.orgId, 'cite-v1-again', generation, retrieval, 'v1', {
        tier: 'verbatim',
        score: 0.95,
        spans: [{ start: 0, end: 25 }],
        version: 'm2',
      }),
      alertEvent(a.orgId, 'alert-1', 'SERVED_FLAGGED', 'v7', '2026-04-18T12:00:00.000Z'),
      alertEvent(a.orgId, 'alert-2', 'CITED_FLAGGED', 'v8', '2026-04-18T12:05:00.000Z'),
      alertEvent(a.orgId, 'alert-3', 'SERVED_FLAGGED', 'v9', '2026-04-18T12:10:00.000Z'),
      vectorDecision(a.orgId, 'q-1', 'vector.quarantined.v1', 'q-1'),
      vectorDecision(a.orgId, 'q-2', 'vector.quarantined.v1', 'q-2', '2026-04-18T14:22:18.015Z'),
      vectorDecision(a.orgId, 'q-2-approved', 'vector.approved.v1', 'q-2', '2026-04-18T14:30:00.000Z'),
      runB.retrieval,
      runB.generation,
      alertEvent(b.orgId, 'alert-b', 'CITED_FLAGGED', 'v1', '2026-04-18T12:00:00.000Z'),
    );
    await Promise.all([harness.waitForChainLength(a.orgId, 19), harness.waitForChainLength(b.orgId, 5)]);
    await Promise.all([harness.waitForProjected(a.orgId), harness.waitForProjected(b.orgId)]);
  });

  afterAll(async () => {
    await harness.close();
  });

  it('lists traces newest first, filtered by vendor, name and time, page by page', async () => {
    expect(ids(await get('/v1/traces', a))).toEqual(['vt-1', 'root-1', 'run-1']);
    const all = await get<Page<TraceSummary & Record<string, unknown>>>('/v1/traces', a);
    expect(all.body.items).toEqual([
      {
        id: 'vt-1',
        vendor: 'parea',
        name: 'answer-question',
        startedAt: '2026-04-18T13:00:00.000Z',
        endedAt: '2026-04-18T13:00:04.000Z',
        spanCount: 4,
        retrievalCount: 0,
        generationCount: 1,
      },
      {
        id: 'root-1',
        vendor: 'buzo',
        name: null,
        startedAt: '2026-04-18T11:00:00.000Z',
        endedAt: '2026-04-18T11:00:00.000Z',
        spanCount: 0,
        retrievalCount: 0,
        generationCount: 1,
      },
      {
        id: 'run-1',
        vendor: 'buzo',
        name: 'support-bot',
        startedAt: '2026-04-18T10:00:00.000Z',
        endedAt: '2026-04-18T11:00:00.000Z',
        spanCount: 0,
        retrievalCount: 1,
        generationCount: 1,
      },
    ]);
    expect(all.body.next).toBeNull();
    expect(ids(await get('/v1/traces?vendor=buzo', a))).toEqual(['root-1', 'run-1']);
    expect(ids(await get('/v1/traces?name=ANSWER', a))).toEqual(['vt-1']);
    expect(ids(await get('/v1/traces?name=%25', a))).toEqual([]);
    expect(ids(await get('/v1/traces?from=2026-04-18T10:30:00Z', a))).toEqual(['vt-1', 'root-1']);
    expect(ids(await get('/v1/traces?to=2026-04-18T10:30:00Z', a))).toEqual(['run-1']);

    const pages: string[][] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: HttpAnswer<Page<TraceSummary>> = await get(
        `/v1/traces?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        a,
      );
      pages.push(ids(page));
      cursor = page.body.next;
    }
    expect(pages).toEqual([['vt-1'], ['root-1'], ['run-1']]);
  });

  it.each([
    ['vendor=acme', 'vendor'],
    ['from=yesterday', 'from'],
    ['from=2026-04-18T12:00:00Z&to=2026-04-18T11:00:00Z', 'to'],
    ['cursor=garbage', 'cursor'],
    ['limit=1000', 'limit'],
    ['page=2', 'page'],
  ])('answers 400 naming the field for /v1/traces?%s', async (query, field) => {
    const { status, body } = await get<{ detail: string; errors: { field: string }[] }>(`/v1/traces?${query}`, a);
    expect(status).toBe(400);
    expect(body.errors.map((error) => error.field)).toEqual([field]);
    expect(body.detail).toBe(`invalid query parameter(s): ${field}`);
  });

  it('returns a Buzo trace with its retrievals, generations and current citations', async () => {
    const { status, body } = await get<Record<string, unknown>>('/v1/traces/run-1', a);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: 'run-1',
      spans: [],
      retrievals: [
        {
          eventId: runA.retrieval.id,
          clientEventId: 'a-retrieval',
          parentQueryId: 'run-1',
          results: runA.retrieval.payload.results,
        },
      ],
      generations: [{ eventId: runA.generation.id, clientEventId: 'gen-1', runId: 'run-1', parentRunId: 'root-1' }],
      citations: [
        { vectorId: 'v2', tier: 'ngram', score: 3.2, spans: [{ start: 26, end: 62 }], matcherVersion: 'm1' },
        { vectorId: 'v1', tier: 'verbatim', score: 0.95, spans: [{ start: 0, end: 25 }], matcherVersion: 'm2' },
      ],
    });
  });

  it('returns a vendor trace as a span tree', async () => {
    const { body } = await get<{ spans: SpanNode[]; generations: { clientEventId: string }[] }>('/v1/traces/vt-1', a);
    expect(spanShape(body.spans)).toEqual([
      [
        'root',
        [
          ['retrieve', []],
          ['llm', [['tool', []]]],
        ],
      ],
    ]);
    expect(body.spans[0]).toMatchObject({
      spanId: 'root',
      name: 'answer-question',
      kind: 'chain',
      eventId: eventId(a.orgId, 'vt-root'),
    });
    expect(body.generations.map((generation) => generation.clientEventId)).toEqual(['vendor-gen-1']);
  });

  it('returns a generation with what it cited', async () => {
    const { status, body } = await get('/v1/generations/gen-1', a);
    expect(status).toBe(200);
    expect(body).toEqual({
      ...runA.generation.payload,
      eventId: runA.generation.id,
      traceIds: ['run-1', 'root-1'],
      citations: [
        {
          eventId: eventId(a.orgId, 'cite-v2'),
          generationEventId: runA.generation.id,
          collectionId: COLLECTION,
          vectorId: 'v2',
          retrievalEventId: runA.retrieval.id,
          tier: 'ngram',
          score: 3.2,
          spans: [{ start: 26, end: 62 }],
          matcherVersion: 'm1',
        },
        {
          eventId: eventId(a.orgId, 'cite-v1-again'),
          generationEventId: runA.generation.id,
          collectionId: COLLECTION,
          vectorId: 'v1',
          retrievalEventId: runA.retrieval.id,
          tier: 'verbatim',
          score: 0.95,
          spans: [{ start: 0, end: 25 }],
          matcherVersion: 'm2',
        },
      ],
    });
  });

  it('lists alerts newest first by type and time, page by page', async () => {
    const all = await get<Page<{ id: string } & Record<string, unknown>>>('/v1/alerts', a);
    expect(all.body.items[0]).toEqual({
      id: eventId(a.orgId, 'alert-3'),
      type: 'SERVED_FLAGGED',
      collectionId: COLLECTION,
      vectorId: 'v9',
      quarantineReason: 'test',
      retrieval: { eventId: eventId(a.orgId, 'alert-3-retrieval'), clientEventId: 'alert-3-retrieval' },
      occurredAt: '2026-04-18T12:10:00.000Z',
    });
    const alertIds = (...names: string[]) => names.map((name) => eventId(a.orgId, name));
    expect(ids(all)).toEqual(alertIds('alert-3', 'alert-2', 'alert-1'));
    expect(ids(await get('/v1/alerts?type=CITED_FLAGGED', a))).toEqual(alertIds('alert-2'));
    expect(ids(await get('/v1/alerts?since=2026-04-18T12:04:00Z', a))).toEqual(alertIds('alert-3', 'alert-2'));
    const first = await get<Page<{ id: string }>>('/v1/alerts?limit=2', a);
    expect(ids(first)).toEqual(alertIds('alert-3', 'alert-2'));
    const second = await get<Page<{ id: string }>>(`/v1/alerts?limit=2&cursor=${first.body.next}`, a);
    expect(ids(second)).toEqual(alertIds('alert-1'));
    expect(second.body.next).toBeNull();
    expect(await get('/v1/alerts?type=flagged', a)).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'type' }] },
    });
  });

  it('answers 404 for unknown ids', async () => {
    expect((await get('/v1/traces/no-such-trace', a)).status).toBe(404);
    expect((await get('/v1/generations/no-such-generation', a)).status).toBe(404);
  });

  it('reports the projection lag on /metrics', async () => {
    const { status, text } = await harness.get('/metrics', undefined);
    expect(status).toBe(200);
    expect(text).toMatch(/^cairn_ledger_projection_lag_entries \d+$/m);
  });

  it('keeps the current quarantine state per vector', async () => {
    const { rows } = await harness.pool.query<{ vector_id: string; state: string }>(
      'SELECT vector_id, state FROM projections.quarantine WHERE org_id = $1 ORDER BY vector_id',
      [a.orgId],
    );
    expect(rows).toEqual([
      { vector_id: 'q-1', state: 'QUARANTINED' },
      { vector_id: 'q-2', state: 'APPROVED' },
    ]);
  });

  it("never shows one organization's traces, generations, alerts or ledger to another", async () => {
    expect(ids(await get('/v1/traces', b))).toEqual(['run-1']);
    const bRun = await get<{ retrievals: { eventId: string }[]; generations: { eventId: string }[] }>(
      '/v1/traces/run-1',
      b,
    );
    expect(bRun.body.retrievals.map((r) => r.eventId)).toEqual([runB.retrieval.id]);
    expect(bRun.body.generations.map((g) => g.eventId)).toEqual([runB.generation.id]);
    expect((await get('/v1/traces/vt-1', b)).status).toBe(404);
    expect((await get('/v1/traces/root-1', b)).status).toBe(404);
    expect(await get('/v1/generations/gen-1', b)).toMatchObject({
      status: 200,
      body: { eventId: runB.generation.id, output: { text: 'B output' }, citations: [] },
    });
    expect(ids(await get('/v1/alerts', b))).toEqual([eventId(b.orgId, 'alert-b')]);

    const exported = await get('/v1/audit/entries', b);
    const lines = exported.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { orgId: string });
    expect(lines).toHaveLength(5);
    expect(new Set(lines.map((line) => line.orgId))).toEqual(new Set([b.orgId]));
    expect((await get('/v1/audit/verify', b)).body).toMatchObject({ ok: true, entries: 5 });
  });

  it('rebuilds every projection identically, and resumes an interrupted rebuild', async () => {
    // Enough entries that the rebuild below, one entry per transaction, is still running when interrupted.
    await harness.publish(...Array.from({ length: 1_500 }, (_, i) => spanEvent(filler, `filler-${i}`)));
    await harness.waitForChainLength(filler, 1_500);
    // Other runs keep publishing on the shared topics: without the writer the ledger stops growing and
    // the live projections (built by the projector as it runs, never rebuilt) can catch up with it.
    await harness.stop();
    await harness.start({ LEDGER_WRITER_ENABLED: 'false' });
    await harness.waitForAllProjected();
    const answers = async () =>
      Promise.all(
        ['/v1/traces', '/v1/traces/run-1', '/v1/traces/vt-1', '/v1/generations/gen-1', '/v1/alerts'].map(
          async (url) => (await get(url, a)).text,
        ),
      );
    const liveAnswers = await answers();
    await harness.stop(); // nothing changes the projections from here on but the rebuild command
    const live = await harness.projectionChecksums();
    expect(Number(live.traces!.split(':')[0])).toBeGreaterThanOrEqual(1_500 + 4);

    const env = { DATABASE_URL: harness.databaseUrl };
    const full = runTs(REBUILD_CLI, [], env);
    expect(full.status).toBe(0);
    expect(full.stdout).toMatch(/projections emptied; \d+ ledger entries to project/);
    expect(full.stdout).toMatch(/rebuild #1 done: \d+ entries in [\d.]+ s \(\d+ entries\/s\)/);
    expect(await harness.projectionChecksums()).toEqual(live);

    const run = startTsProcess(REBUILD_CLI, env, ['--batch-size=1', '--concurrency=1']);
    await waitForOutput(run, 'rebuild #2: projections emptied');
    expect(await run.kill('SIGINT')).toBe(130);
    expect(run.output()).toContain('run again to resume rebuild #2');
    const partial = await harness.projectionChecksums();
    expect(partial).not.toEqual(live);

    const resumed = runTs(REBUILD_CLI, ['--batch-size=500'], env);
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toMatch(/rebuild #2 \(started [^)]+\) resumed: \d+ of \d+ entries already projected/);
    expect(await harness.projectionChecksums()).toEqual(live);

    await harness.start({ LEDGER_WRITER_ENABLED: 'false' });
    expect(await answers()).toEqual(liveAnswers);
  });
});
