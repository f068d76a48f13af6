import { Inject, Injectable } from '@nestjs/common';
import type { CairnEvent } from '@cairn/contracts';
import { EventPublisher } from '@cairn/kafka';
import { withTransaction, type Pool } from '@cairn/pg';
import { PG_POOL } from '@cairn/service-kit';

/** One event to accept, with the client's identity for it: idempotency is on (org, kind, id). */
export interface IntakeItem {
  kind: string;
  clientEventId: string;
  event: CairnEvent;
}

export interface IntakeResult {
  accepted: number;
  duplicates: number;
  /** The items that were new, in request order. */
  acceptedItems: IntakeItem[];
}

/**
 * Accepts a batch exactly once per (organization, kind, clientEventId). The idempotency rows are
 * inserted in a transaction that commits only after Kafka acknowledged the new events: if Kafka
 * fails, nothing is recorded and the client's retry is accepted, not counted as a duplicate.
 * Two concurrent identical requests serialize on the rows' unique index, so one accepts and the
 * other counts duplicates.
 */
@Injectable()
export class EventIntake {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly publisher: EventPublisher,
  ) {}

  async accept(orgId: string, items: readonly IntakeItem[]): Promise<IntakeResult> {
    const firstOccurrences = new Map<string, IntakeItem>();
    for (const item of items) {
      const key = `${item.kind}\u0000${item.clientEventId}`;
      if (!firstOccurrences.has(key)) firstOccurrences.set(key, item);
    }
    const unique = [...firstOccurrences.values()];
    const acceptedItems = await withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ kind: string; client_event_id: string }>(
        `INSERT INTO gateway.idempotency_keys (org_id, kind, client_event_id, event_id)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])
         ON CONFLICT DO NOTHING
         RETURNING kind, client_event_id`,
        [
          orgId,
          unique.map((item) => item.kind),
          unique.map((item) => item.clientEventId),
          unique.map((item) => item.event.id),
        ],
      );
      const inserted = new Set(rows.map((row) => `${row.kind}\u0000${row.client_event_id}`));
      const fresh = unique.filter((item) => inserted.has(`${item.kind}\u0000${item.clientEventId}`));
      await this.publisher.publish(fresh.map((item) => item.event));
      return fresh;
    });
    return { accepted: acceptedItems.length, duplicates: items.length - acceptedItems.length, acceptedItems };
  }
}
