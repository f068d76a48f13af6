import { CompressionTypes, Partitioners, type Kafka, type Producer, type TopicMessages } from 'kafkajs';

/** Where `EventPublisher` hands its encoded batches: a producer here, or one on a worker thread. */
export interface Sender {
  connect(): Promise<void>;
  /** Resolves once Kafka acknowledged every message (acks from all in-sync replicas). */
  send(topicMessages: TopicMessages[]): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * An idempotent kafkajs producer, acknowledged by every in-sync replica. Idempotence allows one
 * request in flight, which `EventPublisher`'s coalescing makes up for.
 */
export class ProducerSender implements Sender {
  private readonly producer: Producer;
  private connected: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    private readonly ackTimeoutMs: number,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      // Bounded so a stuck request frees the queue; callers' deadline (`ackTimeoutMs`) is the real limit.
      retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connected = undefined;
    });
  }

  async connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    return this.connected;
  }

  async send(topicMessages: TopicMessages[]): Promise<void> {
    await this.connect();
    await this.producer.sendBatch({
      topicMessages,
      acks: -1,
      timeout: this.ackTimeoutMs,
      compression: CompressionTypes.None,
    });
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}
