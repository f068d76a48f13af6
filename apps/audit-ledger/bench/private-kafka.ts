import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { freePort, REPO_ROOT, waitFor } from '@cairn/testing';

const LIBS = path.join(REPO_ROOT, '.cache', 'kafka', 'libs');
const STACK_KAFKA = path.join(REPO_ROOT, 'tools', 'stack', 'kafka');

export interface PrivateKafka {
  brokers: string;
  stop(): Promise<void>;
}

const javaArgs = (dir: string, heap: string[], mainClass: string, ...args: string[]) => [
  ...heap,
  '-XX:+UseG1GC',
  '-Djava.awt.headless=true',
  `-Dlog4j.configuration=file:${path.join(STACK_KAFKA, 'log4j.properties')}`,
  `-Dkafka.logs.dir=${dir}`,
  '-cp',
  path.join(LIBS, '*'),
  mainClass,
  ...args,
];

/**
 * A single-node Kafka of the bench's own, from the jars the local stack fetched, on free ports with its
 * data in a temporary directory: a million events must not land in the shared topics, where every new
 * consumer group of every other test would have to read them.
 */
export async function startPrivateKafka(): Promise<PrivateKafka> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cairn-bench-kafka-'));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const properties = path.join(dir, 'server.properties');
  writeFileSync(
    properties,
    readFileSync(path.join(STACK_KAFKA, 'server.properties'), 'utf8')
      .replaceAll('{{KAFKA_PORT}}', String(port))
      .replaceAll('{{CONTROLLER_PORT}}', String(controllerPort))
      .replaceAll('{{DATA_DIR}}', path.join(dir, 'data')),
  );
  const format = spawnSync(
    'java',
    javaArgs(
      dir,
      ['-Xmx256m'],
      'kafka.tools.StorageTool',
      'format',
      `--cluster-id=${randomBytes(16).toString('base64url')}`,
      `--config=${properties}`,
    ),
    { encoding: 'utf8' },
  );
  if (format.status !== 0) throw new Error(`formatting the bench broker failed:\n${format.stdout}${format.stderr}`);

  const broker: ChildProcess = spawn('java', javaArgs(dir, ['-Xms512m', '-Xmx1g'], 'kafka.Kafka', properties), {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => broker.once('exit', () => resolve()));
  const brokers = `localhost:${port}`;
  const stop = async () => {
    if (broker.exitCode === null && broker.signalCode === null) {
      broker.kill('SIGTERM');
      const killer = setTimeout(() => broker.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      'the bench broker to start',
      async () => {
        if (broker.exitCode !== null) throw new Error(`the bench broker exited; see ${dir}/server.log`);
        // Silent: connection refusals are expected until the broker is up.
        const admin = new Kafka({ brokers: [brokers], clientId: 'bench-probe', logLevel: logLevel.NOTHING }).admin();
        try {
          await admin.connect();
          await admin.describeCluster();
          return true;
        } finally {
          await admin.disconnect();
        }
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { brokers, stop };
}
