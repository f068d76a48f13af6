import { Module, type DynamicModule } from '@nestjs/common';
import { accessCopyMigration, AccessModule, InfrastructureModule } from '@cairn/service-kit';
import { AlertsModule } from './alerts/alerts.module';
import type { AlertingConfig } from './config';
import { DeliveriesModule } from './deliveries/deliveries.module';
import { ALERTING_SCHEMA, alertingMigrations } from './migrations';
import { QuarantineModule } from './quarantine/quarantine.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  static register(config: AlertingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forRoot(
          { name: 'alerting', schema: ALERTING_SCHEMA, migrations: [accessCopyMigration, ...alertingMigrations] },
          config,
        ),
        AccessModule.forRoot(),
        QuarantineModule,
        WebhooksModule,
        DeliveriesModule,
        AlertsModule,
      ],
    };
  }
}
