/**
 * Audit-ledger throughput: append rate from the topics, verify rate, rebuild rate.
 *
 *   node tools/stack/with-stack.mjs node -r ./tools/register.cjs apps/audit-ledger/bench/ledger.bench.ts [entries]
 *
 * entries (default 1,000,000; BENCH_ENTRIES) realistic events — retrievals with ten results and their
 * content, generations, vendor spans, correlations, citations, alerts, quarantine decisions — over
 * BENCH_ORGS organizations (default 50), published to a private Kafka broker (BENCH_KAFKA_BROKERS names
 * a dedicated cluster instead) and appended into a database of its own on the stack's Postgres, dropped
 * at the end. Phases, each timed on its own:
 *
 *   append   the service (projector off, publisher on) consumes every event already on the topics:
 *            entries/s from readiness until the last chain head is committed, and until the last entry
 *            is published on cairn.ledger.v1
 *   verify   GET /v1/audit/verify?mode=stored for every chain, then mode=full (ChainVerifier) for a few
 *   rebuild  the rebuild command projects every entry from scratch (service stopped)
 */
import { spawnSync } from 'node:child_process';
import { generateApiKey, hashApiKey, keyPrefix } from '@cairn/access';
import { createEvent, deterministicId, SCOPES, type CairnEvent } from '@cairn/contracts';
import { createKafka, ensureTopics, EventPublisher } from '@cairn/kafka';
import { createPool, type Pool } from '@cairn/pg';
import { REPO_ROOT, startService, testEnvironment, waitForKey, type RunningService } from '@cairn/testing';
import { startPrivateKafka, type PrivateKafka } from './private-kafka';

const ENTRIES = Number(process.argv[2] ?? process.env.BENCH_ENTRIES ?? 1_000_000);
const ORGS = Number(process.env.BENCH_ORGS ?? 50);
const FULL_VERIFY_CHAINS = Number(process.env.BENCH_FULL_VERIFY_CHAINS ?? 3);
const COLLECTION = '00000000-0000-0000-0000-00000000be0c';
const WORDS = (
  'the reset link expires after twenty four hours users must request a new one from the login page ' +
  'support can resend it account owners may change the policy in settings passwords are never emailed'
).split(' ');

const text = (words: number, seed: number) =>
  Array.from({ length: words }, (_, i) => WORDS[(seed * 7 + i * 13) % WORDS.length]).join(' ');
const ISO = (i: number) => new Date(Date.UTC(2026, 3, 18, 12) + i * 10).toISOString();
const log = (line: string) => process.stdout.write(`${line}\n`);
const perSecond = (count: number, ms: number) => Math.round(count / (ms / 1000));
const fmt = (n: number) => n.toLocaleString('en-US');

