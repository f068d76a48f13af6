import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ConsumerObserver, PublisherObserver } from '@cairn/kafka';

/** Latency buckets (seconds) for HTTP requests and consumer batches: 5 ms to 30 s. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

type Collect<T> = (metric: T) => void | Promise<void>;

/**
 * The service's Prometheus registry, served at `GET /metrics`. It holds Node's process metrics,
 * the instruments every service shares (HTTP requests, events consumed and published, handler
 * latency, dead letters, consumer lag) and whatever an app adds through `counter`, `gauge` and
 * `histogram` — inject `Metrics` anywhere in an app (InfrastructureModule exports it globally):
 *
 * ```ts
 * const head = metrics.gauge('cairn_ledger_head_seq', 'Last ledger sequence number per organization', ['org']);
 * head.set({ org: orgId }, seq);
 * ```
 *
 * Asking twice for the same name returns the same instrument, so a feature may declare its
 * instruments in its constructor. Names start with `cairn_`; label values must stay few
 * (route patterns, topics, groups, organizations — never ids of single events).
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly consumed: Counter<'group' | 'topic'>;
  private readonly batchDuration: Histogram<'group' | 'topic'>;
  private readonly handlerDuration: Histogram<'group' | 'topic'>;
  private readonly deadLettered: Counter<'group' | 'topic'>;
  private readonly consumerErrors: Counter<'group'>;
  private readonly published: Counter<'topic'>;
  private readonly publishDuration: Histogram;
  private readonly publishFailures: Counter;

  constructor(
    readonly service: string,
    options: { processMetrics?: boolean } = {},
  ) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.gauge('cairn_service_info', 'The Cairn service behind this endpoint (always 1)', ['service']).set(
      { service },
      1,
    );
    const http = ['method', 'route', 'status'] as const;
    this.httpRequests = this.counter('cairn_http_requests_total', 'HTTP requests answered', http);
    this.httpDuration = this.histogram('cairn_http_request_duration_seconds', 'HTTP request latency', http);
    const consumer = ['group', 'topic'] as const;
    this.consumed = this.counter(
      'cairn_consumer_messages_total',
      'Messages consumed and done with (applied, skipped as already applied, or dead-lettered)',
      consumer,
    );
    this.batchDuration = this.histogram(
      'cairn_consumer_batch_duration_seconds',
      'One chunk of a partition batch: its whole transaction (handler, publishing, offsets, commit)',
      consumer,
    );
    this.handlerDuration = this.histogram(
      'cairn_consumer_handler_duration_seconds',
      "The service's handler alone, per chunk",
      consumer,
    );
    this.deadLettered = this.counter(
      'cairn_consumer_dead_lettered_total',
      'Messages sent to cairn.dlq.v1 (counted when queued; a rolled-back attempt may count twice)',
      consumer,
    );
    this.consumerErrors = this.counter(
      'cairn_consumer_errors_total',
      'Handler failures and waits for Kafka or Postgres (each retry counts)',
      ['group'],
    );
    this.published = this.counter('cairn_events_published_total', 'Events acknowledged by Kafka', ['topic']);
    this.publishDuration = this.histogram('cairn_publish_duration_seconds', 'Produce requests, until acknowledged');
    this.publishFailures = this.counter('cairn_publish_failures_total', 'Events in produce requests that failed');
  }

  counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return (
      this.existing<Counter<L>>(name, Counter) ?? new Counter<L>({ name, help, labelNames, registers: [this.registry] })
    );
  }

  /** A gauge; `collect`, when given, runs on every scrape (it may be async) to set current values. */
  gauge<L extends string = never>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    collect?: Collect<Gauge<L>>,
  ): Gauge<L> {
    const found = this.existing<Gauge<L>>(name, Gauge);
    if (found) return found;
    return new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      ...(collect && {
        collect(this: Gauge<L>) {
          return collect(this);
        },
      }),
    });
  }

  histogram<L extends string = never>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    buckets: number[] = LATENCY_BUCKETS,
  ): Histogram<L> {
    return (
      this.existing<Histogram<L>>(name, Histogram) ??
      new Histogram<L>({ name, help, labelNames, buckets, registers: [this.registry] })
    );
  }

  /** `route` is the route's pattern (`/v1/traces/:id`), never the raw path, to keep series few. */
  observeHttp(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  /** Hooks for a `BatchConsumer` of consumer group `group`. */
  consumerObserver(group: string): ConsumerObserver {
    return {
      batchApplied: (topic, _partition, count, durationMs) => {
        this.consumed.inc({ group, topic }, count);
        this.batchDuration.observe({ group, topic }, durationMs / 1000);
      },
      handled: (topic, _count, durationMs) => this.handlerDuration.observe({ group, topic }, durationMs / 1000),
      deadLettered: (topic) => this.deadLettered.inc({ group, topic }),
      error: () => this.consumerErrors.inc({ group }),
    };
  }

  /** Hooks for the service's `EventPublisher`. */
  publisherObserver(): PublisherObserver {
    return {
      published: (topic, count, durationMs) => {
        this.published.inc({ topic }, count);
        this.publishDuration.observe(durationMs / 1000);
      },
      failed: (count) => this.publishFailures.inc(count),
    };
  }

  /** The Prometheus text exposition of every metric. */
  async render(): Promise<string> {
    return this.registry.metrics();
  }

  private existing<T>(name: string, type: abstract new (...args: never[]) => unknown): T | undefined {
    const found = this.registry.getSingleMetric(name);
    if (found === undefined) return undefined;
    if (!(found instanceof type)) throw new Error(`metric ${name} already exists as another type`);
    return found as T;
  }
}
