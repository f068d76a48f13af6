// `npm run bench:e2e`: at a steady rate of mixed retrievals and generations through the gateway,
// the delay from the gateway's 200 to (a) the generation visible in the query API and (b) its
// CITED_FLAGGED alert recorded (published by alerting, in the same transaction that records it).
//
//   BENCH_RATE=500 BENCH_DURATION_MS=60000 npm run bench:e2e
import { Topics } from '@cairn/contracts';
import { loadavg } from 'node:os';
import { createTestOrganization, metricSum, TopicReader, waitFor } from '@cairn/testing';
import { quarantineDecisionsApplied } from '../demo/story';
import { Pipeline } from '../e2e/pipeline';
import { streamOf } from '../e2e/stream';

const RATE = Number(process.env.BENCH_RATE ?? 500); // events per second, half retrievals, half generations
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 60_000);
/**
 * Not measured: the services' first seconds under load (compiling hot code, filling connection pools),
 * which the per-slice report shows lasting up to 10 s on two vCPUs.
 */
const WARM_UP_MS = 10_000;
const TICK_MS = 100;
/** Every how many generations one is watched in the query API. */
const WATCH_EVERY = 10;
/** How long the watcher waits before asking again about a generation not yet visible. */
const POLL_MS = 20;
/** How many watched generations are asked about together once the oldest is visible. */
const CATCH_UP_WIDTH = 16;
/** A watched generation not visible after this long counts as never visible. */
const VISIBILITY_TIMEOUT_MS = 30_000;
/** The width of the slices the run's figures are broken into, to tell a steady tail from a stall. */
const SLICE_MS = 5_000;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the audit-ledger reports once a second: how far its writer and projector are behind. */
interface LedgerSample {
  at: number;
  appendLag: number;
  projectionLag: number;
  eventLoopLagP99Ms: number;
  load: number;
}

async function sampleLedger(ledgerUrl: string): Promise<LedgerSample> {
  const text = await (await fetch(`${ledgerUrl}/metrics`)).text();
  return {
    at: Date.now(),
    appendLag: metricSum(text, 'cairn_consumer_lag'),
    projectionLag: metricSum(text, 'cairn_ledger_projection_lag_entries'),
    eventLoopLagP99Ms: metricSum(text, 'nodejs_eventloop_lag_p99_seconds') * 1_000,
    load: loadavg()[0]!,
  };
}

/** Per slice of the run: the visibility p99 of generations accepted in it, and the ledger's worst backlog. */
function sliceReport(started: number, visible: { since: number; delay: number }[], samples: LedgerSample[]): string[] {
  const slices = new Map<number, { delays: number[]; samples: LedgerSample[] }>();
  const slice = (at: number) => {
    const key = Math.floor((at - started) / SLICE_MS);
    const found = slices.get(key) ?? { delays: [], samples: [] };
    slices.set(key, found);
    return found;
  };
  for (const { since, delay } of visible) slice(since).delays.push(delay);
  for (const sample of samples) slice(sample.at).samples.push(sample);
  const max = (values: number[]) => (values.length === 0 ? NaN : Math.max(...values));
  return [...slices.entries()]
    .sort(([a], [b]) => a - b)
    .map(([key, { delays, samples: inSlice }]) => {
      const sorted = [...delays].sort((a, b) => a - b);
      return (
        `  ${String((key * SLICE_MS) / 1_000).padStart(3)} s: visible p99 ${percentile(sorted, 0.99).toFixed(0).padStart(5)} ms; ` +
        `ledger max append lag ${max(inSlice.map((x) => x.appendLag))}, projection lag ${max(inSlice.map((x) => x.projectionLag))}, ` +
        `event-loop p99 ${max(inSlice.map((x) => x.eventLoopLagP99Ms)).toFixed(0)} ms; load ${max(inSlice.map((x) => x.load)).toFixed(1)}`
      );
    });
}

function summary(name: string, delays: number[]): string {
  const sorted = [...delays].sort((a, b) => a - b);
  return (
    `${name}: p50 ${percentile(sorted, 0.5).toFixed(0)} ms, p99 ${percentile(sorted, 0.99).toFixed(0)} ms, ` +
    `max ${(sorted[sorted.length - 1] ?? NaN).toFixed(0)} ms (${sorted.length} samples)`
  );
}

