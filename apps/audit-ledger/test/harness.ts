import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  createEvent,
  DOMAIN_TOPICS,
  type CairnEvent,
  type EventOf,
  type EventType,
  type NewEvent,
} from '@cairn/contracts';
import { createKafka, ensureTopics, EventPublisher } from '@cairn/kafka';
import { createPool, type Pool } from '@cairn/pg';
import {
  REPO_ROOT,
  startGroupAtEnd,
  startService,
  testEnvironment,
  uniqueName,
  waitFor,
  type RunningService,
} from '@cairn/testing';
import type { StoredRow } from '../src/domain/chain-verification';
import { ENTRY_COLUMNS, toStoredRow, type EntryRecord } from '../src/ledger/entry-record';
import { PROJECTION_TABLES } from '../src/migrations';

/**
 * How long a test waits for the service: it appends everything published on the shared topics while it
 * runs, and another team's benchmark there can put minutes of work ahead of a test's events.
 */
export const SERVICE_WAIT_MS = 150_000;

/** A fixed clock for the envelopes' recordedAt: nothing in the ledger depends on it. */
export const RECORDED_AT = new Date('2026-04-18T15:00:00.000Z');

export function event<TType extends EventType>(input: NewEvent<TType>): EventOf<TType> {
  return createEvent(input, RECORDED_AT);
}

export interface HttpAnswer<TBody = unknown> {
  status: number;
  contentType: string | null;
  body: TBody;
  text: string;
}

/**
 * One audit-ledger process against the shared stack, with its own consumer group started at the topics'
 * current end (the shared topics' backlog belongs to other runs), a publisher and a Postgres pool.
 */
export class LedgerHarness {
  readonly env = testEnvironment();
  readonly kafka = createKafka({ brokers: this.env.kafkaBrokers, clientId: 'audit-ledger-test' });
  readonly publisher = new EventPublisher(this.kafka, { ackTimeoutMs: 30_000 });
  readonly groupId = uniqueName('audit-ledger-test');
  /**
   * A database of its own, dropped at the end: the service appends everything published on the shared
   * topics while it runs (other teams' benchmarks included), which must not pile up from run to run.
   */
  readonly databaseUrl: string;
  readonly pool: Pool;
  private readonly databaseName = `ledger_${this.groupId.replace(/[^a-z0-9]/g, '_')}_test`;
  service: RunningService | undefined;

  constructor() {
    const url = new URL(this.env.databaseUrl);
    url.pathname = `/${this.databaseName}`;
    this.databaseUrl = url.toString();
    this.pool = createPool(this.databaseUrl, { applicationName: 'audit-ledger-test', max: 4 });
  }

  /** Before the organizations are created, so their access events reach the ledger too. */
  async prepare(): Promise<void> {
    await withServerPool(this.env.databaseUrl, (server) => server.query(`CREATE DATABASE ${this.databaseName}`));
    await ensureTopics(this.kafka);
    await startGroupAtEnd(this.kafka, this.groupId, DOMAIN_TOPICS);
    await this.publisher.connect();
  }

  async start(env: Record<string, string> = {}): Promise<RunningService> {
    this.service = await startService('audit-ledger', {
      DATABASE_URL: this.databaseUrl,
      LEDGER_GROUP_ID: this.groupId,
      ...env,
    });
    return this.service;
  }

  async stop(): Promise<void> {
    await this.service?.kill('SIGTERM');
    this.service = undefined;
  }

  async close(): Promise<void> {
    await this.stop();
    await this.publisher.disconnect();
    await this.pool.end();
    await withServerPool(this.env.databaseUrl, (server) =>
      server.query(`DROP DATABASE IF EXISTS ${this.databaseName} WITH (FORCE)`),
    );
  }

  get url(): string {
    if (this.service === undefined) throw new Error('the service is not running');
    return this.service.url;
  }

  async publish(...events: CairnEvent[]): Promise<void> {
    await this.publisher.publish(events);
  }

  async chainLength(orgId: string): Promise<number> {
    const { rows } = await this.pool.query<{ seq: string }>('SELECT seq FROM ledger.heads WHERE org_id = $1', [orgId]);
    return Number(rows[0]?.seq ?? 0);
  }

  async waitForChainLength(orgId: string, length: number, timeoutMs = SERVICE_WAIT_MS): Promise<void> {
    await waitFor(
      `${orgId}'s chain to reach ${length} entries`,
      async () => (await this.chainLength(orgId)) >= length,
      {
        timeoutMs,
        intervalMs: 50,
      },
    );
  }

  async entries(orgId: string): Promise<StoredRow[]> {
    const { rows } = await this.pool.query<EntryRecord>(
      `SELECT ${ENTRY_COLUMNS} FROM ledger.entries WHERE org_id = $1 ORDER BY seq`,
      [orgId],
    );
    return rows.map(toStoredRow);
  }

  /** Until the organization's projection has caught up with its chain. */
  async waitForProjected(orgId: string, timeoutMs = SERVICE_WAIT_MS): Promise<void> {
    await waitFor(
      `${orgId}'s projections to catch up`,
      async () => {
        const { rows } = await this.pool.query<{ lag: string }>(
          `SELECT h.seq - coalesce(p.projected_seq, 0) AS lag FROM ledger.heads h
           LEFT JOIN projections.progress p USING (org_id) WHERE h.org_id = $1`,
          [orgId],
        );
        return rows[0] !== undefined && Number(rows[0].lag) === 0;
      },
      { timeoutMs, intervalMs: 50 },
    );
  }

  /** Until every organization's projection has caught up (the service must be running). */
  async waitForAllProjected(timeoutMs = SERVICE_WAIT_MS): Promise<void> {
    await waitFor(
      'every projection to catch up',
      async () => {
        const { rows } = await this.pool.query<{ lagging: string }>(
          `SELECT count(*) AS lagging FROM ledger.heads h LEFT JOIN projections.progress p USING (org_id)
           WHERE h.seq > coalesce(p.projected_seq, 0)`,
        );
        return Number(rows[0]?.lagging) === 0;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  /** One digest per projection table over all its rows, in a fixed order. */
  async projectionChecksums(): Promise<Record<string, string>> {
    const checksums: Record<string, string> = {};
    for (const table of PROJECTION_TABLES) {
      const { rows } = await this.pool.query<{ rows: string; digest: string }>(
        `SELECT count(*) AS rows, md5(coalesce(string_agg(t::text, ',' ORDER BY t::text COLLATE "C"), ''))
           AS digest FROM projections.${table} t`,
      );
      checksums[table] = `${rows[0]!.rows}:${rows[0]!.digest}`;
    }
    return checksums;
  }

  async get<TBody = unknown>(pathAndQuery: string, key: string | undefined): Promise<HttpAnswer<TBody>> {
    const response = await fetch(`${this.url}${pathAndQuery}`, {
      headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type');
    const body = (contentType?.includes('application/json') ? JSON.parse(text) : undefined) as TBody;
    return { status: response.status, contentType, body, text };
  }
}

async function withServerPool(databaseUrl: string, work: (pool: Pool) => Promise<unknown>): Promise<void> {
  const server = createPool(databaseUrl, { applicationName: 'audit-ledger-test-setup', max: 1 });
  try {
    await work(server);
  } finally {
    await server.end();
  }
}

/** Runs a TypeScript command of this repository to completion. */
export function runTs(entry: string, args: string[], env: Record<string, string> = {}, input?: string) {
  const result = spawnSync(process.execPath, ['-r', path.join(REPO_ROOT, 'tools/register.cjs'), entry, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
