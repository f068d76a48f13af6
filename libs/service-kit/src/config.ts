import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';

/**
 * Variables every service reads. Each app extends this class with its own and reads it once at
 * boot through `loadConfig`; a missing or malformed variable stops the process, naming it.
 */
export class ServiceConfig {
  @Matches(/^[^\s:,]+:\d+(,[^\s:,]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port…]' })
  KAFKA_BROKERS!: string;

  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL!: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @IsString()
  HOST: string = '0.0.0.0';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  KAFKA_PARTITIONS: number = 12;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  PG_POOL_SIZE: number = 10;

  /**
   * After SIGTERM, how long consumers, HTTP and connections get to close before the process exits
   * anyway (code 1). Kubernetes' terminationGracePeriodSeconds must be longer (see k8s/).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS: number = 30_000;

  /**
   * Appended to every consumer group name. `cairn replay --separate` runs a second copy of a
   * service under other group names, so that it reprocesses history beside the live one.
   */
  @Matches(/^[A-Za-z0-9._-]{0,60}$/, { message: 'CONSUMER_GROUP_SUFFIX must be 0–60 of [A-Za-z0-9._-]' })
  CONSUMER_GROUP_SUFFIX: string = '';

  /** When set, consumers pass over (without applying) messages written after this instant. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'CONSUME_UNTIL must be an ISO 8601 instant' })
  @Matches(/(Z|[+-]\d{2}:\d{2})$/, { message: 'CONSUME_UNTIL must carry a zone (Z or ±hh:mm)' })
  CONSUME_UNTIL?: string;

  @IsIn(['debug', 'info', 'warn', 'error'])
  LOG_LEVEL: 'debug' | 'info' | 'warn' | 'error' = 'info';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig<T extends ServiceConfig>(
  type: new () => T,
  env: Record<string, string | undefined> = process.env,
): T {
  const defined = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const config = plainToInstance(type, defined, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: false, forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.map((error) => `${error.property}: ${Object.values(error.constraints ?? {}).join('; ') || 'is invalid'}`),
    );
  }
  return config;
}
