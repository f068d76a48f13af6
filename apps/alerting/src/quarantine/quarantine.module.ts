import { Module } from '@nestjs/common';
import { QuarantineConsumer } from './quarantine.consumer';
import { QuarantineRepository } from './quarantine.repository';

@Module({ providers: [QuarantineRepository, QuarantineConsumer], exports: [QuarantineRepository] })
export class QuarantineModule {}