/** Event `i` of the mix: 35% retrievals, 25% generations, 25% spans, 5% correlations, 5% citations, 3% alerts, 2% decisions. */
function benchEvent(orgId: string, i: number): CairnEvent {
  const id = deterministicId(orgId, 'bench', String(i));
  const at = ISO(i);
  // Event i goes to organization i % ORGS; within one, a run holds 4 consecutive events, a root 40, a
  // vendor trace 8 spans: traces group events as they do in practice.
  const j = Math.floor(i / ORGS);
  const run = `run-${Math.floor(j / 4)}`;
  const slot = i % 100;
  const base = { id, orgId, occurredAt: at };
  if (slot < 35) {
    return createEvent({
      ...base,
      type: 'retrieval.recorded.v1',
      payload: {
        clientEventId: `r-${i}`,
        source: 'buzo',
        collectionId: COLLECTION,
        query: { text: text(9, i) },
        results: Array.from({ length: 10 }, (_, r) => ({
          id: `vec-${(i + r * 31) % 5_000}`,
          score: 0.95 - r * 0.03,
          content: text(18, i + r),
        })),
        latencyMs: 40,
        kReturned: 10,
        timestamp: at,
        parentQueryId: run,
        sdk: { lang: 'python', version: '0.4.0' },
      },
    });
  }
  if (slot < 60) {
    return createEvent({
      ...base,
      type: 'generation.recorded.v1',
      payload: {
        clientEventId: `g-${i}`,
        source: 'buzo',
        output: { text: text(110, i) },
        latencyMs: 812,
        timestamp: at,
        runId: run,
        parentRunId: `root-${Math.floor(j / 40)}`,
        model: 'gpt-4o',
        promptTokens: 820,
        completionTokens: 140,
        sdk: { lang: 'ts', version: '0.4.0' },
      },
    });
  }
  if (slot < 85) {
    return createEvent({
      ...base,
      type: 'span.recorded.v1',
      payload: {
        source: 'honeyhive',
        traceId: `trace-${Math.floor(j / 8)}`,
        spanId: `span-${j}`,
        ...(j % 8 === 0 ? {} : { parentSpanId: `span-${j - (j % 8)}` }),
        kind: j % 8 === 0 ? 'chain' : 'tool',
        name: `step-${j % 8}`,
        input: { messages: [{ role: 'user', content: text(25, i) }] },
        output: { content: text(30, i + 1) },
        startTime: at,
        endTime: ISO(i + 5),
        latencyMs: 50,
        originalIds: { event_id: `e-${i}`, session_id: `s-${Math.floor(j / 8)}` },
      },
    });
  }
  if (slot < 90) {
    return createEvent({
      ...base,
      type: 'generation.correlated.v1',
      payload: {
        generation: {
          eventId: deterministicId(orgId, 'bench', String(i - 1)),
          clientEventId: `g-${i - 1}`,
          runId: run,
          timestamp: at,
          outputText: text(110, i - 1),
        },
        retrievals: [
          {
            eventId: deterministicId(orgId, 'bench', String(i - 2)),
            clientEventId: `r-${i - 2}`,
            collectionId: COLLECTION,
            timestamp: at,
          },
        ],
        vectors: Array.from({ length: 5 }, (_, r) => ({
          collectionId: COLLECTION,
          vectorId: `vec-${(i + r * 31) % 5_000}`,
          retrievalEventId: deterministicId(orgId, 'bench', String(i - 2)),
          score: 0.9 - r * 0.05,
          content: text(18, i + r),
          contentSource: 'retrieval' as const,
        })),
      },
    });
  }
  if (slot < 95) {
    return createEvent({
      ...base,
      type: 'citation.detected.v1',
      payload: {
        generation: {
          eventId: deterministicId(orgId, 'bench', String(i - 5)),
          clientEventId: `g-${i - 5}`,
          runId: run,
        },
        collectionId: COLLECTION,
        vectorId: `vec-${i % 5_000}`,
        retrievalEventId: deterministicId(orgId, 'bench', String(i - 6)),
        tier: 'verbatim',
        score: 0.84,
        spans: [{ start: 12, end: 96 }],
        matcherVersion: 'tiered-1',
      },
    });
  }
  if (slot < 98) {
    return createEvent({
      ...base,
      type: 'alert.raised.v1',
      payload: {
        alertType: 'CITED_FLAGGED',
        collectionId: COLLECTION,
        vectorId: `vec-${i % 5_000}`,
        quarantineReason: 'contains customer data',
        generation: { eventId: deterministicId(orgId, 'bench', String(i - 5)), clientEventId: `g-${i - 5}` },
        match: { tier: 'verbatim', score: 0.84, spans: [{ start: 12, end: 96 }] },
      },
    });
  }
  return createEvent({
    ...base,
    type: 'vector.quarantined.v1',
    payload: {
      collectionId: COLLECTION,
      vectorId: `vec-${i % 5_000}`,
      reason: 'contains customer data',
      actor: 'ck_bench',
    },
  });
}

