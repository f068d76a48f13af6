import { Module, type DynamicModule } from '@nestjs/common';
import { accessCopyMigration, AccessModule, InfrastructureModule } from '@cairn/service-kit';
import type { LedgerConfig } from './config';
import { LedgerModule } from './ledger/ledger.module';
import { LEDGER_SCHEMA, ledgerMigrations } from './migrations';
import { ProjectionsModule } from './projections/projections.module';
import { PublicationModule } from './publication/publication.module';
import { QueryModule } from './query/query.module';
import { VerificationModule } from './verification/verification.module';

@Module({})
export class AppModule {
  static register(config: LedgerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forRoot(
          {
            name: 'audit-ledger',
            schema: LEDGER_SCHEMA,
            migrations: [accessCopyMigration, ...ledgerMigrations],
            // Appending saturates the main thread; publishing cairn.ledger.v1 goes to a second core.
            publishFromThread: true,
          },
          config,
        ),
        AccessModule.forRoot(),
        LedgerModule,
        VerificationModule,
        ProjectionsModule,
        PublicationModule,
        QueryModule,
      ],
    };
  }
}
