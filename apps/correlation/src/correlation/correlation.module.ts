import { Module } from '@nestjs/common';
import { CorrelationConsumer } from './correlation.consumer';
import { CorrelationPurger } from './correlation.purger';
import { CorrelationRepository } from './correlation.repository';

@Module({ providers: [CorrelationRepository, CorrelationConsumer, CorrelationPurger] })
export class CorrelationModule {}
