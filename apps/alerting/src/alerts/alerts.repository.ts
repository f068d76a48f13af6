import { Injectable } from '@nestjs/common';
import type { PoolClient } from '@cairn/pg';
import type { AlertEvent } from '../domain/alert-decisions';
import { ALERTING_SCHEMA as S } from '../migrations';

/** Every alert raised, once: its id is deterministic, so a repeat of its cause finds it already here. */
@Injectable()
export class AlertsRepository {
  /** Records the alert; false when it was raised before (nothing to publish or send again). */
  async record(client: PoolClient, alert: AlertEvent, raisedAt: Date): Promise<boolean> {
    const { rowCount } = await client.query(
      `INSERT INTO ${S}.alerts (id, org_id, alert_type, collection_id, vector_id, body, raised_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
      [
        alert.id,
        alert.orgId,
        alert.payload.alertType,
        alert.payload.collectionId,
        alert.payload.vectorId,
        JSON.stringify(alert),
        raisedAt,
      ],
    );
    return rowCount === 1;
  }

  /** Whether webhooks were already notified of this (type, vector) within the last `windowMs`. */
  async notifiedWithin(client: PoolClient, alert: AlertEvent, now: Date, windowMs: number): Promise<boolean> {
    if (windowMs === 0) return false;
    const { rows } = await client.query<{ notified: boolean }>(
      `SELECT EXISTS (
         SELECT 1 FROM ${S}.alerts
         WHERE org_id = $1 AND alert_type = $2 AND collection_id = $3 AND vector_id = $4 AND notified
           AND raised_at > $5::timestamptz - $6 * interval '1 millisecond'
       ) AS notified`,
      [alert.orgId, alert.payload.alertType, alert.payload.collectionId, alert.payload.vectorId, now, windowMs],
    );
    return rows[0]?.notified === true;
  }

  async markNotified(client: PoolClient, alertId: string): Promise<void> {
    await client.query(`UPDATE ${S}.alerts SET notified = true WHERE id = $1`, [alertId]);
  }
}
