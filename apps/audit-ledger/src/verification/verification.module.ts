import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { VerificationController } from './verification.controller';
import { VerificationService } from './verification.service';

@Module({
  imports: [LedgerModule],
  controllers: [VerificationController],
  providers: [VerificationService],
})
export class VerificationModule {}
