import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { PoolClient } from '@cairn/pg';
import { Infrastructure, JsonLogger, Metrics, SERVICE_CONFIG } from '@cairn/service-kit';
import type { LedgerConfig } from '../config';
import { APPENDED_CHANNEL } from '../ledger/ledger.repository';
import { ProjectionsRepository } from './projections.repository';
import { Projector } from './projector';

/**
 * Keeps the read models up to the ledger: the projector runs whenever the writer NOTIFYs a commit, and
 * at least every PROJECTOR_POLL_MS (a cheap heads-versus-progress query), so a missed notification or
 * a lost listening connection only delays it by one poll.
 */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly projector: Projector;
  private readonly logger: JsonLogger;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private listener: PoolClient | undefined;
  private notified = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly repository: ProjectionsRepository,
    private readonly infrastructure: Infrastructure,
    @Inject(SERVICE_CONFIG) private readonly config: LedgerConfig,
    metrics: Metrics,
  ) {
    this.logger = new JsonLogger('audit-ledger', config.LOG_LEVEL);
    metrics.gauge(
      'cairn_ledger_projection_lag_entries',
      'Ledger entries not yet in the projections, over every organization',
      [],
      async (gauge) => {
        const { ledger, projected } = await repository.totals().catch(() => ({ ledger: NaN, projected: NaN }));
        gauge.set(ledger - projected); // NaN while Postgres cannot answer
      },
    );
    this.projector = new Projector(repository.pool, repository, {
      batchSize: config.PROJECTOR_BATCH_SIZE,
      concurrency: config.PROJECTOR_CONCURRENCY,
      onError: (orgId, error) => this.logger.write('warn', 'projection failed', [], { orgId, error: String(error) }),
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.PROJECTOR_ENABLED) this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.projector.stop();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        // The tables exist once the infrastructure has run the migrations.
        if (this.infrastructure.isInitialized) {
          await this.listen();
          await this.projector.catchUp();
        }
      } catch (error) {
        this.logger.write('warn', 'projector waiting for Postgres', [], { error: String(error) });
      }
      await this.idle(this.config.PROJECTOR_POLL_MS);
    }
    this.listener?.release();
  }

  private async listen(): Promise<void> {
    if (this.listener !== undefined) return;
    const client = await this.repository.pool.connect();
    client.on('notification', () => {
      this.notified = true;
      this.wake?.();
    });
    client.on('error', () => {
      // The connection is gone: polling carries on, and the next round listens on a new one.
      if (this.listener === client) this.listener = undefined;
      client.release(true);
    });
    try {
      await client.query(`LISTEN ${APPENDED_CHANNEL}`);
    } catch (error) {
      client.release(true);
      throw error;
    }
    this.listener = client;
  }

  private async idle(ms: number): Promise<void> {
    if (this.notified || this.stopping) {
      this.notified = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
    this.notified = false;
  }
}
