import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { decodeEvent, type CairnEvent, type TopicName, type ValidationResult } from '@cairn/contracts';
import { withTransaction, type Pool, type PoolClient } from '@cairn/pg';
import { deadLetterEvent } from './dead-letter';
import { isInfrastructureError } from './errors';
import { lockNextOffset, readNextOffsets, storeNextOffset, type PartitionRef } from './offsets';
import type { EventPublisher } from './publisher';

export interface ConsumedEvent<TEvent extends CairnEvent = CairnEvent> {
  event: TEvent;
  topic: string;
  partition: number;
  offset: string;
}

export interface BatchContext {
  /** The transaction the consumer's offsets are stored in: write all state through it. */
  client: PoolClient;
  /** Queues events that are published, and acknowledged, before the transaction commits. */
  publish: (...events: CairnEvent[]) => void;
  /**
   * Dead-letters one event of this batch at once, with `reason`, instead of applying it: for an event
   * the handler can tell will never apply. The rest of the batch goes on; nothing is retried.
   */
  deadLetter(consumed: ConsumedEvent, reason: string): void;
  now: Date;
}

export type BatchHandler = (events: readonly ConsumedEvent[], context: BatchContext) => Promise<void>;

export interface ConsumerObserver {
  /** A chunk of `count` messages is done (applied, skipped as seen, or dead-lettered) and its offset stored. */
  batchApplied?(topic: string, partition: number, count: number, durationMs: number): void;
  /** The handler returned for `count` events, after `durationMs` (inside the transaction, before it commits). */
  handled?(topic: string, count: number, durationMs: number): void;
  deadLettered?(topic: string, reason: string): void;
  error?(message: string, error: unknown): void;
}

export interface BatchConsumerOptions {
  kafka: Kafka;
  pool: Pool;
  publisher: EventPublisher;
  /** The service's Postgres schema, where `consumer_offsets` lives. */
  schema: string;
  groupId: string;
  topics: readonly TopicName[];
  handler: BatchHandler;
  /** Messages written after this instant are passed over, not applied: the end of a replay. */
  until?: Date;
  /** A new group starts from the earliest retained message (default) or only new ones. */
  fromBeginning?: boolean;
  /** Attempts per message before it is dead-lettered, for errors that are not infrastructure errors. */
  maxAttempts?: number;
  partitionsConsumedConcurrently?: number;
  /** Messages applied per transaction. */
  maxBatchSize?: number;
  retryBackoffMs?: number;
  observer?: ConsumerObserver;
  clock?: () => Date;
}

