import { createEvent, validateEvent } from '@cairn/contracts';
import { generation, MINUTE, retrieval, T0 } from '../../test/records';
import { buildCorrelation, generationsForRetrieval, retrievalsForGeneration, type JoinContext } from './correlate';
import { correlationEventId } from './ids';

const context: JoinContext = { windowMs: 15 * MINUTE, horizon: T0 - 20 * MINUTE };
const ids = (records: readonly { eventId: string }[]) => records.map((record) => record.eventId);

describe('generationsForRetrieval', () => {
  const r = retrieval({ eventId: 'r', parentQueryId: 'P' });

  it('joins generations whose runId or parentRunId is the parentQueryId', () => {
    const byRun = generation({ eventId: 'g-run', runId: 'P', parentRunId: 'root' });
    const byParent = generation({ eventId: 'g-parent', runId: 'child', parentRunId: 'P' });
    const unrelated = generation({ eventId: 'g-other', runId: 'Q', parentRunId: 'root' });
    expect(generationsForRetrieval(r, [byRun, byParent, unrelated], context)).toEqual({
      byId: [byParent, byRun],
      byTrace: [],
    });
  });

  it('joins up to exactly one window apart, in either direction', () => {
    const atEdge = generation({ eventId: 'g-edge', runId: 'P', timestamp: T0 + 15 * MINUTE });
    const before = generation({ eventId: 'g-before', runId: 'P', timestamp: T0 - 15 * MINUTE });
    const beyond = generation({ eventId: 'g-beyond', runId: 'P', timestamp: T0 + 15 * MINUTE + 1 });
    expect(ids(generationsForRetrieval(r, [atEdge, before, beyond], context).byId)).toEqual(['g-before', 'g-edge']);
  });

  it('ignores generations of another organization and those past the horizon', () => {
    const otherOrg = generation({ eventId: 'g-org', orgId: 'org-2', runId: 'P' });
    const pastHorizon = generation({ eventId: 'g-old', runId: 'P', timestamp: T0 - 5 * MINUTE });
    const horizon = { ...context, horizon: T0 - 5 * MINUTE + 1 };
    expect(generationsForRetrieval(r, [otherOrg, pastHorizon], horizon)).toEqual({ byId: [], byTrace: [] });
  });

  it('falls back to the trace when no generation matches by ids', () => {
    const nested = retrieval({ eventId: 'r-nested', parentQueryId: 'tool-span', traceId: 'T' });
    const sameTrace = generation({ eventId: 'g-trace', runId: 'llm-span', parentRunId: 'root', traceId: 'T' });
    const otherTrace = generation({ eventId: 'g-other-trace', runId: 'x', parentRunId: 'root', traceId: 'U' });
    expect(generationsForRetrieval(nested, [sameTrace, otherTrace], context)).toEqual({
      byId: [],
      byTrace: [sameTrace],
    });
  });

  it('takes no trace match when an id match exists, or for a generation already matched by ids', () => {
    const sibling = retrieval({ eventId: 'r-sibling', parentQueryId: 'root', traceId: 'T' });
    const byId = generation({ eventId: 'g-id', runId: 'llm-1', parentRunId: 'root', traceId: 'T' });
    const traceOnly = generation({ eventId: 'g-trace', runId: 'llm-2', parentRunId: 'agent', traceId: 'T' });
    expect(generationsForRetrieval(sibling, [byId, traceOnly], context)).toEqual({ byId: [byId], byTrace: [] });

    const nested = retrieval({ eventId: 'r-nested', parentQueryId: 'tool', traceId: 'T' });
    const matched = generation({ eventId: 'g-matched', runId: 'llm-3', traceId: 'T', matchedById: true });
    expect(generationsForRetrieval(nested, [matched], context)).toEqual({ byId: [], byTrace: [] });
  });

  it('has no trace match without a trace id on both sides', () => {
    const noTrace = retrieval({ eventId: 'r-none', parentQueryId: 'tool' });
    expect(generationsForRetrieval(noTrace, [generation({ eventId: 'g', runId: 'x', traceId: 'T' })], context)).toEqual(
      { byId: [], byTrace: [] },
    );
  });
});

