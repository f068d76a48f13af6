import { Inject, Injectable } from '@nestjs/common';
import { createEvent, Topics, type GenerationCorrelatedEvent } from '@cairn/contracts';
import { MAX_MESSAGE_BYTES, type BatchContext, type ConsumedEvent } from '@cairn/kafka';
import { Infrastructure, JsonLogger, Metrics, SERVICE_CONFIG } from '@cairn/service-kit';
import type { Counter } from 'prom-client';
import type { CorrelationConfig } from '../config';
import { arrivalOf, type Arrival, type UnusableGeneration } from '../domain/arrival';
import { CorrelationWindow } from '../domain/correlation-window';
import { lookupKeys } from '../domain/lookup';
import type { WindowSettings } from '../domain/model';
import { CorrelationRepository } from './correlation.repository';

// Room left under the topic's record limit for the record's key, headers and framing.
const MAX_CORRELATION_BYTES = MAX_MESSAGE_BYTES - 64 * 1024;

/**
 * Consumes `cairn.ingest.v1` and emits `generation.correlated.v1` on `cairn.correlations.v1`.
 * Each batch loads every stored row its events can reach in one statement, applies the events
 * in order in memory, writes the changes and queues the correlations — all in the transaction
 * that stores the batch's offsets, so the state and the output never disagree after a crash.
 */
@Injectable()
export class CorrelationConsumer {
  private readonly settings: WindowSettings;
  private readonly logger: JsonLogger;
  private readonly emitted: Counter;
  private readonly passedOver: Counter<'reason'>;
  private readonly oversized: Counter;

  constructor(
    private readonly repository: CorrelationRepository,
    @Inject(SERVICE_CONFIG) config: CorrelationConfig,
    infrastructure: Infrastructure,
    metrics: Metrics,
  ) {
    this.settings = { windowMs: config.CORRELATION_WINDOW_MS, graceMs: config.CORRELATION_GRACE_MS };
    this.logger = new JsonLogger('correlation', config.LOG_LEVEL);
    // Counted when a batch is applied; a batch rolled back and retried counts again.
    this.emitted = metrics.counter('cairn_correlation_emitted_total', 'generation.correlated.v1 events emitted');
    this.passedOver = metrics.counter(
      'cairn_correlation_passed_over_total',
      'Ingest events that joined nothing: duplicate, late, retrievalWithoutAnchor, withoutText, withoutAnchor',
      ['reason'],
    );
    this.oversized = metrics.counter(
      'cairn_correlation_oversized_total',
      'Correlations not emitted because they exceed the record size Kafka accepts',
    );
    infrastructure.registerConsumer({
      groupId: config.CORRELATION_GROUP_ID,
      topics: [Topics.ingest],
      // kafkajs fetches again only once every partition of a fetch is applied, so partitions
      // applied side by side keep a generation's wait short; each holds a connection meanwhile,
      // and two stay free for the purge and the health probe.
      partitionsConsumedConcurrently: Math.max(1, Math.min(config.KAFKA_PARTITIONS, config.PG_POOL_SIZE - 2)),
      handler: (events, context) => this.apply(events, context),
    });
  }

  private async apply(events: readonly ConsumedEvent[], context: BatchContext): Promise<void> {
    const arrivals: Arrival[] = [];
    const unusable: Record<UnusableGeneration['reason'], number> = { withoutText: 0, withoutAnchor: 0 };
    for (const { event, partition } of events) {
      const arrival = arrivalOf(event, partition);
      if (arrival?.kind === 'unusable') unusable[arrival.reason] += 1;
      else if (arrival) arrivals.push(arrival);
    }
    if (unusable.withoutText + unusable.withoutAnchor > 0) {
      this.logger.write('debug', 'skipped generations that cannot correlate', [], { ...unusable });
      this.count(unusable);
    }
    if (arrivals.length === 0) return;

    const window = new CorrelationWindow(
      this.settings,
      await this.repository.load(context.client, lookupKeys(arrivals)),
    );
    const correlations = arrivals.flatMap((arrival) => window.apply(arrival));
    await this.repository.save(context.client, window.changes());
    const outgoing = correlations
      .map(({ payload, ...envelope }) =>
        createEvent({ ...envelope, type: 'generation.correlated.v1', payload }, context.now),
      )
      .filter((event) => this.fits(event));
    context.publish(...outgoing);
    this.emitted.inc(outgoing.length);
    const { duplicate, late, retrievalWithoutAnchor } = window.ignored;
    if (duplicate + late + retrievalWithoutAnchor > 0) {
      this.logger.write('debug', 'applied events that joined nothing', [], { ...window.ignored });
      this.count({ ...window.ignored });
    }
  }

  /**
   * Kafka refuses a record over its size limit, and the consumer would wait on that refusal forever
   * (it reads as Kafka being unavailable), stalling the partition: such a correlation — a
   * generation joined with many retrievals full of content — is logged and counted instead.
   */
  private fits(event: GenerationCorrelatedEvent): boolean {
    const bytes = Buffer.byteLength(JSON.stringify(event), 'utf8');
    if (bytes <= MAX_CORRELATION_BYTES) return true;
    this.oversized.inc();
    this.logger.write('error', 'correlation too large for Kafka; not emitted', [], {
      orgId: event.orgId,
      correlationEventId: event.id,
      generationEventId: event.payload.generation.eventId,
      retrievals: event.payload.retrievals.length,
      bytes,
    });
    return false;
  }

  private count(reasons: Readonly<Record<string, number>>): void {
    for (const [reason, count] of Object.entries(reasons)) if (count > 0) this.passedOver.inc({ reason }, count);
  }
}
