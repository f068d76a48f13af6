import type { LedgerEntry } from '@cairn/ledger';
import { generationTraceIds, instant, pgText, projectEntries, retrievalTraceId } from './projection';

let seq = 0;
const entry = (type: string, payload: object, occurredAt = '2026-04-18T14:22:18.015Z'): LedgerEntry => {
  seq += 1;
  return { seq, eventId: `e${seq}`, type, occurredAt, payload: payload as LedgerEntry['payload'] };
};
beforeEach(() => {
  seq = 0;
});

const retrieval = (overrides: object = {}) => ({
  clientEventId: 'r-client',
  source: 'buzo',
  collectionId: 'col',
  query: { text: 'q' },
  results: [{ id: 'v1', score: 0.9, content: 'text' }],
  latencyMs: 4,
  kReturned: 1,
  timestamp: '2026-04-18T14:22:18.015Z',
  ...overrides,
});
const generation = (overrides: object = {}) => ({
  clientEventId: 'g-client',
  source: 'buzo',
  output: { text: 'answer' },
  latencyMs: 10,
  timestamp: '2026-04-18T14:22:19.000Z',
  ...overrides,
});
const span = (overrides: object = {}) => ({
  source: 'parea',
  traceId: 't1',
  spanId: 's1',
  kind: 'chain',
  name: 'root',
  startTime: '2026-04-18T14:22:18.000Z',
  originalIds: {},
  ...overrides,
});
const vectorDecision = (vectorId: string, reason?: string) => ({
  collectionId: 'col',
  vectorId,
  reason,
  actor: 'ck_1',
});

describe('trace ids', () => {
  it("puts a Buzo retrieval in its parentQueryId's trace, else its own", () => {
    expect(retrievalTraceId(retrieval({ parentQueryId: 'run-a' }) as never)).toBe('run-a');
    expect(retrievalTraceId(retrieval() as never)).toBe('r-client');
    expect(retrievalTraceId(retrieval({ parentQueryId: 'run-a', traceId: 'vendor-t' }) as never)).toBe('vendor-t');
  });

  it('puts a Buzo generation in the traces of both runs a retrieval may name to correlate with it', () => {
    expect(generationTraceIds(generation({ runId: 'run-a', parentRunId: 'root' }) as never)).toEqual(['run-a', 'root']);
    expect(generationTraceIds(generation({ runId: 'run-a', parentRunId: 'run-a' }) as never)).toEqual(['run-a']);
    expect(generationTraceIds(generation({ parentRunId: 'root' }) as never)).toEqual(['root']);
    expect(generationTraceIds(generation() as never)).toEqual(['g-client']);
    expect(generationTraceIds(generation({ runId: 'run-a', traceId: 'vendor-t' }) as never)).toEqual(['vendor-t']);
  });
});

