// What the correlation integration tests (and the benchmark) drive the real service with: ingest
// events built as the gateway builds them, consumer groups started at a topic's end, and a reader
// of cairn.correlations.v1.
import type { Consumer, Kafka } from 'kafkajs';
import { createEvent, decodeEvent, deterministicId, Topics, type EventOf, type TopicName } from '@cairn/contracts';
import { deleteGroups, uniqueName, waitFor } from '@cairn/testing';

export type Correlated = EventOf<'generation.correlated.v1'>;
type RetrievalPayload = EventOf<'retrieval.recorded.v1'>['payload'];
type GenerationPayload = EventOf<'generation.recorded.v1'>['payload'];

const sdk = { lang: 'ts', version: '0.4.0' };

/** A Buzo retrieval as the gateway publishes it: id derived from (org, clientEventId). */
export function retrievalRecorded(
  orgId: string,
  fields: Pick<RetrievalPayload, 'clientEventId' | 'timestamp' | 'results'> & Partial<RetrievalPayload>,
): EventOf<'retrieval.recorded.v1'> {
  return createEvent({
    id: deterministicId(orgId, 'retrieval', fields.clientEventId),
    type: 'retrieval.recorded.v1',
    orgId,
    occurredAt: fields.timestamp,
    ...(fields.parentQueryId === undefined ? {} : { correlationId: fields.parentQueryId }),
    payload: {
      source: 'buzo',
      collectionId: 'docs',
      query: { text: 'how do I reset my password?' },
      latencyMs: 12,
      kReturned: fields.results.length,
      sdk,
      ...fields,
    },
  });
}

/** A Buzo generation as the gateway publishes it. */
export function generationRecorded(
  orgId: string,
  fields: Pick<GenerationPayload, 'clientEventId' | 'timestamp'> & Partial<GenerationPayload>,
): EventOf<'generation.recorded.v1'> {
  return createEvent({
    id: deterministicId(orgId, 'generation', fields.clientEventId),
    type: 'generation.recorded.v1',
    orgId,
    occurredAt: fields.timestamp,
    ...(fields.runId === undefined ? {} : { correlationId: fields.runId }),
    payload: {
      source: 'buzo',
      output: { text: `answer ${fields.clientEventId}` },
      latencyMs: 800,
      sdk,
      ...fields,
    },
  });
}

/**
 * Commits the group's offsets at the topic's current end, so it reads only what comes next;
 * resolves with those offsets per partition.
 */
export async function startGroupAtEnd(kafka: Kafka, groupId: string, topic: TopicName): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({
      groupId,
      topic,
      partitions: offsets.map(({ partition, high }) => ({ partition, offset: high })),
    });
    return new Map(offsets.map(({ partition, high }) => [partition, BigInt(high)]));
  } finally {
    await admin.disconnect();
  }
}

/** Collects the correlations of the test's organizations, read from the topic's end at start. */
export class CorrelationReader {
  readonly events: Correlated[] = [];
  private readonly groupId = uniqueName('correlation-reader');
  private consumer: Consumer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly orgPrefix: string,
  ) {}

  async start(): Promise<this> {
    await startGroupAtEnd(this.kafka, this.groupId, Topics.correlations);
    this.consumer = this.kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 100 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [Topics.correlations] });
    await this.consumer.run({
      eachMessage: ({ message }) => {
        const decoded = decodeEvent(message.value);
        if (!decoded.ok)
          return Promise.reject(new Error(`invalid message on ${Topics.correlations}: ${decoded.error}`));
        const { event } = decoded;
        if (event.type === 'generation.correlated.v1' && event.orgId.startsWith(this.orgPrefix))
          this.events.push(event);
        return Promise.resolve();
      },
    });
    return this;
  }

  of(orgId: string): Correlated[] {
    return this.events.filter((event) => event.orgId === orgId);
  }

  async waitFor(orgId: string, predicate: (event: Correlated) => boolean, timeoutMs = 30_000): Promise<Correlated> {
    return waitFor(`a correlation of ${orgId}`, () => this.of(orgId).find(predicate), { timeoutMs });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await deleteGroups(this.kafka, [this.groupId]);
  }
}
