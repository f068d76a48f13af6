import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deterministicId, Topics, type CairnEvent, type EventOf, type EventType } from '@cairn/contracts';
import { verifyChain } from '@cairn/ledger';
import {
  createTestOrganization,
  metricSample,
  TopicReader,
  uniqueName,
  waitFor,
  waitForKey,
  type TestOrganization,
} from '@cairn/testing';
import { parseStoredEntry, type StoredRow } from '../src/domain/chain-verification';
import { alertEvent, spanEvent, vectorDecision } from './events';
import { goldenChain, goldenEvents, type GoldenEntry } from './golden/golden-fixture';
import { event, LedgerHarness, runTs, SERVICE_WAIT_MS } from './harness';

const VERIFY_CLI = 'libs/ledger/src/verify-export-cli.ts';

/** The chain an independent Python implementation computes for the golden events and this organization. */
function pythonChain(orgId: string): GoldenEntry[] {
  const script = path.join(__dirname, 'golden', 'expected_chain.py');
  return JSON.parse(execFileSync('python3', [script, orgId], { encoding: 'utf8' })) as GoldenEntry[];
}

const chained = (rows: StoredRow[]) =>
  rows.map((row) => ({ ...parseStoredEntry(row.canonical), prevHash: row.prevHash, hash: row.hash }));

interface VerifyBody {
  ok: boolean;
  entries: number;
  seq?: number;
  reason?: string;
  head?: { seq: number; hash: string } | null;
}

