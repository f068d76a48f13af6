import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { Infrastructure, JsonLogger, Metrics, SERVICE_CONFIG } from '@cairn/service-kit';
import type { CorrelationConfig } from '../config';
import { retentionOf } from '../domain/model';
import { CorrelationRepository, type PurgedTable } from './correlation.repository';

/**
 * Deletes expired window state on a timer, a small batch per statement so it never holds many
 * locks or a long transaction next to the consumer. Expiry is measured against each partition's
 * clock (the latest event time applied on it), which is also what the join uses to decide what
 * is still in reach: whatever the purge deletes, the join would have ignored.
 */
@Injectable()
export class CorrelationPurger implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly retention: Record<PurgedTable, number>;
  private readonly logger: JsonLogger;
  private timer: NodeJS.Timeout | undefined;
  private readonly purged: Counter<'table'>;
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(
    private readonly repository: CorrelationRepository,
    private readonly infrastructure: Infrastructure,
    @Inject(SERVICE_CONFIG) private readonly config: CorrelationConfig,
    metrics: Metrics,
  ) {
    const { generationsMs, retrievalsMs } = retentionOf({
      windowMs: config.CORRELATION_WINDOW_MS,
      graceMs: config.CORRELATION_GRACE_MS,
    });
    this.retention = {
      generations: generationsMs,
      retrievals: retrievalsMs,
      vector_content: config.CORRELATION_CONTENT_RETENTION_MS,
    };
    this.logger = new JsonLogger('correlation', config.LOG_LEVEL);
    this.purged = metrics.counter('cairn_correlation_purged_total', 'Expired window rows deleted', ['table']);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.purge().finally(() => (this.running = undefined));
    }, this.config.CORRELATION_PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over every table until nothing expired is left. */
  private async purge(): Promise<void> {
    const deleted: Record<PurgedTable, number> = { retrievals: 0, generations: 0, vector_content: 0 };
    if (!this.infrastructure.isInitialized) return;
    const limit = this.config.CORRELATION_PURGE_BATCH_SIZE;
    try {
      for (const table of Object.keys(deleted) as PurgedTable[]) {
        for (let count = limit; count === limit && !this.stopping;) {
          count = await this.repository.purge(table, this.retention[table], limit);
          deleted[table] += count;
          this.purged.inc({ table }, count);
        }
      }
    } catch (error) {
      this.logger.write('warn', 'purge failed; retrying on the next tick', [], { error: String(error) });
    }
    if (deleted.retrievals + deleted.generations + deleted.vector_content > 0) {
      this.logger.write('debug', 'purged expired correlation state', [], { ...deleted });
    }
  }
}