async function main(): Promise<void> {
  const pipeline = await Pipeline.start();
  try {
    const org = await createTestOrganization();
    const key = org.keys.all!;
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${pipeline.url('ingest-gateway')}${path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    };
    await waitFor('the key to reach the services', async () => {
      const answers = await Promise.all(
        [`${pipeline.url('ingest-gateway')}/v1/quarantine`, `${pipeline.url('audit-ledger')}/v1/alerts`].map((url) =>
          fetch(url, { headers }),
        ),
      );
      return answers.every((answer) => answer.status !== 401);
    });

    const runsPerTick = Math.max(1, Math.round((RATE / 2) * (TICK_MS / 1_000)));
    const ticks = Math.ceil(DURATION_MS / TICK_MS);
    const stream = streamOf(runsPerTick * ticks);
    const decisionsBefore = await quarantineDecisionsApplied(pipeline.url('alerting'));
    await post('/v1/vectors/quarantine', { collectionId: stream.collectionId, vectorIds: stream.quarantined });
    await waitFor(
      'alerting to apply the quarantine',
      async () =>
        (await quarantineDecisionsApplied(pipeline.url('alerting'))) >= decisionsBefore + stream.quarantined.length,
    );

    /** When the gateway answered 200 for each generation, by clientEventId. */
    const acceptedAt = new Map<string, number>();
    const flagged = new Set(
      stream.runs.filter((run) => run.quarantinedVector).map((run) => run.generation.clientEventId),
    );
    const alertDelays: number[] = [];
    // Arrival is stamped as the reader takes each alert in.
    const receivedAt = new Map<string, number>();
    const alerts = await new TopicReader([Topics.alerts], (event) => {
      if (event.orgId !== org.orgId) return false;
      receivedAt.set(event.id, Date.now());
      return true;
    }).start();
    const seenAlerts = new Set<string>();
    const visible: { since: number; delay: number }[] = [];
    /** Watched generations not yet seen in the query API, in the order the gateway accepted them. */
    const watched: { clientEventId: string; since: number }[] = [];
    let sending = true;
    const started = Date.now();
    const measured = (at: number) => at - started >= WARM_UP_MS;

    // Oldest watched generation first: one organization's entries are projected in ledger order, so
    // while the oldest is not visible it alone is asked about, at most every POLL_MS. Once it shows, the
    // next CATCH_UP_WIDTH are asked about together, so that the watcher keeps up with a projector
    // catching up even when each answer is slow (asking one at a time, a loaded query API made the
    // watcher itself the backlog). A watcher per generation polling on its own would load the very
    // service it measures. A delay can only be overstated (by up to one poll), never understated.
    const watchVisibility = async () => {
      let width = 1;
      while (sending || watched.length > 0) {
        const asked = watched.slice(0, width);
        if (asked.length === 0) {
          await sleep(POLL_MS);
          continue;
        }
        const answers = await Promise.all(
          asked.map(async ({ clientEventId }) => {
            const response = await fetch(`${pipeline.url('audit-ledger')}/v1/generations/${clientEventId}`, {
              headers,
            });
            await response.arrayBuffer();
            return response.status;
          }),
        );
        const answeredAt = Date.now();
        const settled = new Set<string>();
        for (const [index, { clientEventId, since }] of asked.entries()) {
          const waited = answeredAt - since;
          if (answers[index] === 200 || waited > VISIBILITY_TIMEOUT_MS) {
            visible.push({ since, delay: answers[index] === 200 ? waited : Infinity });
            settled.add(clientEventId);
          }
        }
        watched.splice(0, watched.length, ...watched.filter(({ clientEventId }) => !settled.has(clientEventId)));
        width = settled.size === asked.length ? CATCH_UP_WIDTH : 1;
        if (width === 1) await sleep(POLL_MS);
      }
    };
    const watcher = watchVisibility();
    const ledgerSamples: LedgerSample[] = [];
    const sampleWhileSending = async () => {
      while (sending) {
        ledgerSamples.push(await sampleLedger(pipeline.url('audit-ledger')));
        await sleep(1_000);
      }
    };
    const sampler = sampleWhileSending();
    const collectAlerts = () => {
      for (const event of alerts.events) {
        if (seenAlerts.has(event.id) || event.type !== 'alert.raised.v1') continue;
        seenAlerts.add(event.id);
        const generation = event.payload.generation?.clientEventId;
        const since = generation === undefined ? undefined : acceptedAt.get(generation);
        if (event.payload.alertType === 'CITED_FLAGGED' && since !== undefined && measured(since)) {
          alertDelays.push(receivedAt.get(event.id)! - since);
        }
      }
    };

    let failures = 0;
    const sends: Promise<void>[] = [];
    for (let tick = 0; tick < ticks; tick += 1) {
      const due = started + tick * TICK_MS;
      if (due > Date.now()) await sleep(due - Date.now());
      const runs = stream.runs.slice(tick * runsPerTick, (tick + 1) * runsPerTick);
      sends.push(
        (async () => {
          try {
            await post('/v1/retrieval-traces', { events: runs.map((run) => run.retrieval) });
            await post('/v1/generation-traces', { events: runs.map((run) => run.generation) });
            const at = Date.now();
            for (const [index, run] of runs.entries()) {
              acceptedAt.set(run.generation.clientEventId, at);
              if (measured(at) && (tick * runsPerTick + index) % WATCH_EVERY === 0) {
                watched.push({ clientEventId: run.generation.clientEventId, since: at });
              }
            }
          } catch (error) {
            failures += 1;
            console.error(String(error));
          }
        })(),
      );
    }
    await Promise.all(sends); // every watched generation is queued once its batch is answered
    const sentFor = (Date.now() - started) / 1_000;
    sending = false;
    await Promise.all([watcher, sampler]);
    const expectedAlerts = [...flagged].filter((id) => {
      const at = acceptedAt.get(id);
      return at !== undefined && measured(at);
    }).length;
    await waitFor(
      'the CITED_FLAGGED alerts',
      () => {
        collectAlerts();
        return alertDelays.length >= expectedAlerts;
      },
      { timeoutMs: 60_000 },
    ).catch(() => undefined);
    await alerts.stop();

    console.log(
      `sent ${stream.runs.length * 2} events in ${sentFor.toFixed(1)} s (${((stream.runs.length * 2) / sentFor).toFixed(0)} events/s, ` +
        `target ${RATE}); ${failures} failed batches; first ${WARM_UP_MS / 1_000} s not measured`,
    );
    console.log(
      summary(
        '(a) gateway 200 → generation visible in the query API',
        visible.map((x) => x.delay),
      ),
    );
    for (const line of sliceReport(started, visible, ledgerSamples)) console.log(line);
    console.log(summary('(b) gateway 200 → its CITED_FLAGGED alert recorded', alertDelays));
    if (alertDelays.length < expectedAlerts)
      console.log(`missing alerts: ${expectedAlerts - alertDelays.length} of ${expectedAlerts}`);
  } finally {
    await pipeline.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
