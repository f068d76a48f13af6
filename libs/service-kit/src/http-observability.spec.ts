import Fastify from 'fastify';
import { instrumentHttp, requestIdOf, routeLabel } from './http-observability';
import { JsonLogger } from './logger';
import { Metrics } from './metrics';

describe('requestIdOf', () => {
  it('keeps a sane incoming id and replaces anything else with a UUID', () => {
    expect(requestIdOf('abc-123.def:9')).toBe('abc-123.def:9');
    expect(requestIdOf(['first', 'second'])).toBe('first');
    for (const bad of [undefined, '', 'has space', 'x'.repeat(129), 'line\nbreak']) {
      expect(requestIdOf(bad)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });

  it('labels unmatched requests as one route', () => {
    expect(routeLabel('/v1/traces/:id')).toBe('/v1/traces/:id');
    expect(routeLabel(undefined)).toBe('unmatched');
  });
});

describe('instrumentHttp', () => {
  it('echoes the request id, counts by route pattern and logs one line per request', async () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const app = Fastify({ genReqId: (request) => requestIdOf(request.headers['x-request-id']) });
      const metrics = new Metrics('test', { processMetrics: false });
      instrumentHttp(app, new JsonLogger('test', 'info'), metrics);
      app.get('/v1/traces/:id', () => ({ ok: true }));
      // On loopback: Fastify's `inject` needs an ESM-only package that Jest cannot load here.
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      const response = await fetch(`${url}/v1/traces/42`, { headers: { 'x-request-id': 'req-7' } });
      await fetch(`${url}/nowhere`);
      await app.close();

      expect(response.headers.get('x-request-id')).toBe('req-7');
      const text = await metrics.render();
      expect(text).toContain('cairn_http_requests_total{method="GET",route="/v1/traces/:id",status="200"} 1');
      expect(text).toContain('cairn_http_requests_total{method="GET",route="unmatched",status="404"} 1');
      const log = written
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((l) => l.requestId === 'req-7');
      expect(log).toMatchObject({ message: 'request', route: '/v1/traces/:id', path: '/v1/traces/42', status: 200 });
    } finally {
      spy.mockRestore();
    }
  });
});
