import path from 'node:path';
import type { Kafka } from 'kafkajs';
import { createEvent, deterministicId, Topics, type CairnEvent, type EventOf } from '@cairn/contracts';
import { createKafka, EventPublisher } from '@cairn/kafka';
import { MATCHER_VERSION } from '@cairn/matching';
import { createPool, type Pool } from '@cairn/pg';
import {
  REPO_ROOT,
  startGroupAtEnd,
  startService,
  startTsProcess,
  testEnvironment,
  TopicReader,
  uniqueName,
  waitFor,
  type RunningService,
} from '@cairn/testing';

const CONTENT = 'Password reset links expire after twenty four hours and can be used only once by the account owner.';

/** A correlation whose output repeats the vector word for word: the matcher cites it at any setting. */
function correlation(orgId: string, index: number): EventOf<'generation.correlated.v1'> {
  const generationId = deterministicId(orgId, 'generation', `replay-${index}`);
  const retrievalId = deterministicId(orgId, 'retrieval', `replay-${index}`);
  const timestamp = new Date().toISOString();
  return createEvent({
    id: deterministicId(orgId, 'correlation', generationId),
    type: 'generation.correlated.v1',
    orgId,
    occurredAt: timestamp,
    payload: {
      generation: {
        eventId: generationId,
        clientEventId: `g-${index}`,
        timestamp,
        outputText: `As the help centre says: ${CONTENT} Contact support otherwise.`,
      },
      retrievals: [{ eventId: retrievalId, clientEventId: `r-${index}`, collectionId: 'kb', timestamp }],
      vectors: [
        {
          collectionId: 'kb',
          vectorId: `v-${index}`,
          retrievalEventId: retrievalId,
          score: 0.9,
          content: CONTENT,
          contentSource: 'retrieval',
        },
      ],
    },
  });
}

/** Citations by id: a matcher of another test run on the same stack may publish the same ones again. */
const distinct = (reader: TopicReader) => [...new Map(reader.events.map((event) => [event.id, event])).values()];
const distinctCount = async (reader: TopicReader, count: number) =>
  waitFor(`${count} distinct citations`, () => {
    const found = distinct(reader);
    return found.length >= count ? found : undefined;
  });
