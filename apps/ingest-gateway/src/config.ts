import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { ServiceConfig } from '@cairn/service-kit';

export class GatewayConfig extends ServiceConfig {
  /** Sustained requests per second allowed per API key (a token bucket; bursts up to RATE_LIMIT_BURST). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_RPS: number = 1_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_BURST: number = 2_000;

  /** Largest request body; 100 retrievals of 200 results of 16 KB would be 320 MB, so batches are bounded here. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(256 * 1024 * 1024)
  BODY_LIMIT_BYTES: number = 16 * 1024 * 1024;

  /** How long (client event id → event id) pairs are kept for idempotency. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  IDEMPOTENCY_RETENTION_HOURS: number = 7 * 24;
}
