/**
 * The story Cairn exists for, told against running services: a vector is quarantined, a retrieval
 * serves it, a generation paraphrases it — and Cairn raises SERVED_FLAGGED and CITED_FLAGGED to a
 * signed webhook, shows the generation with its citation in the query API, and verifies the
 * ledger. `npm run demo` prints it; the end-to-end test asserts it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
// Receivers are told to check signatures with this snippet; the story checks with it too.
import { verifyWithDocumentedSnippet } from '../../apps/alerting/test/documented-verifier';

export interface StoryServices {
  gateway: string;
  alerting: string;
  ledger: string;
}

export interface StoryOrganization {
  orgId: string;
  /** A key with the ingest, read and admin scopes. */
  key: string;
}

export interface ReceivedAlert {
  alertType: 'SERVED_FLAGGED' | 'CITED_FLAGGED';
  vectorId: string;
  body: AlertBody;
  signatureValid: boolean;
  /** Milliseconds from the story's first ingest request to the delivery. */
  afterMs: number;
}

interface AlertBody {
  id: string;
  orgId: string;
  payload: {
    alertType: 'SERVED_FLAGGED' | 'CITED_FLAGGED';
    collectionId: string;
    vectorId: string;
    quarantineReason?: string;
    match?: { tier: string; score: number; spans: { start: number; end: number }[] };
  };
}

interface StoryTrace {
  id: string;
  retrievals: { clientEventId: string }[];
  generations: { clientEventId: string }[];
  citations: { vectorId: string }[];
}

export interface StoryOutcome {
  served: ReceivedAlert;
  cited: ReceivedAlert;
  generation: {
    clientEventId: string;
    traceIds: string[];
    citations: { vectorId: string; tier: string; score: number }[];
  };
  trace: StoryTrace | undefined;
  verification: { ok: boolean; entries: number; head: { seq: number; hash: string } | null };
}

// The help centre's collection (Buzo collection ids are UUIDs).
const COLLECTION = '5e1f0c2a-7d3b-4c9e-9a61-2f8d4b6e1a07';
const POISONED = {
  id: 'kb-reset-7',
  content:
    'To reset your password, open the account settings page and choose the security tab. A reset link is ' +
    'emailed to the address on file and stays valid for seven days. If the email does not arrive within ten ' +
    'minutes, check the spam folder before contacting the support team.',
};
const UNRELATED = {
  id: 'kb-2fa',
  content:
    'Two-factor authentication can be enabled from the security tab of the account settings page, using any ' +
    'authenticator app. Recovery codes are shown once; store them somewhere safe.',
};
/** The model's answer: the poisoned chunk reworded (reset links really expire after 24 hours). */
const ANSWER =
  'Go to account settings and pick the security tab to reset your password. We email the reset link to the ' +
  'address on file, and it remains valid for seven days. If nothing has arrived after ten minutes, look in your ' +
  'spam folder before you contact the support team.';

