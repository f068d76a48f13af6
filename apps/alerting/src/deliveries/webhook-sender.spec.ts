import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postWebhook } from './webhook-sender';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP server on 127.0.0.1 whose behaviour each test sets. */
describe('postWebhook', () => {
  let server: Server;
  let base: string;
  const received: Received[] = [];
  let respond: (response: ServerResponse) => void = (response) => response.writeHead(204).end();

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        respond(response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    received.length = 0;
    respond = (response) => response.writeHead(204).end();
  });

  const allowPrivate = { timeoutMs: 2_000, allowPrivate: true };

  it('POSTs the body as JSON with the given headers and reports the status code', async () => {
    const result = await postWebhook(new URL(`${base}/hook`), '{"a":1}', { 'Cairn-Event-Id': 'e-1' }, allowPrivate);
    expect(result).toEqual({ statusCode: 204, durationMs: expect.any(Number) as number });
    expect(received).toEqual([
      {
        body: '{"a":1}',
        headers: expect.objectContaining({
          'content-type': 'application/json',
          'content-length': '7',
          'cairn-event-id': 'e-1',
          'user-agent': 'Cairn-Webhooks/1',
        }) as IncomingMessage['headers'],
      },
    ]);
  });

  it('reports non-2xx answers and redirects as they are, without following them', async () => {
    respond = (response) => response.writeHead(302, { location: `${base}/elsewhere` }).end();
    expect((await postWebhook(new URL(`${base}/hook`), '{}', {}, allowPrivate)).statusCode).toBe(302);
    respond = (response) => response.writeHead(500).end('boom');
    expect((await postWebhook(new URL(`${base}/hook`), '{}', {}, allowPrivate)).statusCode).toBe(500);
    expect(received).toHaveLength(2);
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    respond = () => undefined;
    const result = await postWebhook(new URL(`${base}/hang`), '{}', {}, { timeoutMs: 300, allowPrivate: true });
    expect(result.error).toBe('no response within 300 ms');
    expect(result.statusCode).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(result.durationMs).toBeLessThan(2_000);
  });

  it('reports a refused connection as an error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await postWebhook(new URL(`http://127.0.0.1:${port}/`), '{}', {}, allowPrivate);
    expect(result.error).toMatch(/ECONNREFUSED/);
  });

  it('refuses loopback and localhost destinations unless private addresses are allowed, sending nothing', async () => {
    const guarded = { timeoutMs: 2_000, allowPrivate: false };
    const port = (server.address() as AddressInfo).port;
    expect(await postWebhook(new URL(`${base}/hook`), '{}', {}, guarded)).toEqual({
      error: 'refused: 127.0.0.1 is a loopback address, not a public one',
      durationMs: expect.any(Number) as number,
    });
    expect((await postWebhook(new URL(`http://localhost:${port}/`), '{}', {}, guarded)).error).toBe(
      'refused: localhost is this machine, not a public host',
    );
    expect((await postWebhook(new URL(`http://[::ffff:127.0.0.1]:${port}/`), '{}', {}, guarded)).error).toMatch(
      /loopback/,
    );
    expect(received).toEqual([]);
  });
});
