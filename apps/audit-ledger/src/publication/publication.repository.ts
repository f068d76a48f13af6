import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from '@cairn/pg';
import { PG_POOL } from '@cairn/service-kit';
import type { PublishableRow } from '../domain/ledger-appended';
import { claimEntries, laggingOrganizations, PUBLICATION_PROGRESS } from '../ledger/chain-progress';
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

  /** Claims the organization's publication progress and reads the entries after it (see `claimEntries`). */
  async claimBatch(client: PoolClient, orgId: string, limit: number): Promise<ClaimedEntries | undefined> {
    const claimed = await claimEntries<EntryRecord & { correlation_id: string | null }>(
      client,
      PUBLICATION_PROGRESS,
      orgId,
      `${ENTRY_COLUMNS}, correlation_id`,
      limit,
    );
    return (
      claimed && {
        publishedSeq: claimed.progressSeq,
        rows: claimed.records.map((record) => ({ ...toStoredRow(record), correlationId: record.correlation_id })),
      }
    );
  }

  async advance(client: PoolClient, orgId: string, publishedSeq: number): Promise<void> {
    await client.query('UPDATE ledger.publication SET published_seq = $2 WHERE org_id = $1', [orgId, publishedSeq]);
  }
}
