import { Module, type DynamicModule } from '@nestjs/common';
import { InfrastructureModule } from '@cairn/service-kit';
import type { MatcherServiceConfig } from './config';
import { MatcherConsumer } from './matching/matcher.consumer';

@Module({})
export class AppModule {
  static register(config: MatcherServiceConfig): DynamicModule {
    return {
      module: AppModule,
      // The matcher keeps no domain state; its schema holds only its consumer offsets.
      imports: [InfrastructureModule.forRoot({ name: 'matcher', schema: 'matcher' }, config)],
      providers: [MatcherConsumer],
    };
  }
}
