import { createServer } from 'node:net';
import path from 'node:path';
import { REPO_ROOT, startTsProcess, type RunningProcess } from './process';
import { testEnvironment } from './env';
import { waitFor } from './wait-for';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface RunningService extends RunningProcess {
  url: string;
}

/**
 * Starts one of the five apps as a real process against the test stack and waits until its
 * readiness endpoint answers 200 (migrations run, topics exist, consumers started).
 */
export async function startService(app: string, env: Record<string, string> = {}): Promise<RunningService> {
  const { kafkaBrokers, databaseUrl } = testEnvironment();
  const port = env.PORT === undefined ? await freePort() : Number(env.PORT);
  const proc = startTsProcess(path.join(REPO_ROOT, `apps/${app}/src/main.ts`), {
    KAFKA_BROKERS: kafkaBrokers.join(','),
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  let lastAnswer = 'none';
  try {
    await waitFor(
      `${app} to become ready`,
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`${app} exited:\n${proc.output()}`);
        const response = await fetch(`${url}/health/ready`);
        lastAnswer = `${response.status} ${await response.text()}`;
        return response.status === 200;
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );
  } catch (error) {
    await proc.kill('SIGKILL');
    const printed = proc.output().split('\n').slice(-40).join('\n');
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${reason}\nlast readiness answer: ${lastAnswer}\n${app} printed:\n${printed}`, { cause: error });
  }
  return { ...proc, url };
}
