import type { CairnEvent } from '@cairn/contracts';
import type { GenerationRecord, RetrievalRecord } from './model';

interface ArrivalBase {
  /** The event's time for the partition clock: its timestamp, but never later than when Cairn recorded it. */
  eventTime: number;
  partition: number;
}

export interface RetrievalArrival extends ArrivalBase {
  kind: 'retrieval';
  retrieval: RetrievalRecord;
}

export interface GenerationArrival extends ArrivalBase {
  kind: 'generation';
  generation: GenerationRecord;
}

/** A generation that can never correlate: nothing is recorded for it. */
export interface UnusableGeneration {
  kind: 'unusable';
  reason: 'withoutText' | 'withoutAnchor';
}

export type Arrival = RetrievalArrival | GenerationArrival;

// A client clock running ahead must not move the clock past what Cairn itself has seen.
function eventTime(timestamp: number, recordedAt: string): number {
  return Math.min(timestamp, Date.parse(recordedAt));
}

/**
 * What an ingest event means to correlation: a retrieval or a generation to join, a generation
 * that cannot join (no text, or no runId, parentRunId or traceId), or nothing (spans and other
 * types: their retrievals and generations arrive as events of their own).
 */
export function arrivalOf(event: CairnEvent, partition: number): Arrival | UnusableGeneration | undefined {
  if (event.type === 'retrieval.recorded.v1') {
    const { payload } = event;
    const timestamp = Date.parse(payload.timestamp);
    return {
      kind: 'retrieval',
      eventTime: eventTime(timestamp, event.recordedAt),
      partition,
      retrieval: {
        orgId: event.orgId,
        eventId: event.id,
        clientEventId: payload.clientEventId,
        collectionId: payload.collectionId,
        timestamp,
        ...(payload.parentQueryId === undefined ? {} : { parentQueryId: payload.parentQueryId }),
        ...(payload.traceId === undefined ? {} : { traceId: payload.traceId }),
        results: payload.results.map(({ id, score, content }) =>
          content === undefined ? { id, score } : { id, score, content },
        ),
        matchedById: false,
        partition,
      },
    };
  }
  if (event.type === 'generation.recorded.v1') {
    const { payload } = event;
    const text = payload.output.text;
    if (text === undefined || text.length === 0) return { kind: 'unusable', reason: 'withoutText' };
    if (payload.runId === undefined && payload.parentRunId === undefined && payload.traceId === undefined) {
      return { kind: 'unusable', reason: 'withoutAnchor' };
    }
    const timestamp = Date.parse(payload.timestamp);
    return {
      kind: 'generation',
      eventTime: eventTime(timestamp, event.recordedAt),
      partition,
      generation: {
        orgId: event.orgId,
        eventId: event.id,
        clientEventId: payload.clientEventId,
        ...(payload.runId === undefined ? {} : { runId: payload.runId }),
        ...(payload.parentRunId === undefined ? {} : { parentRunId: payload.parentRunId }),
        ...(payload.traceId === undefined ? {} : { traceId: payload.traceId }),
        timestamp,
        outputText: text,
        retrievalEventIds: [],
        matchedById: false,
        partition,
      },
    };
  }
  return undefined;
}
