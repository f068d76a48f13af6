import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import {
  BatchConsumer,
  consumerOffsetsMigration,
  ensureTopics,
  EventPublisher,
  type BatchConsumerOptions,
  type ConsumerObserver,
} from '@cairn/kafka';
import { migrate, pingPostgres, type Migration, type Pool } from '@cairn/pg';
import type { ServiceConfig } from './config';
import { ConsumerLagReader } from './consumer-lag';
import { JsonLogger } from './logger';
import { Metrics } from './metrics';
import { KAFKA, PG_POOL, SERVICE_CONFIG, SERVICE_OPTIONS } from './tokens';

export interface ServiceOptions {
  /** The service's name: its Kafka client id, log field and Postgres application name. */
  name: string;
  /** The Postgres schema the service owns. */
  schema: string;
  migrations?: readonly Migration[];
  /** Encode and send to Kafka from a worker thread (see `PublisherOptions.sendFromThread`). */
  publishFromThread?: boolean;
}

export type ConsumerDefinition = Omit<BatchConsumerOptions, 'kafka' | 'pool' | 'publisher' | 'schema'>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One observer that tells each of `observers` in turn. */
export function combineObservers(...observers: (ConsumerObserver | undefined)[]): ConsumerObserver {
  const present = observers.filter((observer): observer is ConsumerObserver => observer !== undefined);
  return {
    batchApplied: (...args) => present.forEach((observer) => observer.batchApplied?.(...args)),
    handled: (...args) => present.forEach((observer) => observer.handled?.(...args)),
    deadLettered: (...args) => present.forEach((observer) => observer.deadLettered?.(...args)),
    error: (...args) => present.forEach((observer) => observer.error?.(...args)),
  };
}

/**
 * Owns the service's connections and their lifecycle. At boot it migrates the schema, creates
 * the topics and connects the producer — retrying while Kafka or Postgres is unreachable, with
 * readiness reporting 503 meanwhile — then starts the consumers that features registered. On
 * SIGTERM consumers finish their batch and leave first, HTTP drains, and connections close last.
 */
@Injectable()
export class Infrastructure implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly consumers: BatchConsumer[] = [];
  private readonly definitions: ConsumerDefinition[] = [];
  private readonly admin: Admin;
  private initialized = false;
  private stopping = false;
  private readonly logger: JsonLogger;

  constructor(
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(PG_POOL) readonly pool: Pool,
    @Inject(KAFKA) readonly kafka: Kafka,
    readonly publisher: EventPublisher,
    private readonly metrics: Metrics,
  ) {
    this.admin = kafka.admin();
    this.logger = new JsonLogger(options.name, config.LOG_LEVEL);
    const lag = new ConsumerLagReader(this.admin, () => this.definitions);
    metrics.gauge(
      'cairn_consumer_lag',
      "Messages not yet consumed, per group and partition (each replica reports its whole group's: aggregate with max)",
      ['group', 'topic', 'partition'],
      async (gauge) => {
        gauge.reset();
        if (!this.initialized) return;
        try {
          for (const sample of await lag.read()) {
            gauge.set({ group: sample.group, topic: sample.topic, partition: String(sample.partition) }, sample.lag);
          }
        } catch (error) {
          this.logger.write('debug', 'could not read consumer lag', [], { error: String(error) });
        }
      },
    );
  }

  /** Features call this from their constructor or `onModuleInit`; consumers start once ready. */
  registerConsumer(definition: ConsumerDefinition): void {
    const { CONSUMER_GROUP_SUFFIX: suffix, CONSUME_UNTIL: until } = this.config;
    this.definitions.push({
      ...definition,
      groupId: definition.groupId + suffix,
      ...(until === undefined ? {} : { until: new Date(until) }),
    });
  }

  get isInitialized(): boolean {
    return this.initialized;
  }

  onApplicationBootstrap(): void {
    void this.initialize();
  }

  private async initialize(): Promise<void> {
    for (let attempt = 1; !this.stopping; attempt += 1) {
      try {
        await this.migrate();
        await ensureTopics(this.kafka, { partitions: this.config.KAFKA_PARTITIONS });
        await this.publisher.connect();
        await this.admin.connect();
        const consumers = this.definitions.map(
          (definition) =>
            new BatchConsumer({
              ...definition,
              kafka: this.kafka,
              pool: this.pool,
              publisher: this.publisher,
              schema: this.options.schema,
              observer: combineObservers(
                {
                  error: (message, error) => this.logger.write('warn', message, [], { error: String(error) }),
                  deadLettered: (topic, reason) =>
                    this.logger.write('warn', 'dead-lettered a message', [], { topic, reason }),
                },
                this.metrics.consumerObserver(definition.groupId),
                definition.observer,
              ),
            }),
        );
        // Side by side: after a crash each group's join waits out the dead member's session.
        try {
          await Promise.all(consumers.map((consumer) => consumer.start()));
        } catch (error) {
          await Promise.allSettled(consumers.map((consumer) => consumer.stop())); // the next attempt starts them anew
          throw error;
        }
        this.consumers.push(...consumers);
        this.initialized = true;
        this.logger.log(`ready: schema ${this.options.schema}, ${this.consumers.length} consumer(s)`);
        return;
      } catch (error) {
        this.logger.write('warn', 'waiting for Kafka and Postgres', [], { attempt, error: String(error) });
        await sleep(Math.min(500 * attempt, 5_000));
      }
    }
  }

  /**
   * Applies the schema's pending migrations (under the schema's advisory lock, so replicas and the
   * migration Job wait for each other); returns the ids applied now. Boot calls it, and so does
   * `--migrate-only` (see `startService`).
   */
  async migrate(): Promise<string[]> {
    return migrate(this.pool, this.options.schema, [consumerOffsetsMigration, ...(this.options.migrations ?? [])]);
  }

  /** Throws when Kafka does not answer within the deadline. */
  async pingKafka(timeoutMs = 2_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.admin.describeCluster(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`Kafka did not answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async pingPostgres(): Promise<void> {
    await pingPostgres(this.pool);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.publisher.disconnect(), this.admin.disconnect()]);
    await this.pool.end();
  }
}