export async function runStory(
  services: StoryServices,
  organization: StoryOrganization,
  print: (line: string) => void = () => undefined,
  timeoutMs = 60_000,
): Promise<StoryOutcome> {
  const api = client(organization.key);
  const receiver = await startReceiver();
  try {
    for (const url of [
      `${services.gateway}/v1/quarantine`,
      `${services.alerting}/v1/webhooks`,
      `${services.ledger}/v1/alerts`,
    ]) {
      await until(
        `the organization's key to reach ${new URL(url).host}`,
        timeoutMs,
        async () => (await fetch(url, { headers: api.headers })).status !== 401,
      );
    }

    const webhook = await api.post<{ id: string; secret: string }>(`${services.alerting}/v1/webhooks`, {
      url: `${receiver.url}/cairn-alerts`,
    });
    print(`registered webhook ${webhook.id} → ${receiver.url}/cairn-alerts`);

    const decisionsBefore = await quarantineDecisionsApplied(services.alerting);
    const reason = 'poisoned: says reset links last seven days (they expire after 24 hours)';
    await api.post(`${services.gateway}/v1/vectors/quarantine`, {
      collectionId: COLLECTION,
      vectorIds: [POISONED.id],
      reason,
    });
    print(`quarantined ${COLLECTION}/${POISONED.id} (${reason})`);
    await until('alerting to apply the quarantine', timeoutMs, async () => {
      return (await quarantineDecisionsApplied(services.alerting)) > decisionsBefore;
    });

    const run = `demo-run-${randomUUID()}`;
    const started = Date.now();
    const retrievalId = `demo-retrieval-${randomUUID()}`;
    const generationId = `demo-generation-${randomUUID()}`;
    await api.post(`${services.gateway}/v1/retrieval-traces`, {
      events: [
        {
          clientEventId: retrievalId,
          collectionId: COLLECTION,
          query: { text: 'How do I reset my password, and how long is the link valid?' },
          results: [
            { id: POISONED.id, score: 0.92, content: POISONED.content },
            { id: UNRELATED.id, score: 0.71, content: UNRELATED.content },
          ],
          kReturned: 2,
          latencyMs: 38,
          timestamp: new Date().toISOString(),
          parentQueryId: run,
          sdk: { lang: 'ts', version: '0.4.0' },
        },
      ],
    });
    print(`sent retrieval ${retrievalId}: served ${POISONED.id} and ${UNRELATED.id}`);
    await api.post(`${services.gateway}/v1/generation-traces`, {
      events: [
        {
          clientEventId: generationId,
          runId: run,
          output: { text: ANSWER },
          model: 'gpt-4o',
          latencyMs: 812,
          timestamp: new Date().toISOString(),
          sdk: { lang: 'ts', version: '0.4.0' },
        },
      ],
    });
    print(`sent generation ${generationId}: "${ANSWER.slice(0, 72)}…"`);

    const received = async (alertType: ReceivedAlert['alertType']) => {
      const alert = await receiver.next(
        (body) => body.orgId === organization.orgId && body.payload.alertType === alertType,
        timeoutMs,
      );
      const signatureValid = verifyWithDocumentedSnippet(alert.raw, alert.signature, webhook.secret);
      const shown: ReceivedAlert = {
        alertType,
        vectorId: alert.body.payload.vectorId,
        body: alert.body,
        signatureValid,
        afterMs: alert.at - started,
      };
      const match = alert.body.payload.match;
      const how = match ? `, ${match.tier} match, score ${match.score}` : '';
      print(
        `webhook: ${alertType} ${alert.body.payload.collectionId}/${shown.vectorId}${how} ` +
          `(signature ${signatureValid ? 'valid' : 'INVALID'}, ${shown.afterMs} ms after the retrieval was sent)`,
      );
      return shown;
    };
    const [served, cited] = await Promise.all([received('SERVED_FLAGGED'), received('CITED_FLAGGED')]);

    const generation = await until(
      `generation ${generationId} with its citation in the query API`,
      timeoutMs,
      async () => {
        const response = await fetch(`${services.ledger}/v1/generations/${generationId}`, { headers: api.headers });
        if (response.status !== 200) return undefined;
        const detail = (await response.json()) as StoryOutcome['generation'];
        return detail.citations.length > 0 ? detail : undefined;
      },
    );
    for (const citation of generation.citations) {
      print(
        `query API: generation ${generationId} cites ${citation.vectorId} (${citation.tier}, score ${citation.score})`,
      );
    }

    const traceId = generation.traceIds[0];
    const trace =
      traceId === undefined
        ? undefined
        : await api.get<StoryTrace>(`${services.ledger}/v1/traces/${encodeURIComponent(traceId)}`);
    if (trace !== undefined) {
      print(
        `query API: trace ${trace.id} — ${trace.retrievals.length} retrieval(s), ${trace.generations.length} ` +
          `generation(s), citations of ${trace.citations.map((citation) => citation.vectorId).join(', ') || 'nothing'}`,
      );
    }

    const verification = await api.get<StoryOutcome['verification']>(`${services.ledger}/v1/audit/verify`);
    print(
      `ledger: ${verification.ok ? 'verified' : 'VERIFICATION FAILED'} — ${verification.entries} entries, ` +
        `head #${verification.head?.seq ?? 0} ${verification.head?.hash.slice(0, 16) ?? ''}…`,
    );
    return { served, cited, generation, trace, verification };
  } finally {
    await receiver.close();
  }
}

function client(key: string) {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const call = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const response = await fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  return {
    headers,
    get: <T>(url: string) => call<T>('GET', url),
    post: <T = unknown>(url: string, body: unknown) => call<T>('POST', url, body),
  };
}

/**
 * How many quarantine decisions this alerting process has applied (its /metrics). They reach it on
 * their own topic, beside the traces: a retrieval processed before its decision raises nothing.
 */
export async function quarantineDecisionsApplied(alerting: string): Promise<number> {
  const text = await (await fetch(`${alerting}/metrics`)).text();
  const samples = text.matchAll(
    /^cairn_consumer_messages_total\{group="[^"]*-quarantine[^"]*",topic="cairn\.vectors\.v1"\} (\S+)$/gm,
  );
  return [...samples].reduce((total, sample) => total + Number(sample[1]), 0);
}

interface Delivery {
  raw: string;
  body: AlertBody;
  signature: string;
  at: number;
}

/** A local webhook receiver: answers 204 and hands deliveries to whoever waits for them. */
async function startReceiver(): Promise<{
  url: string;
  next: (wanted: (body: AlertBody) => boolean, timeoutMs: number) => Promise<Delivery>;
  close: () => Promise<void>;
}> {
  const deliveries: Delivery[] = [];
  const waiters = new Set<() => void>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      deliveries.push({
        raw,
        body: JSON.parse(raw) as AlertBody,
        signature: String(request.headers['cairn-signature']),
        at: Date.now(),
      });
      response.writeHead(204).end();
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    next: (wanted, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = deliveries.find((delivery) => wanted(delivery.body));
          if (found === undefined) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching webhook delivery within ${timeoutMs} ms (received ${deliveries.length})`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch {
      // not answering yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
