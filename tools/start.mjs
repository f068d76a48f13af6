// `npm start`: brings up Kafka and Postgres (unless KAFKA_BROKERS / DATABASE_URL point elsewhere),
// builds and starts the five services, seeds the development organization, and on Ctrl-C stops
// the services and the stack it started, leaving no process behind. `npm run demo` (`--demo`)
// then tells the story of tools/demo/demo.ts and leaves everything running.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICES } from './services.mjs';
import * as stack from './stack/stack.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (message) => console.log(`[cairn] ${message}`);

const build = spawnSync(process.execPath, [path.join(root, 'tools/build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const stackInfo = await stack.up();
const env = {
  ...process.env,
  KAFKA_BROKERS: stackInfo.kafkaBrokers,
  DATABASE_URL: stackInfo.databaseUrl,
  // A receiver on localhost is the usual local webhook target.
  WEBHOOK_ALLOW_PRIVATE: process.env.WEBHOOK_ALLOW_PRIVATE ?? 'true',
  CAIRN_DEV_API_KEY: process.env.CAIRN_DEV_API_KEY ?? `cairn_dev_${randomBytes(18).toString('base64url')}`,
};

const children = SERVICES.map((service) => {
  const port = process.env[service.portVariable] ?? String(service.port);
  const child = spawn(process.execPath, ['--enable-source-maps', path.join(root, service.entry)], {
    cwd: root,
    env: { ...env, PORT: port },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `${service.name.padEnd(15)}|`;
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.on('data', (chunk) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line) console.log(`${prefix} ${line}`);
    });
  }
  child.on('exit', (code, signal) => {
    if (!stopping) log(`${service.name} exited (${signal ?? code}); stopping everything`);
    if (!stopping) void shutdown(1);
  });
  return { service, port, child };
});

async function waitForReady() {
  const deadline = Date.now() + 120_000;
  for (const { service, port } of children) {
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${service.name} did not become ready within 120 s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

function runDemo() {
  const urlOf = (name) => `http://127.0.0.1:${children.find(({ service }) => service.name === name).port}`;
  const demo = spawn(
    process.execPath,
    ['-r', path.join(root, 'tools/register.cjs'), path.join(root, 'tools/demo/demo.ts')],
    {
      cwd: root,
      env: {
        ...env,
        CAIRN_GATEWAY_URL: urlOf('ingest-gateway'),
        CAIRN_ALERTING_URL: urlOf('alerting'),
        CAIRN_LEDGER_URL: urlOf('audit-ledger'),
      },
      stdio: 'inherit',
    },
  );
  return new Promise((resolve) => demo.on('exit', resolve));
}

let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  log('stopping services…');
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
          child.on('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  if (stackInfo.started.kafka || stackInfo.started.postgres) {
    log('stopping Kafka and Postgres…');
    await stack.down(stackInfo.started);
  }
  log('stopped');
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  await waitForReady();
  const seed = spawnSync(process.execPath, [path.join(root, 'dist/apps/ingest-gateway/src/cli.js'), 'seed-dev'], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  if (seed.status !== 0) throw new Error('seeding the development organization failed');
  log(`all five services are ready: gateway http://localhost:${children[0].port}`);
  log(`development API key (all scopes): ${env.CAIRN_DEV_API_KEY}`);
  if (process.argv.includes('--demo')) await runDemo();
  log('press Ctrl-C to stop everything');
} catch (error) {
  log(String(error));
  await shutdown(1);
}
