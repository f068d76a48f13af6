import { createEvent, type EventOf } from '@cairn/contracts';
import { arrivalOf } from './arrival';

const at = '2026-04-18T14:00:00.000Z';
const recordedAt = new Date('2026-04-18T14:00:05.000Z');

function generationEvent(payload: Partial<EventOf<'generation.recorded.v1'>['payload']>) {
  return createEvent(
    {
      id: 'g-event',
      type: 'generation.recorded.v1',
      orgId: 'org-1',
      occurredAt: at,
      payload: {
        clientEventId: 'g-1',
        source: 'buzo',
        output: { text: 'answer' },
        latencyMs: 5,
        timestamp: at,
        ...payload,
      },
    },
    recordedAt,
  );
}

describe('arrivalOf', () => {
  it('reads a retrieval with its anchors, results and partition', () => {
    const event = createEvent(
      {
        id: 'r-event',
        type: 'retrieval.recorded.v1',
        orgId: 'org-1',
        occurredAt: at,
        payload: {
          clientEventId: 'r-1',
          source: 'honeyhive',
          collectionId: 'docs',
          query: { text: 'q' },
          results: [
            { id: 'v1', score: 0.9, content: 'text' },
            { id: 'v2', score: 0.1 },
          ],
          latencyMs: 3,
          kReturned: 2,
          timestamp: at,
          parentQueryId: 'span-parent',
          traceId: 'trace-1',
          spanId: 'span-1',
        },
      },
      recordedAt,
    );
    expect(arrivalOf(event, 7)).toEqual({
      kind: 'retrieval',
      eventTime: Date.parse(at),
      partition: 7,
      retrieval: {
        orgId: 'org-1',
        eventId: 'r-event',
        clientEventId: 'r-1',
        collectionId: 'docs',
        timestamp: Date.parse(at),
        parentQueryId: 'span-parent',
        traceId: 'trace-1',
        results: [
          { id: 'v1', score: 0.9, content: 'text' },
          { id: 'v2', score: 0.1 },
        ],
        matchedById: false,
        partition: 7,
      },
    });
  });

  it('reads a generation with its anchors', () => {
    expect(arrivalOf(generationEvent({ runId: 'A', parentRunId: 'B' }), 2)).toEqual({
      kind: 'generation',
      eventTime: Date.parse(at),
      partition: 2,
      generation: {
        orgId: 'org-1',
        eventId: 'g-event',
        clientEventId: 'g-1',
        runId: 'A',
        parentRunId: 'B',
        timestamp: Date.parse(at),
        outputText: 'answer',
        retrievalEventIds: [],
        matchedById: false,
        partition: 2,
      },
    });
  });

  it('never lets a client clock ahead of Cairn move the partition clock past the recording time', () => {
    const future = '2026-04-18T15:00:00.000Z';
    expect(arrivalOf(generationEvent({ runId: 'A', timestamp: future }), 0)).toMatchObject({
      eventTime: recordedAt.getTime(),
      generation: { timestamp: Date.parse(future) },
    });
  });

  it('marks generations without text or without any anchor as unusable', () => {
    expect(arrivalOf(generationEvent({ runId: 'A', output: {} }), 0)).toEqual({
      kind: 'unusable',
      reason: 'withoutText',
    });
    expect(arrivalOf(generationEvent({ runId: 'A', output: { text: '' } }), 0)).toEqual({
      kind: 'unusable',
      reason: 'withoutText',
    });
    expect(arrivalOf(generationEvent({}), 0)).toEqual({ kind: 'unusable', reason: 'withoutAnchor' });
    expect(arrivalOf(generationEvent({ traceId: 'T' }), 0)).toMatchObject({ kind: 'generation' });
  });

  it('has nothing to do with spans and other events', () => {
    const span = createEvent({
      id: 's',
      type: 'span.recorded.v1',
      orgId: 'org-1',
      occurredAt: at,
      payload: {
        source: 'basalt',
        traceId: 't',
        spanId: 's',
        kind: 'retrieval',
        name: 'n',
        startTime: at,
        originalIds: {},
      },
    });
    expect(arrivalOf(span, 0)).toBeUndefined();
  });
});