describe('retrievalsForGeneration', () => {
  it('joins retrievals whose parentQueryId is its runId or parentRunId, oldest first', () => {
    const g = generation({ eventId: 'g', runId: 'A', parentRunId: 'B' });
    const byRun = retrieval({ eventId: 'r-run', parentQueryId: 'A', timestamp: T0 - MINUTE });
    const byParent = retrieval({ eventId: 'r-parent', parentQueryId: 'B', timestamp: T0 - 2 * MINUTE });
    const other = retrieval({ eventId: 'r-other', parentQueryId: 'C' });
    expect(retrievalsForGeneration(g, [byRun, byParent, other, byRun], context)).toEqual({
      byId: [byParent, byRun],
      byTrace: [],
    });
  });

  it('falls back to same-trace retrievals that joined nothing by ids', () => {
    const g = generation({ eventId: 'g', runId: 'llm', parentRunId: 'root', traceId: 'T' });
    const free = retrieval({ eventId: 'r-free', parentQueryId: 'tool', traceId: 'T' });
    const taken = retrieval({ eventId: 'r-taken', parentQueryId: 'tool', traceId: 'T', matchedById: true });
    const late = retrieval({ eventId: 'r-late', parentQueryId: 'tool', traceId: 'T', timestamp: T0 + 16 * MINUTE });
    expect(retrievalsForGeneration(g, [free, taken, late], context)).toEqual({ byId: [], byTrace: [free] });
  });
});

describe('buildCorrelation', () => {
  const g = generation({ eventId: 'g', runId: 'A', parentRunId: 'B', timestamp: T0 + MINUTE });
  const first = retrieval({
    eventId: 'r-1',
    collectionId: 'docs',
    timestamp: T0,
    results: [
      { id: 'v-own', score: 0.9, content: 'own content' },
      { id: 'v-stored', score: 0.8 },
    ],
  });
  const second = retrieval({
    eventId: 'r-2',
    collectionId: 'faq',
    timestamp: T0 + 2 * MINUTE,
    results: [{ id: 'v-unknown', score: 0.5 }],
  });
  const stored = (orgId: string, collectionId: string, vectorId: string) =>
    orgId === 'org-1' && collectionId === 'docs' && vectorId === 'v-stored' ? 'stored content' : undefined;

  it("carries the generation, each retrieval, and every vector's content with where it came from", () => {
    expect(buildCorrelation(g, [second, first], stored, 'r-2')).toEqual({
      id: correlationEventId('org-1', 'g', ['r-1', 'r-2']),
      orgId: 'org-1',
      occurredAt: '2026-04-18T14:02:00.000Z',
      correlationId: 'A',
      causationId: 'r-2',
      payload: {
        generation: {
          eventId: 'g',
          clientEventId: 'client-g',
          runId: 'A',
          parentRunId: 'B',
          timestamp: '2026-04-18T14:01:00.000Z',
          outputText: 'output of g',
        },
        retrievals: [
          { eventId: 'r-1', clientEventId: 'client-r-1', collectionId: 'docs', timestamp: '2026-04-18T14:00:00.000Z' },
          { eventId: 'r-2', clientEventId: 'client-r-2', collectionId: 'faq', timestamp: '2026-04-18T14:02:00.000Z' },
        ],
        vectors: [
          {
            collectionId: 'docs',
            vectorId: 'v-own',
            retrievalEventId: 'r-1',
            score: 0.9,
            content: 'own content',
            contentSource: 'retrieval',
          },
          {
            collectionId: 'docs',
            vectorId: 'v-stored',
            retrievalEventId: 'r-1',
            score: 0.8,
            content: 'stored content',
            contentSource: 'stored',
          },
          { collectionId: 'faq', vectorId: 'v-unknown', retrievalEventId: 'r-2', score: 0.5, contentSource: 'unknown' },
        ],
      },
    });
  });

  it('uses the trace id as correlation id for vendor generations', () => {
    const vendor = generation({ eventId: 'g-v', runId: 'span-1', traceId: 'trace-1' });
    expect(buildCorrelation(vendor, [first], stored, 'g-v').correlationId).toBe('trace-1');
  });

  it('yields an event that validates against the generation.correlated.v1 schema', () => {
    const { payload, ...envelope } = buildCorrelation(g, [first, second], stored, 'r-2');
    const event = createEvent({ ...envelope, type: 'generation.correlated.v1', payload }, new Date(T0));
    expect(validateEvent(event)).toEqual({ ok: true, event });
  });
});
