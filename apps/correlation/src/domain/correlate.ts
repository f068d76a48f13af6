import type { CorrelatedVector, GenerationCorrelatedPayload } from '@cairn/contracts';
import { correlationEventId } from './ids';
import type { GenerationRecord, RetrievalRecord } from './model';

/** The rule's parameters at the moment an event is applied. */
export interface JoinContext {
  windowMs: number;
  /** Stored events older than this are out of reach (they may already be purged). */
  horizon: number;
}

/** Counterparts an event joins: through the ids, or else through the shared trace. */
export interface Matches<TRecord> {
  byId: TRecord[];
  byTrace: TRecord[];
}

/** A `generation.correlated.v1` ready to be enveloped. */
export interface Correlation {
  id: string;
  orgId: string;
  occurredAt: string;
  correlationId?: string;
  /** The event whose arrival completed the join. */
  causationId: string;
  payload: GenerationCorrelatedPayload;
}

/** Looks up the latest stored content of a vector. */
export type ContentLookup = (orgId: string, collectionId: string, vectorId: string) => string | undefined;

type Stored = Pick<RetrievalRecord | GenerationRecord, 'orgId' | 'eventId' | 'timestamp' | 'traceId' | 'matchedById'>;

export function byTimeThenId(a: Stored, b: Stored): number {
  return a.timestamp - b.timestamp || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);
}

function reachable(event: Stored, candidate: Stored, context: JoinContext): boolean {
  return (
    candidate.orgId === event.orgId &&
    candidate.eventId !== event.eventId &&
    candidate.timestamp >= context.horizon &&
    Math.abs(candidate.timestamp - event.timestamp) <= context.windowMs
  );
}

function unique<TRecord extends Stored>(records: readonly TRecord[]): TRecord[] {
  const seen = new Map<string, TRecord>();
  for (const record of records) seen.set(record.eventId, record);
  return [...seen.values()].sort(byTimeThenId);
}

/**
 * The trace fallback: a retrieval and a generation of the same trace join when neither has joined
 * anything through its ids — so an id match always wins, and a vendor retrieval nested deeper in
 * the span tree than its generation's siblings still finds it.
 */
function traceMatches<TRecord extends Stored>(event: Stored, candidates: readonly TRecord[], context: JoinContext) {
  if (event.traceId === undefined) return [];
  return unique(
    candidates.filter(
      (candidate) =>
        candidate.traceId === event.traceId && !candidate.matchedById && reachable(event, candidate, context),
    ),
  );
}

/**
 * The generations a new retrieval R (parentQueryId P) joins: those with P ∈ {runId, parentRunId}
 * within the window; failing any, those of the same trace that have not joined by ids either.
 * `candidates` may hold any stored generations; only the ones the rule allows are returned.
 */
export function generationsForRetrieval(
  retrieval: RetrievalRecord,
  candidates: readonly GenerationRecord[],
  context: JoinContext,
): Matches<GenerationRecord> {
  const anchor = retrieval.parentQueryId;
  const byId =
    anchor === undefined
      ? []
      : unique(
          candidates.filter(
            (generation) =>
              (generation.runId === anchor || generation.parentRunId === anchor) &&
              reachable(retrieval, generation, context),
          ),
        );
  return { byId, byTrace: byId.length > 0 ? [] : traceMatches(retrieval, candidates, context) };
}

/** The retrievals a new generation G joins, by the same rule seen from G's side. */
export function retrievalsForGeneration(
  generation: GenerationRecord,
  candidates: readonly RetrievalRecord[],
  context: JoinContext,
): Matches<RetrievalRecord> {
  const anchors = new Set([generation.runId, generation.parentRunId].filter((id) => id !== undefined));
  const byId = unique(
    candidates.filter(
      (retrieval) =>
        retrieval.parentQueryId !== undefined &&
        anchors.has(retrieval.parentQueryId) &&
        reachable(generation, retrieval, context),
    ),
  );
  return { byId, byTrace: byId.length > 0 ? [] : traceMatches(generation, candidates, context) };
}

function vectorsOf(retrieval: RetrievalRecord, contentOf: ContentLookup): CorrelatedVector[] {
  return retrieval.results.map((result) => {
    const vector = {
      collectionId: retrieval.collectionId,
      vectorId: result.id,
      retrievalEventId: retrieval.eventId,
      score: result.score,
    };
    if (result.content !== undefined) return { ...vector, content: result.content, contentSource: 'retrieval' };
    const stored = contentOf(retrieval.orgId, retrieval.collectionId, result.id);
    return stored === undefined
      ? { ...vector, contentSource: 'unknown' }
      : { ...vector, content: stored, contentSource: 'stored' };
  });
}

/**
 * The correlation of a generation with every retrieval joined so far: the generation's output,
 * and each retrieval's vectors with their content — the retrieval's own, else the latest stored
 * for the vector, else marked unknown. Everything in it derives from the inputs, in a fixed order.
 */
export function buildCorrelation(
  generation: GenerationRecord,
  retrievals: readonly RetrievalRecord[],
  contentOf: ContentLookup,
  causationId: string,
): Correlation {
  const joined = unique(retrievals);
  const latest = Math.max(generation.timestamp, ...joined.map((retrieval) => retrieval.timestamp));
  const correlationId = generation.traceId ?? generation.runId;
  return {
    id: correlationEventId(
      generation.orgId,
      generation.eventId,
      joined.map((retrieval) => retrieval.eventId),
    ),
    orgId: generation.orgId,
    occurredAt: new Date(latest).toISOString(),
    ...(correlationId === undefined ? {} : { correlationId }),
    causationId,
    payload: {
      generation: {
        eventId: generation.eventId,
        clientEventId: generation.clientEventId,
        ...(generation.runId === undefined ? {} : { runId: generation.runId }),
        ...(generation.parentRunId === undefined ? {} : { parentRunId: generation.parentRunId }),
        ...(generation.traceId === undefined ? {} : { traceId: generation.traceId }),
        timestamp: new Date(generation.timestamp).toISOString(),
        outputText: generation.outputText,
      },
      retrievals: joined.map((retrieval) => ({
        eventId: retrieval.eventId,
        clientEventId: retrieval.clientEventId,
        collectionId: retrieval.collectionId,
        timestamp: new Date(retrieval.timestamp).toISOString(),
      })),
      vectors: joined.flatMap((retrieval) => vectorsOf(retrieval, contentOf)),
    },
  };
}