describe('projectEntries', () => {
  it('maps a correlated Buzo run to traces, members, rows and citations', () => {
    const batch = projectEntries([
      entry('org.created.v1', { name: 'Acme' }),
      entry('retrieval.recorded.v1', retrieval({ parentQueryId: 'run-a', agentId: 'support' })),
      entry('generation.recorded.v1', generation({ runId: 'run-a', parentRunId: 'root' }), '2026-04-18T14:22:19.000Z'),
      entry('citation.detected.v1', {
        generation: { eventId: 'e3', clientEventId: 'g-client' },
        collectionId: 'col',
        vectorId: 'v1',
        retrievalEventId: 'e2',
        tier: 'verbatim',
        score: 1,
        spans: [{ start: 0, end: 6 }],
        matcherVersion: 'm1',
      }),
    ]);
    expect(batch.traces).toEqual([
      {
        traceId: 'run-a',
        vendor: 'buzo',
        name: 'support',
        startedAt: '2026-04-18T14:22:18.015Z',
        endedAt: '2026-04-18T14:22:19.000Z',
        firstSeq: 2,
      },
      {
        traceId: 'root',
        vendor: 'buzo',
        name: null,
        startedAt: '2026-04-18T14:22:19.000Z',
        endedAt: '2026-04-18T14:22:19.000Z',
        firstSeq: 3,
      },
    ]);
    expect(batch.traceMembers).toEqual([
      { traceId: 'run-a', kind: 'retrieval', eventId: 'e2', seq: 2 },
      { traceId: 'run-a', kind: 'generation', eventId: 'e3', seq: 3 },
      { traceId: 'root', kind: 'generation', eventId: 'e3', seq: 3 },
    ]);
    expect(batch.retrievals).toMatchObject([
      { eventId: 'e2', seq: 2, clientEventId: 'r-client', traceId: 'run-a', collectionId: 'col' },
    ]);
    expect(batch.generations).toMatchObject([{ eventId: 'e3', seq: 3, clientEventId: 'g-client' }]);
    expect(batch.citations).toMatchObject([
      { eventId: 'e4', seq: 4, generationEventId: 'e3', collectionId: 'col', vectorId: 'v1' },
    ]);
    expect(batch.spans).toEqual([]);
  });

  it("names a span trace after its root span and spans its children's times", () => {
    const batch = projectEntries([
      entry(
        'span.recorded.v1',
        span({
          spanId: 'child',
          parentSpanId: 's1',
          name: 'llm',
          startTime: '2026-04-18T14:22:18.100Z',
          endTime: '2026-04-18T14:22:19.500Z',
        }),
      ),
      entry('span.recorded.v1', span({ endTime: '2026-04-18T14:22:19.000Z' })),
    ]);
    expect(batch.traces).toEqual([
      {
        traceId: 't1',
        vendor: 'parea',
        name: 'root',
        startedAt: '2026-04-18T14:22:18.000Z',
        endedAt: '2026-04-18T14:22:19.500Z',
        firstSeq: 1,
      },
    ]);
    expect(batch.spans.map((row) => [row.spanId, row.parentSpanId, row.startedAt])).toEqual([
      ['child', 's1', '2026-04-18T14:22:18.100Z'],
      ['s1', null, '2026-04-18T14:22:18.000Z'],
    ]);
  });

  it('keeps the latest version of a re-sent span and the latest quarantine decision', () => {
    const batch = projectEntries([
      entry('span.recorded.v1', span({ name: 'first' })),
      entry('vector.quarantined.v1', vectorDecision('v1', 'leak')),
      entry('span.recorded.v1', span({ name: 'second' })),
      entry('vector.released.v1', vectorDecision('v1')),
      entry('vector.quarantined.v1', vectorDecision('v2', 'pii')),
    ]);
    expect(batch.spans.map((row) => [row.seq, row.eventId])).toEqual([[3, 'e3']]);
    expect(batch.traces[0]).toMatchObject({ name: 'first', firstSeq: 1 });
    expect(batch.quarantine).toEqual([
      {
        collectionId: 'col',
        vectorId: 'v1',
        state: 'RELEASED',
        reason: null,
        actor: 'ck_1',
        changedAt: '2026-04-18T14:22:18.015Z',
        eventId: 'e4',
        seq: 4,
      },
      {
        collectionId: 'col',
        vectorId: 'v2',
        state: 'QUARANTINED',
        reason: 'pii',
        actor: 'ck_1',
        changedAt: '2026-04-18T14:22:18.015Z',
        eventId: 'e5',
        seq: 5,
      },
    ]);
  });

  it('records alerts with their type, vector and instant', () => {
    const batch = projectEntries([
      entry(
        'alert.raised.v1',
        {
          alertType: 'SERVED_FLAGGED',
          collectionId: 'col',
          vectorId: 'v1',
          retrieval: { eventId: 'r', clientEventId: 'c' },
        },
        '2026-04-18T16:22:18.015+02:00',
      ),
    ]);
    expect(batch.alerts).toEqual([
      {
        eventId: 'e1',
        seq: 1,
        alertType: 'SERVED_FLAGGED',
        collectionId: 'col',
        vectorId: 'v1',
        occurredAt: '2026-04-18T14:22:18.015Z',
      },
    ]);
  });

  it('replaces U+0000 in indexed ids (the payload keeps it, in the ledger)', () => {
    const batch = projectEntries([
      entry('retrieval.recorded.v1', retrieval({ clientEventId: 'a\u0000b', parentQueryId: 'run\u0000' })),
    ]);
    expect(batch.retrievals[0]).toMatchObject({ clientEventId: 'a\uFFFDb', traceId: 'run\uFFFD' });
    expect(batch.traces[0]!.traceId).toBe('run\uFFFD');
  });

  it('gives access changes and unknown types no rows', () => {
    const batch = projectEntries([entry('apikey.revoked.v1', { prefix: 'ck_1' }), entry('something.else.v9', {})]);
    expect(Object.values(batch).flat()).toEqual([]);
  });
});

describe('pgText and instant', () => {
  it('replaces only U+0000', () => {
    expect(pgText('plain café')).toBe('plain café');
    expect(pgText('\u0000x\u0000')).toBe('\uFFFDx\uFFFD');
  });

  it('normalizes instants to UTC milliseconds and rejects what is not one', () => {
    expect(instant('2026-04-18T16:22:18.015123+02:00')).toBe('2026-04-18T14:22:18.015Z');
    expect(instant('2016-12-31T23:59:60Z')).toBeNull();
    expect(instant(undefined)).toBeNull();
  });
});
