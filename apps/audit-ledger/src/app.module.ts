import { Module, type DynamicModule } from '@nestjs/common';
import { InfrastructureModule } from '@cairn/service-kit';
import type { LedgerConfig } from './config';

@Module({})
export class AppModule {
  static register(config: LedgerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot({ name: 'audit-ledger', schema: 'ledger' }, config)],
    };
  }
}
