import { loadConfig, runMain, startService } from '@cairn/service-kit';
import { AppModule } from './app.module';
import { LedgerConfig } from './config';

runMain('audit-ledger', async () => {
  const config = loadConfig(LedgerConfig);
  await startService(AppModule.register(config), config, { name: 'audit-ledger', defaultPort: 8084 });
});
