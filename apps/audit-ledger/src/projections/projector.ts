import type { Pool, PoolClient } from '@cairn/pg';
import { parseStoredEntry } from '../domain/chain-verification';
import { projectEntries } from '../domain/projection';
import type { ProjectionsRepository } from './projections.repository';

export interface ProjectorOptions {
  /** Entries projected per transaction. */
  batchSize: number;
  /** Organizations projected at once. */
  concurrency: number;
  onError?: (orgId: string, error: unknown) => void;
}

/** Lagging organizations looked at per round. */
const ROUND_SIZE = 1_000;
/** An organization whose entries failed to project is left alone this long before it is retried. */
const FAILURE_BACKOFF_MS = 5_000;

async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/**
 * Brings the read models up to the ledger, organization by organization, in seq order. Each batch is one
 * transaction holding the organization's progress row (`FOR UPDATE SKIP LOCKED`, so replicas and the
 * rebuild command share the work without projecting anything twice) that applies the rows and advances
 * `projected_seq` together: a crash at any point leaves progress and projections in agreement.
 * Used by the service's projection loop and by the rebuild command.
 */
export class Projector {
  private stopping = false;
  private readonly retryAt = new Map<string, number>();

  constructor(
    private readonly pool: Pool,
    private readonly repository: ProjectionsRepository,
    private readonly options: ProjectorOptions,
  ) {}

  /** Stops after the batches in flight. */
  stop(): void {
    this.stopping = true;
  }

  /**
   * Projects until no organization lags (or only ones another projector holds, or that just failed);
   * resolves with the number of entries projected. `onProjected` is told after every batch.
   */
  async catchUp(onProjected?: (entries: number) => void): Promise<number> {
    let total = 0;
    while (!this.stopping) {
      const now = Date.now();
      const lagging = await this.repository.laggingOrganizations(ROUND_SIZE);
      const ready = lagging.filter((orgId) => (this.retryAt.get(orgId) ?? 0) <= now);
      if (ready.length === 0) break;
      let projected = 0;
      await forEachConcurrently(ready, this.options.concurrency, async (orgId) => {
        const count = await this.projectOrganization(orgId, onProjected); // not `+= await`: workers interleave
        projected += count;
      });
      total += projected;
      if (projected === 0) break;
    }
    return total;
  }

  private async projectOrganization(orgId: string, onProjected?: (entries: number) => void): Promise<number> {
    let total = 0;
    try {
      while (!this.stopping) {
        const projected = await this.projectBatch(orgId);
        if (projected === 0) break;
        total += projected;
        onProjected?.(projected);
      }
      this.retryAt.delete(orgId);
    } catch (error) {
      this.retryAt.set(orgId, Date.now() + FAILURE_BACKOFF_MS);
      this.options.onError?.(orgId, error);
    }
    return total;
  }

  /** Projects the organization's next batch; 0 when it is caught up or another projector holds it. */
  async projectBatch(orgId: string): Promise<number> {
    return withRelaxedTransaction(this.pool, async (client) => {
      const claimed = await this.repository.claimBatch(client, orgId, this.options.batchSize);
      if (claimed === undefined || claimed.entries.length === 0) return 0;
      const { projectedSeq, entries: rows } = claimed;
      const entries = rows.map((row, index) => {
        // Entries are never removed, so a hole means the ledger was tampered with: project nothing past it.
        if (row.seq !== projectedSeq + index + 1)
          throw new Error(`ledger entry ${projectedSeq + index + 1} is missing`);
        return parseStoredEntry(row.canonical);
      });
      await this.repository.applyBatch(client, orgId, projectEntries(entries), rows[rows.length - 1]!.seq);
      return rows.length;
    });
  }
}

/**
 * A transaction that does not wait for its commit to reach disk. Projections are derived: a crash that
 * loses the last commits loses their progress with them, and those batches are projected again.
 */
async function withRelaxedTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN; SET LOCAL synchronous_commit = off');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
