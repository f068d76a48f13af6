import { loadConfig, runMain, startService } from '@cairn/service-kit';
import { AppModule } from './app.module';
import { MatcherServiceConfig } from './config';

runMain('matcher', async () => {
  const config = loadConfig(MatcherServiceConfig);
  await startService(AppModule.register(config), config, { name: 'matcher', defaultPort: 8082 });
});
