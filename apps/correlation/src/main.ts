import { loadConfig, runMain, startService } from '@cairn/service-kit';
import { AppModule } from './app.module';
import { CorrelationConfig } from './config';

runMain('correlation', async () => {
  const config = loadConfig(CorrelationConfig);
  await startService(AppModule.register(config), config, { name: 'correlation', defaultPort: 8081 });
});