describe('audit ledger: the chain against real Kafka and Postgres', () => {
  const harness = new LedgerHarness();
  let tampered: TestOrganization;
  let truncated: TestOrganization;
  let ledgerTopic: TopicReader;
  let deadLetters: TopicReader;
  const watched = new Set<string>();

  beforeAll(async () => {
    await harness.prepare();
    [tampered, truncated] = await Promise.all([createTestOrganization(), createTestOrganization()]);
    ledgerTopic = await new TopicReader([Topics.ledger], (e) => watched.has(e.orgId)).start();
    deadLetters = await new TopicReader([Topics.dlq], (e) => watched.has(e.orgId)).start();
    await harness.start();
    await Promise.all([
      waitForKey(`${harness.url}/v1/audit/verify`, tampered.keys.all!),
      waitForKey(`${harness.url}/v1/audit/verify`, truncated.keys.all!),
    ]);
  });

  afterAll(async () => {
    await Promise.all([ledgerTopic?.stop(), deadLetters?.stop()]);
    await harness.close();
  });

  it('stores the golden events with the hashes an independent Python implementation computes', async () => {
    const orgId = uniqueName('golden');
    const events = goldenEvents().map(({ id, type, occurredAt, payload }) =>
      event<EventType>({ id, type, orgId, occurredAt, payload }),
    );
    // One at a time: events of different topics are otherwise appended in whichever order their
    // partitions happen to be consumed, and the expected hashes fix the order.
    for (const [index, goldenEvent] of events.entries()) {
      await harness.publish(goldenEvent);
      await harness.waitForChainLength(orgId, index + 1);
    }
    const stored = await harness.entries(orgId);
    expect(
      stored.map(({ seq, eventId, canonical, prevHash, hash }) => ({ seq, eventId, canonical, prevHash, hash })),
    ).toEqual(pythonChain(orgId));
    // The canonical texts do not depend on the organization: they are the checked-in golden vector.
    expect(stored.map((row) => row.canonical)).toEqual(goldenChain().entries.map((entry) => entry.canonical));
    // occurredAt comes back byte for byte (a timestamptz would have re-rendered this one).
    expect(stored[1]!.occurredAt).toBe('2026-04-18T16:22:18.015123+02:00');
  });

  it('appends a redelivered event once and publishes each entry on cairn.ledger.v1', async () => {
    const orgId = uniqueName('redelivery');
    watched.add(orgId);
    const first = [
      spanEvent(orgId, 'a'),
      vectorDecision(orgId, 'b', 'vector.quarantined.v1', 'q-1'),
      spanEvent(orgId, 'c'),
    ];
    await harness.publish(...first);
    await harness.waitForChainLength(orgId, 3);
    const late = spanEvent(orgId, 'd');
    await harness.publish(...first, late, first[0]!);
    await harness.waitForChainLength(orgId, 4);

    const rows = await harness.entries(orgId);
    expect(rows.map((row) => row.seq)).toEqual([1, 2, 3, 4]);
    expect(new Set(rows.slice(0, 3).map((row) => row.eventId))).toEqual(new Set(first.map((e) => e.id)));
    expect(rows[3]!.eventId).toBe(late.id);
    expect(verifyChain(orgId, chained(rows))).toMatchObject({ ok: true, entries: 4 });

    const published = await ledgerTopic.waitForCount(4, (e) => e.orgId === orgId, SERVICE_WAIT_MS);
    const bySeq = new Map(
      (published as EventOf<'ledger.appended.v1'>[]).map((appended) => [appended.payload.seq, appended]),
    );
    for (const row of rows) {
      expect(bySeq.get(row.seq)).toMatchObject({
        id: deterministicId(orgId, 'ledger', String(row.seq)),
        causationId: row.eventId,
        payload: { seq: row.seq, eventId: row.eventId, prevHash: row.prevHash, hash: row.hash },
      });
    }
    expect(bySeq.size).toBe(4);
  });

  it('publishes from the committed entries: a writer without the publisher appends, the publisher catches up', async () => {
    const orgId = uniqueName('outbox');
    watched.add(orgId);
    const correlated = { ...spanEvent(orgId, 'b'), correlationId: 'corr-outbox' };
    const events = [spanEvent(orgId, 'a'), correlated, spanEvent(orgId, 'c')];
    await harness.stop();
    await harness.start({ PUBLISHER_ENABLED: 'false' });
    try {
      await harness.publish(...events);
      await harness.waitForChainLength(orgId, 3);
      // The entries were acknowledged by Kafka before their commit when the writer published them itself.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(ledgerTopic.events.filter((e) => e.orgId === orgId)).toEqual([]);
    } finally {
      await harness.stop();
      await harness.start();
    }

    const published = (await ledgerTopic.waitForCount(
      3,
      (e) => e.orgId === orgId,
      SERVICE_WAIT_MS,
    )) as EventOf<'ledger.appended.v1'>[];
    const rows = await harness.entries(orgId);
    expect(published.map((e) => e.payload.seq)).toEqual([1, 2, 3]); // in chain order, each once
    expect(published.map((e) => e.payload.hash)).toEqual(rows.map((row) => row.hash));
    const ofCorrelated = published.find((e) => e.causationId === correlated.id);
    expect(ofCorrelated?.correlationId).toBe('corr-outbox');
    expect(ofCorrelated?.payload.payload).toEqual(correlated.payload);
    await waitFor('the publication progress to reach the head', async () => {
      const { rows: progress } = await harness.pool.query<{ published_seq: string }>(
        'SELECT published_seq FROM ledger.publication WHERE org_id = $1',
        [orgId],
      );
      return Number(progress[0]?.published_seq) === 3;
    });
  });

  it('keeps two interleaved organizations in separate gapless chains, each topic in its order', async () => {
    const [a, b] = [uniqueName('interleaved-a'), uniqueName('interleaved-b')];
    const eventsOf = (orgId: string) =>
      Array.from({ length: 12 }, (_, i): CairnEvent => {
        if (i % 3 === 0) return spanEvent(orgId, `span-${i}`);
        if (i % 3 === 1) return vectorDecision(orgId, `decision-${i}`, 'vector.approved.v1', `v-${i}`);
        return alertEvent(orgId, `alert-${i}`, 'SERVED_FLAGGED', `v-${i}`, '2026-04-18T14:22:18.015Z');
      });
    const [ofA, ofB] = [eventsOf(a), eventsOf(b)];
    await harness.publish(...ofA.flatMap((eventOfA, i) => [eventOfA, ofB[i]!]));
    await Promise.all([harness.waitForChainLength(a, 12), harness.waitForChainLength(b, 12)]);

    for (const [orgId, published] of [
      [a, ofA],
      [b, ofB],
    ] as const) {
      const rows = await harness.entries(orgId);
      expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(verifyChain(orgId, chained(rows))).toMatchObject({ ok: true, entries: 12 });
      const order = rows.map((row) => row.eventId);
      for (const type of ['span.recorded.v1', 'vector.approved.v1', 'alert.raised.v1']) {
        const ofType = published.filter((e) => e.type === type).map((e) => e.id);
        expect(order.filter((id) => ofType.includes(id))).toEqual(ofType);
      }
    }

    const { text: metrics } = await harness.get('/metrics', undefined);
    expect([
      metricSample(metrics, 'cairn_ledger_head_seq', { org: a }),
      metricSample(metrics, 'cairn_ledger_head_seq', { org: b }),
    ]).toEqual([12, 12]);
  });

  it('dead-letters only an event that cannot be canonicalized, with the reason', async () => {
    const orgId = uniqueName('surrogate');
    watched.add(orgId);
    const before = spanEvent(orgId, 'before');
    const broken = spanEvent(orgId, 'broken', { name: 'lone \uD800 surrogate' });
    const after = spanEvent(orgId, 'after');
    await harness.publish(before, broken, after);
    await harness.waitForChainLength(orgId, 2);

    const rows = await harness.entries(orgId);
    expect(rows.map((row) => row.eventId)).toEqual([before.id, after.id]);
    const [letter] = (await deadLetters.waitForCount(
      1,
      (e) => e.orgId === orgId,
      SERVICE_WAIT_MS,
    )) as EventOf<'message.dead-lettered.v1'>[];
    expect(letter!.payload).toMatchObject({
      consumerGroup: harness.groupId,
      topic: Topics.ingest,
      attempts: 1,
      error:
        'cannot be recorded in the audit ledger: cannot canonicalize value at $.payload.name: lone surrogate U+D800 at string index 5',
    });
    expect(JSON.parse(letter!.payload.value)).toMatchObject({ id: broken.id });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of entries', async () => {
    await harness.waitForChainLength(tampered.orgId, 1);
    await expect(
      harness.pool.query("UPDATE ledger.entries SET type = 'x' WHERE org_id = $1 AND seq = 1", [tampered.orgId]),
    ).rejects.toThrow('ledger.entries is append-only: UPDATE refused');
    await expect(
      harness.pool.query('DELETE FROM ledger.entries WHERE org_id = $1 AND seq = 1', [tampered.orgId]),
    ).rejects.toThrow('ledger.entries is append-only: DELETE refused');
    await expect(harness.pool.query('TRUNCATE ledger.entries')).rejects.toThrow(
      'ledger.entries is append-only: TRUNCATE refused',
    );
    expect(await harness.chainLength(tampered.orgId)).toBeGreaterThanOrEqual(1);
  });

  it('finds an entry altered behind the trigger at exactly its seq, and the offline verifier agrees', async () => {
    const { orgId } = tampered;
    const key = tampered.keys.all!;
    await harness.waitForChainLength(orgId, 2);
    await harness.publish(...Array.from({ length: 6 }, (_, i) => spanEvent(orgId, `t-${i}`)));
    await harness.waitForChainLength(orgId, 8); // org.created and the key's apikey.created come first

    const intact = await harness.get<VerifyBody>('/v1/audit/verify', key);
    expect(intact.body).toMatchObject({ ok: true, entries: 8, head: { seq: 8 } });
    expect(intact.body).toEqual({
      ok: true,
      mode: 'full',
      entries: 8,
      head: intact.body.head,
      from: 1,
      anchor: 'genesis',
    });
    expect((await harness.get<VerifyBody>('/v1/audit/verify?mode=stored', key)).body).toEqual({
      ...intact.body,
      mode: 'stored',
      canonicalFormChecked: 8,
    });
    const cleanExport = await exportAndVerify(key);
    expect(cleanExport.status).toBe(0);
    expect(JSON.parse(cleanExport.stdout)).toMatchObject({ orgId, ok: true, entries: 8, head: intact.body.head });

    const { canonical } = (await harness.entries(orgId))[4]!;
    await alterBehindTrigger(
      'UPDATE ledger.entries SET canonical = replace(canonical, \'"name":"t-2"\', \'"name":"t-X"\') WHERE org_id = $1 AND seq = 5',
      [orgId],
    );
    expect((await harness.entries(orgId))[4]!.canonical).not.toBe(canonical);

    for (const mode of ['full', 'stored']) {
      const { status, body } = await harness.get<VerifyBody>(`/v1/audit/verify?mode=${mode}`, key);
      expect(status).toBe(200);
      expect(body).toMatchObject({ ok: false, seq: 5, entries: 4 });
      expect(body.reason).toMatch(/^hash mismatch: stored [0-9a-f]{64}, recomputed [0-9a-f]{64}$/);
    }
    const brokenExport = await exportAndVerify(key);
    expect(brokenExport.status).toBe(1);
    expect(brokenExport.stderr).toContain(`FAILED ${orgId}: seq 5 (line 5): hash mismatch`);
    expect(JSON.parse(brokenExport.stdout)).toMatchObject({ orgId, ok: false, entries: 4, failure: { seq: 5 } });

    // A range after the altered entry verifies on its own: its anchor (entry 5's stored hash) is trusted.
    expect((await harness.get<VerifyBody>('/v1/audit/verify?from=6', key)).body).toMatchObject({
      ok: true,
      entries: 3,
      anchor: { seq: 5 },
    });
  });

  it('finds entries removed from the end of a chain, and a column changed behind the trigger', async () => {
    const { orgId } = truncated;
    await harness.waitForChainLength(orgId, 2);
    await harness.publish(spanEvent(orgId, 'x'), spanEvent(orgId, 'y'));
    await harness.waitForChainLength(orgId, 4);
    await alterBehindTrigger('DELETE FROM ledger.entries WHERE org_id = $1 AND seq = 4', [orgId]);
    for (const mode of ['full', 'stored']) {
      expect((await harness.get<VerifyBody>(`/v1/audit/verify?mode=${mode}`, truncated.keys.all)).body).toMatchObject({
        ok: false,
        seq: 4,
        entries: 3,
        reason: 'entry missing: the chain head records seq 4',
      });
    }

    // An indexed column changed (the hashed text intact): full mode and stored mode's sample both see it.
    await alterBehindTrigger("UPDATE ledger.entries SET type = 'vector.approved.v1' WHERE org_id = $1 AND seq = 2", [
      orgId,
    ]);
    for (const mode of ['full', 'stored']) {
      expect((await harness.get<VerifyBody>(`/v1/audit/verify?mode=${mode}`, truncated.keys.all)).body).toMatchObject({
        ok: false,
        seq: 2,
        reason: "the stored seq, eventId, type or occurredAt column differs from the entry's hashed text",
      });
    }
  });

  it('answers 400 naming the parameter and 401 without a key', async () => {
    const key = tampered.keys.all!;
    expect(await harness.get('/v1/audit/verify?mode=quick', key)).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'mode', message: 'must be one of full, stored' }] },
    });
    expect(await harness.get('/v1/audit/entries?from=5&to=2', key)).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'to' }] },
    });
    expect(await harness.get('/v1/audit/verify?from=100000', key)).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'from' }] },
    });
    expect((await harness.get('/v1/audit/verify', undefined)).status).toBe(401);
  });

  /** Alters entries as a superuser would, with the append-only trigger disabled for that transaction only. */
  async function alterBehindTrigger(sql: string, params: unknown[]): Promise<void> {
    const client = await harness.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('ALTER TABLE ledger.entries DISABLE TRIGGER entries_refuse_update_delete');
      await client.query(sql, params);
      await client.query('ALTER TABLE ledger.entries ENABLE TRIGGER entries_refuse_update_delete');
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async function exportAndVerify(key: string) {
    const exported = await harness.get('/v1/audit/entries', key);
    expect(exported.status).toBe(200);
    expect(exported.contentType).toBe('application/x-ndjson; charset=utf-8');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ledger-export-')), 'export.ndjson');
    writeFileSync(file, exported.text);
    return runTs(VERIFY_CLI, [file]);
  }
});
