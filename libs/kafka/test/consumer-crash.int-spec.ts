import path from 'node:path';
import { createEvent, deterministicId, Topics, type CairnEvent } from '@cairn/contracts';
import { createKafka, ensureTopics, EventPublisher } from '@cairn/kafka';
import { createPool, dropSchemas, type Pool } from '@cairn/pg';
import {
  startGroupAtEnd,
  startTsProcess,
  testEnvironment,
  uniqueName,
  waitFor,
  waitForOutput,
  type RunningProcess,
} from '@cairn/testing';

const EVENTS = 10_000;
const ORGS = 3;

describe('BatchConsumer against real Kafka and Postgres', () => {
  const env = testEnvironment();
  const kafka = createKafka({ brokers: env.kafkaBrokers, clientId: 'consumer-crash-test' });
  const publisher = new EventPublisher(kafka, { ackTimeoutMs: 30_000 });
  const schema = `sink_${Date.now().toString(36)}`;
  const orgPrefix = uniqueName('crash');
  let pool: Pool;
  let worker: RunningProcess | undefined;

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { applicationName: 'consumer-crash-test' });
    await ensureTopics(kafka);
    await publisher.connect();
  });

  afterAll(async () => {
    await worker?.kill('SIGKILL');
    await publisher.disconnect();
    await dropSchemas(pool, env.databaseUrl, [schema]);
    await pool.end();
  });

  const count = async () =>
    Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.sink`)).rows[0]!.n);

  it('applies every event exactly once, in per-organization order, across a SIGKILL', async () => {
    const events: CairnEvent[] = [];
    for (let index = 0; index < EVENTS; index += 1) {
      const orgId = `${orgPrefix}-${index % ORGS}`;
      const seq = Math.floor(index / ORGS);
      events.push(
        createEvent({
          id: deterministicId(orgId, 'crash-test', String(seq)),
          type: 'generation.recorded.v1',
          orgId,
          occurredAt: new Date().toISOString(),
          payload: {
            clientEventId: `g-${seq}`,
            source: 'buzo',
            output: { text: `answer ${seq}` },
            latencyMs: seq,
            timestamp: new Date().toISOString(),
          },
        }),
      );
    }
    // The worker's group starts where the topic ends now, so a shared broker's backlog is skipped.
    const group = uniqueName('sink');
    await startGroupAtEnd(kafka, group, [Topics.ingest]);
    for (let start = 0; start < events.length; start += 500) await publisher.publish(events.slice(start, start + 500));

    const workerEnv = {
      SINK_SCHEMA: schema,
      SINK_ORG_PREFIX: orgPrefix,
      SINK_GROUP: group,
      KAFKA_BROKERS: env.kafkaBrokers.join(','),
      DATABASE_URL: env.databaseUrl,
    };
    const entry = path.join(__dirname, 'fixtures/sink-worker.ts');
    worker = startTsProcess(entry, workerEnv);
    await waitForOutput(worker, 'sink-worker consuming');
    await waitFor('a part of the events to be applied', async () => (await count()) > 1_000, { timeoutMs: 90_000 });
    expect(await worker.kill('SIGKILL')).toBe('SIGKILL');
    const appliedBeforeKill = await count();
    expect(appliedBeforeKill).toBeLessThan(EVENTS);

    worker = startTsProcess(entry, workerEnv);
    await waitFor('every event to be applied', async () => (await count()) >= EVENTS, { timeoutMs: 120_000 });
    await worker.kill('SIGTERM');

    const { rows } = await pool.query<{ org_id: string; seq: number; event_id: string }>(
      `SELECT org_id, seq, event_id FROM ${schema}.sink ORDER BY id`,
    );
    expect(rows).toHaveLength(EVENTS);
    expect(new Set(rows.map((row) => row.event_id)).size).toBe(EVENTS);
    for (let org = 0; org < ORGS; org += 1) {
      const seqs = rows.filter((row) => row.org_id === `${orgPrefix}-${org}`).map((row) => row.seq);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, index) => index));
    }
  });
});
