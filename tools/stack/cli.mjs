// `npm run stack -- <command>`: manage the local Kafka + Postgres (see README.md beside this file).
import { down, startKafka, status, stopKafka, up } from './stack.mjs';

/** @type {Record<string, () => Promise<void>>} */
const commands = {
  async up() {
    const stack = await up();
    // Results on stdout as KEY=value lines (a .env file's format); progress went to stderr.
    console.log(`KAFKA_BROKERS=${stack.kafkaBrokers}`);
    console.log(`DATABASE_URL=${stack.databaseUrl}`);
    console.log(`# integration tests use DATABASE_URL=${stack.testDatabaseUrl}`);
  },
  down: () => down(),
  async status() {
    for (const [name, service] of Object.entries(await status())) {
      const state = service.running ? `running  pid ${service.pid}` : 'stopped';
      console.log(`${name.padEnd(9)} ${state.padEnd(20)} port ${service.port}`);
    }
  },
  // For integration tests written in CommonJS, which cannot import this ESM toolkit.
  'kafka-stop': () => stopKafka(),
  'kafka-start': () => startKafka(),
};

const [name, ...extra] = process.argv.slice(2);
const command = name !== undefined && Object.hasOwn(commands, name) ? commands[name] : undefined;
if (command === undefined || extra.length > 0) {
  console.error(`usage: node tools/stack/cli.mjs ${Object.keys(commands).join('|')}`);
  process.exit(2);
}
try {
  await command();
} catch (error) {
  console.error(`[stack] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
