import { Inject, Injectable } from '@nestjs/common';
import { createEvent, Topics } from '@cairn/contracts';
import type { BatchContext, ConsumedEvent } from '@cairn/kafka';
import { Infrastructure, JsonLogger, SERVICE_CONFIG } from '@cairn/service-kit';
import type { CorrelationConfig } from '../config';
import { arrivalOf, type Arrival, type UnusableGeneration } from '../domain/arrival';
import { CorrelationWindow } from '../domain/correlation-window';
import { lookupKeys } from '../domain/lookup';
import type { WindowSettings } from '../domain/model';
import { CorrelationRepository } from './correlation.repository';

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

  constructor(
    private readonly repository: CorrelationRepository,
    @Inject(SERVICE_CONFIG) config: CorrelationConfig,
    infrastructure: Infrastructure,
  ) {
    this.settings = { windowMs: config.CORRELATION_WINDOW_MS, graceMs: config.CORRELATION_GRACE_MS };
    this.logger = new JsonLogger('correlation', config.LOG_LEVEL);
    infrastructure.registerConsumer({
      groupId: config.CORRELATION_GROUP_ID,
      topics: [Topics.ingest],
      // kafkajs fetches again only once every partition of a fetch is applied, so partitions
      // applied side by side keep a generation's wait short; each holds a connection meanwhile,
      // and two stay free for the purge and the health probe.
      partitionsConsumedConcurrently: 12,
      handler: (events, context) => this.handle(events, context),
    });
  }

  async handle(events: readonly ConsumedEvent[], context: BatchContext): Promise<void> {
    const arrivals: Arrival[] = [];
    const unusable: Record<UnusableGeneration['reason'], number> = { withoutText: 0, withoutAnchor: 0 };
    for (const { event, partition } of events) {
      const arrival = arrivalOf(event, partition);
      if (arrival?.kind === 'unusable') unusable[arrival.reason] += 1;
      else if (arrival) arrivals.push(arrival);
    }
    if (unusable.withoutText + unusable.withoutAnchor > 0) {
      this.logger.write('debug', 'skipped generations that cannot correlate', [], { ...unusable });
    }
    if (arrivals.length === 0) return;

    const window = new CorrelationWindow(
      this.settings,
      await this.repository.load(context.client, lookupKeys(arrivals)),
    );
    const correlations = arrivals.flatMap((arrival) => window.apply(arrival));
    await this.repository.save(context.client, window.changes());
    context.publish(
      ...correlations.map(({ payload, ...envelope }) =>
        createEvent({ ...envelope, type: 'generation.correlated.v1', payload }, context.now),
      ),
    );
    const { duplicate, late, retrievalWithoutAnchor } = window.ignored;
    if (duplicate + late + retrievalWithoutAnchor > 0) {
      this.logger.write('debug', 'applied events that joined nothing', [], { ...window.ignored });
    }
  }
}
