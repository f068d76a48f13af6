import { Module, type DynamicModule } from '@nestjs/common';
import { InfrastructureModule } from '@cairn/service-kit';
import type { AlertingConfig } from './config';

@Module({})
export class AppModule {
  static register(config: AlertingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot({ name: 'alerting', schema: 'alerting' }, config)],
    };
  }
}
