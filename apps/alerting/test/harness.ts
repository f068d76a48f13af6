// What the alerting integration tests drive the real service with: events built as the gateway and
// the matcher build them, a real HTTP receiver on 127.0.0.1, and reads of the service's tables.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEvent, deterministicId, randomEventId, Topics, type EventOf, type TopicName } from '@cairn/contracts';
import type { Pool } from '@cairn/pg';
import { waitFor } from '@cairn/testing';

export const COLLECTION = 'kb-support';

type VectorDecisionType = 'vector.quarantined.v1' | 'vector.approved.v1' | 'vector.released.v1';

export function vectorDecision(
  orgId: string,
  type: VectorDecisionType,
  vectorId: string,
  { reason, occurredAt = new Date() }: { reason?: string; occurredAt?: Date } = {},
): EventOf<VectorDecisionType> {
  return createEvent<VectorDecisionType>({
    id: randomEventId(),
    type,
    orgId,
    occurredAt: occurredAt.toISOString(),
    payload: {
      collectionId: COLLECTION,
      vectorId,
      ...(reason === undefined ? {} : { reason }),
      actor: 'ck_testactor01',
    },
  });
}

/** A Buzo retrieval as the gateway publishes it, serving `vectorIds` in order. */
export function retrievalServing(orgId: string, vectorIds: string[]): EventOf<'retrieval.recorded.v1'> {
  const clientEventId = randomUUID();
  const timestamp = new Date().toISOString();
  return createEvent({
    id: deterministicId(orgId, 'retrieval', clientEventId),
    type: 'retrieval.recorded.v1',
    orgId,
    occurredAt: timestamp,
    correlationId: 'chain-run-abc',
    payload: {
      clientEventId,
      source: 'buzo',
      collectionId: COLLECTION,
      query: { text: 'how long is a reset link valid?' },
      results: vectorIds.map((id, index) => ({ id, score: 0.9 - index / 100 })),
      latencyMs: 12,
      kReturned: vectorIds.length,
      timestamp,
      parentQueryId: 'chain-run-abc',
      sdk: { lang: 'ts', version: '0.4.0' },
    },
  });
}

export interface Generation {
  eventId: string;
  clientEventId: string;
  runId: string;
}

export function generation(orgId: string): Generation {
  const clientEventId = randomUUID();
  return { eventId: deterministicId(orgId, 'generation', clientEventId), clientEventId, runId: `run-${clientEventId}` };
}

/** A citation as the matcher publishes it: id from (generation, vector, matcher version). */
export function citationOf(
  orgId: string,
  cited: Generation,
  vectorId: string,
  matcherVersion = 'matcher-1',
): EventOf<'citation.detected.v1'> {
  return createEvent({
    id: deterministicId(orgId, 'citation', cited.eventId, COLLECTION, vectorId, matcherVersion),
    type: 'citation.detected.v1',
    orgId,
    occurredAt: new Date().toISOString(),
    correlationId: cited.runId,
    causationId: randomEventId(),
    payload: {
      generation: { eventId: cited.eventId, clientEventId: cited.clientEventId, runId: cited.runId },
      collectionId: COLLECTION,
      vectorId,
      retrievalEventId: randomEventId(),
      tier: 'verbatim',
      score: 0.87,
      spans: [{ start: 0, end: 45 }],
      matcherVersion,
    },
  });
}

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Answers with a status code, or `hang`: keeps the request open without answering. */
type Behaviour = (request: ReceivedRequest, nth: number) => number | 'hang';

