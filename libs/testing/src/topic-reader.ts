import type { Consumer, Kafka } from 'kafkajs';
import { decodeEvent, type CairnEvent, type TopicName } from '@cairn/contracts';
import { createKafka, ensureTopics } from '@cairn/kafka';
import { testEnvironment, uniqueName } from './env';
import { waitFor } from './wait-for';

/**
 * Reads topics into memory with its own consumer group, keeping only the events a test cares
 * about (usually its own organizations), so tests can assert on what was published without
 * sleeping. It starts at the topics' end as of `start()`: a shared broker's backlog is skipped,
 * and nothing published after `start()` is missed.
 */
export class TopicReader {
  readonly events: CairnEvent[] = [];
  private consumer: Consumer | undefined;

  constructor(
    private readonly topics: readonly TopicName[],
    private readonly keep: (event: CairnEvent) => boolean,
  ) {}

  async start(): Promise<this> {
    const { kafkaBrokers } = testEnvironment();
    const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'test-reader' });
    const groupId = uniqueName('reader');
    await startGroupAtEnd(kafka, groupId, this.topics);
    this.consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.topics], fromBeginning: true });
    await this.consumer.run({
      eachMessage: ({ message }) => {
        const decoded = decodeEvent(message.value);
        if (decoded.ok && this.keep(decoded.event)) this.events.push(decoded.event);
        return Promise.resolve();
      },
    });
    return this;
  }

  async waitForCount(count: number, filter: (event: CairnEvent) => boolean = () => true, timeoutMs = 30_000) {
    return waitFor(
      `${count} matching event(s) on ${this.topics.join(', ')}`,
      () => {
        const matching = this.events.filter(filter);
        return matching.length >= count ? matching : undefined;
      },
      { timeoutMs },
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

/**
 * Commits a new consumer group's offsets at the topics' current end, before any member joins,
 * creating Cairn's topics first if need be. Retries while a freshly created topic's partitions are
 * still electing leaders.
 */
export async function startGroupAtEnd(kafka: Kafka, groupId: string, topics: readonly string[]): Promise<void> {
  await ensureTopics(kafka); // a suite may run before any service has created them
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of topics) {
      await waitFor(`offsets of ${topic} to be readable`, async () => {
        const offsets = await admin.fetchTopicOffsets(topic);
        await admin.setOffsets({
          groupId,
          topic,
          partitions: offsets.map(({ partition, high }) => ({ partition, offset: high })),
        });
        return true;
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/** Removes consumer groups a test created (they have no members left). */
export async function deleteGroups(kafka: Kafka, groupIds: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteGroups(groupIds);
  } finally {
    await admin.disconnect();
  }
}
