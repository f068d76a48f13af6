// Cairn's operator commands.
//
//   cairn replay --service <correlation|matcher|alerting> --from <ISO instant|earliest>
//                [--to <ISO instant>] [--separate] [--group <group>] [--follow]
//
// Reads KAFKA_BROKERS and DATABASE_URL like the services do. See the README ("Replaying history").
import { parseArgs } from 'node:util';
import { createKafka, parseBrokers } from '@cairn/kafka';
import { createPool } from '@cairn/pg';
import { isReplayableService, NOT_REPLAYABLE, parseInstant, parseReplayStart } from './replay/replay-plan';
import { replay, type ReplayRequest } from './replay/replay';

const USAGE = `usage: cairn replay --service <correlation|matcher|alerting> --from <ISO instant|earliest>
                    [--to <ISO instant>] [--separate] [--group <group>] [--follow]

  in place (default)  the service must be stopped; its positions move back to --from and it
                      reprocesses from there when started (--follow waits and reports progress)
  --separate          a second copy of the service reprocesses [--from, --to] under new consumer
                      groups beside the live one, reporting progress, then stops and cleans up`;

function requestOf(argv: string[]): ReplayRequest {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      service: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      group: { type: 'string' },
      separate: { type: 'boolean', default: false },
      follow: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || positionals[0] !== 'replay') throw new UsageError(USAGE);
  const { service, from } = values;
  if (service === undefined || from === undefined) throw new UsageError(`--service and --from are required\n${USAGE}`);
  if (!isReplayableService(service)) {
    const why = NOT_REPLAYABLE[service];
    throw new UsageError(why ? `${service} is not replayed: ${why}` : `unknown service "${service}"\n${USAGE}`);
  }
  return {
    service,
    from: parseReplayStart(from),
    ...(values.to === undefined ? {} : { to: parseInstant('--to', values.to) }),
    ...(values.group === undefined ? {} : { group: values.group }),
    separate: values.separate,
    follow: values.follow,
  };
}

class UsageError extends Error {}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new UsageError(`${name} is required (the same value the services use)`);
  return value;
}

/** Every problem with the command line is a usage error (exit code 2). */
function parseCommandLine(argv: string[]): ReplayRequest {
  try {
    return requestOf(argv);
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError(error instanceof Error ? error.message : String(error));
  }
}

async function main(): Promise<void> {
  const request = parseCommandLine(process.argv.slice(2));
  const kafka = createKafka({ brokers: parseBrokers(required('KAFKA_BROKERS')), clientId: 'cairn-cli' });
  const pool = createPool(required('DATABASE_URL'), { applicationName: 'cairn-cli', max: 2 });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await replay(request, { admin, pool, env: process.env, print: (line) => console.log(line) });
  } finally {
    await admin.disconnect();
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(error instanceof UsageError ? 2 : 1);
});
