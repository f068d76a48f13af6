/**
 * From canonical spans to everything Cairn publishes: `span.recorded.v1` for every span, plus
 * `retrieval.recorded.v1` for a retrieval span and `generation.recorded.v1` for a generation span
 * with output text, each with its deterministic event id. Shared by all vendors so the rules for
 * what becomes a retrieval or a generation, and their caps, live in one place.
 */
import type { GenerationRecordedPayload, RetrievalRecordedPayload, SpanRecordedPayload } from '@cairn/contracts';
import {
  COLLECTION_KEYS,
  findString,
  outputText,
  queryText,
  requestedCount,
  type DocumentList,
  type Source,
} from './extract';
import { anchorId, derivedEventId, spanClientEventId, spanEventId, type VendorName } from './ids';
import { failure, type IngestEvent, type NormalizeContext, type NormalizeResult } from './result';
import { charLength, KB, utf8Bytes, type Issues, type JsonObject } from './validate';

/** Caps shared with Buzo ingest (DESIGN.md) and the event contracts. */
export const LIMITS = {
  resultsPerRetrieval: 200,
  resultContentBytes: 16 * KB,
  generationTextChars: 32_000,
  spanIdChars: 256,
  nameChars: 1024,
  shortTextChars: 256,
  /** Items per vendor batch (Galtea traces, HoneyHive events, Basalt logs): Cairn's own bound. */
  batchItems: 1000,
} as const;

/** The collection a vendor retrieval reads when its metadata names none. */
export const DEFAULT_COLLECTION = 'default';

export interface SpanDraft {
  span: SpanRecordedPayload;
  /** Request path of the span's output, for errors about its text. */
  outputPath: string;
  /** Documents, when the span is a retrieval. */
  documents?: DocumentList;
  /** Free-form objects to look for a collection id in, first wins (span metadata first). */
  collectionSources?: Source[];
  /** Overrides the span's event id (a Parea update is a new fact about an existing span). */
  eventId?: string;
}

/** Drops keys whose value is undefined, so payloads hold only what is known. */
export function compact<TObject extends object>(value: TObject): TObject {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as TObject;
}

/** A span payload without undefined fields or empty metadata. */
export function buildSpan(fields: SpanRecordedPayload): SpanRecordedPayload {
  const span = compact(fields);
  if (span.metadata !== undefined && Object.keys(span.metadata).length === 0) delete span.metadata;
  return span;
}

/**
 * A span's metadata: the vendor's own metadata as sent, plus the vendor fields that have no
 * canonical slot, under `<vendor>.<field>` keys (e.g. `parea.tags`) so they cannot be mistaken
 * for the client's own keys.
 */
export function spanMetadata(vendor: VendorName, own: JsonObject | undefined, extras: JsonObject): JsonObject {
  const metadata: JsonObject = { ...own };
  for (const [key, value] of Object.entries(extras)) {
    if (value !== undefined) metadata[`${vendor}.${key}`] = value;
  }
  return metadata;
}

/** Copies the fields a vendor's schema does not name into `extras`, for `spanMetadata`. */
export function unknownFields(object: JsonObject, known: ReadonlySet<string>): JsonObject {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !known.has(key)));
}

