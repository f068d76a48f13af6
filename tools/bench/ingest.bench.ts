// `npm run bench:ingest`: events/s and latency through the gateway, and — in the same run — the
// throughput of producing the same events straight to Kafka with kafkajs (the ceiling).
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { createEvent, deterministicId, type CairnEvent } from '@cairn/contracts';
import { createKafka, EventPublisher } from '@cairn/kafka';
import { createTestOrganization, startService, testEnvironment, waitForKey } from '@cairn/testing';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 15_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PACED_RATE = 2_000;
const COLLECTION = '00000000-0000-0000-0000-000000000001';
const WORDS =
  'the reset link expires after hours users must request a new one from login page support team policy account'.split(
    ' ',
  );

function text(bytes: number, seed: number): string {
  let out = '';
  for (let i = seed; out.length < bytes; i += 7) out += `${WORDS[i % WORDS.length]} `;
  return out.slice(0, bytes);
}

// The same 50 texts every batch: building them anew spent the client's CPU, which the gateway shares.
const TEXTS = Array.from({ length: 50 }, (_, i) => text(1_500, i));

const generationBatch = () => ({
  events: TEXTS.map((output) => ({
    clientEventId: randomUUID(),
    runId: `run-${randomUUID()}`,
    output: { text: output },
    latencyMs: 800,
    timestamp: new Date().toISOString(),
    sdk: { lang: 'ts', version: '0.4.0' },
  })),
});

const retrievalBatch = () => ({
  events: Array.from({ length: 100 }, (_, i) => ({
    clientEventId: randomUUID(),
    collectionId: COLLECTION,
    query: { text: 'how long is a reset link valid?' },
    results: Array.from({ length: 10 }, (_, r) => ({ id: `vec-${i}-${r}`, score: 0.9 - r / 100 })),
    latencyMs: 40,
    kReturned: 10,
    timestamp: new Date().toISOString(),
    parentQueryId: `run-${i}`,
    sdk: { lang: 'python', version: '0.4.0' },
  })),
});

// node:http with keep-alive costs the client less CPU per request than fetch.
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(url: string, key: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      authorization: `Bearer ${key}`,
    };
    const req = request(url, { method: 'POST', agent, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;

async function drive(url: string, key: string, untilMs: number, pacedEventsPerSecond?: number) {
  const latencies: number[] = [];
  let events = 0;
  let failures = 0;
  const started = Date.now();
  let sent = 0;
  const worker = async (index: number) => {
    for (let n = index; Date.now() < untilMs; n += CONCURRENCY) {
      const generations = n % 2 === 0;
      const body = generations ? generationBatch() : retrievalBatch();
      if (pacedEventsPerSecond) {
        const due = started + (sent / pacedEventsPerSecond) * 1000;
        sent += body.events.length;
        if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      }
      const t0 = performance.now();
      const status = await post(
        `${url}/v1/${generations ? 'generation' : 'retrieval'}-traces`,
        key,
        JSON.stringify(body),
      );
      latencies.push(performance.now() - t0);
      if (status === 200) events += body.events.length;
      else failures += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => worker(i)));
  const seconds = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    eventsPerSecond: events / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    failures,
  };
}

async function directToKafka(untilMs: number): Promise<number> {
  const { kafkaBrokers } = testEnvironment();
  const publisher = new EventPublisher(createKafka({ brokers: kafkaBrokers, clientId: 'bench-direct' }), {
    ackTimeoutMs: 30_000,
  });
  await publisher.connect();
  const started = Date.now();
  let events = 0;
  const worker = async (index: number) => {
    for (let n = index; Date.now() < untilMs; n += CONCURRENCY) {
      const batch: CairnEvent[] = (n % 2 === 0 ? generationBatch() : retrievalBatch()).events.map((event) =>
        'results' in event
          ? createEvent({
              id: deterministicId('bench', 'retrieval', event.clientEventId),
              type: 'retrieval.recorded.v1',
              orgId: 'bench-direct',
              occurredAt: event.timestamp,
              payload: { ...event, source: 'buzo', sdk: { lang: 'python', version: '0.4.0' } },
            })
          : createEvent({
              id: deterministicId('bench', 'generation', event.clientEventId),
              type: 'generation.recorded.v1',
              orgId: 'bench-direct',
              occurredAt: event.timestamp,
              payload: { ...event, source: 'buzo', sdk: { lang: 'ts', version: '0.4.0' } },
            }),
      );
      await publisher.publish(batch);
      events += batch.length;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => worker(i)));
  await publisher.disconnect();
  return events / ((Date.now() - started) / 1000);
}

async function main() {
  const org = await createTestOrganization();
  const gateway = await startService('ingest-gateway', { RATE_LIMIT_RPS: '100000', RATE_LIMIT_BURST: '100000' });
  try {
    await waitForKey(`${gateway.url}/v1/quarantine`, org.keys.all!);
    await drive(gateway.url, org.keys.all!, Date.now() + 3_000); // warm-up
    // The paced phase first: right after the saturated one it measured that phase's aftermath (the
    // autovacuum of the idempotency keys it inserted, Kafka flushing its log), not a steady 2,000/s.
    const paced = await drive(gateway.url, org.keys.all!, Date.now() + DURATION_MS, PACED_RATE);
    const saturated = await drive(gateway.url, org.keys.all!, Date.now() + DURATION_MS);
    const ceiling = await directToKafka(Date.now() + DURATION_MS);
    const fmt = (n: number) => n.toFixed(0).padStart(8);
    console.log(
      `\ningest benchmark (${CONCURRENCY} concurrent clients, ${DURATION_MS / 1000} s per phase; batches of 50 generations × 1.5 KB and 100 retrievals × 10 results)`,
    );
    console.log(
      `gateway, saturated     : ${fmt(saturated.eventsPerSecond)} events/s   p50 ${saturated.p50.toFixed(1)} ms   p99 ${saturated.p99.toFixed(1)} ms   failed requests ${saturated.failures}`,
    );
    console.log(
      `gateway, at ${PACED_RATE} ev/s  : ${fmt(paced.eventsPerSecond)} events/s   p50 ${paced.p50.toFixed(1)} ms   p99 ${paced.p99.toFixed(1)} ms   failed requests ${paced.failures}`,
    );
    console.log(`direct to Kafka        : ${fmt(ceiling)} events/s`);
    console.log(`gateway / ceiling      : ${((saturated.eventsPerSecond / ceiling) * 100).toFixed(0)} %`);
  } finally {
    await gateway.kill('SIGTERM');
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