interface Failure {
  message: string;
  attempts: number;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface Decoded {
  message: KafkaMessage;
  result: ValidationResult;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A Kafka consumer whose progress lives in Postgres: each chunk of a partition's batch is applied
 * in one transaction together with the partition's next offset, so a crash at any point either
 * keeps both or neither. Messages below the stored offset are skipped (redelivery), invalid ones
 * are dead-lettered at once, and one that keeps failing is retried, isolated from its batch, and
 * dead-lettered with its origin and error. Unreachable Postgres or Kafka is waited out, never
 * dead-lettered.
 */
export class BatchConsumer {
  private readonly consumer: Consumer;
  private readonly options: Required<Omit<BatchConsumerOptions, 'observer' | 'until'>> &
    Pick<BatchConsumerOptions, 'observer' | 'until'>;
  private running = false;

  constructor(options: BatchConsumerOptions) {
    this.options = {
      fromBeginning: true,
      maxAttempts: 3,
      partitionsConsumedConcurrently: 4,
      maxBatchSize: 1_000,
      retryBackoffMs: 200,
      clock: () => new Date(),
      ...options,
    };
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      // A member that died without leaving (SIGKILL, OOM) holds its partitions until its session
      // times out, and a replacement cannot join before: this bounds how long a crash stalls them.
      sessionTimeout: 10_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 250,
      maxBytesPerPartition: 4 * 1024 * 1024,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
  }

  async start(): Promise<void> {
    const { consumer, options } = this;
    await consumer.connect();
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      void this.seekToStoredOffsets(payload.memberAssignment).catch((error: unknown) =>
        options.observer?.error?.('could not seek to stored offsets', error),
      );
    });
    this.running = true;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      eachBatch: async (payload) => {
        const { batch } = payload;
        const stillOwned = () => payload.isRunning() && !payload.isStale();
        const ref = { groupId: options.groupId, topic: batch.topic, partition: batch.partition };
        for (let start = 0; start < batch.messages.length; start += options.maxBatchSize) {
          if (!stillOwned()) return;
          const chunk = batch.messages.slice(start, start + options.maxBatchSize);
          await this.processChunk(ref, chunk, stillOwned);
          const last = chunk[chunk.length - 1]!.offset;
          payload.resolveOffset(last); // the fetch position moves on only once the chunk is applied
          const next = (BigInt(last) + 1n).toString();
          // A hint only: the offset that counts was committed with the state.
          await consumer
            .commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }])
            .catch((error: unknown) => options.observer?.error?.('could not commit offsets to Kafka', error));
          await payload.heartbeat();
        }
      },
    });
  }

  /** Finishes the batch in progress, then leaves the group. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.consumer.disconnect();
  }

  private async seekToStoredOffsets(assignment: Record<string, number[]>): Promise<void> {
    const stored = await readNextOffsets(this.options.pool, this.options.schema, this.options.groupId);
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        const next = stored.get(`${topic}:${partition}`);
        if (next !== undefined) this.consumer.seek({ topic, partition, offset: next.toString() });
      }
    }
  }

  private async processChunk(ref: PartitionRef, chunk: KafkaMessage[], stillOwned: () => boolean): Promise<void> {
    const decoded = chunk.map((message) => ({ message, result: decodeEvent(message.value) }));
    if ((await this.applyWithRetries(ref, decoded, stillOwned)) === undefined) return;
    // The chunk keeps failing: apply its messages one by one, so only the bad one is dead-lettered.
    for (const item of decoded) {
      const failure = await this.applyWithRetries(ref, [item], stillOwned);
      if (failure) await this.applyWithRetries(ref, [item], stillOwned, failure);
    }
  }

  /** Undefined once applied (or dead-lettered); the last failure after `maxAttempts` handler failures. */
  private async applyWithRetries(
    ref: PartitionRef,
    items: Decoded[],
    stillOwned: () => boolean,
    deadLetter?: Failure,
  ): Promise<Failure | undefined> {
    const { maxAttempts, retryBackoffMs, observer } = this.options;
    let failures = 0;
    for (let waited = 0; ; waited += 1) {
      if (!stillOwned()) throw new Error(`partition ${ref.topic}:${ref.partition} was revoked mid-batch`);
      try {
        await this.apply(ref, items, deadLetter);
        return undefined;
      } catch (error) {
        if (isInfrastructureError(error)) {
          observer?.error?.(`waiting for infrastructure on ${ref.topic}:${ref.partition}`, error);
          await sleep(Math.min(retryBackoffMs * 2 ** Math.min(waited, 5), 5_000));
          continue;
        }
        if (deadLetter) throw error; // dead-lettering itself failed for a non-infrastructure reason
        failures += 1;
        observer?.error?.(`handler failed on ${ref.topic}:${ref.partition} (attempt ${failures})`, error);
        if (failures >= maxAttempts) return { message: errorMessage(error), attempts: failures };
        await sleep(retryBackoffMs * 2 ** (failures - 1));
      }
    }
  }

  private async apply(ref: PartitionRef, items: Decoded[], deadLetter: Failure | undefined): Promise<void> {
    const { pool, schema, handler, publisher, clock, observer, until } = this.options;
    const started = Date.now();
    await withTransaction(pool, async (client) => {
      const next = await lockNextOffset(client, schema, ref);
      const fresh = next === null ? items : items.filter((item) => BigInt(item.message.offset) >= next);
      if (fresh.length === 0) return;
      const now = clock();
      const outgoing: CairnEvent[] = [];
      const valid: ConsumedEvent[] = [];
      const validMessages = new Map<string, KafkaMessage>();
      for (const { message, result } of fresh) {
        if (until !== undefined && Number(message.timestamp) > until.getTime()) continue;
        const origin = { ...ref, message };
        const reason = deadLetter ?? (result.ok ? undefined : { message: result.error, attempts: 1 });
        if (reason) {
          outgoing.push(deadLetterEvent(origin, reason.message, reason.attempts, now));
          observer?.deadLettered?.(ref.topic, reason.message);
        } else if (result.ok) {
          valid.push({ event: result.event, topic: ref.topic, partition: ref.partition, offset: message.offset });
          validMessages.set(message.offset, message);
        }
      }
      if (valid.length > 0) {
        const handlerStarted = Date.now();
        await handler(valid, {
          client,
          now,
          publish: (...events) => void outgoing.push(...events),
          deadLetter: (consumed, reason) => {
            const message = validMessages.get(consumed.offset);
            if (message === undefined || consumed.topic !== ref.topic || consumed.partition !== ref.partition) {
              throw new Error(
                `deadLetter: ${consumed.topic}:${consumed.partition}@${consumed.offset} is not in this batch`,
              );
            }
            outgoing.push(deadLetterEvent({ ...ref, message }, reason, 1, now));
            observer?.deadLettered?.(ref.topic, reason);
          },
        });
        observer?.handled?.(ref.topic, valid.length, Date.now() - handlerStarted);
      }
      await publisher.publish(outgoing);
      await storeNextOffset(client, schema, ref, BigInt(fresh[fresh.length - 1]!.message.offset) + 1n);
    });
    observer?.batchApplied?.(ref.topic, ref.partition, items.length, Date.now() - started);
  }
}
