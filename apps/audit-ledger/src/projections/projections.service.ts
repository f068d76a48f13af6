import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Infrastructure, JsonLogger, Metrics, SERVICE_CONFIG } from '@cairn/service-kit';
import type { LedgerConfig } from '../config';
import { PROJECTION_PROGRESS, progressLagGauge } from '../ledger/chain-progress';
import { FollowLoop } from '../ledger/follow-loop';
import { ProjectionsRepository } from './projections.repository';
import { Projector } from './projector';

/** Keeps the read models up to the ledger: the projector runs in a follow loop (on NOTIFY, and polling). */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop: FollowLoop;

  constructor(
    repository: ProjectionsRepository,
    infrastructure: Infrastructure,
    @Inject(SERVICE_CONFIG) private readonly config: LedgerConfig,
    metrics: Metrics,
  ) {
    const logger = new JsonLogger('audit-ledger', config.LOG_LEVEL);
    progressLagGauge(
      metrics,
      repository.pool,
      PROJECTION_PROGRESS,
      'cairn_ledger_projection_lag_entries',
      'Ledger entries not yet in the projections, over every organization',
    );
    const projector = new Projector(repository.pool, repository, {
      batchSize: config.PROJECTOR_BATCH_SIZE,
      concurrency: config.PROJECTOR_CONCURRENCY,
      onError: (orgId, error) => logger.write('warn', 'projection failed', [], { orgId, error: String(error) }),
    });
    this.loop = new FollowLoop({
      pool: repository.pool,
      pollMs: config.PROJECTOR_POLL_MS,
      ready: () => infrastructure.isInitialized,
      follower: projector,
      name: 'projector',
      logger,
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.PROJECTOR_ENABLED) this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }
}
