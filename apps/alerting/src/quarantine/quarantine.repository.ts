import { Injectable } from '@nestjs/common';
import type { PoolClient } from '@cairn/pg';
import type { QuarantineLookup, VectorKey } from '../domain/alert-decisions';
import { ALERTING_SCHEMA as S } from '../migrations';

export type QuarantineState = 'QUARANTINED' | 'APPROVED' | 'RELEASED';

export interface QuarantineDecision extends VectorKey {
  state: QuarantineState;
  reason: string | undefined;
  decidedAt: string;
  /** The decision's offset in its cairn.vectors.v1 partition (one organization, one partition). */
  offset: string;
  eventId: string;
}

const keyOf = ({ orgId, collectionId, vectorId }: VectorKey) => JSON.stringify([orgId, collectionId, vectorId]);

/** Alerting's own view of quarantine decisions, built from cairn.vectors.v1. */
@Injectable()
export class QuarantineRepository {
  /**
   * Keeps the latest decision per vector: the later `occurredAt` wins and, on a tie, the later
   * event on the topic — so a decision that arrives late, or a replay, never undoes a newer one.
   */
  async apply(client: PoolClient, decision: QuarantineDecision): Promise<void> {
    await client.query(
      `INSERT INTO ${S}.quarantine
         (org_id, collection_id, vector_id, state, reason, decided_at, decision_offset, decision_event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (org_id, collection_id, vector_id) DO UPDATE
       SET state = excluded.state, reason = excluded.reason, decided_at = excluded.decided_at,
           decision_offset = excluded.decision_offset, decision_event_id = excluded.decision_event_id
       WHERE (${S}.quarantine.decided_at, ${S}.quarantine.decision_offset)
          <= (excluded.decided_at, excluded.decision_offset)`,
      [
        decision.orgId,
        decision.collectionId,
        decision.vectorId,
        decision.state,
        decision.reason ?? null,
        decision.decidedAt,
        decision.offset,
        decision.eventId,
      ],
    );
  }

  /** Which of `keys` are quarantined right now, read in the consumer's transaction. */
  async lookup(client: PoolClient, keys: readonly VectorKey[]): Promise<QuarantineLookup> {
    const unique = [...new Map(keys.map((key) => [keyOf(key), key])).values()];
    if (unique.length === 0) return () => undefined;
    const { rows } = await client.query<{
      org_id: string;
      collection_id: string;
      vector_id: string;
      reason: string | null;
    }>(
      `SELECT q.org_id, q.collection_id, q.vector_id, q.reason
       FROM ${S}.quarantine q
       JOIN unnest($1::text[], $2::text[], $3::text[]) AS k (org_id, collection_id, vector_id)
         USING (org_id, collection_id, vector_id)
       WHERE q.state = 'QUARANTINED'`,
      [unique.map((key) => key.orgId), unique.map((key) => key.collectionId), unique.map((key) => key.vectorId)],
    );
    const quarantined = new Map(
      rows.map((row) => [
        keyOf({ orgId: row.org_id, collectionId: row.collection_id, vectorId: row.vector_id }),
        row.reason === null ? {} : { reason: row.reason },
      ]),
    );
    return (key) => quarantined.get(keyOf(key));
  }
}
