import { loadConfig, runMain, startService } from '@cairn/service-kit';
import { AppModule } from './app.module';
import { GatewayConfig } from './config';

runMain('ingest-gateway', async () => {
  const config = loadConfig(GatewayConfig);
  await startService(AppModule.register(config), config, {
    name: 'ingest-gateway',
    defaultPort: 8080,
    bodyLimit: config.BODY_LIMIT_BYTES,
  });
});
