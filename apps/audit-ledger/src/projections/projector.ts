import type { Pool, PoolClient } from '@cairn/pg';
import { parseStoredEntry } from '../domain/chain-verification';
import { projectEntries } from '../domain/projection';
import { assertContiguous, ChainFollower, type FollowerOptions } from '../ledger/chain-follower';
import type { ProjectionsRepository } from './projections.repository';

export interface ProjectorOptions extends FollowerOptions {
  /** Entries projected per transaction. */
  batchSize: number;
}

/**
 * Brings the read models up to the ledger, organization by organization, in seq order. Each batch is one
 * transaction holding the organization's progress row that applies the rows and advances
 * `projected_seq` together: a crash at any point leaves progress and projections in agreement.
 * Used by the service's projection loop and by the rebuild command.
 */
export class Projector extends ChainFollower {
  constructor(
    private readonly pool: Pool,
    private readonly repository: ProjectionsRepository,
    private readonly projectorOptions: ProjectorOptions,
  ) {
    super(projectorOptions);
  }

  protected laggingOrganizations(limit: number): Promise<string[]> {
    return this.repository.laggingOrganizations(limit);
  }

  protected async nextBatch(orgId: string): Promise<number> {
    return withRelaxedTransaction(this.pool, async (client) => {
      const claimed = await this.repository.claimBatch(client, orgId, this.projectorOptions.batchSize);
      if (claimed === undefined || claimed.entries.length === 0) return 0;
      const { projectedSeq, entries: rows } = claimed;
      // Project nothing past a hole.
      assertContiguous(
        projectedSeq,
        rows.map((row) => row.seq),
      );
      const entries = rows.map((row) => parseStoredEntry(row.canonical));
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
