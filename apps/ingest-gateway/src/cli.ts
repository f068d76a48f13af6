// Organization and API key administration for the gateway. Changes are published on
// cairn.access.v1; every service that serves HTTP builds its own key table from that topic.
//
//   node dist/apps/ingest-gateway/src/cli.js create-org --name "Acme" [--scopes ingest,read,admin]
//   node dist/apps/ingest-gateway/src/cli.js create-key --org <orgId> --scopes ingest
//   node dist/apps/ingest-gateway/src/cli.js revoke-key --org <orgId> --prefix <ck_…>
//   CAIRN_DEV_API_KEY=… node dist/apps/ingest-gateway/src/cli.js seed-dev
import { parseArgs } from 'node:util';
import { parseScopes } from '@cairn/access';
import { SCOPES, type CairnEvent } from '@cairn/contracts';
import { createKafka, ensureTopics, EventPublisher, parseBrokers } from '@cairn/kafka';
import { devOrganization, newKey, newOrganization, revokeKey, type IssuedKey } from './access-admin';

const USAGE =
  'usage: cli <create-org --name N | create-key --org ID | revoke-key --org ID --prefix P | seed-dev> [--scopes s,s]';

function plan(command: string | undefined, values: Record<string, string | undefined>) {
  const required = (name: string) => {
    const value = values[name];
    if (!value) throw new Error(`--${name} is required\n${USAGE}`);
    return value;
  };
  const scopes = parseScopes(values.scopes ?? SCOPES.join(','));
  switch (command) {
    case 'create-org':
      return newOrganization(required('name'), scopes);
    case 'create-key':
      return newKey(required('org'), scopes);
    case 'revoke-key':
      return { events: revokeKey(required('org'), required('prefix')), issued: undefined };
    case 'seed-dev': {
      const key = process.env.CAIRN_DEV_API_KEY;
      if (!key) throw new Error('seed-dev needs CAIRN_DEV_API_KEY');
      return devOrganization(key);
    }
    default:
      throw new Error(USAGE);
  }
}

async function publish(events: CairnEvent[]): Promise<void> {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is required');
  const kafka = createKafka({ brokers: parseBrokers(brokers), clientId: 'cairn-gateway-cli' });
  await ensureTopics(kafka, { partitions: Number(process.env.KAFKA_PARTITIONS ?? 12) });
  const publisher = new EventPublisher(kafka, { ackTimeoutMs: 15_000 });
  try {
    await publisher.publish(events);
  } finally {
    await publisher.disconnect();
  }
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      org: { type: 'string' },
      prefix: { type: 'string' },
      scopes: { type: 'string' },
    },
  });
  const { events, issued } = plan(positionals[0], values);
  await publish(events);
  const output: Partial<IssuedKey> & { published: number } = { ...issued, published: events.length };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
