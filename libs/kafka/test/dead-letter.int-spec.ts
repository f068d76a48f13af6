import { createEvent, deterministicId, Topics, type CairnEvent } from '@cairn/contracts';
import { BatchConsumer, consumerOffsetsMigration, createKafka, ensureTopics, EventPublisher } from '@cairn/kafka';
import { createPool, dropSchemas, migrate, type Pool } from '@cairn/pg';
import { startGroupAtEnd, testEnvironment, TopicReader, uniqueName, waitFor } from '@cairn/testing';

describe('dead letters against real Kafka and Postgres', () => {
  const env = testEnvironment();
  const kafka = createKafka({ brokers: env.kafkaBrokers, clientId: 'dead-letter-test' });
  const publisher = new EventPublisher(kafka, { ackTimeoutMs: 30_000 });
  const schema = `dlq_${Date.now().toString(36)}`;
  const orgId = uniqueName('dlq');
  const groupId = uniqueName('dlq-group');
  let pool: Pool;
  let consumer: BatchConsumer;
  let dlq: TopicReader;
  const applied: string[] = [];

  const generation = (n: number, text: string): CairnEvent =>
    createEvent({
      id: deterministicId(orgId, 'dlq-test', String(n)),
      type: 'generation.recorded.v1',
      orgId,
      occurredAt: new Date().toISOString(),
      payload: {
        clientEventId: `g-${n}`,
        source: 'buzo',
        output: { text },
        latencyMs: n,
        timestamp: new Date().toISOString(),
      },
    });

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { applicationName: 'dead-letter-test' });
    await migrate(pool, schema, [consumerOffsetsMigration]);
    await ensureTopics(kafka);
    await publisher.connect();
    dlq = await new TopicReader([Topics.dlq], (event) => event.orgId === orgId).start();
    await startGroupAtEnd(kafka, groupId, [Topics.ingest]);
    consumer = new BatchConsumer({
      kafka,
      pool,
      publisher,
      schema,
      groupId,
      topics: [Topics.ingest],
      retryBackoffMs: 10,
      handler: (events) => {
        for (const { event } of events) {
          if (event.orgId !== orgId || event.type !== 'generation.recorded.v1') continue;
          if (event.payload.output.text === 'poison') throw new Error('cannot digest poison');
        }
        for (const { event } of events) if (event.orgId === orgId) applied.push(event.id);
        return Promise.resolve();
      },
    });
    await consumer.start();
  });

  afterAll(async () => {
    await consumer.stop();
    await dlq.stop();
    await publisher.disconnect();
    await dropSchemas(pool, env.databaseUrl, [schema]);
    await pool.end();
  });

  it('dead-letters a message that keeps failing and an undecodable one, with their origin, and applies the rest', async () => {
    const before = generation(1, 'fine');
    const poison = generation(2, 'poison');
    const after = generation(3, 'fine too');
    await publisher.publish([before, poison, after]);
    const raw = kafka.producer();
    await raw.connect();
    await raw.send({ topic: Topics.ingest, acks: -1, messages: [{ key: orgId, value: '{"not": "an envelope"' }] });
    await raw.disconnect();

    const letters = await dlq.waitForCount(2);
    await waitFor('the healthy events to be applied', () => applied.includes(after.id));
    expect(applied).toEqual(expect.arrayContaining([before.id, after.id]));
    expect(applied).not.toContain(poison.id);

    const byError = (fragment: string) =>
      letters.find((letter) => letter.type === 'message.dead-lettered.v1' && letter.payload.error.includes(fragment));
    const poisoned = byError('cannot digest poison');
    expect(poisoned?.payload).toMatchObject({
      consumerGroup: groupId,
      topic: Topics.ingest,
      attempts: 3,
      valueEncoding: 'utf8',
    });
    expect(JSON.parse(poisoned?.type === 'message.dead-lettered.v1' ? poisoned.payload.value : '{}')).toMatchObject({
      id: poison.id,
    });
    const garbled = byError('not JSON');
    expect(garbled?.payload).toMatchObject({
      topic: Topics.ingest,
      attempts: 1,
      value: '{"not": "an envelope"',
      key: orgId,
    });
    expect(garbled?.orgId).toBe(orgId);

    // The partition moved on: its stored offset is past every message, so nothing is redone.
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${schema}.consumer_offsets WHERE group_id = $1 AND next_offset > 0`,
      [groupId],
    );
    expect(Number(rows[0]!.n)).toBeGreaterThan(0);
  });
});
