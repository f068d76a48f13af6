import { Inject, Injectable } from '@nestjs/common';
import { withTransaction, type Pool, type PoolClient } from '@cairn/pg';
import { PG_POOL } from '@cairn/service-kit';
import { outcomeName, type DeliveryOutcome } from '../domain/delivery-outcome';
import { ALERTING_SCHEMA as S } from '../migrations';

/** A delivery a worker has leased: everything needed to send it once. */
export interface ClaimedDelivery {
  id: string;
  alertId: string;
  /** This claim's attempt number, from 1. */
  attempt: number;
  /** Proves the lease is still this worker's when the outcome is recorded. */
  claimToken: string;
  /** Time since the delivery was queued, by the database clock. */
  ageMs: number;
  url: string;
  secret: string;
  body: string;
}

export interface AttemptRecord {
  startedAt: Date;
  durationMs: number;
  statusCode?: number;
  error?: string;
}

/** The webhook outbox: queued with the alert, leased by workers, closed as delivered, failed or cancelled. */
@Injectable()
export class DeliveriesRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** One pending delivery per active webhook of the organization; returns how many were queued. */
  async queue(client: PoolClient, alertId: string, orgId: string): Promise<number> {
    const { rowCount } = await client.query(
      `INSERT INTO ${S}.deliveries (id, alert_id, webhook_id, org_id, status)
       SELECT gen_random_uuid(), $1, w.id, w.org_id, 'pending' FROM ${S}.webhooks w
       WHERE w.org_id = $2 AND w.deleted_at IS NULL
       ON CONFLICT (alert_id, webhook_id) DO NOTHING`,
      [alertId, orgId],
    );
    return rowCount ?? 0;
  }

  /**
   * Leases up to `limit` due deliveries by pushing them `leaseMs` into the future. SKIP LOCKED lets
   * replicas claim side by side without waiting on each other; a worker that dies mid-send leaves
   * its lease to expire, and the delivery is due again.
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const { rows } = await this.pool.query<{
      id: string;
      alert_id: string;
      attempts: number;
      claim_token: string;
      age_ms: string;
      url: string;
      secret: string;
      body: string;
    }>(
      `WITH due AS (
         SELECT id FROM ${S}.deliveries
         WHERE status = 'pending' AND next_attempt_at <= now()
         ORDER BY next_attempt_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED
       )
       UPDATE ${S}.deliveries d
       SET attempts = d.attempts + 1, claim_token = gen_random_uuid(),
           next_attempt_at = now() + $2 * interval '1 millisecond'
       FROM due, ${S}.webhooks w, ${S}.alerts a
       WHERE d.id = due.id AND w.id = d.webhook_id AND a.id = d.alert_id
       RETURNING d.id, d.alert_id, d.attempts, d.claim_token,
         floor(extract(epoch FROM now() - d.created_at) * 1000) AS age_ms, w.url, w.secret, a.body`,
      [limit, leaseMs],
    );
    return rows.map((row) => ({
      id: row.id,
      alertId: row.alert_id,
      attempt: row.attempts,
      claimToken: row.claim_token,
      ageMs: Number(row.age_ms),
      url: row.url,
      secret: row.secret,
      body: row.body,
    }));
  }

  /**
   * Records the attempt and moves the delivery on. Only the holder of the current lease moves it:
   * a worker that outlived its lease still records its attempt, but leaves the delivery to the
   * worker that re-claimed it (and a cancelled delivery stays cancelled).
   */
  async recordAttempt(claim: ClaimedDelivery, attempt: AttemptRecord, outcome: DeliveryOutcome): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO ${S}.delivery_attempts (delivery_id, attempt, attempted_at, duration_ms, status_code, error)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          claim.id,
          claim.attempt,
          attempt.startedAt,
          attempt.durationMs,
          attempt.statusCode ?? null,
          attempt.error?.slice(0, 1_000) ?? null,
        ],
      );
      const owned = `WHERE id = $1 AND claim_token = $2 AND status = 'pending'`;
      if ('retryInMs' in outcome) {
        await client.query(
          `UPDATE ${S}.deliveries SET next_attempt_at = now() + $3 * interval '1 millisecond', claim_token = NULL ${owned}`,
          [claim.id, claim.claimToken, outcome.retryInMs],
        );
      } else {
        await client.query(
          `UPDATE ${S}.deliveries SET status = $3, completed_at = now(), claim_token = NULL ${owned}`,
          [claim.id, claim.claimToken, outcomeName(outcome)],
        );
      }
    });
  }
}
