import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { literalRefusal, publicOnlyLookup } from '../webhooks/webhook-destination';

export interface SendOptions {
  timeoutMs: number;
  /** Skips the public-address check (local development). */
  allowPrivate: boolean;
}

/** What one POST came to: the receiver's status code, or why there was none. */
export interface SendResult {
  statusCode?: number;
  error?: string;
  durationMs: number;
}

const USER_AGENT = 'Cairn-Webhooks/1';

/**
 * POSTs `body` to `target` once. Never throws: a refused destination, a network error or no answer
 * within `timeoutMs` (for the whole exchange, not per socket event) come back as `error`. Redirects
 * are not followed, and the response body is not read — only the status code matters.
 */
export function postWebhook(
  target: URL,
  body: string,
  headers: Record<string, string>,
  options: SendOptions,
): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const refusal = options.allowPrivate ? undefined : literalRefusal(target.hostname);
  if (refusal !== undefined) return Promise.resolve({ error: `refused: ${refusal}`, durationMs: elapsed() });

  return new Promise((resolve) => {
    const transport = target.protocol === 'https:' ? https : http;
    const request = transport.request(target, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Content-Length': String(Buffer.byteLength(body)),
        'User-Agent': USER_AGENT,
        ...headers,
      },
      // A fresh connection per delivery: one hung receiver cannot hold a socket others wait for.
      agent: false,
      ...(options.allowPrivate ? {} : { lookup: publicOnlyLookup() }),
    });
    let settled = false;
    const settle = (result: Omit<SendResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve({ ...result, durationMs: elapsed() });
    };
    const timer = setTimeout(() => settle({ error: `no response within ${options.timeoutMs} ms` }), options.timeoutMs);
    request.on('response', (response) => settle({ statusCode: response.statusCode ?? 0 }));
    request.on('error', (error) => settle({ error: error.message }));
    request.end(body);
  });
}