/** `originalIds` without the ids the vendor did not send. */
export function definedIds(ids: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(ids).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** A free-form string (session, user, model found in metadata) that must fit a contract field. */
export function fitting(found: { value: string; path: string } | undefined, max: number, issues: Issues) {
  if (found === undefined) return undefined;
  if (charLength(found.value) > max) {
    issues.add(found.path, `must be at most ${max} characters (got ${charLength(found.value)})`);
    return undefined;
  }
  return found.value;
}

function deriveRetrieval(draft: SpanDraft, issues: Issues): RetrievalRecordedPayload {
  const { span } = draft;
  const documents = draft.documents ?? { path: draft.outputPath, documents: [], skipped: 0 };
  if (documents.documents.length > LIMITS.resultsPerRetrieval) {
    issues.add(
      documents.path,
      `a retrieval holds at most ${LIMITS.resultsPerRetrieval} results (got ${documents.documents.length})`,
    );
  }
  for (const doc of documents.documents) {
    if (charLength(doc.id) > LIMITS.spanIdChars) {
      issues.add(doc.idPath ?? documents.path, `document id must be at most ${LIMITS.spanIdChars} characters`);
    }
    if (doc.content !== undefined && utf8Bytes(doc.content) > LIMITS.resultContentBytes) {
      issues.add(
        doc.contentPath ?? documents.path,
        `retrieved content must be at most ${LIMITS.resultContentBytes} bytes (got ${utf8Bytes(doc.content)}); it is rejected, not truncated`,
      );
    }
  }
  const collection = fitting(findString(draft.collectionSources ?? [], COLLECTION_KEYS), LIMITS.spanIdChars, issues);
  const results = documents.documents.map((doc) =>
    compact({ id: doc.id, score: doc.score ?? 0, content: doc.content }),
  );
  const text = queryText(span.input);
  return compact({
    clientEventId: spanClientEventId(span.source, span.traceId, span.spanId),
    source: span.source,
    collectionId: collection ?? DEFAULT_COLLECTION,
    query: text === undefined ? {} : { text },
    results,
    latencyMs: Math.round(span.latencyMs ?? 0),
    kReturned: results.length,
    kRequested: requestedCount(span.input),
    timestamp: span.startTime,
    parentQueryId: anchorId(span.parentSpanId ?? span.traceId),
    traceId: span.traceId,
    spanId: span.spanId,
    error: span.error,
    metadata: documents.skipped > 0 ? { unrecognizedResults: documents.skipped } : undefined,
  });
}

function deriveGeneration(draft: SpanDraft, text: string, issues: Issues): GenerationRecordedPayload {
  const { span } = draft;
  if (charLength(text) > LIMITS.generationTextChars) {
    issues.add(
      draft.outputPath,
      `output text must be at most ${LIMITS.generationTextChars} characters (got ${charLength(text)}); it is rejected, not truncated`,
    );
  }
  return compact({
    clientEventId: spanClientEventId(span.source, span.traceId, span.spanId),
    source: span.source,
    output: { text },
    latencyMs: Math.round(span.latencyMs ?? 0),
    timestamp: span.endTime ?? span.startTime,
    runId: anchorId(span.spanId),
    parentRunId: anchorId(span.parentSpanId ?? span.traceId),
    traceId: span.traceId,
    spanId: span.spanId,
    model: span.model,
    promptTokens: span.inputTokens,
    completionTokens: span.outputTokens,
    error: span.error,
  });
}

/**
 * Derives retrievals and generations from the drafts, checks their caps, and returns the vendor
 * response with all payloads and events, or every error found.
 */
export function finish<TResponse>(
  drafts: readonly SpanDraft[],
  context: NormalizeContext,
  issues: Issues,
  response: TResponse,
): NormalizeResult<TResponse> {
  const spans: SpanRecordedPayload[] = [];
  const retrievals: RetrievalRecordedPayload[] = [];
  const generations: GenerationRecordedPayload[] = [];
  const events: IngestEvent[] = [];
  for (const draft of drafts) {
    const { span } = draft;
    const spanEvent = draft.eventId ?? spanEventId(context.orgId, span.source, span.traceId, span.spanId);
    const correlationId = span.traceId;
    spans.push(span);
    events.push({
      id: spanEvent,
      type: 'span.recorded.v1',
      orgId: context.orgId,
      occurredAt: span.startTime,
      correlationId,
      payload: span,
    });
    if (span.kind === 'retrieval') {
      const retrieval = deriveRetrieval(draft, issues);
      retrievals.push(retrieval);
      events.push({
        id: derivedEventId(context.orgId, 'retrieval', retrieval.clientEventId),
        type: 'retrieval.recorded.v1',
        orgId: context.orgId,
        occurredAt: retrieval.timestamp,
        correlationId,
        causationId: spanEvent,
        payload: retrieval,
      });
    }
    const text = span.kind === 'generation' ? outputText(span.output) : undefined;
    if (text !== undefined) {
      const generation = deriveGeneration(draft, text, issues);
      generations.push(generation);
      events.push({
        id: derivedEventId(context.orgId, 'generation', generation.clientEventId),
        type: 'generation.recorded.v1',
        orgId: context.orgId,
        occurredAt: generation.timestamp,
        correlationId,
        causationId: spanEvent,
        payload: generation,
      });
    }
  }
  if (issues.any) return failure(issues.errors);
  return { ok: true, spans, retrievals, generations, events, response };
}
