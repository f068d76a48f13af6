// `npm run bench:correlation` (node tools/stack/with-stack.mjs node -r ./tools/register.cjs
// tools/bench/correlation.bench.ts): the correlation service as a real process against the running
// stack, with BENCH_PRELOAD (default 1,000,000) retrievals in its window.
//
//   1. preload: publishes the retrievals in big batches and waits until the service has applied them;
//   2. throughput: stops the service, publishes BENCH_SEGMENT events (half new retrievals, half
//      generations that each join a preloaded retrieval), restarts it and times it through the
//      backlog, from readiness to its stored offsets reaching the end of the segment;
//   3. latency: publishes the same mix at a steady BENCH_RATE events/s for BENCH_WARMUP_SECONDS
//      (unmeasured) then BENCH_LATENCY_SECONDS, and reports the delay from each generation's Kafka
//      timestamp to its correlation's, with the p99 of every 5 s and the tables autovacuum worked on.
//
// Every event timestamp lies within a second of the run's start, so all preloaded retrievals stay
// inside the (default, 15-minute) window however long the preload takes. The bench's rows and
// consumer groups are deleted at the end; BENCH_SERVICE_LOG=<file> keeps the service's output.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Consumer, Kafka } from 'kafkajs';
import { Topics, type CairnEvent } from '@cairn/contracts';
import { createKafka, ensureTopics, EventPublisher } from '@cairn/kafka';
import { createPool, type Pool } from '@cairn/pg';
import { deleteGroups, startService, testEnvironment, uniqueName, waitFor, type RunningProcess } from '@cairn/testing';
import { generationRecorded, retrievalRecorded, startGroupAtEnd } from '../../apps/correlation/test/harness';

const PRELOAD = Number(process.env.BENCH_PRELOAD ?? 1_000_000);
const SEGMENT = Number(process.env.BENCH_SEGMENT ?? 100_000);
const RATE = Number(process.env.BENCH_RATE ?? 1_000);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 30);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
const ORGS = 24;
const VECTORS = 50_000;
const PUBLISH_CHUNK = 5_000;

const run = uniqueName('bench');
const orgIds = Array.from({ length: ORGS }, (_, index) => `${run}-${index}`);
const runStart = Date.now();
const at = (offsetMs: number) => new Date(runStart + offsetMs).toISOString();
const WORDS = 'reset links expire after twenty four hours request a new one from the login page'.split(' ');
const content = (vector: number) =>
  Array.from({ length: 30 }, (_, index) => WORDS[(vector + index * 7) % WORDS.length]).join(' ');

/** Preloaded retrieval `index`: the anchor a later generation joins it by. */
function preloaded(index: number): CairnEvent {
  const orgId = orgIds[index % ORGS]!;
  return retrievalRecorded(orgId, {
    clientEventId: `pre-${index}`,
    parentQueryId: `pre-run-${index}`,
    timestamp: at(index % 1_000),
    results: [0, 1, 2].map((rank) => {
      const vector = (index * 3 + rank * 7_919) % VECTORS;
      return { id: `v-${vector}`, score: 0.9 - rank / 10, content: content(vector) };
    }),
  });
}

/** The steady mix: a new retrieval, and a generation joining preloaded retrieval `target`. */
function mixed(sequence: number, target: number): CairnEvent[] {
  const fresh = orgIds[sequence % ORGS]!;
  return [
    retrievalRecorded(fresh, {
      clientEventId: `new-${sequence}`,
      parentQueryId: `new-run-${sequence}`,
      timestamp: at(sequence % 1_000),
      results: [{ id: `v-${sequence % VECTORS}`, score: 0.5 }],
    }),
    generationRecorded(orgIds[target % ORGS]!, {
      clientEventId: `gen-${target}`,
      runId: `pre-run-${target}`,
      timestamp: at(target % 1_000),
      output: { text: `Reset links expire after twenty four hours (${target}).` },
    }),
  ];
}

