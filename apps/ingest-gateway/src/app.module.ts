import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { accessCopyMigration, AccessModule, InfrastructureModule } from '@cairn/service-kit';
import type { GatewayConfig } from './config';
import { BuzoController } from './ingest/buzo.controller';
import { EventIntake } from './ingest/event-intake.service';
import { RateLimitInterceptor } from './ingest/rate-limit.interceptor';
import { gatewayMigrations } from './migrations';
import { OpenApiController } from './openapi/openapi.controller';
import { QuarantineController } from './quarantine/quarantine.controller';
import { QuarantineService } from './quarantine/quarantine.service';
import { VendorsController } from './vendors/vendors.controller';

@Module({})
export class AppModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forRoot(
          {
            name: 'ingest-gateway',
            schema: 'gateway',
            migrations: [accessCopyMigration, ...gatewayMigrations],
            // Request handling saturates the main thread; Kafka encoding goes to a second core.
            publishFromThread: true,
          },
          config,
        ),
        AccessModule.forRoot(),
      ],
      controllers: [BuzoController, VendorsController, QuarantineController, OpenApiController],
      providers: [EventIntake, QuarantineService, { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor }],
    };
  }
}
