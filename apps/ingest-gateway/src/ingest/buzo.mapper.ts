import { createEvent, deterministicId, type EventOf } from '@cairn/contracts';
import type { FieldError } from '@cairn/service-kit';
import type { GenerationEventDto, RetrievalBatchDto, RetrievalEventDto } from './buzo.dto';

/** Rules across fields that the DTO decorators cannot express. */
export function retrievalRuleErrors(batch: RetrievalBatchDto): FieldError[] {
  const errors: FieldError[] = [];
  batch.events.forEach((event, index) => {
    if (event.kReturned !== event.results.length) {
      errors.push({
        index,
        field: 'kReturned',
        message: `kReturned must equal results.length (${event.kReturned} ≠ ${event.results.length})`,
      });
    }
    const forms = (['text', 'hash', 'embedding'] as const).filter((form) => event.query[form] !== undefined);
    if (forms.length > 1) {
      errors.push({
        index,
        field: 'query',
        message: `query must be one of {text}, {hash}, {embedding}; got ${forms.join(' and ')}`,
      });
    } else if (forms.length === 0 && event.error === undefined) {
      errors.push({
        index,
        field: 'query',
        message: 'query must be one of {text}, {hash}, {embedding} ({} only on error events)',
      });
    }
  });
  return errors;
}

const utc = (timestamp: string) => new Date(timestamp).toISOString();

/** The fields that are set, in order (a loop: this runs for every field of every event). */
function defined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const key in value) if (value[key] !== undefined) out[key] = value[key];
  return out as T;
}

export function retrievalEvent(orgId: string, dto: RetrievalEventDto, now: Date): EventOf<'retrieval.recorded.v1'> {
  const timestamp = utc(dto.timestamp);
  return createEvent(
    {
      id: deterministicId(orgId, 'retrieval', dto.clientEventId),
      type: 'retrieval.recorded.v1',
      orgId,
      occurredAt: timestamp,
      correlationId: dto.parentQueryId,
      payload: defined({
        clientEventId: dto.clientEventId,
        source: 'buzo' as const,
        collectionId: dto.collectionId,
        query: defined({ text: dto.query.text, hash: dto.query.hash, embedding: dto.query.embedding }),
        results: dto.results.map((result) => defined({ id: result.id, score: result.score, content: result.content })),
        latencyMs: dto.latencyMs,
        kReturned: dto.kReturned,
        kRequested: dto.kRequested,
        timestamp,
        parentQueryId: dto.parentQueryId,
        agentId: dto.agentId,
        embeddingModelId: dto.embeddingModelId,
        cacheHit: dto.cacheHit,
        resultsRerankedScores: dto.resultsRerankedScores,
        error: dto.error,
        metadata: dto.metadata,
        sdk: { lang: dto.sdk.lang, version: dto.sdk.version },
      }),
    },
    now,
  );
}

export function generationEvent(orgId: string, dto: GenerationEventDto, now: Date): EventOf<'generation.recorded.v1'> {
  const timestamp = utc(dto.timestamp);
  return createEvent(
    {
      id: deterministicId(orgId, 'generation', dto.clientEventId),
      type: 'generation.recorded.v1',
      orgId,
      occurredAt: timestamp,
      correlationId: dto.runId,
      payload: defined({
        clientEventId: dto.clientEventId,
        source: 'buzo' as const,
        output: defined({ text: dto.output.text }),
        latencyMs: dto.latencyMs,
        timestamp,
        runId: dto.runId,
        parentRunId: dto.parentRunId,
        collectionId: dto.collectionId,
        agentId: dto.agentId,
        model: dto.model,
        promptTokens: dto.promptTokens,
        completionTokens: dto.completionTokens,
        error: dto.error,
        metadata: dto.metadata,
        sdk: { lang: dto.sdk.lang, version: dto.sdk.version },
      }),
    },
    now,
  );
}
