import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { JsonLogger } from './logger';
import type { Metrics } from './metrics';

/** A caller's (or a proxy's) request id is kept and echoed back; otherwise one is made. */
export const REQUEST_ID_HEADER = 'x-request-id';

const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The request's id: the `x-request-id` it came with when that is a sane token, else a new UUID. */
export function requestIdOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && ACCEPTABLE_REQUEST_ID.test(value) ? value : randomUUID();
}

/** The route pattern for labels and logs; requests that matched no route share one label. */
export function routeLabel(pattern: string | undefined): string {
  return pattern ?? 'unmatched';
}

const OPERATIONS_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Echoes the request id on every response, counts and times every request by method, route
 * pattern and status, and writes one JSON log line per request (at debug level for probes and
 * scrapes, so they do not drown the rest).
 */
export function instrumentHttp(instance: FastifyInstance, logger: JsonLogger, metrics: Metrics | undefined): void {
  instance.addHook('onRequest', async (request, reply) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
  });
  instance.addHook('onResponse', async (request, reply) => {
    const route = routeLabel(request.routeOptions.url);
    metrics?.observeHttp(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    logger.write(OPERATIONS_ROUTES.has(route) ? 'debug' : 'info', 'request', [], {
      requestId: request.id,
      method: request.method,
      route,
      path: request.url.split('?', 1)[0],
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
    });
  });
}
