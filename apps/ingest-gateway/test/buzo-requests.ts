import { randomUUID } from 'node:crypto';
import { request } from 'node:http';

export const COLLECTION = '00000000-0000-0000-0000-000000000001';

export function retrievalEvent(overrides: Record<string, unknown> = {}) {
  return {
    clientEventId: randomUUID(),
    collectionId: COLLECTION,
    query: { text: 'how long is a reset link valid?' },
    results: [
      { id: 'vec-1', score: 0.91, content: 'Password reset links expire after 24 hours.' },
      { id: 'vec-2', score: 0.55 },
    ],
    latencyMs: 42,
    kReturned: 2,
    timestamp: '2026-04-18T14:22:17.001Z',
    parentQueryId: 'chain-run-abc',
    sdk: { lang: 'ts', version: '0.4.0' },
    ...overrides,
  };
}

/** The seed's own example event (seeds/buzo-generation-traces.txt), exactly as written. */
export const SEED_GENERATION_BODY = `{
"events": [{
"clientEventId": "01913e1f-3a40-7b2c-8d4f-bbbb00000001",
"runId": "chain-run-abc",
"parentRunId": "chain-run-root",
"collectionId": "00000000-0000-0000-0000-000000000001",
"agentId": "support-v3",
"output": {
"text": "Your password reset link expires in 24 hours."
},
"model": "gpt-4o",
"promptTokens": 82,
"completionTokens": 14,
"latencyMs": 812,
"timestamp": "2026-04-18T14:22:18.015Z",
"sdk": { "lang": "ts", "version": "0.4.0" }
}]
}`;

export function generationEvent(overrides: Record<string, unknown> = {}) {
  return {
    clientEventId: randomUUID(),
    runId: 'chain-run-abc',
    output: { text: 'Your password reset link expires in 24 hours.' },
    latencyMs: 812,
    timestamp: '2026-04-18T14:22:18.015Z',
    sdk: { lang: 'python', version: '0.4.0' },
    ...overrides,
  };
}

const big = (bytes: number) => 'x'.repeat(bytes);

/** One bad input per field rule: [what is wrong, overrides of a valid event, the field the 400 names]. */
export const badRetrievals: [string, Record<string, unknown>, string][] = [
  ['clientEventId missing', { clientEventId: undefined }, 'clientEventId'],
  ['clientEventId over 128 chars', { clientEventId: big(129) }, 'clientEventId'],
  ['collectionId not a uuid', { collectionId: 'not-a-uuid' }, 'collectionId'],
  ['query missing', { query: undefined }, 'query'],
  ['query with two forms', { query: { text: 'a', hash: 'b' } }, 'query'],
  ['result without id', { results: [{ score: 1 }], kReturned: 1 }, 'results[0].id'],
  ['result score not a number', { results: [{ id: 'a', score: 'high' }], kReturned: 1 }, 'results[0].score'],
  [
    'content over 16 KB',
    { results: [{ id: 'a', score: 1, content: big(16 * 1024 + 1) }], kReturned: 1 },
    'results[0].content',
  ],
  [
    'more than 200 results',
    { results: Array.from({ length: 201 }, (_, i) => ({ id: `v${i}`, score: 1 })), kReturned: 201 },
    'results',
  ],
  ['kReturned not results.length', { kReturned: 3 }, 'kReturned'],
  ['negative latency', { latencyMs: -1 }, 'latencyMs'],
  ['fractional latency', { latencyMs: 1.5 }, 'latencyMs'],
  ['timestamp without zone', { timestamp: '2026-04-18T14:22:17' }, 'timestamp'],
  ['timestamp not a date', { timestamp: 'yesterday' }, 'timestamp'],
  ['sdk.lang unknown', { sdk: { lang: 'go', version: '1' } }, 'sdk.lang'],
  ['sdk missing', { sdk: undefined }, 'sdk'],
  ['parentQueryId over 128 chars', { parentQueryId: big(129) }, 'parentQueryId'],
  ['an unknown field', { surprise: true }, 'surprise'],
];

export const badGenerations: [string, Record<string, unknown>, string][] = [
  ['output text over 32,000 chars', { output: { text: big(32_001) } }, 'output.text'],
  ['output not an object', { output: 'text' }, 'output'],
  ['latency over 600,000 ms', { latencyMs: 600_001 }, 'latencyMs'],
  ['runId over 128 chars', { runId: big(129) }, 'runId'],
  ['promptTokens negative', { promptTokens: -5 }, 'promptTokens'],
];

export async function post(url: string, key: string | undefined, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as unknown) : null };
}

/**
 * Announces a body larger than the server accepts. The server answers 413 from the
 * Content-Length alone, so the body is never sent (sending it would race the server closing the
 * socket); the request is dropped once the answer is in.
 */
export function postOversized(url: string, key: string, bytes: number): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'content-length': bytes },
    });
    req.on('response', (response) => {
      answered = true;
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as unknown });
        req.destroy();
      });
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.flushHeaders();
  });
}