async function publishAll(publisher: EventPublisher, orgs: string[]): Promise<number> {
  const started = Date.now();
  const batchSize = 500;
  let next = 0;
  const worker = async () => {
    for (;;) {
      const start = next;
      if (start >= ENTRIES) return;
      next += batchSize;
      const events: CairnEvent[] = [];
      for (let i = start; i < Math.min(start + batchSize, ENTRIES); i++)
        events.push(benchEvent(orgs[i % orgs.length]!, i));
      await publisher.publish(events);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return Date.now() - started;
}

function accessEvents(orgId: string, key: string): CairnEvent[] {
  const now = new Date('2026-04-18T12:00:00.000Z').toISOString();
  return [
    createEvent({
      id: deterministicId(orgId, 'org'),
      type: 'org.created.v1',
      orgId,
      occurredAt: now,
      payload: { name: orgId },
    }),
    createEvent({
      id: deterministicId(orgId, 'key'),
      type: 'apikey.created.v1',
      orgId,
      occurredAt: now,
      payload: { prefix: keyPrefix(key), hash: hashApiKey(key), scopes: [...SCOPES], createdAt: now },
    }),
  ];
}

async function ledgerTotal(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ total: string }>('SELECT coalesce(sum(seq), 0) AS total FROM ledger.heads');
  return Number(rows[0]?.total ?? 0);
}

async function publishedTotal(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ total: string }>(
    'SELECT coalesce(sum(published_seq), 0) AS total FROM ledger.publication',
  );
  return Number(rows[0]?.total ?? 0);
}

async function verifyAll(service: RunningService, keys: Map<string, string>, mode: 'stored' | 'full', orgs: string[]) {
  let entries = 0;
  const started = Date.now();
  for (const orgId of orgs) {
    const response = await fetch(`${service.url}/v1/audit/verify?mode=${mode}`, {
      headers: { authorization: `Bearer ${keys.get(orgId)!}` },
    });
    const body = (await response.json()) as { ok: boolean; entries: number; reason?: string };
    if (!body.ok) throw new Error(`${orgId} did not verify: ${JSON.stringify(body)}`);
    entries += body.entries;
  }
  return { entries, ms: Date.now() - started };
}

