import { Module, type DynamicModule } from '@nestjs/common';
import { InfrastructureModule } from '@cairn/service-kit';
import type { MatcherConfig } from './config';

@Module({})
export class AppModule {
  static register(config: MatcherConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot({ name: 'matcher', schema: 'matcher' }, config)],
    };
  }
}