async function publishAll(publisher: EventPublisher, count: number, build: (index: number) => CairnEvent[]) {
  const inFlight: Promise<void>[] = [];
  for (let start = 0; start < count; start += PUBLISH_CHUNK) {
    const events: CairnEvent[] = [];
    for (let index = start; index < Math.min(start + PUBLISH_CHUNK, count); index += 1) events.push(...build(index));
    inFlight.push(publisher.publish(events));
    if (inFlight.length >= 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
}

/**
 * Waits until the service's stored offsets reach the ingest topic's current end; resolves with
 * when. A partition that received nothing since the group started has no stored offset.
 */
async function consumedToEnd(
  kafka: Kafka,
  pool: Pool,
  group: { id: string; start: Map<number, bigint> },
  service: RunningProcess,
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(Topics.ingest);
  await admin.disconnect();
  return waitFor(
    'the service to consume the ingest topic to its end',
    async () => {
      if (service.child.exitCode !== null) throw new Error(`correlation exited:\n${service.output()}`);
      const { rows } = await pool.query<{ partition: number; next_offset: string }>(
        'SELECT partition, next_offset FROM correlation.consumer_offsets WHERE group_id = $1 AND topic = $2',
        [group.id, Topics.ingest],
      );
      const stored = new Map(rows.map((row) => [row.partition, BigInt(row.next_offset)]));
      const done = ends.every(
        ({ partition, high }) => (stored.get(partition) ?? group.start.get(partition) ?? -1n) >= BigInt(high),
      );
      return done ? Date.now() : undefined;
    },
    { timeoutMs: 30 * 60_000, intervalMs: 50 },
  );
}

/**
 * Kafka timestamps of the bench's generations (ingest) and of the first correlation of each. It
 * marks where to start (`mark`) before a phase and reads (`start`) only after it, so its own work
 * never competes with the service inside a measured window: the delays come from the messages'
 * timestamps, not from when the reader sees them.
 */
class TimestampReader {
  readonly generations = new Map<string, number>();
  readonly correlations = new Map<string, number>();
  private readonly groupId = uniqueName('correlation-bench-reader');
  private consumer: Consumer | undefined;
  private marked = false;

  constructor(private readonly kafka: Kafka) {}

  async mark(): Promise<void> {
    for (const topic of [Topics.ingest, Topics.correlations]) await startGroupAtEnd(this.kafka, this.groupId, topic);
    this.marked = true;
  }

  async start(): Promise<void> {
    if (this.consumer) return;
    this.consumer = this.kafka.consumer({ groupId: this.groupId });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [Topics.ingest, Topics.correlations] });
    await this.consumer.run({
      eachMessage: ({ topic, message }) => {
        if (!message.key?.toString().startsWith(run)) return Promise.resolve();
        const timestamp = Number(message.timestamp);
        if (topic === Topics.ingest) {
          if (message.headers?.['cairn-event-type']?.toString() === 'generation.recorded.v1') {
            this.generations.set(message.headers['cairn-event-id']!.toString(), timestamp);
          }
        } else {
          const event = JSON.parse(message.value!.toString()) as { payload: { generation: { eventId: string } } };
          const generation = event.payload.generation.eventId;
          if (!this.correlations.has(generation)) this.correlations.set(generation, timestamp);
        }
        return Promise.resolve();
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    if (this.marked) await deleteGroups(this.kafka, [this.groupId]);
  }
}

/** Samples which tables autovacuum works on, once a second, so a latency spike can be explained. */
function watchMaintenance(pool: Pool): { stop(): Promise<string[]> } {
  const seen = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await pool.query<{ relname: string }>(
        `SELECT c.relname FROM pg_stat_progress_vacuum v JOIN pg_class c ON c.oid = v.relid
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'correlation'`,
      );
      for (const row of rows) seen.add(row.relname);
      await sleep(1_000);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return [...seen];
    },
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
/** The machine is shared: every figure is printed with the 1-minute load average it was taken under. */
const load = () => `load ${loadavg()[0]!.toFixed(1)}`;
const rate = (events: number, ms: number) => Math.round(events / (ms / 1000)).toLocaleString('en-US');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const env = testEnvironment();
  const kafka = createKafka({ brokers: env.kafkaBrokers, clientId: 'correlation-bench' });
  const publisher = new EventPublisher(kafka, { ackTimeoutMs: 120_000 });
  const pool = createPool(env.databaseUrl, { applicationName: 'correlation-bench' });
  const groupId = uniqueName('correlation-bench');
  const serviceEnv = {
    CORRELATION_GROUP_ID: groupId,
  };
  const reader = new TimestampReader(kafka);
  let service: RunningProcess | undefined;
  console.log(
    `correlation bench: preload ${PRELOAD.toLocaleString('en-US')} retrievals, segment ${SEGMENT.toLocaleString('en-US')} events, ${RATE} events/s for ${LATENCY_SECONDS} s, ${ORGS} orgs`,
  );
  try {
    await ensureTopics(kafka);
    await publisher.connect();
    const group = { id: groupId, start: await startGroupAtEnd(kafka, groupId, Topics.ingest) };
    service = await startService('correlation', serviceEnv);

    const preloadStart = Date.now();
    await publishAll(publisher, PRELOAD, (index) => [preloaded(index)]);
    const published = Date.now();
    const preloadEnd = await consumedToEnd(kafka, pool, group, service);
    console.log(
      `preload: published in ${((published - preloadStart) / 1000).toFixed(1)} s, applied in ${((preloadEnd - preloadStart) / 1000).toFixed(1)} s (${rate(PRELOAD, preloadEnd - preloadStart)} retrievals/s while publishing alongside; ${load()})`,
    );
    const { rows } = await pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM correlation.retrievals WHERE org_id = ANY($1)',
      [orgIds],
    );
    console.log(`retrievals in the window: ${Number(rows[0]!.n).toLocaleString('en-US')}`);

    // Throughput: the segment waits in Kafka while the service is down, then it drains the backlog.
    await service.kill('SIGTERM');
    const pairs = SEGMENT / 2;
    await publishAll(publisher, pairs, (index) => mixed(index, index));
    await reader.mark();
    service = await startService('correlation', serviceEnv);
    const ready = Date.now();
    const drained = await consumedToEnd(kafka, pool, group, service);
    console.log(
      `throughput: ${SEGMENT.toLocaleString('en-US')} events (${pairs.toLocaleString('en-US')} new retrievals + ${pairs.toLocaleString('en-US')} generations joining preloaded ones) in ${((drained - ready) / 1000).toFixed(2)} s = ${rate(SEGMENT, drained - ready)} events/s (${load()})`,
    );

    // Latency at a steady rate: one pair per tick, each generation joining a preloaded retrieval.
    // The first BENCH_WARMUP_SECONDS run at the same rate unmeasured, so the figures describe the
    // steady state rather than the service settling after the backlog.
    const warmupPairs = (RATE / 2) * WARMUP_SECONDS;
    const steadyPairs = (RATE / 2) * LATENCY_SECONDS;
    const firstSteady = pairs + warmupPairs;
    if (firstSteady + steadyPairs > PRELOAD) throw new Error('BENCH_PRELOAD is too small for the phases asked');
    const phaseStart = Date.now();
    let steadyStart = phaseStart;
    const maintenance = watchMaintenance(pool);
    const inFlight: Promise<void>[] = [];
    for (let sent = 0; sent < warmupPairs + steadyPairs;) {
      const due = Math.min(warmupPairs + steadyPairs, Math.floor(((Date.now() - phaseStart) / 1000) * (RATE / 2)));
      if (sent < warmupPairs && due >= warmupPairs) steadyStart = Date.now();
      if (due > sent) {
        const events: CairnEvent[] = [];
        for (; sent < due; sent += 1) events.push(...mixed(pairs + sent, pairs + sent));
        inFlight.push(publisher.publish(events));
      }
      await sleep(5);
    }
    await Promise.all(inFlight);
    const vacuumed = await maintenance.stop();
    await reader.start();
    const total = pairs + warmupPairs + steadyPairs;
    await waitFor('every generation to be correlated', () => reader.correlations.size >= total, {
      timeoutMs: 120_000,
    });
    const delays: number[] = [];
    const bySecond = new Map<number, number[]>();
    for (let index = firstSteady; index < firstSteady + steadyPairs; index += 1) {
      const event = mixed(index, index)[1]!;
      const arrived = reader.generations.get(event.id);
      const correlated = reader.correlations.get(event.id);
      if (arrived === undefined || correlated === undefined) throw new Error(`missing timestamps for ${event.id}`);
      delays.push(correlated - arrived);
      const second = Math.floor((arrived - steadyStart) / 5_000) * 5;
      bySecond.set(second, [...(bySecond.get(second) ?? []), correlated - arrived]);
    }
    delays.sort((a, b) => a - b);
    console.log(
      `latency at ${RATE} events/s over ${LATENCY_SECONDS} s after ${WARMUP_SECONDS} s of warm-up (${delays.length.toLocaleString('en-US')} generations): p50 ${percentile(delays, 0.5)} ms, p99 ${percentile(delays, 0.99)} ms, max ${delays[delays.length - 1]} ms (${load()})`,
    );
    const series = [...bySecond].map(
      ([second, window]) =>
        `${second}s ${percentile(
          window.sort((a, b) => a - b),
          0.99,
        )}`,
    );
    console.log(`  p99 per 5 s: ${series.join(', ')}`);
    console.log(`  autovacuum during the phase: ${vacuumed.length === 0 ? 'none' : vacuumed.join(', ')}`);
  } finally {
    if (process.env.BENCH_SERVICE_LOG) writeFileSync(process.env.BENCH_SERVICE_LOG, service?.output() ?? '');
    // Each step on its own, so a failing one neither hides the bench's error nor skips the rest.
    const steps: [string, () => Promise<unknown>][] = [
      ['stop the service', async () => service?.kill('SIGTERM')],
      ['stop the reader', () => reader.stop()],
      ['disconnect the publisher', () => publisher.disconnect()],
      ['delete the consumer group', () => deleteGroups(kafka, [groupId])],
      [
        'delete the stored offsets',
        () => pool.query('DELETE FROM correlation.consumer_offsets WHERE group_id = $1', [groupId]),
      ],
      ...['retrievals', 'generations', 'vector_content'].map((table): [string, () => Promise<unknown>] => [
        `delete the bench's ${table}`,
        () => pool.query(`DELETE FROM correlation.${table} WHERE org_id = ANY($1)`, [orgIds]),
      ]),
      ['close the pool', () => pool.end()],
    ];
    for (const [step, run] of steps) {
      await run().catch((error: unknown) => console.error(`cleanup: could not ${step}: ${String(error)}`));
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