/** A webhook receiver: a real HTTP server on 127.0.0.1 that records every request per path. */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly hanging: ServerResponse[] = [];
  private server: Server | undefined;
  private port = 0;

  async start(port = 0): Promise<this> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        const received = { path: request.url ?? '', headers: request.headers, body };
        this.requests.push(received);
        const behaviour = this.behaviours.get(received.path) ?? (() => 204);
        const answer = behaviour(received, this.to(received.path).length);
        if (answer === 'hang') this.hanging.push(response);
        else response.writeHead(answer).end();
      });
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  on(path: string, behaviour: Behaviour): void {
    this.behaviours.set(path, behaviour);
  }

  to(path: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  async waitFor(path: string, count: number, timeoutMs = 30_000): Promise<ReceivedRequest[]> {
    return waitFor(`${count} request(s) to ${path}`, () => this.to(path).length >= count && this.to(path), {
      timeoutMs,
    });
  }

  /** Drops the connections of requests left hanging, as a receiver that crashed would. */
  dropHanging(): void {
    for (const response of this.hanging.splice(0)) response.socket?.destroy();
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

export const header = (request: ReceivedRequest, name: string): string => {
  const value = request.headers[name.toLowerCase()];
  if (typeof value !== 'string') throw new Error(`request to ${request.path} has no ${name} header`);
  return value;
};

/** The consumer groups alerting runs under `ALERTING_GROUP_ID=<base>`, with their topics. */
export const alertingGroups = (base: string): [string, TopicName[]][] => [
  [`${base}-alerts`, [Topics.ingest, Topics.citations]],
  [`${base}-quarantine`, [Topics.vectors]],
];

/** Reads of alerting's own tables, to wait on its state and check what it recorded. */
export class AlertingTables {
  constructor(private readonly pool: Pool) {}

  async quarantineState(orgId: string, vectorId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ state: string }>(
      'SELECT state FROM alerting.quarantine WHERE org_id = $1 AND collection_id = $2 AND vector_id = $3',
      [orgId, COLLECTION, vectorId],
    );
    return rows[0]?.state;
  }

  async waitForStates(orgId: string, expected: Record<string, string>): Promise<void> {
    await waitFor(`quarantine states ${JSON.stringify(expected)} in ${orgId}`, async () => {
      for (const [vectorId, state] of Object.entries(expected)) {
        if ((await this.quarantineState(orgId, vectorId)) !== state) return false;
      }
      return true;
    });
  }

  async alert(alertId: string): Promise<{ notified: boolean }[]> {
    const { rows } = await this.pool.query<{ notified: boolean }>(
      'SELECT notified FROM alerting.alerts WHERE id = $1',
      [alertId],
    );
    return rows;
  }

  async deliveries(alertId: string): Promise<{ id: string; webhookId: string; status: string; attempts: number }[]> {
    const { rows } = await this.pool.query<{ id: string; webhook_id: string; status: string; attempts: number }>(
      'SELECT id, webhook_id, status, attempts FROM alerting.deliveries WHERE alert_id = $1 ORDER BY created_at',
      [alertId],
    );
    return rows.map((row) => ({ id: row.id, webhookId: row.webhook_id, status: row.status, attempts: row.attempts }));
  }

  async pendingDeliveries(orgIds: readonly string[]): Promise<number> {
    const { rows } = await this.pool.query<{ pending: string }>(
      `SELECT count(*) AS pending FROM alerting.deliveries WHERE org_id = ANY($1) AND status = 'pending'`,
      [[...orgIds]],
    );
    return Number(rows[0]?.pending);
  }

  async attempts(deliveryId: string): Promise<{ attempt: number; statusCode: number | null; error: string | null }[]> {
    const { rows } = await this.pool.query<{ attempt: number; status_code: number | null; error: string | null }>(
      'SELECT attempt, status_code, error FROM alerting.delivery_attempts WHERE delivery_id = $1 ORDER BY attempt',
      [deliveryId],
    );
    return rows.map((row) => ({ attempt: row.attempt, statusCode: row.status_code, error: row.error }));
  }

  /** Removes what a test run left behind, so later runs' workers do not keep retrying its deliveries. */
  async removeOrganizations(orgIds: readonly string[], groupBases: readonly string[]): Promise<void> {
    const orgs = [...orgIds];
    await this.pool.query(
      `DELETE FROM alerting.delivery_attempts WHERE delivery_id IN (SELECT id FROM alerting.deliveries WHERE org_id = ANY($1))`,
      [orgs],
    );
    for (const table of ['deliveries', 'alerts', 'webhooks', 'quarantine', 'notification_settings']) {
      await this.pool.query(`DELETE FROM alerting.${table} WHERE org_id = ANY($1)`, [orgs]);
    }
    const groups = groupBases.flatMap((base) => alertingGroups(base).map(([group]) => group));
    await this.pool.query('DELETE FROM alerting.consumer_offsets WHERE group_id = ANY($1)', [groups]);
  }
}
