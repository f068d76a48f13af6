import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import type { Kafka } from 'kafkajs';
import { createKafka, EventPublisher, parseBrokers } from '@cairn/kafka';
import { createPool } from '@cairn/pg';
import type { ServiceConfig } from './config';
import { HealthController } from './health.controller';
import { ErrorFilter } from './http-errors';
import { JsonLogger } from './logger';
import { Infrastructure, type ServiceOptions } from './infrastructure.service';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { KAFKA, PG_POOL, SERVICE_CONFIG, SERVICE_OPTIONS } from './tokens';

/**
 * Postgres, Kafka, the producer, health and metrics endpoints and consumer lifecycle for one
 * service. `Metrics` is exported: apps inject it to add their own instruments.
 */
@Module({})
export class InfrastructureModule {
  static forRoot(options: ServiceOptions, config: ServiceConfig): DynamicModule {
    const connection = { brokers: parseBrokers(config.KAFKA_BROKERS), clientId: `cairn-${options.name}` };
    return {
      module: InfrastructureModule,
      global: true,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'json', logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_OPTIONS, useValue: options },
        { provide: SERVICE_CONFIG, useValue: config },
        {
          provide: PG_POOL,
          useFactory: () =>
            createPool(config.DATABASE_URL, { applicationName: `cairn-${options.name}`, max: config.PG_POOL_SIZE }),
        },
        { provide: KAFKA, useFactory: () => createKafka(connection) },
        { provide: Metrics, useFactory: () => new Metrics(options.name) },
        {
          provide: EventPublisher,
          useFactory: (kafka: Kafka, metrics: Metrics) =>
            new EventPublisher(kafka, {
              observer: metrics.publisherObserver(),
              ...(options.publishFromThread ? { sendFromThread: connection } : {}),
            }),
          inject: [KAFKA, Metrics],
        },
        Infrastructure,
        { provide: APP_FILTER, useFactory: () => new ErrorFilter(new JsonLogger(options.name, config.LOG_LEVEL)) },
      ],
      exports: [SERVICE_OPTIONS, SERVICE_CONFIG, PG_POOL, KAFKA, EventPublisher, Infrastructure, Metrics],
    };
  }
}
