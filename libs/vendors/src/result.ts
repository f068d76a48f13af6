import type {
  GenerationRecordedPayload,
  NewEvent,
  RetrievalRecordedPayload,
  SpanRecordedPayload,
} from '@cairn/contracts';
import type { FieldError } from './validate';

/** What a normalizer needs besides the body: the caller's organization (from its API key) and a clock. */
export interface NormalizeContext {
  orgId: string;
  now: Date;
}

/** An event ready for `createEvent`: id, type, orgId, occurredAt, payload (and correlation/causation ids). */
export type IngestEvent =
  NewEvent<'span.recorded.v1'> | NewEvent<'retrieval.recorded.v1'> | NewEvent<'generation.recorded.v1'>;

export interface NormalizeSuccess<TResponse> {
  ok: true;
  spans: SpanRecordedPayload[];
  retrievals: RetrievalRecordedPayload[];
  generations: GenerationRecordedPayload[];
  /** The same payloads as envelopes with their deterministic ids, each span followed by what it derives. */
  events: IngestEvent[];
  /** The vendor's documented success body, for the endpoint to return as is. */
  response: TResponse;
}

export interface NormalizeFailure {
  ok: false;
  errors: FieldError[];
}

export type NormalizeResult<TResponse> = NormalizeSuccess<TResponse> | NormalizeFailure;

export function failure(errors: FieldError[]): NormalizeFailure {
  return { ok: false, errors };
}
