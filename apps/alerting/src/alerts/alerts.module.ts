import { Module } from '@nestjs/common';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { QuarantineModule } from '../quarantine/quarantine.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { AlertsConsumer } from './alerts.consumer';
import { AlertsRepository } from './alerts.repository';

@Module({
  imports: [QuarantineModule, WebhooksModule, DeliveriesModule],
  providers: [AlertsRepository, AlertsConsumer],
})
export class AlertsModule {}
