import { Inject, Injectable } from '@nestjs/common';
import { Topics } from '@cairn/contracts';
import { setVectorCacheBytes } from '@cairn/matching';
import type { ConsumedEvent, BatchContext } from '@cairn/kafka';
import { Infrastructure, JsonLogger, SERVICE_CONFIG } from '@cairn/service-kit';
import type { MatcherServiceConfig } from '../config';
import { citationsFor, effectiveMatcherVersion } from './citations';

/** Turns each `generation.correlated.v1` into `citation.detected.v1` events. */
@Injectable()
export class MatcherConsumer {
  private readonly logger: JsonLogger;
  private readonly version: string;

  constructor(
    infrastructure: Infrastructure,
    @Inject(SERVICE_CONFIG) private readonly config: MatcherServiceConfig,
  ) {
    this.logger = new JsonLogger('matcher', config.LOG_LEVEL);
    this.version = effectiveMatcherVersion(config.matcherOverrides());
    if (config.MATCHER_VECTOR_CACHE_MB !== undefined) setVectorCacheBytes(config.MATCHER_VECTOR_CACHE_MB * 1024 * 1024);
    this.logger.log(`matching as ${this.version}`);
    infrastructure.registerConsumer({
      groupId: 'matcher',
      topics: [Topics.correlations],
      handler: (events, context) => this.match(events, context),
    });
  }

  private match(events: readonly ConsumedEvent[], { publish, now }: BatchContext): Promise<void> {
    for (const { event } of events) {
      if (event.type !== 'generation.correlated.v1') continue;
      const outcome = citationsFor(event, this.config.matcherOverrides(), this.version, now);
      publish(...outcome.citations);
      if (outcome.unknownContent > 0) {
        this.logger.write('debug', 'vectors without known content were not matched', [], {
          correlation: event.id,
          unknownContent: outcome.unknownContent,
        });
      }
    }
    return Promise.resolve();
  }
}
