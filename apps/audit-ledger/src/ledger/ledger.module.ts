import { Module } from '@nestjs/common';
import { LedgerConsumer } from './ledger.consumer';
import { LedgerRepository } from './ledger.repository';

@Module({
  providers: [LedgerRepository, LedgerConsumer],
  exports: [LedgerRepository],
})
export class LedgerModule {}
