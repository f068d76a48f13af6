import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Infrastructure } from './infrastructure.service';

/** Liveness is cheap; readiness answers 503 while Kafka or Postgres is unreachable or boot is unfinished. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly infrastructure: Infrastructure,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.probe('postgres', () => this.infrastructure.pingPostgres()),
      () => this.probe('kafka', () => this.infrastructure.pingKafka()),
      () => {
        const session = this.indicators.check('startup');
        return this.infrastructure.isInitialized
          ? session.up()
          : session.down('migrations, topics or consumers not ready');
      },
    ]);
  }

  private async probe(key: string, ping: () => Promise<void>) {
    const session = this.indicators.check(key);
    try {
      await ping();
      return session.up();
    } catch (error) {
      return session.down((error as Error).message);
    }
  }
}
