import { Injectable } from '@nestjs/common';
import type { PayloadOf } from '@cairn/contracts';
import { ApiError } from '@cairn/service-kit';
import { encodeAlertCursor, encodeTraceCursor } from '../domain/cursor';
import { generationTraceIds, pgText } from '../domain/projection';
import type { AlertQuery, TraceQuery } from '../domain/query-params';
import { buildSpanTree, type SpanNode } from '../domain/span-tree';
import { QueryRepository, type EntryRecord, type TraceRecord } from './query.repository';

export interface Page<TItem> {
  items: TItem[];
  /** Pass as `cursor` for the next page; null on the last one. */
  next: string | null;
}

export interface TraceSummary {
  id: string;
  vendor: string;
  name: string | null;
  startedAt: string | null;
  endedAt: string | null;
  spanCount: number;
  retrievalCount: number;
  generationCount: number;
}

export type SpanView = PayloadOf<'span.recorded.v1'> & { eventId: string };

export interface CitationView {
  eventId: string;
  generationEventId: string;
  collectionId: string;
  vectorId: string;
  retrievalEventId: string;
  tier: 'verbatim' | 'ngram';
  score: number;
  spans: { start: number; end: number }[];
  matcherVersion: string;
}

export interface TraceDetail extends TraceSummary {
  spans: SpanNode<SpanView>[];
  retrievals: (PayloadOf<'retrieval.recorded.v1'> & { eventId: string })[];
  generations: (PayloadOf<'generation.recorded.v1'> & { eventId: string })[];
  citations: CitationView[];
}

export type GenerationDetail = PayloadOf<'generation.recorded.v1'> & {
  eventId: string;
  traceIds: string[];
  citations: CitationView[];
};

export type AlertView = Omit<PayloadOf<'alert.raised.v1'>, 'alertType'> & {
  id: string;
  type: PayloadOf<'alert.raised.v1'>['alertType'];
  occurredAt: string;
};

const iso = (value: Date | null) => (value === null ? null : value.toISOString());

function summary(trace: TraceRecord): TraceSummary {
  return {
    id: trace.traceId,
    vendor: trace.vendor,
    name: trace.name,
    startedAt: iso(trace.startedAt),
    endedAt: iso(trace.endedAt),
    spanCount: trace.spanCount,
    retrievalCount: trace.retrievalCount,
    generationCount: trace.generationCount,
  };
}

function citationView({ eventId, payload }: EntryRecord<'citation.detected.v1'>): CitationView {
  return {
    eventId,
    generationEventId: payload.generation.eventId,
    collectionId: payload.collectionId,
    vectorId: payload.vectorId,
    retrievalEventId: payload.retrievalEventId,
    tier: payload.tier,
    score: payload.score,
    spans: payload.spans,
    matcherVersion: payload.matcherVersion,
  };
}

/** Assembles the query API's answers from the projections; the organization always comes from the key. */
@Injectable()
export class QueryService {
  constructor(private readonly repository: QueryRepository) {}

  async traces(orgId: string, query: TraceQuery): Promise<Page<TraceSummary>> {
    const rows = await this.repository.traces(orgId, query, query.limit + 1);
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    const next =
      rows.length > query.limit && last !== undefined
        ? encodeTraceCursor({ firstSeq: last.firstSeq, traceId: last.traceId })
        : null;
    return { items: items.map(summary), next };
  }

  async trace(orgId: string, rawTraceId: string): Promise<TraceDetail> {
    const traceId = pgText(rawTraceId);
    const trace = await this.repository.trace(orgId, traceId);
    if (trace === undefined) throw new ApiError(404, `no trace ${JSON.stringify(rawTraceId)}`);
    const [spans, retrievals, generations] = await Promise.all([
      this.repository.spans(orgId, traceId),
      this.repository.traceRetrievals(orgId, traceId),
      this.repository.traceGenerations(orgId, traceId),
    ]);
    const citations = await this.repository.citations(
      orgId,
      generations.map((generation) => generation.eventId),
    );
    return {
      ...summary(trace),
      spans: buildSpanTree(
        spans.map((span) => ({
          spanId: span.spanId,
          parentSpanId: span.parentSpanId,
          startedAt: iso(span.startedAt),
          span: { ...span.payload, eventId: span.eventId },
        })),
      ),
      retrievals: retrievals.map(({ eventId, payload }) => ({ ...payload, eventId })),
      generations: generations.map(({ eventId, payload }) => ({ ...payload, eventId })),
      citations: citations.map(citationView),
    };
  }

  async generation(orgId: string, clientEventId: string): Promise<GenerationDetail> {
    const generation = await this.repository.generation(orgId, pgText(clientEventId));
    if (generation === undefined)
      throw new ApiError(404, `no generation with clientEventId ${JSON.stringify(clientEventId)}`);
    const citations = await this.repository.citations(orgId, [generation.eventId]);
    return {
      ...generation.payload,
      eventId: generation.eventId,
      traceIds: generationTraceIds(generation.payload).map(pgText),
      citations: citations.map(citationView),
    };
  }

  async alerts(orgId: string, query: AlertQuery): Promise<Page<AlertView>> {
    const rows = await this.repository.alerts(orgId, query, query.limit + 1);
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    const next = rows.length > query.limit && last !== undefined ? encodeAlertCursor({ seq: last.seq }) : null;
    return {
      items: items.map(({ eventId, occurredAt, payload: { alertType, ...rest } }) => ({
        id: eventId,
        type: alertType,
        ...rest,
        occurredAt,
      })),
      next,
    };
  }
}
