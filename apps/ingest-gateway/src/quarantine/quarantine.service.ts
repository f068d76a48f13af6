import { Inject, Injectable } from '@nestjs/common';
import { createEvent, randomEventId, Topics, type EventOf } from '@cairn/contracts';
import { EventPublisher, type ConsumedEvent } from '@cairn/kafka';
import type { Pool, PoolClient } from '@cairn/pg';
import { Infrastructure, PG_POOL, type Principal } from '@cairn/service-kit';
import type { VectorStateChangeDto } from './quarantine.dto';

export const VECTOR_ACTIONS = {
  quarantine: { type: 'vector.quarantined.v1', state: 'QUARANTINED' },
  release: { type: 'vector.released.v1', state: 'RELEASED' },
  approve: { type: 'vector.approved.v1', state: 'APPROVED' },
} as const;
export type VectorAction = keyof typeof VECTOR_ACTIONS;
type VectorStateEvent = EventOf<(typeof VECTOR_ACTIONS)[VectorAction]['type']>;

const STATE_BY_TYPE = new Map<string, string>(Object.values(VECTOR_ACTIONS).map(({ type, state }) => [type, state]));

export interface QuarantineEntry {
  collectionId: string;
  vectorId: string;
  state: string;
  reason: string | null;
  changedBy: string;
  changedAt: string;
}

/**
 * Publishes quarantine decisions on `cairn.vectors.v1` and keeps the gateway's read model of the
 * current quarantine from that same topic, so the list reflects what every service sees.
 */
@Injectable()
export class QuarantineService {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly publisher: EventPublisher,
    infrastructure: Infrastructure,
  ) {
    infrastructure.registerConsumer({
      groupId: 'ingest-gateway-quarantine',
      topics: [Topics.vectors],
      handler: (events, { client }) => this.apply(events, client),
    });
  }

  async change(principal: Principal, action: VectorAction, change: VectorStateChangeDto): Promise<number> {
    const now = new Date();
    const vectorIds = [...new Set(change.vectorIds)];
    const events: VectorStateEvent[] = vectorIds.map((vectorId) =>
      createEvent<VectorStateEvent['type']>(
        {
          id: randomEventId(),
          type: VECTOR_ACTIONS[action].type,
          orgId: principal.orgId,
          occurredAt: now.toISOString(),
          payload: {
            collectionId: change.collectionId,
            vectorId,
            ...(change.reason === undefined ? {} : { reason: change.reason }),
            actor: principal.prefix,
          },
        },
        now,
      ),
    );
    await this.publisher.publish(events);
    return events.length;
  }

  async list(orgId: string, state: string | undefined): Promise<QuarantineEntry[]> {
    const { rows } = await this.pool.query<{
      collection_id: string;
      vector_id: string;
      state: string;
      reason: string | null;
      changed_by: string;
      changed_at: Date;
    }>(
      `SELECT collection_id, vector_id, state, reason, changed_by, changed_at FROM gateway.quarantine
       WHERE org_id = $1 AND state = $2 ORDER BY collection_id, vector_id`,
      [orgId, state ?? 'QUARANTINED'],
    );
    return rows.map((row) => ({
      collectionId: row.collection_id,
      vectorId: row.vector_id,
      state: row.state,
      reason: row.reason,
      changedBy: row.changed_by,
      changedAt: row.changed_at.toISOString(),
    }));
  }

  private async apply(events: readonly ConsumedEvent[], client: PoolClient): Promise<void> {
    for (const { event } of events) {
      if (
        event.type !== 'vector.quarantined.v1' &&
        event.type !== 'vector.released.v1' &&
        event.type !== 'vector.approved.v1'
      ) {
        continue;
      }
      const state = STATE_BY_TYPE.get(event.type);
      const payload = event.payload;
      await client.query(
        `INSERT INTO gateway.quarantine (org_id, collection_id, vector_id, state, reason, changed_by, changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (org_id, collection_id, vector_id) DO UPDATE
         SET state = excluded.state, reason = excluded.reason, changed_by = excluded.changed_by,
             changed_at = excluded.changed_at
         WHERE gateway.quarantine.changed_at <= excluded.changed_at`,
        [
          event.orgId,
          payload.collectionId,
          payload.vectorId,
          state,
          payload.reason ?? null,
          payload.actor,
          event.occurredAt,
        ],
      );
    }
  }
}
