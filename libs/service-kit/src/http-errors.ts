import { ArgumentsHost, Catch, HttpException, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isInfrastructureError, KafkaUnavailableError } from '@cairn/kafka';
import { JsonLogger } from './logger';

export interface FieldError {
  index?: number;
  field: string;
  message: string;
}

/** The body every Cairn error has: `{ detail, errors? }`. */
export interface ErrorBody {
  detail: string;
  errors?: FieldError[];
}

export class ApiError extends HttpException {
  constructor(
    status: number,
    detail: string,
    errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(errors ? { detail, errors } : { detail }, status);
  }
}

/** An error answered with a vendor's own body shape (FastAPI's 422, for instance). */
export class RawBodyError extends HttpException {
  constructor(status: number, body: object) {
    super(body, status);
  }
}

const RETRY_AFTER_SECONDS = '5';

/**
 * Turns every error into `{ detail, errors? }` with the right status: Kafka unavailable is 503
 * with Retry-After (never a 200 for events that are not in Kafka), Fastify's own body errors keep
 * their 4xx (413 too large, 415 wrong type, 400 bad JSON), an unreachable Postgres is a 503 too,
 * and anything unexpected is a logged 500.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: JsonLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const requestId = host.switchToHttp().getRequest<FastifyRequest | undefined>()?.id;
    const { status, body, headers } = this.describe(exception, requestId);
    for (const [name, value] of Object.entries(headers)) void reply.header(name, value);
    void reply.status(status).send(body);
  }

  private describe(
    exception: unknown,
    requestId: string | undefined,
  ): { status: number; body: unknown; headers: Record<string, string> } {
    if (exception instanceof KafkaUnavailableError) {
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        body: { detail: 'event store unavailable: nothing was accepted, retry later' },
        headers: { 'retry-after': RETRY_AFTER_SECONDS },
      };
    }
    if (isInfrastructureError(exception)) {
      this.logger.write('warn', `dependency unavailable: ${(exception as Error).message}`, [], { requestId });
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        body: { detail: 'a dependency (Postgres or Kafka) is unavailable: nothing was changed, retry later' },
        headers: { 'retry-after': RETRY_AFTER_SECONDS },
      };
    }
    if (exception instanceof ApiError) {
      return { status: exception.getStatus(), body: exception.getResponse(), headers: exception.headers };
    }
    if (exception instanceof RawBodyError) {
      return { status: exception.getStatus(), body: exception.getResponse(), headers: {} };
    }
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      if (isHealthReport(response)) {
        // Readiness says what is down, for whoever is looking at a pod that stays unready.
        const down = Object.keys(response.error ?? {}).join(', ');
        return { status: exception.getStatus(), body: { detail: `not ready: ${down}`, ...response }, headers: {} };
      }
      const message =
        typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? exception.message);
      return {
        status: exception.getStatus(),
        body: {
          detail: Array.isArray(message)
            ? message.join('; ')
            : typeof message === 'string'
              ? message
              : JSON.stringify(message),
        },
        headers: {},
      };
    }
    // Fastify's errors (body too large, unsupported media type, malformed JSON) carry a statusCode.
    const statusCode = (exception as { statusCode?: unknown }).statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return { status: statusCode, body: { detail: (exception as Error).message }, headers: {} };
    }
    this.logger.write('error', exception instanceof Error ? exception : new Error(String(exception)), [], {
      requestId,
    });
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { detail: 'internal error' }, headers: {} };
  }
}

/** The report `@nestjs/terminus` throws when a check is down: `{status, info, error, details}`. */
function isHealthReport(response: unknown): response is { status: 'error'; error?: Record<string, unknown> } {
  return (
    typeof response === 'object' &&
    response !== null &&
    (response as { status?: unknown }).status === 'error' &&
    'details' in response
  );
}
