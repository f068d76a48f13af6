import { createEvent } from '@cairn/contracts';
import type { FieldError as VendorFieldError, IngestEvent, NormalizeResult } from '@cairn/vendors';
import { ApiError, RawBodyError } from '@cairn/service-kit';
import type { IntakeItem } from '../ingest/event-intake.service';

/** How a vendor's own SDK expects validation errors: Cairn's `{detail, errors}` 400, or FastAPI's 422. */
export type ErrorStyle = 'cairn' | 'fastapi';

export function validationError(errors: readonly VendorFieldError[], style: ErrorStyle): Error {
  if (style === 'fastapi') {
    return new RawBodyError(422, {
      detail: errors.map((error) => ({
        loc: ['body', ...error.path.split(/[.[\]]+/).filter(Boolean)],
        msg: error.message,
        type: 'value_error',
      })),
    });
  }
  const first = errors[0];
  return new ApiError(
    400,
    `invalid request (nothing was accepted): ${first ? `${first.path}: ${first.message}` : 'invalid body'}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
    errors.map((error) => ({ field: error.path, message: error.message })),
  );
}

/**
 * Idempotency keys for normalized vendor events: a span by its deterministic event id (derived
 * from vendor, trace and span ids), a derived retrieval or generation by its client event id —
 * so a re-sent span is a duplicate, not a second span.
 */
export function intakeItems(events: readonly IngestEvent[], now: Date): IntakeItem[] {
  return events.map((event) => {
    if (event.type === 'span.recorded.v1') {
      return { kind: 'span', clientEventId: event.id, event: createEvent(event, now) };
    }
    const kind = event.type === 'retrieval.recorded.v1' ? 'retrieval' : 'generation';
    return { kind, clientEventId: event.payload.clientEventId, event: createEvent(event, now) };
  });
}

export function unwrap<TResponse>(result: NormalizeResult<TResponse>, style: ErrorStyle) {
  if (!result.ok) throw validationError(result.errors, style);
  return result;
}
