import { Module, type DynamicModule } from '@nestjs/common';
import { InfrastructureModule } from '@cairn/service-kit';
import type { CorrelationConfig } from './config';

@Module({})
export class AppModule {
  static register(config: CorrelationConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot({ name: 'correlation', schema: 'correlation' }, config)],
    };
  }
}
