import { deterministicId, Topics, type CairnEvent } from '@cairn/contracts';
import { createKafka, ensureTopics, EventPublisher } from '@cairn/kafka';
import { createPool, type Pool } from '@cairn/pg';
import { deleteGroups, startService, testEnvironment, uniqueName, waitFor, type RunningService } from '@cairn/testing';
import { correlationEventId } from '../src/domain/ids';
import { CorrelationReader, generationRecorded, retrievalRecorded, startGroupAtEnd, type Correlated } from './harness';

const WINDOW_MS = 2 * 60_000;
const GRACE_MS = 10 * 60_000;
const retrievalId = (orgId: string, clientEventId: string) => deterministicId(orgId, 'retrieval', clientEventId);
const generationId = (orgId: string, clientEventId: string) => deterministicId(orgId, 'generation', clientEventId);
const joined = (event: Correlated) => event.payload.retrievals.map((retrieval) => retrieval.eventId);

describe('correlation service against real Kafka and Postgres', () => {
  const env = testEnvironment();
  const kafka = createKafka({ brokers: env.kafkaBrokers, clientId: 'correlation-test' });
  const publisher = new EventPublisher(kafka, { ackTimeoutMs: 30_000 });
  const orgPrefix = uniqueName('corr');
  const groupId = uniqueName('correlation-test');
  const serviceEnv = {
    CORRELATION_GROUP_ID: groupId,
    CORRELATION_WINDOW_MS: String(WINDOW_MS),
    CORRELATION_GRACE_MS: String(GRACE_MS),
    CORRELATION_PURGE_INTERVAL_MS: '500',
  };
  // A case's timestamps are relative to its start, so the window arithmetic below is exact and
  // no case falls behind the partition clocks however long the ones before it took.
  let base = Date.now();
  const at = (offsetMs: number) => new Date(base + offsetMs).toISOString();
  let pool: Pool;
  let service: RunningService | undefined;
  let reader: CorrelationReader;
  let caseNumber = 0;
  const nextOrg = () => `${orgPrefix}-${(caseNumber += 1)}`;

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { applicationName: 'correlation-test' });
    await ensureTopics(kafka);
    await publisher.connect();
    // The shared ingest topic holds other runs' history: this service reads only what follows.
    await startGroupAtEnd(kafka, groupId, Topics.ingest);
    service = await startService('correlation', serviceEnv);
    reader = await new CorrelationReader(kafka, orgPrefix).start();
  });

  beforeEach(() => {
    base = Date.now();
  });

  afterAll(async () => {
    await service?.kill('SIGTERM');
    await reader?.stop();
    await publisher.disconnect();
    await deleteGroups(kafka, [groupId]);
    await pool.query('DELETE FROM correlation.consumer_offsets WHERE group_id = $1', [groupId]);
    for (const table of ['retrievals', 'generations', 'vector_content']) {
      await pool.query(`DELETE FROM correlation.${table} WHERE org_id LIKE $1`, [`${orgPrefix}-%`]);
    }
    await pool.end();
  });

  const publish = (...events: CairnEvent[]) => publisher.publish(events);
  const vector = (id: string, content?: string) => ({ id, score: 0.8, ...(content === undefined ? {} : { content }) });

  /** Publishes a pair that does correlate and waits for it: everything published before it for the org has been applied. */
  async function sentinel(orgId: string): Promise<void> {
    await publish(
      retrievalRecorded(orgId, {
        clientEventId: 'sentinel-r',
        parentQueryId: 'sentinel',
        timestamp: at(0),
        results: [],
      }),
      generationRecorded(orgId, { clientEventId: 'sentinel-g', runId: 'sentinel', timestamp: at(0) }),
    );
    await reader.waitFor(orgId, (event) => event.payload.generation.clientEventId === 'sentinel-g');
  }
  const withoutSentinel = (orgId: string) =>
    reader.of(orgId).filter((event) => event.payload.generation.clientEventId !== 'sentinel-g');

  it.each([
    ['retrieval then generation', 'runId', 'retrieval-first'],
    ['retrieval then generation', 'parentRunId', 'retrieval-first'],
    ['generation then retrieval', 'runId', 'generation-first'],
    ['generation then retrieval', 'parentRunId', 'generation-first'],
  ])('correlates %s, matched by %s', async (_order, anchor, order) => {
    const orgId = nextOrg();
    const retrieval = retrievalRecorded(orgId, {
      clientEventId: 'r-1',
      parentQueryId: 'chain-run-abc',
      timestamp: at(0),
      results: [vector('v-1', 'Reset links expire in 24 hours.'), vector('v-2', 'Passwords need 12 characters.')],
    });
    const generation = generationRecorded(orgId, {
      clientEventId: 'g-1',
      ...(anchor === 'runId' ? { runId: 'chain-run-abc' } : { runId: 'llm-call-1', parentRunId: 'chain-run-abc' }),
      timestamp: at(30_000),
      output: { text: 'Reset links expire in 24 hours.' },
    });
    await publish(...(order === 'retrieval-first' ? [retrieval, generation] : [generation, retrieval]));

    const correlation = await reader.waitFor(orgId, () => true);
    expect(correlation).toMatchObject({
      id: correlationEventId(orgId, generation.id, [retrieval.id]),
      type: 'generation.correlated.v1',
      orgId,
      causationId: order === 'retrieval-first' ? generation.id : retrieval.id,
      payload: {
        generation: {
          eventId: generation.id,
          clientEventId: 'g-1',
          timestamp: at(30_000),
          outputText: 'Reset links expire in 24 hours.',
        },
        retrievals: [{ eventId: retrieval.id, clientEventId: 'r-1', collectionId: 'docs', timestamp: at(0) }],
        vectors: [
          {
            collectionId: 'docs',
            vectorId: 'v-1',
            retrievalEventId: retrieval.id,
            score: 0.8,
            content: 'Reset links expire in 24 hours.',
            contentSource: 'retrieval',
          },
          {
            collectionId: 'docs',
            vectorId: 'v-2',
            retrievalEventId: retrieval.id,
            score: 0.8,
            content: 'Passwords need 12 characters.',
            contentSource: 'retrieval',
          },
        ],
      },
    });
    await sentinel(orgId);
    expect(withoutSentinel(orgId)).toHaveLength(1);
  });

  it('emits nothing for a pair further apart than the window', async () => {
    const orgId = nextOrg();
    await publish(
      retrievalRecorded(orgId, {
        clientEventId: 'r-old',
        parentQueryId: 'P',
        timestamp: at(-WINDOW_MS - 1),
        results: [],
      }),
      generationRecorded(orgId, { clientEventId: 'g-now', runId: 'P', timestamp: at(0) }),
    );
    await sentinel(orgId);
    expect(withoutSentinel(orgId)).toEqual([]);
  });

  it('never joins events of two organizations that use the same ids', async () => {
    const [first, second, third] = [nextOrg(), nextOrg(), nextOrg()];
    for (const orgId of [first, second]) {
      await publish(
        retrievalRecorded(orgId, {
          clientEventId: 'r-1',
          parentQueryId: 'P',
          timestamp: at(0),
          results: [vector('v-1', `content of ${orgId}`)],
        }),
      );
    }
    await publish(generationRecorded(third, { clientEventId: 'g-1', runId: 'P', timestamp: at(1_000) }));
    for (const orgId of [first, second]) {
      await publish(generationRecorded(orgId, { clientEventId: 'g-1', runId: 'P', timestamp: at(1_000) }));
    }
    for (const orgId of [first, second]) {
      const correlation = await reader.waitFor(orgId, () => true);
      expect(joined(correlation)).toEqual([retrievalId(orgId, 'r-1')]);
      expect(correlation.payload.generation.eventId).toBe(generationId(orgId, 'g-1'));
      expect(correlation.payload.vectors.map((v) => v.content)).toEqual([`content of ${orgId}`]);
    }
    await Promise.all([sentinel(first), sentinel(second), sentinel(third)]);
    expect([first, second, third].map((orgId) => withoutSentinel(orgId).length)).toEqual([1, 1, 0]);
  });

  it('re-emits a generation with every retrieval so far when a further retrieval joins it', async () => {
    const orgId = nextOrg();
    const r1 = retrievalRecorded(orgId, {
      clientEventId: 'r-1',
      parentQueryId: 'P',
      timestamp: at(0),
      results: [vector('a', 'A')],
    });
    const generation = generationRecorded(orgId, { clientEventId: 'g-1', runId: 'P', timestamp: at(10_000) });
    const r2 = retrievalRecorded(orgId, {
      clientEventId: 'r-2',
      parentQueryId: 'P',
      timestamp: at(20_000),
      results: [vector('b', 'B')],
    });
    await publish(r1, generation);
    await reader.waitFor(orgId, () => true);
    await publish(r2);
    await reader.waitFor(orgId, (event) => event.payload.retrievals.length === 2);

    const emitted = reader.of(orgId);
    expect(emitted.map((event) => event.id)).toEqual([
      correlationEventId(orgId, generation.id, [r1.id]),
      correlationEventId(orgId, generation.id, [r1.id, r2.id]),
    ]);
    expect(emitted[1]!.payload.vectors.map((v) => [v.vectorId, v.retrievalEventId, v.content])).toEqual([
      ['a', r1.id, 'A'],
      ['b', r2.id, 'B'],
    ]);
  });

  it('takes content from an earlier retrieval of the same vector, and marks never-seen vectors unknown', async () => {
    const orgId = nextOrg();
    await publish(
      retrievalRecorded(orgId, {
        clientEventId: 'r-earlier',
        parentQueryId: 'another-run',
        timestamp: at(-60_000),
        results: [vector('v-known', 'Known content.')],
      }),
    );
    await sentinel(orgId);
    await publish(
      retrievalRecorded(orgId, {
        clientEventId: 'r-1',
        parentQueryId: 'P',
        timestamp: at(0),
        results: [vector('v-known'), vector('v-never-seen')],
      }),
      generationRecorded(orgId, { clientEventId: 'g-1', runId: 'P', timestamp: at(1_000) }),
    );
    const correlation = await reader.waitFor(orgId, (event) => event.payload.generation.clientEventId === 'g-1');
    expect(correlation.payload.vectors).toEqual([
      {
        collectionId: 'docs',
        vectorId: 'v-known',
        retrievalEventId: retrievalId(orgId, 'r-1'),
        score: 0.8,
        content: 'Known content.',
        contentSource: 'stored',
      },
      {
        collectionId: 'docs',
        vectorId: 'v-never-seen',
        retrievalEventId: retrievalId(orgId, 'r-1'),
        score: 0.8,
        contentSource: 'unknown',
      },
    ]);
  });

  it('correlates vendor spans of one trace through the trace id when their ids do not match', async () => {
    const orgId = nextOrg();
    await publish(
      retrievalRecorded(orgId, {
        clientEventId: 'honeyhive:trace-1:retriever',
        source: 'honeyhive',
        parentQueryId: 'tool-span',
        traceId: 'trace-1',
        spanId: 'retriever',
        timestamp: at(0),
        results: [vector('v-1', 'Nested retrieval.')],
      }),
      generationRecorded(orgId, {
        clientEventId: 'honeyhive:trace-1:llm',
        source: 'honeyhive',
        runId: 'llm',
        parentRunId: 'root',
        traceId: 'trace-1',
        spanId: 'llm',
        timestamp: at(2_000),
      }),
    );
    const correlation = await reader.waitFor(orgId, () => true);
    expect(joined(correlation)).toEqual([retrievalId(orgId, 'honeyhive:trace-1:retriever')]);
    expect(correlation.correlationId).toBe('trace-1');
  });

  it('purges a generation once its partition clock is window + grace past it, and keeps its retrieval longer', async () => {
    const orgId = nextOrg();
    // Old enough to expire a few seconds from now, recent enough to be stored when it arrives.
    const expiresIn = 3_000;
    const retrieval = retrievalRecorded(orgId, {
      clientEventId: 'r-1',
      parentQueryId: 'P',
      timestamp: at(-(WINDOW_MS + GRACE_MS) + expiresIn),
      results: [],
    });
    const generation = generationRecorded(orgId, {
      clientEventId: 'g-1',
      runId: 'P',
      timestamp: at(-(WINDOW_MS + GRACE_MS) + expiresIn),
    });
    await publish(retrieval, generation);
    await reader.waitFor(orgId, () => true);
    const stored = async (table: string, eventId: string) =>
      (await pool.query(`SELECT 1 FROM correlation.${table} WHERE org_id = $1 AND event_id = $2`, [orgId, eventId]))
        .rowCount;
    expect(await stored('generations', generation.id)).toBe(1);

    // Each tick (a retrieval without anchors: it joins nothing) moves the partition clock to now.
    await waitFor(
      'the expired generation to be purged',
      async () => {
        const tick = `tick-${Date.now()}`;
        await publish(
          retrievalRecorded(orgId, { clientEventId: tick, timestamp: new Date().toISOString(), results: [] }),
        );
        return (await stored('generations', generation.id)) === 0;
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
    expect(await stored('retrievals', retrieval.id)).toBe(1);
  });

  it('yields one correlation id when the same input is delivered twice', async () => {
    const orgId = nextOrg();
    const retrieval = retrievalRecorded(orgId, {
      clientEventId: 'r-1',
      parentQueryId: 'P',
      timestamp: at(0),
      results: [],
    });
    const generation = generationRecorded(orgId, { clientEventId: 'g-1', runId: 'P', timestamp: at(1_000) });
    await publish(retrieval, generation);
    await publish(retrieval, generation);
    await sentinel(orgId);
    expect(withoutSentinel(orgId).map((event) => event.id)).toEqual([
      correlationEventId(orgId, generation.id, [retrieval.id]),
    ]);
  });

  it('emits every correlation, each with one id, when the service is SIGKILLed mid-stream and restarted', async () => {
    const orgs = [nextOrg(), nextOrg(), nextOrg(), nextOrg()];
    const PAIRS = 2_000;
    const pairs = Array.from({ length: PAIRS }, (_, index) => {
      const orgId = orgs[index % orgs.length]!;
      const run = `run-${index}`;
      return {
        orgId,
        retrieval: retrievalRecorded(orgId, {
          clientEventId: `r-${index}`,
          parentQueryId: run,
          timestamp: at(index),
          results: [vector(`v-${index % 50}`, `content ${index}`)],
        }),
        generation: generationRecorded(orgId, {
          clientEventId: `g-${index}`,
          parentRunId: run,
          timestamp: at(index + 1),
        }),
      };
    });
    const publishPairs = async (from: number, to: number) => {
      for (let start = from; start < to; start += 250) {
        await publish(
          ...pairs.slice(start, Math.min(start + 250, to)).flatMap((pair) => [pair.retrieval, pair.generation]),
        );
      }
    };
    const correlated = () =>
      new Set(orgs.flatMap((orgId) => reader.of(orgId).map((e) => e.payload.generation.eventId)));

    await publishPairs(0, PAIRS / 2);
    await waitFor('a part of the first half to be correlated', () => correlated().size >= 200, { timeoutMs: 60_000 });
    expect(await service!.kill('SIGKILL')).toBe('SIGKILL');
    expect(correlated().size).toBeLessThan(PAIRS);
    await publishPairs(PAIRS / 2, PAIRS);
    service = await startService('correlation', serviceEnv);
    await waitFor('every generation to be correlated', () => correlated().size === PAIRS, { timeoutMs: 90_000 });

    const idsByGeneration = new Map<string, Set<string>>();
    for (const event of orgs.flatMap((orgId) => reader.of(orgId))) {
      const ids = idsByGeneration.get(event.payload.generation.eventId) ?? new Set<string>();
      idsByGeneration.set(event.payload.generation.eventId, ids.add(event.id));
    }
    const unexpected = pairs.filter(({ orgId, retrieval, generation }) => {
      const ids = idsByGeneration.get(generation.id);
      return ids?.size !== 1 || !ids.has(correlationEventId(orgId, generation.id, [retrieval.id]));
    });
    expect(unexpected).toEqual([]);
    expect(idsByGeneration.size).toBe(PAIRS);
  }, 240_000);

  it('counts what it emits in /metrics', async () => {
    const text = await (await fetch(`${service!.url}/metrics`)).text();
    const emitted = /^cairn_correlation_emitted_total (\d+)$/m.exec(text);
    expect(Number(emitted?.[1])).toBeGreaterThan(0);
  });
});
