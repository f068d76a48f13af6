import { Module, type DynamicModule } from '@nestjs/common';
import { InfrastructureModule } from '@cairn/service-kit';
import type { CorrelationConfig } from './config';
import { CorrelationModule } from './correlation/correlation.module';
import { CORRELATION_SCHEMA } from './correlation/correlation.repository';
import { correlationMigrations } from './migrations';

@Module({})
export class AppModule {
  static register(config: CorrelationConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forRoot(
          { name: 'correlation', schema: CORRELATION_SCHEMA, migrations: correlationMigrations },
          config,
        ),
        CorrelationModule,
      ],
    };
  }
}