async function main(): Promise<void> {
  const stack = testEnvironment();
  const kafka: PrivateKafka = process.env.BENCH_KAFKA_BROKERS
    ? { brokers: process.env.BENCH_KAFKA_BROKERS, stop: () => Promise.resolve() }
    : await startPrivateKafka();
  const databaseName = `ledger_bench_${Date.now().toString(36)}`;
  const server = createPool(stack.databaseUrl, { applicationName: 'ledger-bench', max: 1 });
  await server.query(`CREATE DATABASE ${databaseName}`);
  const url = new URL(stack.databaseUrl);
  url.pathname = `/${databaseName}`;
  const databaseUrl = url.toString();
  const pool = createPool(databaseUrl, { applicationName: 'ledger-bench', max: 2 });
  const kafkaClient = createKafka({ brokers: [kafka.brokers], clientId: 'ledger-bench' });
  const publisher = new EventPublisher(kafkaClient, { ackTimeoutMs: 60_000 });
  let service: RunningService | undefined;
  const serviceEnv = {
    KAFKA_BROKERS: kafka.brokers,
    DATABASE_URL: databaseUrl,
    PROJECTOR_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    LEDGER_PARTITIONS_CONCURRENTLY: process.env.LEDGER_PARTITIONS_CONCURRENTLY ?? '4',
  };
  try {
    const orgs = Array.from({ length: ORGS }, (_, i) => `bench-${databaseName}-${i}`.replaceAll('_', '-'));
    const keys = new Map(orgs.map((orgId) => [orgId, generateApiKey().key]));
    await ensureTopics(kafkaClient);
    await publisher.connect();
    await publisher.publish(orgs.flatMap((orgId) => accessEvents(orgId, keys.get(orgId)!)));
    log(`publishing ${fmt(ENTRIES)} events for ${ORGS} organizations to ${kafka.brokers}…`);
    const publishMs = await publishAll(publisher, orgs);
    log(`  published in ${(publishMs / 1000).toFixed(1)} s (${fmt(perSecond(ENTRIES, publishMs))} events/s)`);
    const total = ENTRIES + 2 * ORGS;

    service = await startService('audit-ledger', serviceEnv);
    const appendStarted = Date.now();
    let lastReport = appendStarted;
    for (;;) {
      const appended = await ledgerTotal(pool);
      if (appended >= total) break;
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        log(`  appended ${fmt(appended)} / ${fmt(total)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const appendMs = Date.now() - appendStarted;
    // The publisher (same process, default configuration) puts the committed entries on cairn.ledger.v1.
    while ((await publishedTotal(pool)) < total) await new Promise((resolve) => setTimeout(resolve, 200));
    const publishedMs = Date.now() - appendStarted;
    const { rows: size } = await pool.query<{ bytes: string; span: string }>(
      `SELECT avg(octet_length(canonical))::int AS bytes,
              extract(epoch FROM max(appended_at) - min(appended_at)) AS span FROM ledger.entries`,
    );
    log(`  average canonical entry: ${fmt(Number(size[0]!.bytes))} bytes`);

    await Promise.all(orgs.map((orgId) => waitForKey(`${service!.url}/v1/audit/verify?to=1`, keys.get(orgId)!)));
    const stored = await verifyAll(service, keys, 'stored', orgs);
    const full = await verifyAll(service, keys, 'full', orgs.slice(0, FULL_VERIFY_CHAINS));
    await service.kill('SIGTERM');
    service = undefined;

    const rebuildStarted = Date.now();
    const rebuild = spawnSync(
      process.execPath,
      ['-r', './tools/register.cjs', 'apps/audit-ledger/src/rebuild-cli.ts'],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, DATABASE_URL: databaseUrl },
        encoding: 'utf8',
      },
    );
    const rebuildMs = Date.now() - rebuildStarted;
    if (rebuild.status !== 0) throw new Error(`rebuild failed:\n${rebuild.stdout}${rebuild.stderr}`);
    const reported = /done: (\d+) entries in ([\d.]+) s \((\d+) entries\/s\)/.exec(rebuild.stdout);

    log('');
    log(
      `ledger bench: ${fmt(total)} entries over ${ORGS} organizations (${fmt(Number(size[0]!.bytes))}-byte canonical entries on average)`,
    );
    log(
      `  append from topics        ${fmt(perSecond(total, appendMs))} entries/s  (${(appendMs / 1000).toFixed(1)} s from readiness; first to last commit ${Number(size[0]!.span).toFixed(1)} s)`,
    );
    log(
      `  appended and published    ${fmt(perSecond(total, publishedMs))} entries/s  (${(publishedMs / 1000).toFixed(1)} s from readiness until the last entry was on cairn.ledger.v1)`,
    );
    log(
      `  verify, stored text       ${fmt(perSecond(stored.entries, stored.ms))} entries/s  (${fmt(stored.entries)} entries, ${ORGS} chains, 1,000 re-canonicalized per chain)`,
    );
    log(
      `  verify, full (JCS)        ${fmt(perSecond(full.entries, full.ms))} entries/s  (${fmt(full.entries)} entries, ${FULL_VERIFY_CHAINS} chains)`,
    );
    log(
      `  rebuild                   ${fmt(Number(reported?.[3] ?? perSecond(total, rebuildMs)))} entries/s  (${reported?.[2] ?? (rebuildMs / 1000).toFixed(1)} s projecting; ${(rebuildMs / 1000).toFixed(1)} s with start-up)`,
    );
  } finally {
    await service?.kill('SIGTERM');
    await publisher.disconnect().catch(() => undefined);
    await pool.end();
    if (!process.env.BENCH_KEEP_DATABASE)
      await server.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`).catch(() => undefined);
    else log(`kept database ${databaseName}`);
    await server.end();
    await kafka.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`ledger bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
