import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '../..');
const SERVICES = ['ingest-gateway', 'correlation', 'matcher', 'alerting', 'audit-ledger'];

interface ComposeFile {
  services: Record<string, { image?: string; command?: string[]; environment?: Record<string, string> }>;
}

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;

  it('names the five services and both dependencies', () => {
    expect(Object.keys(compose.services).sort()).toEqual([...SERVICES, 'kafka', 'postgres'].sort());
    expect(compose.services.kafka?.image).toBe('apache/kafka:3.9.1');
    expect(compose.services.postgres?.image).toMatch(/^postgres:/);
  });

  it('starts each service from its built entry point, pointed at Kafka and Postgres', () => {
    for (const service of SERVICES) {
      expect(compose.services[service]?.command).toEqual(['node', `dist/apps/${service}/src/main.js`]);
      expect(compose.services[service]?.environment).toMatchObject({ KAFKA_BROKERS: 'kafka:9092' });
    }
  });

  it('passes `docker compose config` where the compose plugin exists', () => {
    // Without the compose plugin (as on the CI machine) the parse checks above stand alone.
    const hasCompose = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0;
    const result = hasCompose
      ? spawnSync('docker', ['compose', '-f', path.join(root, 'docker-compose.yml'), 'config', '-q'], {
          encoding: 'utf8',
        })
      : { status: 0, stderr: '' };
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const engines = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } })
    .engines.node;

  it('uses the Node major that package.json engines asks for', () => {
    const major = /(\d+)\./.exec(engines)?.[1];
    const images = [...dockerfile.matchAll(/^FROM node:(\d+)/gm)].map((match) => match[1]);
    expect(images.length).toBeGreaterThan(0);
    expect(new Set(images)).toEqual(new Set([major]));
  });

  it('runs as a non-root user and starts a built entry point', () => {
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/CMD \["node", "dist\/apps\/ingest-gateway\/src\/main\.js"\]/);
  });
});
