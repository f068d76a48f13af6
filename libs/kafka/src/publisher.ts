import type { Kafka, TopicMessages } from 'kafkajs';
import { topicOf, validateEvent, type CairnEvent } from '@cairn/contracts';
import type { KafkaConnection } from './client';
import { KafkaUnavailableError } from './errors';
import { ProducerSender, type Sender } from './producer-sender';
import { ThreadSender } from './thread-sender';

export interface PublisherOptions {
  /** How long `publish` waits for the acknowledgement before giving up with KafkaUnavailableError. */
  ackTimeoutMs?: number;
  /** Told about every acknowledged write and every refused one (metrics); must not throw. */
  observer?: PublisherObserver;
  /**
   * Encode and send from a worker thread with its own Kafka client for this connection: kafkajs's
   * encoding is a third of the gateway's CPU, which a second core can take off its main thread.
   */
  sendFromThread?: KafkaConnection;
}

export interface PublisherObserver {
  /** `count` events on `topic` were acknowledged by Kafka, `durationMs` after the request left. */
  published?(topic: string, count: number, durationMs: number): void;
  /** A request of `count` events failed (Kafka refused it or was unreachable). */
  failed?(count: number, error: unknown): void;
}

interface Pending {
  events: readonly CairnEvent[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Publishes envelopes on their topics, keyed by organization, acknowledged by every in-sync
 * replica, through an idempotent producer. Concurrent `publish` calls are coalesced: while one
 * request is in flight the next ones queue and leave together as one batch, which is what lets a
 * producer limited to one in-flight request (idempotence requires it) keep up with many callers.
 */
export class EventPublisher {
  private readonly sender: Sender;
  private readonly ackTimeoutMs: number;
  private readonly observer: PublisherObserver | undefined;
  private queue: Pending[] = [];
  private sending = false;

  constructor(kafka: Kafka, options: PublisherOptions = {}) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 4_000;
    this.observer = options.observer;
    this.sender = options.sendFromThread
      ? new ThreadSender(options.sendFromThread, this.ackTimeoutMs)
      : new ProducerSender(kafka, this.ackTimeoutMs);
  }

  async connect(): Promise<void> {
    return this.sender.connect();
  }

  /** Resolves once Kafka has acknowledged every event; rejects with KafkaUnavailableError otherwise. */
  async publish(events: readonly CairnEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const event of events) {
      const result = validateEvent(event);
      if (!result.ok) throw new Error(`refusing to publish an invalid event: ${result.error}`);
    }
    const acknowledged = new Promise<void>((resolve, reject) => this.queue.push({ events, resolve, reject }));
    this.drain();
    return withDeadline(acknowledged, this.ackTimeoutMs);
  }

  async disconnect(): Promise<void> {
    await this.sender.disconnect();
  }

  private drain(): void {
    if (this.sending || this.queue.length === 0) return;
    this.sending = true;
    const batch = this.queue;
    this.queue = [];
    void this.send(batch.flatMap((pending) => pending.events))
      .then(
        () => batch.forEach((pending) => pending.resolve()),
        (error: unknown) => batch.forEach((pending) => pending.reject(error)),
      )
      .finally(() => {
        this.sending = false;
        this.drain();
      });
  }

  private async send(events: readonly CairnEvent[]): Promise<void> {
    const byTopic = new Map<string, TopicMessages>();
    for (const event of events) {
      const topic = topicOf(event.type);
      let entry = byTopic.get(topic);
      if (!entry) byTopic.set(topic, (entry = { topic, messages: [] }));
      entry.messages.push({
        key: event.orgId,
        value: JSON.stringify(event),
        headers: { 'cairn-event-type': event.type, 'cairn-event-id': event.id },
      });
    }
    const started = Date.now();
    try {
      await this.sender.send([...byTopic.values()]);
    } catch (error) {
      observe(() => this.observer?.failed?.(events.length, error));
      throw error;
    }
    const durationMs = Date.now() - started;
    for (const { topic, messages } of byTopic.values()) {
      observe(() => this.observer?.published?.(topic, messages.length, durationMs));
    }
  }
}

/** An observer's failure must never turn an acknowledged write into an error. */
function observe(call: () => void): void {
  try {
    call();
  } catch {
    // Metrics are best effort.
  }
}

async function withDeadline(promise: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new KafkaUnavailableError(`Kafka did not acknowledge the write within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([promise, deadline]);
  } catch (error) {
    if (error instanceof KafkaUnavailableError) throw error;
    throw new KafkaUnavailableError(`Kafka refused the write: ${(error as Error).message}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
