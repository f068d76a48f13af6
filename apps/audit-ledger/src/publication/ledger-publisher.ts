import type { EventPublisher } from '@cairn/kafka';
import { withTransaction, type Pool } from '@cairn/pg';
import { ledgerAppendedEvent } from '../domain/ledger-appended';
import { assertContiguous, ChainFollower, type FollowerOptions } from '../ledger/chain-follower';
import type { PublicationRepository } from './publication.repository';

export interface LedgerPublisherOptions extends FollowerOptions {
  /** Entries published per transaction. */
  batchSize: number;
  clock?: () => Date;
}

/**
 * Puts committed entries on `cairn.ledger.v1`, each chain in seq order: the entries table is the outbox.
 * A batch is one transaction that claims the organization's publication progress, publishes the
 * entries after it, waits for Kafka to acknowledge them, and advances the progress. A crash between
 * the acknowledgement and the commit publishes those entries again under the same ids (they are
 * derived from the chain position), which consumers drop as repeats.
 */
export class LedgerPublisher extends ChainFollower {
  constructor(
    private readonly pool: Pool,
    private readonly repository: PublicationRepository,
    private readonly publisher: EventPublisher,
    private readonly publisherOptions: LedgerPublisherOptions,
  ) {
    super(publisherOptions);
  }

  protected laggingOrganizations(limit: number): Promise<string[]> {
    return this.repository.laggingOrganizations(limit);
  }

  protected async nextBatch(orgId: string): Promise<number> {
    return withTransaction(this.pool, async (client) => {
      const claimed = await this.repository.claimBatch(client, orgId, this.publisherOptions.batchSize);
      if (claimed === undefined || claimed.rows.length === 0) return 0;
      const { publishedSeq, rows } = claimed;
      // Publish nothing past a hole.
      assertContiguous(
        publishedSeq,
        rows.map((row) => row.seq),
      );
      const now = (this.publisherOptions.clock ?? (() => new Date()))();
      await this.publisher.publish(rows.map((row) => ledgerAppendedEvent(orgId, row, now)));
      await this.repository.advance(client, orgId, rows[rows.length - 1]!.seq);
      return rows.length;
    });
  }
}
