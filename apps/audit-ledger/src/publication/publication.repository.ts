import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from '@cairn/pg';
import { PG_POOL } from '@cairn/service-kit';
import type { PublishableRow } from '../domain/ledger-appended';
import { laggingOrganizations, progressTotals, PUBLICATION_PROGRESS } from '../ledger/chain-progress';
import { ENTRY_COLUMNS, toStoredRow, type EntryRecord } from '../ledger/entry-record';

export interface ClaimedEntries {
  publishedSeq: number;
  /** The next entries after `publishedSeq`, in seq order. */
  rows: PublishableRow[];
}

/** SQL for `ledger.publication`: how far each chain is on `cairn.ledger.v1`. */
@Injectable()
export class PublicationRepository {
  constructor(@Inject(PG_POOL) readonly pool: Pool) {}

  /** Organizations whose chain is ahead of what is published. */
  laggingOrganizations(limit: number): Promise<string[]> {
    return laggingOrganizations(this.pool, PUBLICATION_PROGRESS, limit);
  }

  /**
   * Locks the organization's publication progress for this transaction and reads the entries after it;
   * undefined when another replica holds it.
   */
  async claimBatch(client: PoolClient, orgId: string, limit: number): Promise<ClaimedEntries | undefined> {
    // With no entries after the progress, the one row has nulls for every entry column.
    const { rows } = await client.query<
      Omit<EntryRecord, 'seq'> & { published_seq: string; seq: string | null; correlation_id: string | null }
    >(
      `WITH claimed AS (SELECT published_seq FROM ledger.publication WHERE org_id = $1 FOR UPDATE SKIP LOCKED)
       SELECT c.published_seq, e.* FROM claimed c LEFT JOIN LATERAL (
         SELECT ${ENTRY_COLUMNS}, correlation_id FROM ledger.entries
         WHERE org_id = $1 AND seq > c.published_seq ORDER BY seq LIMIT $2
       ) e ON true ORDER BY e.seq`,
      [orgId, limit],
    );
    if (rows.length === 0) {
      // No progress yet, or another replica holds it: a row this transaction inserts is its own.
      const inserted = await client.query(
        `INSERT INTO ledger.publication (org_id, published_seq) VALUES ($1, 0) ON CONFLICT (org_id) DO NOTHING
         RETURNING published_seq`,
        [orgId],
      );
      return inserted.rowCount === 1 ? this.claimBatch(client, orgId, limit) : undefined;
    }
    return {
      publishedSeq: Number(rows[0]!.published_seq),
      rows: rows.flatMap(({ seq, correlation_id: correlationId, ...entry }) =>
        seq === null ? [] : [{ ...toStoredRow({ ...entry, seq }), correlationId }],
      ),
    };
  }

  async advance(client: PoolClient, orgId: string, publishedSeq: number): Promise<void> {
    await client.query('UPDATE ledger.publication SET published_seq = $2 WHERE org_id = $1', [orgId, publishedSeq]);
  }

  /** Entries in the ledger and entries published, over every organization. */
  async totals(): Promise<{ ledger: number; published: number }> {
    const { ledger, done } = await progressTotals(this.pool, PUBLICATION_PROGRESS);
    return { ledger, published: done };
  }
}
