/**
 * The pipeline as a user meets it: the five services as real processes on real Kafka and
 * Postgres. First the demo's story; then a stream of 10,000 events during which each service in
 * turn is SIGKILLed and restarted — afterwards every accepted event is in the ledger exactly once
 * and every expected alert was raised exactly once.
 */
import { createPool, type Pool } from '@cairn/pg';
import { createTestOrganization, testEnvironment, waitFor } from '@cairn/testing';
import { quarantineDecisionsApplied, runStory } from '../demo/story';
import { Pipeline, SERVICE_NAMES } from './pipeline';
import { streamOf, type StreamRun } from './stream';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('end to end: five services as real processes', () => {
  let pipeline: Pipeline;
  let pool: Pool;
  const url = (service: Parameters<Pipeline['url']>[0]) => pipeline.url(service);

  beforeAll(async () => {
    pool = createPool(testEnvironment().databaseUrl, { applicationName: 'e2e-test', max: 2 });
    pipeline = await Pipeline.start({ WEBHOOK_POLL_INTERVAL_MS: '200' });
  });

  afterAll(async () => {
    await pipeline?.stop();
    await pool?.end();
  });

  it('tells the demo story: signed alerts, the query API, a verified ledger', async () => {
    const org = await createTestOrganization();
    const outcome = await runStory(
      { gateway: url('ingest-gateway'), alerting: url('alerting'), ledger: url('audit-ledger') },
      { orgId: org.orgId, key: org.keys.all! },
    );
    expect(outcome.served).toMatchObject({ alertType: 'SERVED_FLAGGED', vectorId: 'kb-reset-7', signatureValid: true });
    expect(outcome.cited).toMatchObject({ alertType: 'CITED_FLAGGED', vectorId: 'kb-reset-7', signatureValid: true });
    expect(outcome.cited.body.payload.match?.tier).toBe('ngram');
    expect(outcome.generation.citations.map((citation) => citation.vectorId)).toEqual(['kb-reset-7']);
    expect(outcome.trace?.citations.map((citation) => citation.vectorId)).toEqual(['kb-reset-7']);
    expect(outcome.verification).toMatchObject({ ok: true });
    expect(outcome.verification.entries).toBeGreaterThanOrEqual(7);
  });

  it('loses and doubles nothing while each service in turn is SIGKILLed during 10,000 events', async () => {
    const org = await createTestOrganization();
    const key = org.keys.all!;
    const stream = streamOf(5_000); // a retrieval and a generation each: 10,000 events
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    await waitFor('the key to reach the gateway and alerting', async () => {
      const answers = await Promise.all(
        [`${url('ingest-gateway')}/v1/quarantine`, `${url('alerting')}/v1/webhooks`].map((target) =>
          fetch(target, { headers }),
        ),
      );
      return answers.every((answer) => answer.status !== 401);
    });
    const decisionsBefore = await quarantineDecisionsApplied(url('alerting'));
    const quarantine = await fetch(`${url('ingest-gateway')}/v1/vectors/quarantine`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ collectionId: stream.collectionId, vectorIds: stream.quarantined, reason: 'e2e' }),
    });
    expect(quarantine.status).toBe(200);
    await waitFor(
      'alerting to apply the quarantine',
      async () => (await quarantineDecisionsApplied(url('alerting'))) >= decisionsBefore + stream.quarantined.length,
    );

    /** Sends one batch until the gateway answers 200, whatever happens to it meanwhile. */
    const send = async (path: string, events: unknown[]) => {
      for (;;) {
        try {
          const answer = await fetch(`${url('ingest-gateway')}${path}`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ events }),
          });
          if (answer.status === 200) return;
          if (answer.status < 500 && answer.status !== 429)
            throw new Error(`${path}: ${answer.status} ${await answer.text()}`);
        } catch (error) {
          if (error instanceof Error && error.message.startsWith(path)) throw error;
          // the gateway is being killed or restarted: send the same batch again
        }
        await sleep(100);
      }
    };

    // Each service in turn is SIGKILLed once the stream has passed its point (15 %, 30 %, … 75 %);
    // the sender holds there until the kill, then goes on while the service restarts.
    const crashPoints = SERVICE_NAMES.map((_, turn) => (turn + 1) * 1_500);
    let crashes = 0;
    let sent = 0;
    const sender = (async () => {
      for (let index = 0; index < stream.runs.length; index += 25) {
        while (crashes < crashPoints.length && sent >= crashPoints[crashes]!) await sleep(20);
        const batch = stream.runs.slice(index, index + 25);
        await send(
          '/v1/retrieval-traces',
          batch.map((run: StreamRun) => run.retrieval),
        );
        await send(
          '/v1/generation-traces',
          batch.map((run: StreamRun) => run.generation),
        );
        sent += batch.length * 2;
        await sleep(150);
      }
    })();
    for (const [turn, service] of SERVICE_NAMES.entries()) {
      await waitFor(`the stream to reach ${crashPoints[turn]} events`, () => sent >= crashPoints[turn]!, {
        timeoutMs: 120_000,
      });
      await pipeline.crashAndRestart(service, () => (crashes += 1));
    }
    await sender;

    const ingestEntries = async () => {
      const { rows } = await pool.query<{ client_event_id: string; copies: number }>(
        `SELECT canonical::jsonb -> 'payload' ->> 'clientEventId' AS client_event_id, count(*)::int AS copies
         FROM ledger.entries WHERE org_id = $1 AND type IN ('retrieval.recorded.v1', 'generation.recorded.v1')
         GROUP BY 1`,
        [org.orgId],
      );
      return rows;
    };
    const alertEntries = async () => {
      const { rows } = await pool.query<{ alert: string; copies: number }>(
        `SELECT concat_ws('|', payload ->> 'alertType', coalesce(payload -> 'retrieval' ->> 'clientEventId',
                  payload -> 'generation' ->> 'clientEventId'), payload ->> 'vectorId') AS alert,
                count(*)::int AS copies
         FROM (SELECT canonical::jsonb -> 'payload' AS payload FROM ledger.entries
               WHERE org_id = $1 AND type = 'alert.raised.v1') AS alerts
         GROUP BY 1`,
        [org.orgId],
      );
      return rows;
    };
    await waitFor(
      'every event and alert in the ledger',
      async () => {
        const [events, alerts] = await Promise.all([ingestEntries(), alertEntries()]);
        return events.length >= stream.expectedEvents.length && alerts.length >= stream.expectedAlerts.length;
      },
      { timeoutMs: 240_000, intervalMs: 1_000 },
    );
    await sleep(3_000); // anything doubled late would show now

    const events = await ingestEntries();
    expect(events.map((row) => row.client_event_id).sort()).toEqual([...stream.expectedEvents].sort());
    expect(events.filter((row) => row.copies !== 1)).toEqual([]);
    const alerts = await alertEntries();
    expect(alerts.map((row) => row.alert).sort()).toEqual([...stream.expectedAlerts].sort());
    expect(alerts.filter((row) => row.copies !== 1)).toEqual([]);
    const { rows: raised } = await pool.query<{ count: string }>(
      `SELECT count(*) FROM alerting.alerts WHERE org_id = $1`,
      [org.orgId],
    );
    expect(Number(raised[0]?.count)).toBe(stream.expectedAlerts.length);
  }, 600_000);
});
