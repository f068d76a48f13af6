import { Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { ServiceConfig } from '@cairn/service-kit';

const HOUR_MS = 60 * 60 * 1000;

export class CorrelationConfig extends ServiceConfig {
  /**
   * The consumer applies up to one partition per connection at once (see correlation.consumer.ts),
   * so the pool is larger than the shared default: 12 partitions, the purge and the health probe.
   */
  override PG_POOL_SIZE: number = 16;

  /** Largest distance between a retrieval's and a generation's timestamps for them to correlate. */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(24 * HOUR_MS)
  CORRELATION_WINDOW_MS: number = 15 * 60 * 1000;

  /** How late (behind the newest event of its partition) an event may arrive and still correlate. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(24 * HOUR_MS)
  CORRELATION_GRACE_MS: number = 5 * 60 * 1000;

  /** How long the latest content of a vector is kept after the retrieval that carried it. */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  CORRELATION_CONTENT_RETENTION_MS: number = 7 * 24 * HOUR_MS;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  CORRELATION_PURGE_INTERVAL_MS: number = 30_000;

  /** Rows deleted per purge statement: small, so a purge never holds many row locks for long. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  CORRELATION_PURGE_BATCH_SIZE: number = 1_000;

  /** A new group id re-reads the ingest topic from the start (a replay; see README.md). */
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,200}$/, { message: 'CORRELATION_GROUP_ID must be 1–200 of [A-Za-z0-9._-]' })
  CORRELATION_GROUP_ID: string = 'correlation';
}
