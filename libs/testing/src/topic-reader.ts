import type { Consumer } from 'kafkajs';
import { decodeEvent, type CairnEvent, type TopicName } from '@cairn/contracts';
import { createKafka } from '@cairn/kafka';
import { testEnvironment, uniqueName } from './env';
import { waitFor } from './wait-for';

/**
 * Reads topics from the beginning into memory with its own consumer group, keeping only the
 * events a test cares about (usually its own organizations), so tests can assert on what was
 * published without sleeping.
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
    this.consumer = createKafka({ brokers: kafkaBrokers, clientId: 'test-reader' }).consumer({
      groupId: uniqueName('reader'),
      maxWaitTimeInMs: 100,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.topics], fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const decoded = decodeEvent(message.value);
        if (decoded.ok && this.keep(decoded.event)) this.events.push(decoded.event);
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
