import { loadConfig, runMain, startService } from '@cairn/service-kit';
import { AppModule } from './app.module';
import { AlertingConfig } from './config';

runMain('alerting', async () => {
  const config = loadConfig(AlertingConfig);
  await startService(AppModule.register(config), config, { name: 'alerting', defaultPort: 8083 });
});