const versionOf = (event: CairnEvent) => (event.type === 'citation.detected.v1' ? event.payload.matcherVersion : '');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('cairn replay', () => {
  const orgId = uniqueName('org-replay');
  // The test's matcher consumes under its own group, so that other suites' history is not replayed.
  const suffix = `-${uniqueName('t')}`;
  const group = `matcher${suffix}`;
  const matcherEnv = { CONSUMER_GROUP_SUFFIX: suffix };
  let kafka: Kafka;
  let publisher: EventPublisher;
  let pool: Pool;
  let citations: TopicReader;
  let matcher: RunningService | undefined;

  const runCli = async (args: string[], env: Record<string, string> = {}) => {
    const { kafkaBrokers, databaseUrl } = testEnvironment();
    const cli = startTsProcess(
      path.join(REPO_ROOT, 'apps/cli/src/main.ts'),
      { KAFKA_BROKERS: kafkaBrokers.join(','), DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', ...env },
      args,
    );
    const code = await cli.exited;
    return { code, output: cli.output() };
  };

  beforeAll(async () => {
    const { kafkaBrokers, databaseUrl } = testEnvironment();
    kafka = createKafka({ brokers: kafkaBrokers, clientId: 'replay-test' });
    publisher = new EventPublisher(kafka);
    pool = createPool(databaseUrl, { applicationName: 'replay-test', max: 2 });
    await startGroupAtEnd(kafka, group, [Topics.correlations]);
    citations = await new TopicReader(
      [Topics.citations],
      (event) => event.orgId === orgId && versionOf(event) !== MATCHER_VERSION,
    ).start();
  });

  afterAll(async () => {
    await matcher?.kill('SIGTERM');
    await citations?.stop();
    await publisher?.disconnect();
    await pool?.end();
  });

  it('explains what it cannot replay, naming the option or the reason', async () => {
    const unknownGroup = await runCli(['replay', '--service', 'matcher', '--group', group, '--from', 'earliest']);
    expect(unknownGroup).toMatchObject({
      code: 1,
      output: expect.stringContaining(`matcher has no consumer positions for group ${group}`) as unknown,
    });

    const ledger = await runCli(['replay', '--service', 'audit-ledger', '--from', 'earliest']);
    expect(ledger).toMatchObject({
      code: 2,
      output: expect.stringContaining('audit-ledger is not replayed') as unknown,
    });
    const open = await runCli([
      'replay',
      '--service',
      'matcher',
      '--group',
      group,
      '--from',
      'earliest',
      '--to',
      '2026-01-01T00:00:00Z',
    ]);
    expect(open).toMatchObject({ code: 1, output: expect.stringContaining('--to needs --separate') as unknown });
    const zoneless = await runCli(['replay', '--service', 'matcher', '--from', '2026-01-01T00:00:00']);
    expect(zoneless).toMatchObject({
      code: 2,
      output: expect.stringContaining('--from must be an ISO 8601 instant') as unknown,
    });
  });

  // Each matcher of the test runs with thresholds of its own, so its citations carry a version of
  // their own; the reader passes over the default version, which a matcher that `npm start` runs on
  // the same stack would publish for these events too.
  const settings = {
    first: { MATCHER_VERBATIM_MIN_TOKENS: '7' },
    inPlace: { MATCHER_VERBATIM_MIN_TOKENS: '9' },
    separate: { MATCHER_VERBATIM_MIN_TOKENS: '9', MATCHER_NGRAM_MIN_EVIDENCE: '77' },
  };
  const versions = new Map<string, string>();
  const byVersion = (name: keyof typeof settings) =>
    distinct(citations).filter((event) => versionOf(event) === versions.get(name));
  const vectorsOf = (events: CairnEvent[]) =>
    events.map((event) => (event.type === 'citation.detected.v1' ? event.payload.vectorId : '')).sort();
  const vectors = (from: number, count: number) =>
    Array.from({ length: count }, (_, index) => `v-${from + index}`).sort();
  const countOf = async (name: keyof typeof settings, count: number) =>
    waitFor(`${count} citations of the ${name} matcher`, () => byVersion(name).length >= count);

  it('in place: the stopped matcher reprocesses from --from with its new thresholds, nothing doubled', async () => {
    matcher = await startService('matcher', { ...matcherEnv, ...settings.first });
    const from = new Date();
    await sleep(5);
    await publisher.publish(Array.from({ length: 20 }, (_, index) => correlation(orgId, index)));
    const first = await distinctCount(citations, 20);
    versions.set('first', versionOf(first[0]!));
    const seen = new Set(first.map(versionOf));
    expect(seen.size).toBe(1);
    const running = await runCli(['replay', '--service', 'matcher', '--group', group, '--from', from.toISOString()]);
    expect(running).toMatchObject({
      code: 1,
      output: expect.stringMatching(
        /matcher is running \(group matcher-t-.* has 1 member\(s\)\): stop it first/,
      ) as unknown,
    });
    await matcher.kill('SIGTERM');
    matcher = undefined;
    const moved = await runCli(['replay', '--service', 'matcher', '--group', group, '--from', from.toISOString()]);
    expect(moved).toMatchObject({
      code: 0,
      output: expect.stringContaining(`${group}: cairn.correlations.v1 moved back`) as unknown,
    });
    expect(moved.output).toMatch(/matcher replay: 0 \/ 20 messages/);

    matcher = await startService('matcher', { ...matcherEnv, ...settings.inPlace });
    await waitFor('citations of a new version', () => {
      const fresh = distinct(citations).find((event) => !seen.has(versionOf(event)));
      if (fresh) versions.set('inPlace', versionOf(fresh));
      return fresh !== undefined;
    });
    await countOf('inPlace', 20);
    await sleep(1_000);
    expect(vectorsOf(byVersion('first'))).toEqual(vectors(0, 20));
    expect(vectorsOf(byVersion('inPlace'))).toEqual(vectors(0, 20)); // each once: ids are deterministic
  });

  it('separately: a second copy reprocesses only [--from, --to] beside the live one, then cleans up', async () => {
    const from = new Date();
    await sleep(5);
    await publisher.publish(Array.from({ length: 10 }, (_, index) => correlation(orgId, 100 + index)));
    await countOf('inPlace', 30);
    await sleep(5);
    const to = new Date();
    await sleep(5);
    await publisher.publish(Array.from({ length: 10 }, (_, index) => correlation(orgId, 200 + index)));
    await countOf('inPlace', 40);
    const seen = new Set(distinct(citations).map(versionOf));

    const separate = await runCli(
      [
        'replay',
        '--service',
        'matcher',
        '--group',
        group,
        '--from',
        from.toISOString(),
        '--to',
        to.toISOString(),
        '--separate',
      ],
      { ...matcherEnv, ...settings.separate },
    );
    expect(separate.output).toMatch(/matcher replay: 10 \/ 10 messages \(100\.0 %\)/);
    expect(separate.code).toBe(0);

    const fresh = await waitFor('citations of the separate copy', () =>
      distinct(citations).find((event) => !seen.has(versionOf(event))),
    );
    versions.set('separate', versionOf(fresh));
    await countOf('separate', 10);
    const { rows } = await pool.query<{ count: string }>(
      `SELECT count(*) FROM matcher.consumer_offsets WHERE group_id LIKE $1`,
      [`${group}.replay-%`],
    );
    expect(rows[0]?.count).toBe('0');
    await sleep(1_000);
    expect(vectorsOf(byVersion('separate'))).toEqual(vectors(100, 10));
    expect(vectorsOf(byVersion('inPlace'))).toEqual(
      [...vectors(0, 20), ...vectors(100, 10), ...vectors(200, 10)].sort(),
    );
  });
});
