// Builders for the domain's records and arrivals, shared by the unit tests.
import type { GenerationArrival, RetrievalArrival } from '../src/domain/arrival';
import type { GenerationRecord, RetrievalRecord } from '../src/domain/model';

export const T0 = Date.parse('2026-04-18T14:00:00.000Z');
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const SETTINGS = { windowMs: 15 * MINUTE, graceMs: 5 * MINUTE };

type Required<TRecord, TKeys extends keyof TRecord> = Partial<TRecord> & Pick<TRecord, TKeys>;

export function retrieval(fields: Required<RetrievalRecord, 'eventId'>): RetrievalRecord {
  return {
    orgId: 'org-1',
    clientEventId: `client-${fields.eventId}`,
    collectionId: 'docs',
    timestamp: T0,
    results: [{ id: `vector-of-${fields.eventId}`, score: 0.9, content: `content of ${fields.eventId}` }],
    matchedById: false,
    partition: 0,
    ...fields,
  };
}

export function generation(fields: Required<GenerationRecord, 'eventId'>): GenerationRecord {
  return {
    orgId: 'org-1',
    clientEventId: `client-${fields.eventId}`,
    timestamp: T0,
    outputText: `output of ${fields.eventId}`,
    retrievalEventIds: [],
    matchedById: false,
    partition: 0,
    ...fields,
  };
}

export function arriving(record: RetrievalRecord, eventTime?: number): RetrievalArrival;
export function arriving(record: GenerationRecord, eventTime?: number): GenerationArrival;
export function arriving(
  record: RetrievalRecord | GenerationRecord,
  eventTime = record.timestamp,
): RetrievalArrival | GenerationArrival {
  const base = { eventTime, partition: record.partition };
  return 'results' in record
    ? { ...base, kind: 'retrieval', retrieval: record }
    : { ...base, kind: 'generation', generation: record };
}
