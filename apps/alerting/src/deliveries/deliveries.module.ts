import { Module } from '@nestjs/common';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveriesWorker } from './deliveries.worker';

@Module({ providers: [DeliveriesRepository, DeliveriesWorker], exports: [DeliveriesRepository] })
export class DeliveriesModule {}
