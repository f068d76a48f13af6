// `npm run demo`: the story of tools/demo/story.ts, printed as it happens, against the services
// `npm start` runs (it starts them itself when run as `npm run demo`; run this file directly,
// `node -r ./tools/register.cjs tools/demo/demo.ts`, against services already running).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { runStory } from './story';

const root = path.resolve(__dirname, '../..');
const url = (variable: string, port: number) => process.env[variable] ?? `http://127.0.0.1:${port}`;
const started = Date.now();
const print = (line: string) => console.log(`[demo +${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);

async function main(): Promise<void> {
  // A fresh organization each run, made the way an operator makes one: with the gateway's CLI.
  const created = execFileSync(
    process.execPath,
    [
      path.join(root, 'dist/apps/ingest-gateway/src/cli.js'),
      'create-org',
      '--name',
      `Demo ${new Date().toISOString()}`,
    ],
    { cwd: root, encoding: 'utf8', env: { KAFKA_BROKERS: 'localhost:9092', ...process.env } },
  );
  const { orgId, key } = JSON.parse(created) as { orgId: string; key: string };
  print(`created organization ${orgId} with an ingest, read and admin key`);
  const outcome = await runStory(
    {
      gateway: url('CAIRN_GATEWAY_URL', 8080),
      alerting: url('CAIRN_ALERTING_URL', 8083),
      ledger: url('CAIRN_LEDGER_URL', 8084),
    },
    { orgId, key },
    print,
  );
  const ok = outcome.served.signatureValid && outcome.cited.signatureValid && outcome.verification.ok;
  print(ok ? 'the story held: both alerts signed and delivered, the ledger verifies' : 'the story did NOT hold');
  print(`try: curl -s -H "Authorization: Bearer ${key}" ${url('CAIRN_LEDGER_URL', 8084)}/v1/alerts`);
  process.exitCode = ok ? 0 : 1;
}

main().catch((error: unknown) => {
  print(`failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
