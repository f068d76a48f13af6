import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsString, Matches, Max, Min, ValidateBy, type ValidationOptions } from 'class-validator';
import { ServiceConfig } from '@cairn/service-kit';
import type { RetryPolicy } from './domain/retry-schedule';

const SECOND_MS = 1_000;
const HOUR_MS = 3_600 * SECOND_MS;

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** A lease shorter than the HTTP timeout would let a second worker resend a delivery still in flight. */
const LongerThanTimeout = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'longerThanTimeout',
      validator: {
        validate: (value: unknown, args) =>
          typeof value === 'number' && value > (args?.object as AlertingConfig).WEBHOOK_TIMEOUT_MS,
        defaultMessage: () => 'WEBHOOK_LEASE_MS must be longer than WEBHOOK_TIMEOUT_MS',
      },
    },
    options,
  );

export class AlertingConfig extends ServiceConfig {
  /** Prefix of the consumer group ids; a new one re-reads the topics from the start (a replay). */
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,180}$/, { message: 'ALERTING_GROUP_ID must be 1–180 of [A-Za-z0-9._-]' })
  ALERTING_GROUP_ID: string = 'alerting';

  /** Lets webhooks point at loopback and private networks: for local development only. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'WEBHOOK_ALLOW_PRIVATE must be true or false' })
  WEBHOOK_ALLOW_PRIVATE: boolean = false;

  /** Runs the delivery worker in this process; false makes an API- and consumer-only replica. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'WEBHOOK_DELIVERY_ENABLED must be true or false' })
  WEBHOOK_DELIVERY_ENABLED: boolean = true;

  /** Per (alert type, vector): further alerts inside this window are recorded and published but not sent. 0 disables. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(7 * 24 * HOUR_MS)
  WEBHOOK_DEDUP_WINDOW_MS: number = HOUR_MS;

  /** Whole-request deadline of one delivery attempt. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120 * SECOND_MS)
  WEBHOOK_TIMEOUT_MS: number = 10 * SECOND_MS;

  /** How long a claimed delivery is left to its worker before another may retry it (a crashed worker). */
  @Type(() => Number)
  @IsInt()
  @LongerThanTimeout()
  WEBHOOK_LEASE_MS: number = 60 * SECOND_MS;

  /** Delay after the first failed attempt; each later one is three times longer, up to the cap. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  WEBHOOK_RETRY_BASE_MS: number = 10 * SECOND_MS;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  WEBHOOK_RETRY_CAP_MS: number = HOUR_MS;

  /** A delivery still failing this long after it was queued is marked failed. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  WEBHOOK_RETRY_FOR_MS: number = 24 * HOUR_MS;

  /** How often the worker looks for due deliveries. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(60 * SECOND_MS)
  WEBHOOK_POLL_INTERVAL_MS: number = SECOND_MS;

  /** Deliveries one process sends at the same time. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(256)
  WEBHOOK_DELIVERY_CONCURRENCY: number = 16;

  retryPolicy(): RetryPolicy {
    return {
      baseDelayMs: this.WEBHOOK_RETRY_BASE_MS,
      maxDelayMs: this.WEBHOOK_RETRY_CAP_MS,
      retryForMs: this.WEBHOOK_RETRY_FOR_MS,
    };
  }
}
