import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Infrastructure, JsonLogger, Metrics, SERVICE_CONFIG } from '@cairn/service-kit';
import type { LedgerConfig } from '../config';
import { PUBLICATION_PROGRESS, progressLagGauge } from '../ledger/chain-progress';
import { FollowLoop } from '../ledger/follow-loop';
import { LedgerPublisher } from './ledger-publisher';
import { PublicationRepository } from './publication.repository';

/** Keeps `cairn.ledger.v1` up to the ledger: the publisher runs in a follow loop (on NOTIFY, and polling). */
@Injectable()
export class PublicationService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop: FollowLoop;

  constructor(
    repository: PublicationRepository,
    infrastructure: Infrastructure,
    @Inject(SERVICE_CONFIG) private readonly config: LedgerConfig,
    metrics: Metrics,
  ) {
    const logger = new JsonLogger('audit-ledger', config.LOG_LEVEL);
    progressLagGauge(
      metrics,
      repository.pool,
      PUBLICATION_PROGRESS,
      'cairn_ledger_publication_lag_entries',
      'Ledger entries not yet published on cairn.ledger.v1, over every organization',
    );
    const publisher = new LedgerPublisher(repository.pool, repository, infrastructure.publisher, {
      batchSize: config.PUBLISHER_BATCH_SIZE,
      concurrency: config.PUBLISHER_CONCURRENCY,
      onError: (orgId, error) => logger.write('warn', 'publication failed', [], { orgId, error: String(error) }),
    });
    this.loop = new FollowLoop({
      pool: repository.pool,
      pollMs: config.PUBLISHER_POLL_MS,
      ready: () => infrastructure.isInitialized,
      follower: publisher,
      name: 'publisher',
      logger,
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.PUBLISHER_ENABLED) this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }
}
